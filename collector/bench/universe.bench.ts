/**
 * The collector with a 100-symbol universe live (issue 15): its own process (the soak's
 * esbuild build of src, `node main.js`) against the fake Binance trading 100 USDT symbols
 * (5 trades a second each, 500 a second in all, on one combined-stream connection) with 17 hours
 * of past trades, one a minute a symbol, that the collector loads as 1m klines at start
 * (HISTORY=1m:17h), then scans every 1m close over 1,000 bars (SCAN_TF=1m, SCAN_WINDOW=1000:
 * 4,950 pairs a scan, what the default 5m scanner does every 5 minutes).
 * Reports the collector's RSS (VmRSS) and CPU (utime + stime from /proc, as a share of one core)
 * over the live minutes, the scans stored and their duration (the collector's own 'scan stored'
 * log lines). Target: RSS <= 300 MB; with 400 symbols (UNIVERSE=all's size, 79,800 pairs a scan on
 * the scan pool) RSS <= 1.5 GB.
 *
 *   npm run bench -- universe                              (about 3 minutes: 20 s start-up, 150 s live)
 *   BENCH_UNIVERSE_SYMBOLS=400 npm run bench -- universe   (the whole market's size)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeBinance } from '../src/fake-binance';
import { buildCollector, CollectorProcess, OUTPUT_DIR } from '../soak/collector-process';

const SYMBOLS = Number(process.env.BENCH_UNIVERSE_SYMBOLS ?? 100);
/** RSS target, MB: issue 15's for 100 symbols, issue 22's for the whole market (400). */
const RSS_TARGET = SYMBOLS > 100 ? 1536 : 300;
const LIVE_SECONDS = 150;
const RATE = 5;

/** CPU seconds (user + system) of a process so far, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(2)}`);
  const symbols = Array.from({ length: SYMBOLS }, (_, i) => (i === 0 ? 'BTCUSDT' : i === 1 ? 'ETHUSDT' : `C${String(i).padStart(3, '0')}USDT`));
  const fake = await startFakeBinance({ symbols, rate: RATE, past: [{ ms: 17 * 3_600_000, everyMs: 60_000 }], historyLimit: 20_000 });
  const dir = mkdtempSync(join(tmpdir(), 'bench-universe-'));
  // built inside the collector folder, so that its node_modules resolve
  const main = buildCollector(join(OUTPUT_DIR, 'bench-universe'));
  let c: CollectorProcess | null = null;
  try {
    const t0 = Date.now();
    c = await CollectorProcess.start(
      main,
      {
        PAIRS: 'ETHUSDT/BTCUSDT',
        UNIVERSE: symbols.join(','),
        SCAN_TF: '1m',
        SCAN_WINDOW: '1000',
        HISTORY: '1m:17h',
        DB_PATH: join(dir, 'collector.db'),
        BINANCE_WS_URL: fake.wsUrl,
        BINANCE_REST_URL: fake.restUrl,
        LOG_LEVEL: 'info',
      },
      180_000,
    );
    const startMs = Date.now() - t0;
    const cpu0 = cpuSeconds(c.pid);
    const w0 = Date.now();
    const rss: number[] = [];
    while (Date.now() - w0 < LIVE_SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      const m = c.rssMb();
      if (m !== null) rss.push(m);
    }
    const cpuShare = (cpuSeconds(c.pid) - cpu0) / ((Date.now() - w0) / 1000);
    const scans = c.logs.filter((l) => l.msg === 'scan stored');
    const health = (await c.get('/api/health')).body as { symbols: unknown[]; websocket: string };
    const scan = (await c.get('/api/scan?tf=1m&window=1000')).body as { tested?: number; symbols?: string[] };
    rss.sort((a, b) => a - b);
    const peak = rss[rss.length - 1] ?? NaN;
    console.log(`start-up (history of ${SYMBOLS} symbols from klines, API listening): ${(startMs / 1000).toFixed(1)} s; websocket ${health.websocket}`);
    console.log(`live ${LIVE_SECONDS} s, ${SYMBOLS} symbols x ${RATE} trades/s on one combined stream:`);
    console.log(
      `  RSS median ${rss[rss.length >> 1]!.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (target <= ${RSS_TARGET} MB: ${peak <= RSS_TARGET ? 'met' : 'MISSED'})`,
    );
    console.log(`  CPU ${(cpuShare * 100).toFixed(0)}% of one core (ingest, store, live analytics, scans)`);
    console.log(
      `  scans stored: ${scans.length} (${scans.map((s) => `${String(s.symbols)} symbols ${String(s.pairs)} pairs ${String(s.ms)} ms`).join('; ')}); latest /api/scan: ${scan.symbols?.length ?? 0} symbols, ${scan.tested ?? 0} pairs tested`,
    );
  } finally {
    await c?.stop();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
