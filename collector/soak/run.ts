/**
 * `npm run soak`: reliability and load figures for the collector, on 127.0.0.1 only, in a few
 * minutes. It builds the collector (esbuild, as `npm run build` would with tsc), runs it as its
 * own process against the fake Binance (src/fake-binance) and reports:
 *
 *   1. feed faults + bad input: >= 100 injected feed faults while >= 10,000 hostile API requests
 *      hit the same collector; stored ticks must equal what the fake generated, and the memory
 *      the collector holds after a full collection must not grow (soak/memory.ts);
 *   2. crashes: 20 x kill -9 mid-ingest and restart (integrity, bars, backfill);
 *   3. load: autocannon against 20 symbols / 10 pairs live; throughput, p99, RSS;
 *   4. disk trouble: read-only directory at start, disk full while ingesting;
 *   5. fuzz: schemathesis from the OpenAPI document against the collector process while feed
 *      faults run, and the API token looked for in every log line, /metrics and error bodies.
 *
 *   npm run soak                    full run (3-6 minutes on a shared 2-core machine, by its load; the fuzz part 5-8 more)
 *   npm run soak -- --quick         a short run (under 2 minutes)
 *   npm run soak -- --only=crash,disk --out=/tmp/report.json
 *   npm run soak -- --quick --only=feed --plant-leak   a collector that keeps 32 KB per request: the memory check must fail
 *
 * Prints the report on stdout and writes it as JSON (default collector/soak-output/report.json);
 * progress goes to stderr. Exits 1 when a part fails its criteria.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildCollector, OUTPUT_DIR } from './collector-process';
import { runCrashes, type CrashesResult } from './crashes';
import { runDisk, type DiskResult } from './disk';
import { runFeedFaults, type FeedFaultsResult } from './feed-faults';
import { runFuzz, type FuzzResult } from './fuzz';
import { runHostile, type HostileResult } from './hostile';
import { runLoad, type LoadResult } from './load';
import { memoryEnv } from './memory';
import { log } from '../src/log';
import { parseCommandLine } from '../src/cli/commandLine';
import { formatReport } from './report';
import { progress } from './util';
import { findPython } from '@quant-pairs/testkit';

export const PARTS = ['feed', 'crash', 'load', 'disk', 'fuzz'] as const;
export type Part = (typeof PARTS)[number];

export interface SoakSettings {
  faults: number;
  kills: number;
  hostileRequests: number;
  loadSecondsPerEndpoint: number;
  /** schemathesis test cases per operation and phase. */
  fuzzExamples: number;
  only: Part[];
  /** Preload a leak into the feed part's collector (soak/plant-leak.cjs), to see the memory check fail. */
  plantLeak: boolean;
}

export const FULL: SoakSettings = {
  faults: 100,
  kills: 20,
  hostileRequests: 10_000,
  loadSecondsPerEndpoint: 2,
  fuzzExamples: 300,
  only: [...PARTS],
  plantLeak: false,
};
export const QUICK: SoakSettings = {
  faults: 20,
  kills: 3,
  hostileRequests: 1_000,
  loadSecondsPerEndpoint: 1,
  fuzzExamples: 30,
  only: [...PARTS],
  plantLeak: false,
};

export interface SoakReport {
  startedAt: string;
  durationSec: number;
  mode: 'full' | 'quick';
  settings: SoakSettings;
  machine: { node: string; cpus: number; loadAverage: number[] };
  feedFaults?: FeedFaultsResult;
  badInput?: HostileResult;
  crashes?: CrashesResult;
  load?: LoadResult;
  disk?: DiskResult;
  fuzz?: FuzzResult;
  failures: string[];
  ok: boolean;
}

export async function runSoak(settings: SoakSettings, mode: 'full' | 'quick'): Promise<SoakReport> {
  const t0 = Date.now();
  const os = await import('node:os');
  const report: SoakReport = {
    startedAt: new Date(t0).toISOString(),
    durationSec: 0,
    mode,
    settings,
    machine: { node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10) },
    failures: [],
    ok: false,
  };
  progress('build', 'compiling the collector');
  const mainJs = buildCollector();
  const step = async <T extends { ok: boolean }>(name: string, run: () => Promise<T>, put: (r: T) => void): Promise<void> => {
    progress(name, 'starting');
    try {
      const r = await run();
      put(r);
      if (!r.ok) report.failures.push(`${name}: criteria not met`);
    } catch (e) {
      report.failures.push(`${name}: ${(e as Error).message}`);
    }
  };
  const feed = async (): Promise<void> => {
    if (!settings.only.includes('feed')) return;
    const token = 'soak-hostile-token';
    let hostile: HostileResult | undefined;
    await step(
      'feed faults + bad input',
      () =>
        runFeedFaults({
          mainJs,
          faults: settings.faults,
          // the hostile requests exercise validation; from one address they would mostly meet the rate limit
          env: { API_TOKEN: token, RATE_LIMIT: '0', ...memoryEnv(settings.plantLeak) },
          during: async (c) => {
            hostile = await runHostile({ collector: c, token, pair: 'ETHUSDT/BTCUSDT', symbol: 'ETHUSDT', requests: settings.hostileRequests });
          },
        }),
      (r) => (report.feedFaults = r),
    );
    if (hostile) {
      report.badInput = hostile;
      if (!hostile.ok) report.failures.push('bad input: criteria not met');
    } else report.failures.push('bad input: did not run');
  };
  const crash = async (): Promise<void> => {
    if (settings.only.includes('crash'))
      await step(
        'crashes',
        () => runCrashes({ mainJs, kills: settings.kills }),
        (r) => (report.crashes = r),
      );
  };
  // One after the other: on a busy 2-core machine running them side by side saved no time.
  await feed();
  await crash();
  if (settings.only.includes('load'))
    await step(
      'load',
      () => runLoad({ mainJs, secondsPerEndpoint: settings.loadSecondsPerEndpoint }),
      (r) => (report.load = r),
    );
  if (settings.only.includes('disk'))
    await step(
      'disk',
      () => runDisk(mainJs),
      (r) => (report.disk = r),
    );
  if (settings.only.includes('fuzz'))
    await step(
      'fuzz',
      () =>
        runFuzz({
          mainJs,
          python: findPython(),
          seed: 1,
          maxExamples: settings.fuzzExamples,
          faults: 10,
          liveGarbage: settings.fuzzExamples * 10,
          liveFlood: settings.fuzzExamples * 100,
          grpcRounds: mode === 'quick' ? 2 : 3,
          grpcMutations: mode === 'quick' ? 30 : 60,
        }),
      (r) => (report.fuzz = r),
    );
  report.durationSec = Math.round((Date.now() - t0) / 100) / 10;
  report.ok = report.failures.length === 0;
  return report;
}

export function parseArgs(argv: readonly string[]): { settings: SoakSettings; mode: 'full' | 'quick'; out: string } {
  const { values, positionals } = parseCommandLine(argv, {
    quick: { type: 'boolean' },
    out: { type: 'string' },
    only: { type: 'string' },
    'plant-leak': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) throw new Error('help');
  if (positionals.length) throw new Error(`unknown argument ${positionals[0]}`);
  const mode = values.quick ? 'quick' : 'full';
  const settings = { ...(mode === 'quick' ? QUICK : FULL), plantLeak: values['plant-leak'] === true };
  if (typeof values.only === 'string') {
    const only = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean) as Part[];
    const bad = only.filter((p) => !PARTS.includes(p));
    if (bad.length) throw new Error(`--only: unknown part ${bad.join(', ')}; parts are ${PARTS.join(', ')}`);
    settings.only = only;
  }
  return { settings, mode, out: typeof values.out === 'string' ? values.out : join(OUTPUT_DIR, 'report.json') };
}

const HELP = `Usage: npm run soak [-- --quick] [-- --only feed,crash,load,disk,fuzz] [-- --out FILE] [-- --plant-leak]
  --quick     a short run (20 faults, 3 kills, 1,000 hostile requests, 1 s per load endpoint, 30 fuzz examples)
  --only=...  run only these parts (feed includes the bad-input requests)
  --out=FILE  where to write the JSON report (default collector/soak-output/report.json)
  --plant-leak  the feed part's collector keeps 32 KB per request (soak/plant-leak.cjs): its memory check must FAIL`;

if (require.main === module) {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    const help = (e as Error).message === 'help';
    process.stderr.write(`${help ? '' : `soak: ${(e as Error).message}\n\n`}${HELP}\n`);
    process.exit(help ? 0 : 2);
  }
  // Ctrl-C: exit through process.exit so that the disk part's 'exit' hook unmounts its tmpfs.
  process.once('SIGINT', () => process.exit(130));
  // The collector processes log JSON lines; the soak itself keeps its own process quiet.
  log.configure({ level: 'error' });
  runSoak(args.settings, args.mode).then(
    (report) => {
      mkdirSync(dirname(args.out), { recursive: true });
      writeFileSync(args.out, JSON.stringify(report, null, 2) + '\n');
      process.stdout.write(formatReport(report) + `\nJSON report: ${args.out}\n`);
      process.exit(report.ok ? 0 : 1);
    },
    (e: unknown) => {
      process.stderr.write(`soak: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
