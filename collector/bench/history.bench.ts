/**
 * History from klines (issue 14), against the fake Binance on 127.0.0.1, two figures:
 *
 * 1. Start to first z: startCollector on an empty SQLite database, the fake holding 46 hours of
 *    past trades (as `npm run demo`), default WINDOWS (30,100) and HISTORY; time until
 *    /api/stats of ETHUSDT/BTCUSDT window 100 has a z on 1m and on 5m, REST requests and weight.
 *    Baseline: without history, z on window 100 needs 2·100 - 1 bars of live trading (199
 *    minutes on 1m, 995 on 5m).
 * 2. Repairing a 24-hour outage (2 symbols, 2 trades a second each): loadHistory with the default
 *    OUTAGE_KLINES_AFTER (10 minutes) against the same repair by trade paging only (the baseline,
 *    measured in the same run). Both end with the same bars (the tests check that); the requests
 *    and weight are what Binance would charge, and the minutes of Binance's 6000/min budget.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatsResponse } from '@quant-pairs/contract';
import { loadConfig } from '../src/config';
import { startFakeBinance } from '../src/fake-binance';
import { historyClient, loadHistory } from '../src/ingest/history';
import { demoPast } from '../src/demo';
import { log } from '../src/log';
import { startCollector } from '../src/main';
import { openSqliteStore } from '../src/store/sqlite';

const HOUR = 3_600_000;

async function startToFirstZ(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
  const fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], rate: 20, past: demoPast(46 * HOUR) });
  try {
    const config = loadConfig({ BINANCE_WS_URL: fake.wsUrl, BINANCE_REST_URL: fake.restUrl, DB_PATH: join(dir, 'c.db'), PORT: '0' });
    const t0 = performance.now();
    const c = await startCollector(config);
    const started = performance.now() - t0;
    const api = `http://127.0.0.1:${(c.server!.address() as { port: number }).port}`;
    const firstZ: Record<string, number> = {};
    for (const tf of ['1m', '5m']) {
      for (;;) {
        const s = (await (await fetch(`${api}/api/stats?pair=ETHUSDT/BTCUSDT&tf=${tf}&window=100`)).json()) as StatsResponse;
        if (typeof (s.provisional ?? s.committed)?.zscore === 'number') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      firstZ[tf] = performance.now() - t0;
    }
    const h = await c.historyReady;
    console.log('start to first z (3 symbols, 46 h of past trades, WINDOWS 30,100, HISTORY 1s:2h,1m:3d,5m:14d):');
    console.log(`  startCollector returned after ${(started / 1000).toFixed(2)} s (history beside it: ${(h.ms / 1000).toFixed(2)} s, then a warm-up)`);
    console.log(`  first z, window 100: 1m ${(firstZ['1m']! / 1000).toFixed(2)} s, 5m ${(firstZ['5m']! / 1000).toFixed(2)} s`);
    console.log(
      `    without history: 1m after 199 min (x${((199 * 60_000) / firstZ['1m']!).toFixed(0)}), 5m after 995 min (x${((995 * 60_000) / firstZ['5m']!).toFixed(0)})`,
    );
    console.log(
      `  REST: ${h.requests} requests, weight ${h.weight} (Binance allows 6000 a minute); ${h.klineBars} bars from klines, ${h.ticks} ticks since the seam`,
    );
    await c.stop();
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function repairOutage(outageKlinesAfterMs: number): Promise<{ ms: number; requests: number; weight: number; klineBars: number; ticks: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-outage-'));
  const symbols = ['BTCUSDT', 'ETHUSDT'];
  const fake = await startFakeBinance({ symbols, past: [{ ms: 25 * HOUR, everyMs: 500 }] });
  const store = await openSqliteStore({ path: join(dir, 'o.db') });
  try {
    const stop = Date.now() - 24 * HOUR;
    for (const s of symbols) await store.insertTicks(fake.expectedTicks(s).filter((t) => t.ts < stop));
    const r = await loadHistory({
      rest: historyClient(fake.restUrl, 'trade'),
      store,
      symbols,
      history: { '1s': 2 * HOUR, '1m': 0, '5m': 0 },
      outageKlinesAfterMs,
      // 24 h at 2 trades a second is 172,800 trades a symbol, under the default 200,000: the time decides
      outageKlinesAfterTrades: outageKlinesAfterMs === Infinity ? Infinity : 200_000,
    }); // HISTORY's default 1s span: 1s klines for the last 2 h of the outage
    if (outageKlinesAfterMs === Infinity) {
      // trades only: the repair the ingest's backfill does, page by page from the last stored id
      const t0 = performance.now();
      const rest = historyClient(fake.restUrl, 'trade');
      let ticks = 0;
      for (const s of symbols) {
        let id = (await store.lastTradeId(s))! + 1;
        for (;;) {
          const page = await rest.page(s, id, 1000);
          if (page.ticks.length === 0) break;
          ticks += (await store.insertTicks(page.ticks)).inserted;
          id = page.ticks.at(-1)!.id + 1;
          if (page.received < 1000) break;
        }
      }
      return { ms: performance.now() - t0, requests: rest.requests, weight: rest.weightSpent, klineBars: 0, ticks };
    }
    return r;
  } finally {
    await store.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  log.configure({ level: 'error' });
  await startToFirstZ();
  const klines = await repairOutage(600_000);
  const trades = await repairOutage(Infinity);
  console.log('\nrepairing a 24-hour outage (2 symbols, 2 trades/s each = 345,600 trades):');
  for (const [name, r] of [
    ['klines + trades (OUTAGE_KLINES_AFTER=10m)', klines],
    ['trades only (baseline)', trades],
  ] as const)
    console.log(
      `  ${name.padEnd(42)} ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${String(r.requests).padStart(4)} requests  weight ${String(r.weight).padStart(5)} ` +
        `(${(r.weight / 6000).toFixed(2)} min of Binance's budget)  ${r.klineBars} kline bars, ${r.ticks} ticks`,
    );
  console.log(`  ratio: x${(trades.ms / klines.ms).toFixed(1)} faster here, x${(trades.weight / klines.weight).toFixed(1)} less weight`);
  console.log('  on Binance a busy symbol trades ~20/s: 1.7M trades a day = 1,728 pages x 25 = 43,200 weight (7.2 min of budget) per symbol by trades;');
  console.log(
    '  klines for the same day: 8 (1s, HISTORY 1s:2h) + 2 (1m) + 1 (5m) requests x 2 = 22 weight, whatever the trade rate (87 1s requests before 1s klines kept to HISTORY)',
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
