/**
 * /api/stats' `correlation` with a live engine running: the same pair, tf and window must give
 * the same number whether the live engine answers (no entryZ) or the stored bars do (entryZ=2,
 * as the provisioned dashboard's stat panels ask). They used to differ (0.7529 vs 0.7355 in a
 * test run): the live path gave the bar in progress' correlation, the stored-bars path the last
 * committed bar's.
 *
 * Expected value: a slow, obvious reference written here from the ticks themselves (each leg's
 * last trade price at the end of every second that has a trade of either leg, forward-filled,
 * from the first second where both legs have a price), then the two-pass Pearson correlation
 * (test/analytics/slow.ts' `slowCorr`) of the last `window` of those points up to the bar in
 * progress: what pandas' `y.rolling(window).corr(x)` gives at the last row (ddof cancels).
 */
import { LiveAnalytics } from '../../src/live';
import { parsePair, type Tick } from '../../src/domain';
import { slowCorr } from '../analytics/slow';
import { acrossPathsTolerance, expectAcrossPaths } from '@quant-pairs/testkit';
import { startApi, type Harness } from './helpers';

const PAIR = parsePair('ETHUSDT/BTCUSDT');
const W = 30;
const T0 = Date.UTC(2025, 0, 1);
const N = 300; // seconds of trades
const LIVE_FROM = N - 6; // the last 6 seconds reach the live engine as ticks, after its warm-up
const END = T0 + N * 1000;

/** Trades of both legs, several a second in some seconds, some seconds without a trade of one leg. */
function pairTicks(): Tick[] {
  let s = 7;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const out: Tick[] = [];
  let x = 90_000;
  let id = 1;
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < 1 + (i % 3); k++) {
      x = Math.round((x + rnd() * 40) * 100) / 100;
      const y = Math.round((0.035 * x + rnd() * 4 + 15 * Math.sin(i / 9)) * 100) / 100;
      if (i % 13 !== 4) out.push({ symbol: 'BTCUSDT', id: id, ts: T0 + i * 1000 + 100 + 200 * k, price: x, qty: 1, isBuyerMaker: false });
      if (i % 11 !== 6) out.push({ symbol: 'ETHUSDT', id: id, ts: T0 + i * 1000 + 150 + 200 * k, price: y, qty: 1, isBuyerMaker: true });
      id++;
    }
  }
  return out;
}

/** Aligned 1 s closes straight from the ticks (see the file comment), oldest first. */
function alignedFromTicks(ticks: readonly Tick[]): { y: number[]; x: number[] } {
  const seconds = [...new Set(ticks.map((t) => Math.floor(t.ts / 1000)))].sort((a, b) => a - b);
  const y: number[] = [];
  const x: number[] = [];
  for (const sec of seconds) {
    const lastPrice = (symbol: string): number | undefined => ticks.filter((t) => t.symbol === symbol && t.ts < (sec + 1) * 1000).pop()?.price;
    const py = lastPrice('ETHUSDT');
    const px = lastPrice('BTCUSDT');
    if (py === undefined || px === undefined) continue;
    y.push(py);
    x.push(px);
  }
  return { y, x };
}

let clock = T0;
let h: Harness;
let live: LiveAnalytics;
const ticks = pairTicks();

beforeAll(async () => {
  live = new LiveAnalytics({ pairs: [PAIR], windows: [W], timeframes: ['1s'], now: () => clock });
  h = await startApi({ now: () => clock, windows: [W], live });
  // stored history, then the engine warms up from it (the second LIVE_FROM - 1 still open) ...
  const before = ticks.filter((t) => t.ts < T0 + LIVE_FROM * 1000);
  await h.store.insertTicks(before);
  clock = T0 + LIVE_FROM * 1000 - 100;
  await live.warmUp(h.store);
  // ... and the last seconds arrive as trades, to the store and the engine, as ingest does;
  // the clock stops inside the last second, so its bar is in progress on both paths.
  const after = ticks.filter((t) => t.ts >= T0 + LIVE_FROM * 1000);
  await h.store.insertTicks(after);
  live.onTicks(after);
  clock = END - 200;
});
afterAll(async () => {
  await h.close();
});

it('gives the same correlation from the live engine and from stored bars, equal to the rolling correlation of the closes', async () => {
  const q = `/api/stats?pair=${PAIR.id}&tf=1s&window=${W}`;
  const fromLive = await h.get(q);
  const fromBars = await h.get(`${q}&entryZ=2`);
  expect(fromLive.status).toBe(200);
  expect(fromBars.status).toBe(200);
  expect(fromLive.body.source).toBe('live');
  expect(fromBars.body.source).toBe('computed');
  // the live paper position (issue 16; equal to the backtest over the engine's points: test/live/paperPosition.test.ts)
  expect(fromLive.body.position).toMatchObject({
    side: expect.stringMatching(/^(LONG|SHORT|FLAT)$/),
    equity: expect.any(Number),
    closedTrades: expect.any(Number),
  });
  expect(fromBars.body.position).toBeNull();
  // both describe the same bar in progress and the same last committed bar
  expect(fromLive.body.provisional.ts).toBe(END - 1000);
  expect(fromBars.body.provisional.ts).toBe(END - 1000);
  expect(fromBars.body.committed.ts).toBe(fromLive.body.committed.ts);

  // two computation paths: within the correlation tolerance across paths (2e-9)
  expectAcrossPaths([fromBars.body.correlation], [fromLive.body.correlation], 'correlation', 'stats correlation, stored bars vs live');
  // one definition: the latest point's (the bar in progress), on both paths
  for (const r of [fromLive, fromBars]) expect(r.body.correlation).toBe(r.body.provisional.correlation);

  // the value itself, against the slow reference (one path vs an exact-enough reference: the
  // oracle's 1e-9, test/support/acrossPaths.ts' derivation)
  const al = alignedFromTicks(ticks);
  const n = al.y.length;
  const want = slowCorr(al.x.slice(n - W), al.y.slice(n - W))!;
  const wantCommitted = slowCorr(al.x.slice(n - 1 - W, n - 1), al.y.slice(n - 1 - W, n - 1))!;
  expect(Math.abs(fromLive.body.correlation - want)).toBeLessThanOrEqual(acrossPathsTolerance('correlation', want) / 2);
  expect(Math.abs(fromBars.body.correlation - want)).toBeLessThanOrEqual(acrossPathsTolerance('correlation', want) / 2);
  expect(Math.abs(fromBars.body.committed.correlation - wantCommitted)).toBeLessThanOrEqual(1e-9);
  // not vacuous: taking the committed bar's correlation instead (the old stored-bars answer)
  // would be off by far more than any tolerance here
  expect(Math.abs(want - wantCommitted)).toBeGreaterThan(1e-4);
});
