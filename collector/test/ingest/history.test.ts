/**
 * History from klines against the fake Binance (which serves hours of past trades and the
 * klines of those very trades):
 * - the fake's /api/v3/klines speaks Binance's format, weights and limits, and each kline equals
 *   the bar our bar builder makes of the same trades;
 * - a fresh start stores kline bars before the seam and ticks after it, and every bar equals the
 *   slow reference (test/store/reference.ts) of all the trades the fake made: the seam counts
 *   nothing twice and misses nothing;
 * - a 6-hour outage is repaired from trades + klines + trades, again equal to the reference, and
 *   the ids the klines stand for are no hole for the ingest's restart scan;
 * on SQLite and on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { TIMEFRAMES, TIMEFRAME_MS, bucketStart, type Timeframe } from '../../src/domain';
import { startFakeBinance, type FakeBinance } from '../../src/fake-binance';
import { historyClient, loadHistory, loadKlineHistory } from '../../src/ingest/history';
import { klineToBar } from '../../src/ingest/klines';
import { RestClient } from '../../src/ingest/rest';
import { log } from '../../src/log';
import { accumulateBars, toBar } from '../../src/store/bars';
import { openPostgresStore } from '../../src/store/postgres';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { expectBarsMatch } from '../store/contract';
import { describePostgres, startPostgres, type TestPostgres } from '../store/pgCluster';
import { referenceBars } from '../store/reference';

const HOUR = 3_600_000;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

let dir: string;
let fake: FakeBinance | null = null;
beforeAll(() => log.configure({ level: 'error' }));
afterAll(() => log.configure({ level: 'warn' }));
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'history-'))));
afterEach(async () => {
  await fake?.stop();
  fake = null;
  rmSync(dir, { recursive: true, force: true });
});

async function getJson(url: string): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

describe('fake Binance /api/v3/klines', () => {
  test("Binance's format: 12-field arrays, strings for prices and volumes, weight 2, limit default 500 and max 1000", async () => {
    fake = await startFakeBinance({ symbols: SYMBOLS, past: [{ ms: 20 * HOUR, everyMs: 30_000 }] });
    const asked = Date.now(); // a minute may turn while the fake answers: its "now" is in [asked, answered]
    const r = await getJson(`${fake.restUrl}/api/v3/klines?symbol=BTCUSDT&interval=1m`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-mbx-used-weight-1m')).toBe('2');
    const rows = r.body as unknown[][];
    expect(rows).toHaveLength(500); // the default limit
    for (const k of rows) {
      expect(k).toHaveLength(12);
      expect(k.map((v) => typeof v)).toEqual([
        'number',
        'string',
        'string',
        'string',
        'string',
        'string',
        'number',
        'string',
        'number',
        'string',
        'string',
        'string',
      ]);
      expect(k[6]).toBe((k[0] as number) + 60_000 - 1);
      expect(k[1]).toMatch(/^\d+\.\d{8}$/);
    }
    // the newest is the minute in progress, and they are consecutive
    expect([bucketStart(asked, '1m'), bucketStart(Date.now(), '1m')]).toContain(rows.at(-1)![0]);
    expect(rows[1]![0]).toBe((rows[0]![0] as number) + 60_000);
    const big = await getJson(`${fake.restUrl}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5000`);
    expect((big.body as unknown[]).length).toBe(1000);
    // startTime inside a minute: the first kline is the next whole minute; endTime bounds the open time
    const t = bucketStart(Date.now() - 2 * HOUR, '1m');
    const range = (await getJson(`${fake.restUrl}/api/v3/klines?symbol=BTCUSDT&interval=5m&startTime=${t + 1}&endTime=${t + HOUR}`)).body as number[][];
    expect(range[0]![0]).toBe(Math.ceil((t + 1) / 300_000) * 300_000);
    expect(range.at(-1)![0]).toBeLessThanOrEqual(t + HOUR);
    // Binance's errors
    expect((await getJson(`${fake.restUrl}/api/v3/klines?symbol=BTCUSDT&interval=7m`)).body).toEqual({ code: -1120, msg: 'Invalid interval.' });
    expect((await getJson(`${fake.restUrl}/api/v3/klines?symbol=NOPE&interval=1m`)).body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  });

  test('each kline equals the bar our bar builder makes of the same trades (OHLC, volumes, trade count); quiet intervals are flat klines without trades', async () => {
    fake = await startFakeBinance({ symbols: SYMBOLS, past: [{ ms: 2 * HOUR, everyMs: 1_700 }] });
    const ticks = fake.expectedTicks('ETHUSDT');
    for (const tf of TIMEFRAMES) {
      const len = TIMEFRAME_MS[tf];
      const from = bucketStart(ticks[0]!.ts, tf) + len; // a whole interval after the first trade
      const asked = Date.now();
      const rows = (await getJson(`${fake.restUrl}/api/v3/klines?symbol=ETHUSDT&interval=${tf}&startTime=${from}&limit=1000`)).body as unknown[][];
      const upTo = (now: number): number => (1000 * len < 2 * HOUR ? 1000 : Math.floor((bucketStart(now, tf) - from) / len) + 1);
      expect([upTo(asked), upTo(Date.now())]).toContain(rows.length);
      const ours = new Map(
        accumulateBars(ticks)
          .filter((b) => b.tf === tf)
          .map((b) => [b.start, toBar(b, true, 'ticks')]),
      );
      let quiet = 0;
      for (const row of rows) {
        const bar = klineToBar(row, 'ETHUSDT', tf);
        if (bar === null) {
          // no trade in it: flat at the previous close, as Binance serves it
          quiet++;
          expect(ours.has(row[0] as number)).toBe(false);
          expect(new Set(row.slice(1, 5)).size).toBe(1);
          continue;
        }
        if ('type' in bar) throw new Error(bar.detail);
        expectBarsMatch([bar], [ours.get(bar.start)!], `${tf} kline at ${bar.start}`);
      }
      if (tf === '1s') expect(quiet).toBeGreaterThan(0);
    }
  });

  test('past its weight budget a request gets 429 with Retry-After up to the next minute; the client honours Retry-After', async () => {
    // 2 + 2 + 2 = the budget of 6: the fourth request of a minute is refused (tried again on a
    // fresh fake in the rare case the minute turned over in between, which resets the budget)
    let answers: Awaited<ReturnType<typeof getJson>>[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await fake?.stop();
      fake = await startFakeBinance({ symbols: SYMBOLS, past: [{ ms: HOUR, everyMs: 10_000 }], weightLimit: 6 });
      const url = `${fake.restUrl}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=3`;
      const minute = Math.floor(Date.now() / 60_000);
      answers = [];
      for (let i = 0; i < 4; i++) answers.push(await getJson(url));
      if (Math.floor(Date.now() / 60_000) === minute) break;
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    const refused = answers[3]!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((refused.body as { code: number }).code).toBe(-1003);
    expect(fake!.stats.weightRefused).toBe(1);
    // the client: an injected 429 with Retry-After 3 -> it waits 3 s (its sleep, recorded) and retries
    const waits: number[] = [];
    await fake!.stop();
    fake = await startFakeBinance({ symbols: SYMBOLS, past: [{ ms: HOUR, everyMs: 10_000 }] });
    const rest = new RestClient({ baseUrl: fake.restUrl, kind: 'trade', sleep: async (ms) => void waits.push(ms) });
    fake.fail429(1, 3);
    const page = await rest.klines('BTCUSDT', '1m', Date.now() - HOUR, Date.now());
    expect(waits).toEqual([3000]);
    expect(page.bars.length).toBeGreaterThan(50);
    expect(rest.rateLimited).toBe(1);
  });
});

/** Every bar of `symbol` / `tf` with start >= from equals the slow reference of all the fake's trades. */
async function expectBarsEqualReference(store: Store, f: FakeBinance, symbol: string, tf: Timeframe, from: number, what: string): Promise<void> {
  const want = referenceBars(f.expectedTicks(symbol), symbol, tf).filter((b) => b.start >= from);
  const got = await store.bars({ symbol, tf, from });
  expectBarsMatch(got, want, `${what}: ${symbol} ${tf}`);
}

async function freshStartScenario(store: Store): Promise<void> {
  const f = (fake = await startFakeBinance({ symbols: SYMBOLS, past: [{ ms: 8 * HOUR, everyMs: 2_000 }] }));
  const history = { '1s': HOUR / 2, '1m': 4 * HOUR, '5m': 7 * HOUR };
  const rest = historyClient(f.restUrl, 'trade');
  const started = Date.now();
  const report = await loadHistory({ rest, store, symbols: SYMBOLS, history, outageKlinesAfterMs: 600_000, outageKlinesAfterTrades: 200_000 });
  // the loader's seam: the 5-minute boundary at or before the moment it chose it, which its spans
  // record (a boundary may pass while it runs, so the test's clock cannot restate it)
  const seam = (await store.klineSpans())[0]!.to;
  expect([bucketStart(started, '5m'), bucketStart(Date.now(), '5m')]).toContain(seam);
  for (const symbol of SYMBOLS)
    for (const tf of TIMEFRAMES) {
      const from = bucketStart(seam - history[tf], '5m');
      await expectBarsEqualReference(store, f, symbol, tf, from, 'fresh start');
      expect((await store.bars({ symbol, tf, to: from })).length).toBe(0);
    }
  // ticks only from the seam on: the trades since the 5-minute boundary, none before
  const ticks = await store.ticks({ symbol: 'BTCUSDT' });
  expect(ticks[0]!.ts).toBeGreaterThanOrEqual(seam);
  expect(ticks.length).toBe(f.expectedTicks('BTCUSDT').filter((t) => t.ts >= seam).length);
  // spans say which bars came from klines; requests: 1000 klines each, plus the trades since the seam
  const spans = await store.klineSpans();
  expect(spans.map((s) => `${s.symbol} ${s.tf} ${s.reason} ${s.to === seam}`).sort()).toEqual(
    SYMBOLS.flatMap((s) => TIMEFRAMES.map((tf) => `${s} ${tf} history true`)).sort(),
  );
  const klineRequests = SYMBOLS.length * TIMEFRAMES.reduce((n, tf) => n + Math.ceil(history[tf] / TIMEFRAME_MS[tf] / 1000), 0);
  const tradeRequests = f.stats.restRequests.filter((r) => r.path !== '/api/v3/klines').length;
  expect(f.stats.restRequests.filter((r) => r.path === '/api/v3/klines').length).toBeLessThanOrEqual(klineRequests + SYMBOLS.length * TIMEFRAMES.length);
  expect(report.requests).toBe(f.stats.restRequests.length);
  expect(report.weight).toBe(2 * (report.requests - tradeRequests) + 25 * tradeRequests);
}

async function outageScenario(store: Store): Promise<void> {
  // 7 hours of trades; the collector stored the first hour, then was down for 6.
  const f = (fake = await startFakeBinance({ symbols: SYMBOLS, past: [{ ms: 7 * HOUR, everyMs: 1_000 }] }));
  const stop = Date.now() - 6 * HOUR;
  for (const s of SYMBOLS) await store.insertTicks(f.expectedTicks(s).filter((t) => t.ts < stop));
  const before = await store.symbols();
  const started = Date.now();
  const report = await loadHistory({
    rest: historyClient(f.restUrl, 'trade'),
    store,
    symbols: SYMBOLS,
    // 1s bars wanted for the last 2 hours only: the outage's older 4 hours get no 1s klines
    history: { '1s': 2 * HOUR, '1m': 0, '5m': 0 },
    outageKlinesAfterMs: 600_000,
    outageKlinesAfterTrades: 200_000, // 6 h at 1 trade a second: 21,600 missed, so the time decides
  });
  const b1 = bucketStart(before[0]!.lastTs!, '5m') + 300_000;
  // B2 and the 1s span's start follow the loader's clock: read them from its spans, each one of
  // the two boundaries the run's start and end allow (a 5-minute boundary may pass while it runs)
  const outageSpans = await store.klineSpans(SYMBOLS[0]);
  const b2 = outageSpans.find((s) => s.tf === '1m')!.to;
  const from1s = outageSpans.find((s) => s.tf === '1s')!.from;
  const ended = Date.now();
  expect([bucketStart(started - 600_000, '5m'), bucketStart(ended - 600_000, '5m')]).toContain(b2);
  expect([bucketStart(started - 2 * HOUR, '5m'), bucketStart(ended - 2 * HOUR, '5m')]).toContain(from1s);
  for (const symbol of SYMBOLS) {
    for (const tf of ['1m', '5m'] as const) await expectBarsEqualReference(store, f, symbol, tf, 0, '6-hour outage');
    // 1s: every bar but those of [B1, now - 2 h), which nothing configured reads
    const want1s = referenceBars(f.expectedTicks(symbol), symbol, '1s').filter((b) => b.start < b1 || b.start >= from1s);
    expectBarsMatch(await store.bars({ symbol, tf: '1s' }), want1s, `6-hour outage: ${symbol} 1s`);
    // the ticks: all but those of [B1, B2), which the klines stand for
    const want = f.expectedTicks(symbol).filter((t) => t.ts < b1 || t.ts >= b2);
    const got = await store.ticks({ symbol });
    expect(got.length).toBe(want.length);
    expect(got.map((t) => t.id)).toEqual(want.map((t) => t.id));
    // the restart scan sees no hole: the span's ids are accounted for
    expect(await store.idGaps!(symbol, 0)).toEqual([]);
    const spans = await store.klineSpans(symbol);
    expect(spans.map((s) => [s.tf, s.reason, s.from, s.to]).sort()).toEqual(
      [
        ['1m', 'outage', b1, b2],
        ['5m', 'outage', b1, b2],
        ['1s', 'outage', from1s, b2],
      ].sort(),
    );
    const skipped = f.expectedTicks(symbol).filter((t) => t.ts >= b1 && t.ts < b2);
    for (const s of spans) expect([s.tf, s.firstId, s.lastId]).toEqual(s.tf === '1s' ? ['1s', null, null] : [s.tf, skipped[0]!.id, skipped.at(-1)!.id]);
    // the repair tool rebuilds bars from ticks and keeps the kline bars (they have no ticks)
    await store.rebuildBars(symbol, 0, Date.now() + HOUR);
    for (const tf of ['1m', '5m'] as const) await expectBarsEqualReference(store, f, symbol, tf, 0, 'after rebuildBars');
    expectBarsMatch(await store.bars({ symbol, tf: '1s' }), want1s, `after rebuildBars: ${symbol} 1s`);
  }
  // Paging the gap's trades by id would cost 25 weight per 1000 trades (historicalTrades); the
  // klines cost 2 per 1000 bars (here the 1s ones dominate: 2 hours = 8 requests per symbol).
  const gapTrades = SYMBOLS.reduce((n, s) => n + f.expectedTicks(s).filter((t) => t.ts >= stop).length, 0);
  expect(report.weight).toBeLessThan((25 * gapTrades) / 1000 / 5);
}

/**
 * An outage short in time (35 min, under OUTAGE_KLINES_AFTER = 1 h) but long in trades (10 a
 * second: ~21,000 missed a symbol, over OUTAGE_KLINES_AFTER_TRADES = 6,000): repaired from klines
 * up to B2 = the 5-minute boundary at or before the 6,000th newest trade, by trades from there;
 * with the trade limit at its default (200,000) the same restart uses no klines at all.
 */
async function tradeCountOutageScenario(store: Store, control: Store): Promise<void> {
  const f = (fake = await startFakeBinance({ symbols: SYMBOLS, past: [{ ms: 40 * 60_000, everyMs: 100 }] }));
  const stop = Date.now() - 35 * 60_000;
  const N = 6_000;
  const options = { rest: historyClient(f.restUrl, 'trade'), symbols: SYMBOLS, history: { '1s': HOUR, '1m': 0, '5m': 0 }, outageKlinesAfterMs: HOUR };
  for (const s of [store, control]) for (const symbol of SYMBOLS) await s.insertTicks(f.expectedTicks(symbol).filter((t) => t.ts < stop));
  // the default trade limit: 35 min < 1 h and ~21,000 trades < 200,000, so trades only (the ingest's catch-up)
  const plain = await loadHistory({ ...options, store: control, outageKlinesAfterTrades: 200_000 });
  expect(plain.klineBars).toBe(0);
  // (the 1s history reaching back before the fake's first trade is recorded, without bars)
  expect((await control.klineSpans()).filter((s) => s.reason === 'outage')).toEqual([]);
  await loadHistory({ ...options, store, outageKlinesAfterTrades: N });
  for (const symbol of SYMBOLS) {
    const all = f.expectedTicks(symbol); // ascending ids; the fake trades nothing after its start (rate 0)
    const missed = all.filter((t) => t.ts >= stop).length;
    expect(missed).toBeGreaterThan(3 * N); // ~21,000: the trades, not the time, make the outage long
    const b1 = bucketStart(all.filter((t) => t.ts < stop).at(-1)!.ts, '5m') + 300_000;
    const b2 = bucketStart(all.at(-N)!.ts, '5m'); // the newest id minus N + 1: the 6,000th newest trade
    expect(b2 - b1).toBeGreaterThanOrEqual(15 * 60_000);
    const spans = (await store.klineSpans(symbol)).filter((s) => s.reason === 'outage');
    expect(spans.map((s) => [s.tf, s.reason, s.from, s.to]).sort()).toEqual(
      [
        ['1m', 'outage', b1, b2],
        ['1s', 'outage', b1, b2],
        ['5m', 'outage', b1, b2],
      ].sort(),
    );
    for (const tf of TIMEFRAMES) await expectBarsEqualReference(store, f, symbol, tf, 0, 'outage long in trades');
    // ticks: all but those of [B1, B2); from B2 on at least N (up to the boundary before the Nth newest)
    const want = all.filter((t) => t.ts < b1 || t.ts >= b2);
    expect((await store.ticks({ symbol })).map((t) => t.id)).toEqual(want.map((t) => t.id));
    expect(all.filter((t) => t.ts >= b2).length).toBeGreaterThanOrEqual(N);
    expect(await store.idGaps!(symbol, 0)).toEqual([]);
  }
}

test('loadKlineHistory: klines of many symbols, a few at a time, one request per 1000 bars, each span recorded', async () => {
  const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT'];
  const f = (fake = await startFakeBinance({ symbols, past: [{ ms: 20 * HOUR, everyMs: 7_000 }] }));
  const store = await openSqliteStore({ path: join(dir, 'scan.db') });
  try {
    const to = bucketStart(Date.now(), '5m');
    const from = to - 18 * HOUR;
    const spans = await loadKlineHistory({ rest: historyClient(f.restUrl, 'aggTrade'), store, symbols, timeframes: ['1m', '5m'], from, to, concurrency: 2 });
    expect(spans.map((s) => `${s.symbol} ${s.tf}`).sort()).toEqual(symbols.flatMap((s) => [`${s} 1m`, `${s} 5m`]).sort());
    for (const symbol of symbols)
      for (const tf of ['1m', '5m'] as const) {
        const want = referenceBars(f.expectedTicks(symbol), symbol, tf).filter((b) => b.start >= from && b.start < to);
        expectBarsMatch(await store.bars({ symbol, tf, from }), want, `${symbol} ${tf}`);
      }
    // 18 h of 1m = 1080 bars: 2 requests; of 5m = 216 bars: 1 request; per symbol
    expect(f.stats.restRequests.length).toBe(symbols.length * 3);
    expect((await store.klineSpans()).length).toBe(symbols.length * 2);
  } finally {
    await store.close();
  }
});

describe('SQLite', () => {
  test('a fresh start: kline bars before the seam, ticks after it, every bar equal to the reference', async () => {
    const store = await openSqliteStore({ path: join(dir, 'h.db') });
    try {
      await freshStartScenario(store);
    } finally {
      await store.close();
    }
  });
  test('a 6-hour outage repaired from trades + klines + trades: bars equal to the reference, no hole left', async () => {
    const store = await openSqliteStore({ path: join(dir, 'o.db') });
    try {
      await outageScenario(store);
    } finally {
      await store.close();
    }
  });
  test('a 35-minute outage of more than OUTAGE_KLINES_AFTER_TRADES trades: repaired from klines up to the Nth newest trade', async () => {
    const store = await openSqliteStore({ path: join(dir, 't.db') });
    const control = await openSqliteStore({ path: join(dir, 'c.db') });
    try {
      await tradeCountOutageScenario(store, control);
    } finally {
      await store.close();
      await control.close();
    }
  });
});

describePostgres('PostgreSQL', () => {
  let server: TestPostgres;
  let n = 0;
  beforeAll(async () => {
    const started = await startPostgres();
    if (!started) throw new Error('no PostgreSQL server binaries');
    server = started;
  }, 60_000);
  afterAll(async () => server?.stop());
  async function fresh(): Promise<Store> {
    const name = `history_${process.pid}_${++n}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return openPostgresStore({ url: server.url.replace(/\/postgres$/, `/${name}`) });
  }
  test('a fresh start, as on SQLite', async () => {
    const store = await fresh();
    try {
      await freshStartScenario(store);
    } finally {
      await store.close();
    }
  }, 60_000);
  test('a 6-hour outage, as on SQLite', async () => {
    const store = await fresh();
    try {
      await outageScenario(store);
    } finally {
      await store.close();
    }
  }, 60_000);
  test('an outage long in trades, not in time, as on SQLite', async () => {
    const store = await fresh();
    const control = await fresh();
    try {
      await tradeCountOutageScenario(store, control);
    } finally {
      await store.close();
      await control.close();
    }
  }, 60_000);
});
