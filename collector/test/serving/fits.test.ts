/**
 * Kalman fits (hedge=kalman&tune=true) are keyed by what defines them (pair, timeframe, the day
 * they serve, the period length) and belong to one read side: a change to the training day's bars
 * reaches the fit, and two read sides never share one.
 *
 * The data: ETHUSDT / BTCUSDT 1m bars over two UTC days (one trade a minute a leg), prices on a
 * grid (BTC in steps of 0.5 near 87,000, ETH in steps of 0.25 near 3,100: driftingPair's 'btc'
 * scale rounded) so that every sum the old memo keyed fits by is exact. "Swapped" trades two of
 * ETH's day-1 closes 35 minutes apart: 35 is a multiple of both 5 and 7, the periods of the old
 * key's weights (series.ts before: sy weighted 1 + i % 5, sx 1 + i % 7), so the old key, and the
 * first and last points it also held, stayed the same for a different training set.
 *
 * Expected values: fitKalman on day 1's aligned closes read back from the store (alignBars), the
 * fit /api/analytics documents (analytics/kalmanDaily.ts: day 2 is fitted on day 1); exact, the
 * same computation on the same points. Before the change, the swapped data's answer carried the
 * unswapped fit (one module-global memo, one key).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alignBars, fitKalman } from '../../src/analytics';
import { parsePair, type Tick } from '../../src/domain';
import { ReadSide } from '../../src/serving';
import { withBarEvents } from '../../src/store/barEvents';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { driftingPair } from '../analytics/driftingPair';

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 2);
const NOW = T0 + 2 * DAY + 5_000;
const PAIR = parsePair('ETHUSDT/BTCUSDT');
const N = (2 * DAY) / MIN;
/** Day-1 minutes whose ETH closes "swapped" exchanges (aligned indices 400 and 435). */
const SWAP: [number, number] = [400, 435];
const TUNE = { hedge: 'kalman', tune: true } as const;

function trades(swapped: boolean): Tick[] {
  const { x, y } = driftingPair(N, 17, 'btc');
  const eth = y.map((v) => Math.round(v * 4) / 4);
  if (swapped) [eth[SWAP[0]], eth[SWAP[1]]] = [eth[SWAP[1]]!, eth[SWAP[0]]!];
  const out: Tick[] = [];
  for (let i = 0; i < N; i++) {
    out.push({ symbol: 'BTCUSDT', id: i + 1, ts: T0 + i * MIN + 10_000, price: Math.round(x[i]! * 2) / 2, qty: 0.01, isBuyerMaker: false });
    out.push({ symbol: 'ETHUSDT', id: i + 1, ts: T0 + i * MIN + 20_000, price: eth[i]!, qty: 0.1, isBuyerMaker: true });
  }
  return out;
}

/** The old memo's key of a training set (series.ts before this change), to show the two sets shared it. */
function oldKey(x: Float64Array, y: Float64Array): string {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    sx += x[i]! * (1 + (i % 7));
    sy += y[i]! * (1 + (i % 5));
  }
  return `${x.length}|${x[0]}|${y[0]}|${x[x.length - 1]}|${y[y.length - 1]}|${sx}|${sy}`;
}

/** Day 1's aligned closes as stored, and fitKalman's fit of them (what serves day 2). */
async function dayOne(store: Store) {
  const [yb, xb] = await Promise.all(['ETHUSDT', 'BTCUSDT'].map((symbol) => store.bars({ symbol, tf: '1m', from: T0, to: T0 + DAY })));
  const al = alignBars(yb!, xb!);
  const x = Float64Array.from(al.x);
  const y = Float64Array.from(al.y);
  const f = fitKalman(x, y);
  if ('error' in f) throw new Error(f.error);
  return { key: oldKey(x, y), fit: { logLik: f.logLik, converged: f.converged, nobs: f.nobs } };
}

/** The fit the read side reports for day 2 (periods of /api/analytics' `kalman`). */
async function servedFit(rs: ReadSide) {
  const s = await rs.series({ pair: PAIR, tf: '1m', window: 30, from: T0 + DAY, to: T0 + 2 * DAY, hedge: TUNE });
  expect(s.kalman!.periods.map((p) => p.at)).toEqual([T0 + DAY]);
  return s.kalman!.periods[0]!.fit;
}

let dir: string;
const stores: Store[] = [];
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'serving-fits-'))));
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function storeWith(name: string, ticks: Tick[]) {
  const s = withBarEvents(await openSqliteStore({ path: join(dir, `${name}.db`), now: () => NOW }));
  stores.push(s);
  await s.insertTicks(ticks);
  return s;
}

const readSide = (store: Store) => new ReadSide({ store, entryZ: 2, exitZ: null, limits: { maxAnalyticsBars: 700_000 }, now: () => NOW });

test('two read sides over different training sets with the same old key each serve the fit of their own data', async () => {
  const a = await storeWith('a', trades(false));
  const b = await storeWith('b', trades(true));
  const [da, db] = [await dayOne(a), await dayOne(b)];
  expect(db.key).toBe(da.key); // the old memo's key could not tell them apart
  expect(db.fit.logLik).not.toBe(da.fit.logLik); // the data differ, and so do the fits
  expect(await servedFit(readSide(a))).toEqual(da.fit);
  expect(await servedFit(readSide(b))).toEqual(db.fit);
});

test('a write that changes the training day reaches the fit of the read side that fitted it', async () => {
  const store = await storeWith('one', trades(false));
  const rs = readSide(store);
  const before = await dayOne(store);
  expect(await servedFit(rs)).toEqual(before.fit);
  expect(rs.counts.fits).toEqual({ fitted: 1, reused: 0 });
  expect(await servedFit(rs)).toEqual(before.fit); // asked again: the kept fit
  expect(rs.counts.fits).toEqual({ fitted: 1, reused: 1 });
  // a later trade in each of the two minutes swaps their closes (a backfill of each)
  const swapped = trades(true).filter((t) => t.symbol === 'ETHUSDT' && SWAP.some((m) => t.ts === T0 + m * MIN + 20_000));
  await store.insertTicks(swapped.map((t, k) => ({ ...t, id: 10_000_000 + k, ts: t.ts + 30_000 })));
  const after = await dayOne(store);
  expect(after.key).toBe(before.key);
  expect(await servedFit(rs)).toEqual(after.fit);
  expect(rs.counts.fits).toEqual({ fitted: 2, reused: 1 });
});

test('a read side without write announcements (an API replica) still refits when the training points changed', async () => {
  const plain = await openSqliteStore({ path: join(dir, 'replica.db'), now: () => NOW });
  stores.push(plain);
  await plain.insertTicks(trades(false));
  const rs = readSide(plain);
  const before = await dayOne(plain);
  expect(await servedFit(rs)).toEqual(before.fit);
  const swapped = trades(true).filter((t) => t.symbol === 'ETHUSDT' && SWAP.some((m) => t.ts === T0 + m * MIN + 20_000));
  await plain.insertTicks(swapped.map((t, k) => ({ ...t, id: 10_000_000 + k, ts: t.ts + 30_000 })));
  expect(await servedFit(rs)).toEqual((await dayOne(plain)).fit);
});
