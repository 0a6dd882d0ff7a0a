/**
 * Before and after in one run: the query API's small requests on two trees side by side.
 *
 *   git worktree add --detach ../base <rev> && (cd ../base && npm ci)
 *   npm run bench:compare -w collector -- ../base/collector [--rounds 10] [--seconds 3]
 *
 * Both trees' API bench collectors (`api.bench.ts --server`: 24 h of 1s bars, the live engine,
 * the ingest) run at once as child processes; each round asks each of them for the same path
 * for SECONDS with 10 connections, in ABBA order, and reads the server's CPU per request. A
 * busy machine then slows both sides alike, which running the whole `api` bench on one tree
 * after the other does not: there, two runs of one tree differ by more than 5 %. Printed per
 * path: each side's median CPU µs/request and the median of the rounds' after/before ratios.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { CommandLineError, parseCommandLine } from '../src/cli/commandLine';
import { printTable } from './table';

const USAGE = 'usage: npm run bench:compare -w collector -- BASE_COLLECTOR_DIR [--rounds N] [--seconds S]';
const PAIR = 'ETHUSDT/BTCUSDT';
/** The api bench's small queries, and its 24 h query as Grafana asks it (the bench's window 777, its caches warm). */
const paths = (t0: number, end: number): readonly (readonly [string, string])[] => [
  ['/api/stats (live engine)', `/api/stats?pair=${PAIR}&tf=1s&window=60`],
  ['/api/health', '/api/health'],
  ['/api/bars 60 x 1s', `/api/bars?symbol=BTCUSDT&tf=1s&from=${end - 60_000}&to=${end}`],
  ['/api/stats computed (series + ADF/EG per request)', `/api/stats?pair=${PAIR}&tf=1s&window=60&entryZ=2`],
  ['/api/analytics 24 h of 1s, maxDataPoints=1000', `/api/analytics?pair=${PAIR}&tf=1s&window=777&from=${t0}&to=${end}&maxDataPoints=1000`],
];

interface Side {
  name: 'before' | 'after';
  child: ChildProcess;
  api: string;
  t0: number;
  end: number;
  cpu: number[][];
}

function readArgs(): { base: string; rounds: number; seconds: number } {
  try {
    const { values, positionals } = parseCommandLine(process.argv.slice(2), {
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (positionals.length !== 1) throw new CommandLineError('', 'one BASE_COLLECTOR_DIR, the collector folder of the tree to compare against');
    const int = (name: string, v: unknown, dflt: number): number => {
      const n = v === undefined ? dflt : Number(v);
      if (!Number.isInteger(n) || n < 1) throw new CommandLineError(`--${name}`, `--${name} must be a positive integer, got ${String(v)}`);
      return n;
    };
    return { base: resolve(positionals[0]!), rounds: int('rounds', values.rounds, 10), seconds: int('seconds', values.seconds, 3) };
  } catch (e) {
    if (!(e instanceof CommandLineError)) throw e;
    console.error(`bench:compare: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
}

async function start(name: Side['name'], dir: string): Promise<Side> {
  const child = fork('bench/api.bench.ts', ['--server'], { cwd: dir, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ api: string; t0: number; end: number }>((ok, fail) => {
    child.on('message', (m: { ready?: { api: string; t0: number; end: number } }) => m.ready && ok(m.ready));
    child.once('exit', (code) => fail(new Error(`${name} (${dir}) exited with ${code} before it was ready`)));
  });
  return { name, child, ...ready, cpu: [] };
}

/** CPU time (µs, user + system) the side's collector has used so far. */
const serverCpu = (s: Side): Promise<number> =>
  new Promise((ok) => {
    const on = (m: { cpu?: number }): void => {
      if (m.cpu === undefined) return;
      s.child.off('message', on);
      ok(m.cpu);
    };
    s.child.on('message', on);
    s.child.send({ cmd: 'cpu' });
  });

async function measure(s: Side, path: string, seconds: number): Promise<number> {
  const c0 = await serverCpu(s);
  const r = await autocannon({ url: s.api + path, connections: 10, duration: seconds });
  if (r.non2xx + r.errors) throw new Error(`${s.name} ${path}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return ((await serverCpu(s)) - c0) / Math.max(1, r.requests.total);
}

const median = (v: readonly number[]): number => {
  const a = [...v].sort((p, q) => p - q);
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
};

async function main(): Promise<void> {
  const { base, rounds, seconds } = readArgs();
  const [before, after] = await Promise.all([start('before', base), start('after', resolve(__dirname, '..'))]);
  // both sides hold the same bars: the same generator from the same second, started together
  const PATHS = paths(Math.max(before.t0, after.t0), Math.min(before.end, after.end));
  for (const s of [before, after]) s.cpu = PATHS.map(() => []);
  try {
    for (const [, path] of PATHS) for (const s of [before, after]) await measure(s, path, 1); // JIT warm-up
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? [after, before] : [before, after];
      for (let p = 0; p < PATHS.length; p++) for (const s of order) s.cpu[p]!.push(await measure(s, PATHS[p]![1], seconds));
      process.stderr.write(`round ${r + 1}/${rounds}\r`);
    }
    console.log(`\nserver CPU µs per request, median of ${rounds} rounds of ${seconds} s, ABBA; before = ${base}`);
    printTable([
      ['query', 'before', 'after', 'after / before (median of rounds)'],
      ...PATHS.map(([name], p) => {
        const ratios = after.cpu[p]!.map((v, i) => v / before.cpu[p]![i]!);
        return [name, median(before.cpu[p]!).toFixed(1), median(after.cpu[p]!).toFixed(1), median(ratios).toFixed(3)];
      }),
    ]);
  } finally {
    for (const s of [before, after]) {
      s.child.send({ cmd: 'stop' });
      await new Promise((ok) => s.child.once('exit', ok));
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
