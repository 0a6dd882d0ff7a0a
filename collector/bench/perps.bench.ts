/**
 * Issue 25: the live ingest of 100 spot and 100 USD-M perpetual symbols, the perpetuals with their
 * 1 s mark stream, against the spot-only ingest of the same 100 spot symbols as the baseline, in
 * the same run: ticks stored a second and the collector's CPU.
 *
 * Each scenario runs the fake Binance (spot) and the fake futures in a child process (so the CPU
 * column is the collector's alone: this process's `process.cpuUsage`), every symbol trading
 * `BENCH_RATE` aggregate trades a second (default 10: 1,000 spot + 1,000 perpetual ticks a
 * second), and here the collector's ingest path as main.ts wires it: an Ingestor per market on
 * loopback WebSockets, the TickWriter into SQLite on disk (1s / 1m / 5m bars kept), and the
 * funding job storing the marks (100 a second). Measured over `BENCH_SECONDS` (default 15) after
 * 3 s of warm-up; ticks and marks are counted in the store.
 * Symbols: wideUniverse's 100 real names (BTCUSDT .. PEPEUSDT and the next 87 by volume).
 *
 *   npm run bench -w collector -- perps
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startFakeBinance, startFakeFutures } from '../src/fake-binance';
import { wideUniverse } from '../src/fake-binance/market';
import { FundingJob } from '../src/ingest/funding';
import { Ingestor } from '../src/ingest/ingestor';
import { MarketIngest } from '../src/ingest/markets';
import { RestClient } from '../src/ingest/rest';
import { log } from '../src/log';
import { openSqliteStore } from '../src/store/sqlite';
import { TickWriter } from '../src/store/tickWriter';
import { printTable } from './table';

log.configure({ level: 'error' });

const RATE = Number(process.env.BENCH_RATE ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARM_MS = 3_000;
const SYMBOLS = wideUniverse(100, 2, 11).listings.map((l) => l.symbol);

interface Urls {
  spotWs: string;
  spotRest: string;
  futWs: string;
  futRest: string;
}

/** The child: both fakes trading every symbol at RATE, their URLs on stdout, until killed. */
async function fakes(): Promise<void> {
  const spot = await startFakeBinance({ symbols: SYMBOLS, stream: 'aggTrade', rate: RATE, historyLimit: 20_000 });
  const fut = await startFakeFutures({ symbols: SYMBOLS, rate: RATE, pastFundingMs: 8 * 3_600_000 });
  process.stdout.write(JSON.stringify({ spotWs: spot.wsUrl, spotRest: spot.restUrl, futWs: fut.wsUrl, futRest: fut.restUrl } satisfies Urls) + '\n');
}

async function startFakes(): Promise<{ child: ChildProcess; urls: Urls }> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--fakes'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { child, urls: JSON.parse(line) as Urls };
}

interface Figures {
  ticksPerSec: number;
  marksPerSec: number;
  cpuPct: number;
}

async function scenario(withPerps: boolean): Promise<Figures> {
  const { child, urls } = await startFakes();
  const dir = mkdtempSync(join(tmpdir(), 'bench-perps-'));
  const store = await openSqliteStore({ path: join(dir, 'c.db') });
  const writer = new TickWriter(store);
  const perps = SYMBOLS.map((s) => `${s}.P`);
  const funding = withPerps
    ? new FundingJob({ rest: new RestClient({ baseUrl: urls.futRest, kind: 'aggTrade', api: 'futures' }), store, symbols: perps, historyMs: 8 * 3_600_000 })
    : null;
  const spot = new Ingestor({ wsUrl: urls.spotWs, restUrl: urls.spotRest, symbols: SYMBOLS, stream: 'aggTrade', sink: writer });
  const perp = funding
    ? new Ingestor({
        wsUrl: urls.futWs,
        restUrl: urls.futRest,
        symbols: perps,
        stream: 'aggTrade',
        market: 'perp',
        sink: writer,
        onMark: (s, m) => funding.onMark(s, m),
      })
    : null;
  const ingest = new MarketIngest(spot, perp);
  const ticks = async () => (await store.symbols()).reduce((a, s) => a + s.ticks, 0);
  const marks = async () => {
    let n = 0;
    for (const s of perps) n += (await store.marks({ symbol: s })).length;
    return n;
  };
  try {
    await ingest.start();
    funding?.start();
    await new Promise((r) => setTimeout(r, WARM_MS));
    const [t0, m0, c0, w0] = [await ticks(), withPerps ? await marks() : 0, process.cpuUsage(), Date.now()];
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const [c1, w1] = [process.cpuUsage(), Date.now()];
    const t1 = await ticks();
    const m1 = withPerps ? await marks() : 0;
    const wall = (w1 - w0) / 1000;
    const cpu = (c1.user - c0.user + c1.system - c0.system) / 1e6;
    return { ticksPerSec: (t1 - t0) / wall, marksPerSec: (m1 - m0) / wall, cpuPct: (100 * cpu) / wall };
  } finally {
    await ingest.stop();
    await funding?.stop();
    await writer.close();
    await store.close();
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(
    `${SYMBOLS.length} symbols a market, ${RATE} trades/s each, ${SECONDS} s measured after ${WARM_MS / 1000} s; load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const base = await scenario(false);
  const both = await scenario(true);
  const row = (name: string, f: Figures): string[] => [
    name,
    f.ticksPerSec.toFixed(0),
    f.marksPerSec.toFixed(0),
    f.cpuPct.toFixed(1),
    f.ticksPerSec > 0 ? ((f.cpuPct * 1e4) / (f.ticksPerSec + f.marksPerSec)).toFixed(1) : '-',
  ];
  printTable([
    ['scenario', 'ticks/s stored', 'marks/s stored', 'CPU % of a core', 'CPU µs per tick or mark'],
    row('baseline: 100 spot', base),
    row('100 spot + 100 perpetuals, marks 1 s', both),
  ]);
  console.log(`ratio: ${(both.ticksPerSec / base.ticksPerSec).toFixed(2)}x the ticks for ${(both.cpuPct / base.cpuPct).toFixed(2)}x the CPU`);
}

if (process.argv.includes('--fakes')) void fakes();
else
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
