/**
 * History loaded at run time (UNIVERSE=top:N: a symbol back in the top N, main.ts's refresher
 * `apply`) goes to the store past the ingest, so the API's caches must learn of it as they do of
 * ticks: from the store, which announces every write (store/barEvents.ts) whoever makes it. Real
 * parts: a SQLite store wrapped as main.ts wraps it, the fake Binance, loadHistory (told nothing
 * of the API), and the API served as main.ts serves it.
 *
 * The story: ETHUSDT left the top N at L (mid-minute, about 40 minutes ago; the trades of the
 * rest of that minute and after were never ingested) while BTCUSDT stayed. During ETH's absence a client asks
 * /api/analytics and /api/stats (hedge=kalman) of ETHUSDT/BTCUSDT: ETH's bar of L's minute is
 * final by the clock, so the close cache, the aligned points, the analytics run and the Kalman
 * state keep it with the close of the last ingested trade. ETH comes back: loadHistory repairs
 * the outage (the trades of the rest of L's 5 minutes, klines up to 10 minutes ago, trades since),
 * which rewrites that bar.
 *
 * Expected values: the answers of a second API over the same store, started after the write
 * (nothing cached before it), asked the same queries in the same order. Tolerances: the Kalman
 * answers (/api/stats and /api/analytics with hedge=kalman) exactly (toEqual: the filter is
 * rebuilt from the same day's points, as kalman-live.ts promises bit for bit); the OLS analytics
 * within acrossPaths.ts's tolerances (the first API's run is continued over new points, the fresh
 * one's a single pass: their sliding sums differ in the last bits), timestamps and signals
 * exactly. Without the invalidation the first API still serves ETH's stale close of L's minute
 * and everything computed after it (seen: beta 0.00974 for 0.00857 at a point, and the Kalman
 * answers' ADF and Engle-Granger values).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyticsResponse } from '@quant-pairs/contract';
import { serveApi, type ServedApi } from '../../src/api/serve';
import { parsePair } from '../../src/domain';
import { startFakeBinance, type FakeBinance } from '../../src/fake-binance';
import { historyClient, loadHistory } from '../../src/ingest/history';
import { log } from '../../src/log';
import { openSqliteStore } from '../../src/store/sqlite';
import { withBarEvents } from '../../src/store/barEvents';
import type { Store } from '../../src/store/store';
import { expectAcrossPaths } from '@quant-pairs/testkit';

const MIN = 60_000;
const HOUR = 3_600_000;
const PAIR = parsePair('ETHUSDT/BTCUSDT');
const HISTORY = { '1s': 0, '1m': 2 * HOUR, '5m': 0 };

let dir: string;
let fake: FakeBinance | null = null;
let store: Store | null = null;
const apis: ServedApi[] = [];
beforeAll(() => log.configure({ level: 'error' }));
afterAll(() => log.configure({ level: 'warn' }));
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'e2e-histinval-'))));
afterEach(async () => {
  for (const a of apis.splice(0)) await a.close();
  await store?.close();
  await fake?.stop();
  fake = store = null;
  rmSync(dir, { recursive: true, force: true });
});

async function get(api: ServedApi, path: string): Promise<unknown> {
  const r = await fetch(api.url + path);
  const body: unknown = await r.json();
  expect([path, r.status]).toEqual([path, 200]);
  return body;
}

test("history written for a symbol back in the top N reaches the API's cached analytics, runs and Kalman state", async () => {
  const f = (fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0, past: [{ ms: 3 * HOUR, everyMs: 10_000 }] }));
  const s = withBarEvents(await openSqliteStore({ path: join(dir, 'c.db') }));
  store = s;
  const rest = historyClient(f.restUrl, 'trade');
  const outage = { history: HISTORY, outageKlinesAfterMs: 10 * MIN, outageKlinesAfterTrades: 1_000_000 };
  const end = Math.floor(Date.now() / MIN) * MIN;
  // BTCUSDT, in the top N all along: its history as at start (klines, then trades since the seam)
  await loadHistory({ rest, store: s, symbols: ['BTCUSDT'], ...outage });
  // ETHUSDT: ingested until it left the top N at L, its third trade of a minute about 40 minutes
  // ago (one every 10 s), the first such minute whose close is not that trade's price
  const eth = f.expectedTicks('ETHUSDT');
  let M = end - 40 * MIN;
  const inMinute = (m: number) => eth.filter((t) => t.ts >= m && t.ts < m + MIN);
  while (inMinute(M).length < 4 || inMinute(M)[2]!.price === inMinute(M).at(-1)!.price) M -= MIN;
  const L = inMinute(M)[2]!.ts;
  const rewritten = inMinute(M).slice(3); // the trades of L's minute after L: its close changes
  await s.insertTicks(eth.filter((t) => t.ts <= L));

  const api = await serveApi({ store: s, pairs: [PAIR], windows: [30] }, '127.0.0.1', 0);
  apis.push(api);
  const q = `pair=${PAIR.id}&tf=1m&window=30`;
  const queries = [
    `/api/analytics?${q}&from=${end - 100 * MIN}&to=${end}`,
    `/api/stats?${q}&hedge=kalman&delta=1e-9&ve=0.05`,
    `/api/analytics?${q}&hedge=kalman&delta=1e-9&ve=0.05&from=${end - 100 * MIN}&to=${end}`,
  ];
  const during: unknown[] = [];
  for (const path of queries) during.push(await get(api, path));
  const ctx = api.app.locals.ctx;
  expect(ctx.serving.counts.kalman!.built).toBe(1); // the Kalman state is kept (and then served stale without the fix)

  // ETHUSDT is back in the top N: main.ts's apply loads its history; the store announces each
  // write before it is made and once it is done
  const told: Array<[string, number]> = [];
  s.onBarsChanged((symbol, fromTs) => told.push([symbol, fromTs]));
  const report = await loadHistory({ rest, store: s, symbols: ['ETHUSDT'], ...outage });
  // the outage repair ran: trades from L on (the first of them rewrites L's minute), klines from the next 5 minutes
  expect(report.spans.map((k) => [k.symbol, k.reason])).toContainEqual(['ETHUSDT', 'outage']);
  expect(told.length).toBeGreaterThanOrEqual(6); // a tick batch before B1, the kline pages, the ticks after B2: each before and after
  expect(told[0]).toEqual(['ETHUSDT', rewritten[0]!.ts]);
  expect(new Set(told.map(([symbol]) => symbol))).toEqual(new Set(['ETHUSDT']));

  const fresh = await serveApi({ store: s, pairs: [PAIR], windows: [30] }, '127.0.0.1', 0);
  apis.push(fresh);
  const after: unknown[] = [];
  const want: unknown[] = [];
  for (const path of queries) {
    after.push(await get(api, path));
    want.push(await get(fresh, path));
  }
  // the store changed under the cached answers: a fresh API says something else than before the write
  expect(want).not.toEqual(during);
  // OLS analytics: the first API's run went on from before the write, the fresh one's from scratch
  // (their sliding sums differ in the last bits, seen ~1e-13 on z); the Kalman answers are equal
  const [ols, ...kalman] = after as [AnalyticsResponse, ...unknown[]];
  const [olsWant, ...kalmanWant] = want as [AnalyticsResponse, ...unknown[]];
  expect(kalman).toEqual(kalmanWant);
  const { series, ...others } = ols;
  const { series: seriesWant, ...othersWant } = olsWant;
  expect(others).toEqual(othersWant);
  expect(series.ts).toEqual(seriesWant.ts);
  expect(series.signal).toEqual(seriesWant.signal);
  const yScale = Math.max(...eth.map((t) => t.price)); // a bound on the largest |y| of any window
  for (const [field, quantity] of [
    ['beta', 'beta'],
    ['alpha', 'level'],
    ['spread', 'level'],
    ['spreadMean', 'level'],
    ['zscore', 'z'],
    ['correlation', 'correlation'],
  ] as const)
    expectAcrossPaths(series[field], seriesWant[field], quantity, `series.${field}`, yScale);
}, 60_000);
