/**
 * History can never stop ingest (issue 23 item 3): the collector as main.ts wires it, against a
 * fake Binance whose REST answers part of its API, or nothing:
 * - /api/v3/klines answering 404 (a proxy or partial mirror without it), or 451 (a region
 *   refusal: one error line naming BINANCE_REST_URL, as before): the collector starts,
 *   stores every trade the fake made since the start, /api/health names the failure of every
 *   symbol and timeframe, and it is not asked again (a 4xx other than 418 / 429 stays);
 * - /api/v3/klines answering 500, and REST down altogether (connections dropped; the ingest's
 *   gap backfill uses REST too): the same, health says history is retrying, and once REST
 *   answers again history completes, health says done, the live engines have numbers, and every
 *   bar (klines before the seam, the seam's trades, the live ticks stored meanwhile) equals the
 *   slow reference of all the trades the fake made: kline and tick bars never overlap.
 * On both markets (issue 25): perpetuals' history asks /fapi/v1/klines (1m and 5m: futures have no
 * 1s klines), a refusal names BINANCE_FUTURES_REST_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyticsResponse, HealthResponse, StatsResponse } from '@quant-pairs/contract';
import { loadConfig, type Config } from '../../src/config';
import { TIMEFRAMES, type Tick } from '../../src/domain';
import { startFakeBinance, startFakeFutures, type FakeBinance, type FakeFutures } from '../../src/fake-binance';
import type { Market } from '@quant-pairs/contract';
import { log } from '../../src/log';
import { startCollector, type Collector } from '../../src/main';
import { expectBarsMatch } from '../store/contract';
import { referenceBars } from '../store/reference';
import { until } from '@quant-pairs/testkit';

const HOUR = 3_600_000;
const TUNING = { connection: { stallTimeoutMs: 2_000, initialBackoffMs: 20, maxBackoffMs: 200 } };
// Retries every 100 .. 400 ms: a test sees a few attempts and the recovery within seconds.
const RETRY = { historyRetry: { firstMs: 100, maxMs: 400 } };
type Fake = FakeBinance | FakeFutures;

/** What differs between the markets: the symbols as stored, the timeframes history takes from klines, the klines' path and the REST setting. */
const MARKETS = {
  spot: { symbols: ['BTCUSDT', 'ETHUSDT'], klineTfs: TIMEFRAMES, klines: '/api/v3/klines', setting: 'BINANCE_REST_URL' },
  perp: {
    symbols: ['BTCUSDT.P', 'ETHUSDT.P'],
    klineTfs: TIMEFRAMES.filter((tf) => tf !== '1s'),
    klines: '/fapi/v1/klines',
    setting: 'BINANCE_FUTURES_REST_URL',
  },
} as const;
let M: (typeof MARKETS)[Market] = MARKETS.spot;

let dir: string;
let fake: Fake | null = null;
let c: Collector | null = null;
beforeEach(() => log.configure({ level: 'silent' }));
afterAll(() => log.configure({ level: 'warn', pretty: null }));
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'e2e-history-faults-'))));
afterEach(async () => {
  await c?.stop();
  await fake?.stop();
  c = fake = null;
  rmSync(dir, { recursive: true, force: true });
});

/** A fake with 18 h of past trades (enough 5m bars for window 30's statistics sample of 200) and a collector config for it. */
async function setUp(market: Market): Promise<{ f: Fake; config: Config }> {
  M = MARKETS[market];
  const past = [
    { ms: 17 * HOUR, everyMs: 20_000 },
    { ms: HOUR, everyMs: 1_000 },
  ];
  const f = (fake =
    market === 'perp'
      ? await startFakeFutures({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0, past, markIntervalMs: 0 })
      : await startFakeBinance({ symbols: [...M.symbols], rate: 0, past }));
  const config = loadConfig({
    PAIRS: `${M.symbols[1]}/${M.symbols[0]}`,
    ...(market === 'perp'
      ? { BINANCE_FUTURES_WS_URL: f.wsUrl, BINANCE_FUTURES_REST_URL: f.restUrl }
      : { BINANCE_WS_URL: f.wsUrl, BINANCE_REST_URL: f.restUrl }),
    DB_PATH: join(dir, 'c.db'),
    PORT: '0',
    WINDOWS: '30',
    HISTORY: '1s:15m,1m:4h',
  });
  return { f, config };
}

const healthOf = async (c: Collector): Promise<HealthResponse> =>
  (await (await fetch(`http://127.0.0.1:${(c.server!.address() as { port: number }).port}/api/health`)).json()) as HealthResponse;

/** Live trading for a while (2 s at 30 trades/s per symbol), then until the ingest has every id the fake made. */
async function trade(c: Collector, f: Fake): Promise<void> {
  await until(() => c.ingestor.status().wsState === 'open', 'connection');
  f.setRate(30);
  await new Promise((r) => setTimeout(r, 2_000));
  f.setRate(0);
  await until(
    () => c.ingestor.isComplete() && M.symbols.every((s) => c.ingestor.status().symbols[s]!.lastId === f.trades(s).at(-1)!.id),
    'every generated id',
    30_000,
  );
  await c.writer.flush();
}

/** Every trade the fake made from `since` on is stored, once; nothing stored that the fake did not make. */
async function expectEveryTradeSince(c: Collector, f: Fake, since: number): Promise<void> {
  for (const symbol of M.symbols) {
    const stored = await c.store.ticks({ symbol, from: 0, limit: 1_000_000 });
    const made = new Map(f.expectedTicks(symbol).map((t) => [t.id, t]));
    expect(new Set(stored.map((t) => t.id)).size).toBe(stored.length);
    expect(stored.filter((t) => !made.has(t.id))).toEqual([]);
    const storedIds = new Set(stored.map((t) => t.id));
    const want = f.expectedTicks(symbol).filter((t) => t.ts >= since);
    expect(want.length).toBeGreaterThan(50); // 2 s at 30 a second, at least
    expect(want.filter((t: Tick) => !storedIds.has(t.id))).toEqual([]);
  }
}

/** Every stored bar from the earliest kline span on equals the reference of all the fake's trades. */
async function expectBarsEqualReference(c: Collector, f: Fake, h: HealthResponse): Promise<void> {
  for (const symbol of M.symbols)
    for (const tf of M.klineTfs) {
      const from = Math.min(...h.klineSpans.filter((k) => k.symbol === symbol && k.tf === tf).map((k) => k.from));
      expect([symbol, tf, Number.isFinite(from)]).toEqual([symbol, tf, true]);
      const want = referenceBars(f.expectedTicks(symbol), symbol, tf).filter((b) => b.start >= from);
      expectBarsMatch(await c.store.bars({ symbol, tf, from, limit: 1_000_000 }), want, `${symbol} ${tf}`);
    }
}

// 451: Binance's region refusal (RegionRefusedError) keeps its one error line naming the setting.
test.each([
  ['spot', 404],
  ['spot', 451],
  ['perp', 404],
  ['perp', 451],
] as const)('%s: klines answering %i: live trades all stored, health names the failure per symbol and timeframe, never asked again', async (market, status) => {
  const { f, config } = await setUp(market);
  const error =
    status === 404
      ? new RegExp(`^binance REST 404 for ${M.klines.replaceAll('/', '\\/')}`)
      : new RegExp(`^Binance refused http://127\\.0\\.0\\.1:\\d+ from this region \\(HTTP 451\\); set ${M.setting} `);
  f.refuseKlines(status);
  const errors: string[] = [];
  log.configure({ level: 'error', sink: (line) => errors.push((JSON.parse(line) as { msg: string }).msg) });
  const t0 = Date.now();
  c = await startCollector(config, TUNING, RETRY);
  await trade(c, f);
  await c.historyReady; // failed for good counts as settled
  await expectEveryTradeSince(c, f, t0);
  // No kline bar: every bar is the reference of the stored ticks.
  for (const symbol of M.symbols)
    for (const tf of TIMEFRAMES) {
      const ticks = await c.store.ticks({ symbol, from: 0, limit: 1_000_000 });
      expectBarsMatch(await c.store.bars({ symbol, tf, from: 0, limit: 1_000_000 }), referenceBars(ticks, symbol, tf), `${symbol} ${tf}`);
    }
  const h = await healthOf(c);
  // HISTORY 1s:15m,1m:4h and 5m for window 30's 200-bar sample: three timeframes per symbol (a perpetual's two: no 1s klines).
  const klines = h.history.filter((p) => p.part !== 'seam');
  expect(klines.map((p) => `${p.symbol} ${p.part} ${p.state} ${p.attempts}`).sort()).toEqual(
    M.symbols.flatMap((s) => M.klineTfs.map((tf) => `${s} ${tf} failed 1`)).sort(),
  );
  for (const p of klines) expect(p.lastError).toMatch(error);
  // said once: a 404 is a warning (below this test's level), a region refusal one error line
  expect(errors.filter((m) => error.test(m))).toHaveLength(status === 451 ? 1 : 0);
  // The trades since the seam come from /api/v3/aggTrades|historicalTrades (/fapi/v1/aggTrades), which still answers.
  expect(h.history.filter((p) => p.part === 'seam').map((p) => p.state)).toEqual(['done', 'done']);
  expect(h.status).toBe('degraded');
  const parts = M.symbols.length * M.klineTfs.length;
  expect(h.problems.filter((p) => p.startsWith('history'))).toHaveLength(parts);
  const asked = f.stats.restRequests.filter((r) => r.path === M.klines).length;
  expect(asked).toBe(parts); // one per symbol and timeframe
  await new Promise((r) => setTimeout(r, 1_000)); // longer than the retry pauses
  expect(f.stats.restRequests.filter((r) => r.path === M.klines)).toHaveLength(asked);
  const metrics = await (await fetch(`http://127.0.0.1:${(c.server!.address() as { port: number }).port}/metrics`)).text();
  const [btc, eth] = M.symbols;
  expect(metrics).toContain(`collector_history_state{symbol="${eth}",tf="1m",state="failed"} 1`);
  expect(metrics).toContain(`collector_history_state{symbol="${eth}",tf="1m",state="loading"} 0`);
  expect(metrics).toContain(`collector_history_state{symbol="${btc}",tf="seam",state="done"} 1`);
});

const klines500 = (f: Fake, on: boolean) => f.refuseKlines(on ? 500 : 0);
const restDown = (f: Fake, on: boolean) => f.restDown(on);
test.each([
  ['spot', 'klines answering 500', klines500, /binance REST 500 for \/api\/v3\/klines/],
  ['spot', 'REST down altogether', restDown, /cannot reach 127\.0\.0\.1:\d+/],
  ['perp', 'klines answering 500', klines500, /binance REST 500 for \/fapi\/v1\/klines/],
  ['perp', 'REST down altogether', restDown, /cannot reach 127\.0\.0\.1:\d+/],
] as const)(
  '%s: %s: live trades all stored, health says history is retrying; once REST answers, history completes and every bar equals the reference',
  async (market, _name, fault, error) => {
    const { f, config } = await setUp(market);
    const [btc, eth] = M.symbols;
    fault(f, true);
    const t0 = Date.now();
    c = await startCollector(config, TUNING, RETRY);
    const col = c;
    // A gap in the live ids while REST is failing: the backfill must wait, not stop the ingest.
    await until(() => col.ingestor.status().wsState === 'open', 'connection');
    f.setRate(30);
    await new Promise((r) => setTimeout(r, 300));
    f.skipIds(eth, 7);
    await until(async () => (await healthOf(col)).history.some((p) => p.attempts >= 2), 'a retried attempt');
    const failing = await healthOf(col);
    expect(failing.status).toBe('degraded');
    const retrying = failing.history.filter((p) => p.lastError !== null);
    expect(retrying.length).toBeGreaterThan(0);
    for (const p of retrying) expect([p.state, p.lastError]).toEqual(['loading', expect.stringMatching(error)]);
    expect(failing.history.every((p) => p.state === 'loading')).toBe(true);

    // The stored-bars path (Grafana's panels): no z before history lands (a few live bars), z after.
    const api = `http://127.0.0.1:${(col.server!.address() as { port: number }).port}`;
    const analytics = async (): Promise<AnalyticsResponse> =>
      (await (await fetch(`${api}/api/analytics?pair=${eth}/${btc}&tf=1m&window=30&from=${Date.now() - 600_000}`)).json()) as AnalyticsResponse;
    expect((await analytics()).series.zscore.filter((z) => z !== null)).toEqual([]);

    fault(f, false);
    await trade(col, f);
    await col.historyReady;
    const h = await healthOf(col);
    expect(h.history.map((p) => `${p.symbol} ${p.part} ${p.state}`).sort()).toEqual(
      M.symbols.flatMap((s) => [...M.klineTfs, 'seam'].map((part) => `${s} ${part} done`)).sort(),
    );
    expect(h.history.every((p) => p.lastError === null)).toBe(true);
    await expectEveryTradeSince(col, f, t0);
    await expectBarsEqualReference(col, f, h);
    expect(typeof (await analytics()).series.zscore.filter((z) => z !== null).at(-1)).toBe('number');
    // The live engines warmed up again on the history: numbers without a window of live bars.
    for (const tf of ['1m', '5m']) {
      const s = (await (await fetch(`${api}/api/stats?pair=${eth}/${btc}&tf=${tf}&window=30`)).json()) as StatsResponse;
      expect([tf, typeof (s.provisional ?? s.committed)?.zscore]).toEqual([tf, 'number']);
    }
  },
);
