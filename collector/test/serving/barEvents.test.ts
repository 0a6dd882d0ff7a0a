/**
 * Every write to the store, whoever makes it, reaches the read side's caches: the store wrapped
 * by withBarEvents (as main.ts wraps it) announces barsChanged(symbol, fromTs) before and after
 * each write, and a ReadSide over it drops what it cached from there. One write per source:
 *
 * - ingest: the ingestor's sink, a TickWriter (the gap backfill's ticks take the same path);
 * - history: kline bars where none were (what loadHistory writes at start-up and at run time;
 *   test/e2e/history-invalidates.test.ts runs the loader itself against the fake Binance);
 * - repair: Store.rebuildBars;
 * - replay: replayFiles over an archive CSV (Binance's trades format);
 * - retention: Store.deleteBefore.
 *
 * Expected values: the answer of a second ReadSide over the same store made after the write
 * (nothing cached), the aligned closes exactly (timestamps and both legs). The first read side's
 * caches hold the pre-write answer when the write lands (it asked twice before it), so without the
 * announcement it answers what it cached (checked: the write changes the answer, except repair,
 * which rebuilds bars that were right).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePair, type Bar, type Tick } from '../../src/domain';
import { replayFiles } from '../../src/ingest/replay';
import { ReadSide } from '../../src/serving';
import { withBarEvents, type AnnouncingStore } from '../../src/store/barEvents';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { TickWriter } from '../../src/store/tickWriter';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 9);
const N = 180; // minutes of trades
const NOW = T0 + N * MIN + 10 * MIN;
const PAIR = parsePair('ETHUSDT/BTCUSDT');
/** BTCUSDT trades nothing in these minutes (an outage) until history fills them. */
const HOLE = [150, 160];
const Q = { pair: PAIR, tf: '1m', window: 20, from: T0, to: NOW, hedge: { hedge: 'ols' } } as const;

function trades(): Tick[] {
  const out: Tick[] = [];
  let btc = 87_000;
  for (let i = 0; i < N; i++) {
    btc += ((i * 7919) % 13) - 6; // a deterministic wobble of a few dollars
    const eth = Math.round((btc * 0.0354 + ((i * 104_729) % 11) - 5) * 100) / 100;
    if (i < HOLE[0]! || i >= HOLE[1]!) out.push({ symbol: 'BTCUSDT', id: i + 1, ts: T0 + i * MIN + 5_000, price: btc, qty: 0.01, isBuyerMaker: false });
    out.push({ symbol: 'ETHUSDT', id: i + 1, ts: T0 + i * MIN + 6_000, price: eth, qty: 0.1, isBuyerMaker: true });
  }
  return out;
}

let dir: string;
let store: AnnouncingStore;
let stores: Store[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serving-events-'));
  store = withBarEvents(await openSqliteStore({ path: join(dir, 'c.db'), now: () => NOW }));
  stores = [store];
  await store.insertTicks(trades());
});
afterEach(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const readSide = (s: Store, cache?: boolean) =>
  new ReadSide({ store: s, entryZ: 2, exitZ: null, limits: { maxAnalyticsBars: 700_000 }, now: () => NOW, cache });
const closes = async (rs: ReadSide) => {
  const s = await rs.series(Q);
  return { ts: s.points.map((p) => p.ts), y: Array.from(s.y), x: Array.from(s.x) };
};

/** Runs `write` under a caching read side; returns what the store announced, and the answers before, after and of a fresh read side. */
async function around(write: () => Promise<unknown>) {
  const rs = readSide(store);
  expect(rs.caching).toBe(true); // on by default: the store announces its writes
  await closes(rs);
  const before = await closes(rs); // served from the caches
  const told: Array<[string, number]> = [];
  const off = store.onBarsChanged((symbol, fromTs) => told.push([symbol, fromTs]));
  await write();
  off();
  const after = await closes(rs);
  const fresh = await closes(readSide(store, false));
  rs.close();
  return { told, before, after, fresh };
}

test('ingest: a late trade through the TickWriter', async () => {
  const writer = new TickWriter(store);
  const late: Tick = { symbol: 'ETHUSDT', id: 1_000_001, ts: T0 + 100 * MIN + 50_000, price: 3_333.33, qty: 0.1, isBuyerMaker: false };
  const r = await around(() => writer.write([late]).then(() => writer.close()));
  expect(r.told).toEqual([
    ['ETHUSDT', late.ts],
    ['ETHUSDT', late.ts],
  ]);
  expect(r.after).toEqual(r.fresh);
  expect(r.fresh).not.toEqual(r.before);
});

test('history: kline bars filling an outage', async () => {
  const bars: Bar[] = [];
  for (let i = HOLE[0]!; i < HOLE[1]!; i++) {
    const p = 87_100 + i;
    const start = T0 + i * MIN;
    bars.push({
      symbol: 'BTCUSDT',
      tf: '1m',
      start,
      open: p,
      high: p,
      low: p,
      close: p,
      volume: 0.01,
      quoteVolume: p * 0.01,
      vwap: p,
      trades: 1,
      final: true,
      source: 'klines',
    });
  }
  const r = await around(() => store.insertKlineBars(bars));
  expect(r.told).toEqual([
    ['BTCUSDT', T0 + HOLE[0]! * MIN],
    ['BTCUSDT', T0 + HOLE[0]! * MIN],
  ]);
  expect(r.after).toEqual(r.fresh);
  expect(r.fresh).not.toEqual(r.before);
});

test('repair: rebuildBars, announced from its 5-minute boundary', async () => {
  const r = await around(() => store.rebuildBars('ETHUSDT', T0 + 42 * MIN + 30_000, T0 + 50 * MIN));
  expect(r.told).toEqual([
    ['ETHUSDT', T0 + 40 * MIN],
    ['ETHUSDT', T0 + 40 * MIN],
  ]);
  expect(r.after).toEqual(r.fresh);
});

test('replay: an archive CSV of trades', async () => {
  // Binance's trades archive: id, price, qty, quoteQty, time, isBuyerMaker, isBestMatch (test/fixtures/binance/FORMATS.md)
  const ts = T0 + 30 * MIN + 59_000;
  const file = join(dir, 'ETHUSDT-trades-2026-11.csv');
  writeFileSync(file, `2000001,3100.25,0.5,1550.125,${ts},true,true\n`);
  const r = await around(() => replayFiles([file], { insert: (t) => store.insertTicks(t), progressStream: undefined }));
  expect(r.told).toEqual([
    ['ETHUSDT', ts],
    ['ETHUSDT', ts],
  ]);
  expect(r.after).toEqual(r.fresh);
  expect(r.fresh).not.toEqual(r.before);
});

test('retention: deleteBefore announces every symbol with bars before the cut, from 0', async () => {
  const r = await around(() => store.deleteBefore(T0 + 60 * MIN));
  expect(new Set(r.told.map((t) => JSON.stringify(t)))).toEqual(new Set([JSON.stringify(['BTCUSDT', 0]), JSON.stringify(['ETHUSDT', 0])]));
  expect(r.told).toHaveLength(4);
  expect(r.after).toEqual(r.fresh);
  expect(r.fresh.ts[0]).toBeGreaterThanOrEqual(T0 + 60 * MIN);
  expect(r.before.ts[0]).toBe(T0);
});

test('a read side over a store that does not announce keeps no cache; announced or not, the same answers', async () => {
  const plain = await openSqliteStore({ path: join(dir, 'plain.db'), now: () => NOW });
  stores.push(plain);
  await plain.insertTicks(trades());
  const rs = readSide(plain);
  expect(rs.caching).toBe(false);
  expect(await closes(rs)).toEqual(await closes(readSide(store)));
});
