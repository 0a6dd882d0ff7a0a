/**
 * The OU fit and Bertram's band in /api/stats and the Live push (issue 26), on both ways a stats
 * answer is made: the live engine (no entryZ) and the stored bars (entryZ=2).
 *
 * Expected values: the pure module (analytics/honest/ouStats.ts, its fit and band checked against
 * arbitragelab in honestOu.test.ts) applied to spreads computed here from the stored bars
 * (alignBars, then analyzeColumns with ddof 1: the spread y - alpha - beta·x), the sample each path
 * takes (the live engine: its last statsSample(window) committed points; stored bars: the final
 * bars of the last statsSample(window) intervals), costed at the latest trade prices and the
 * latest point's beta with the paper position's fees and slippage: 2·(5 + 1.5)/1e4·(y + |beta|·x).
 * The spreads of analyzeColumns and of the two serving paths are different passes over the same
 * closes, so they meet within the tolerances across paths (@quant-pairs/testkit).
 */
import { statsSample } from '@quant-pairs/contract';
import { statsResponse } from '@quant-pairs/contract/requests';
import { acrossPathsTolerance, expectAcrossPaths } from '@quant-pairs/testkit';
import { alignBars, analyzeColumns, ouFitOf, ouStats, roundTripCost } from '../../src/analytics';
import { attachLive, type LivePush } from '../../src/api';
import { parsePair, type Tick } from '../../src/domain';
import { LiveAnalytics } from '../../src/live';
import { startApi, type Harness } from './helpers';
import { LiveClient } from './wsclient';

const PAIR = parsePair('ETHUSDT/BTCUSDT');
const W = 30;
const T0 = Date.UTC(2026, 2, 2);
const N = 420; // seconds
const LIVE_FROM = N - 5;
const END = T0 + N * 1000;
const PAPER = { feeBps: 5, slippageBps: 1.5 };

/** BTC a random walk near 97,000; ETH 0.036·BTC plus an AR(1) deviation (0.9 a second): a spread that reverts. */
function pairTicks(): Tick[] {
  let s = 11;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const out: Tick[] = [];
  let x = 97_000;
  let e = 0;
  for (let i = 0; i < N; i++) {
    x = Math.round((x + rnd() * 50) * 100) / 100;
    e = 0.9 * e + rnd() * 3;
    const y = Math.round((0.036 * x + e) * 100) / 100;
    out.push({ symbol: 'BTCUSDT', id: i + 1, ts: T0 + i * 1000 + 200, price: x, qty: 0.01, isBuyerMaker: false });
    if (i % 19 !== 3) out.push({ symbol: 'ETHUSDT', id: i + 1, ts: T0 + i * 1000 + 700, price: y, qty: 0.5, isBuyerMaker: true });
  }
  return out;
}

let clock = T0;
let h: Harness;
let push: LivePush;
const ticks = pairTicks();

beforeAll(async () => {
  const live = new LiveAnalytics({ pairs: [PAIR], windows: [W], timeframes: ['1s'], now: () => clock, paper: PAPER, statsEvery: 1 });
  h = await startApi({ now: () => clock, windows: [W], live, paper: PAPER });
  await h.store.insertTicks(ticks.filter((t) => t.ts < T0 + LIVE_FROM * 1000));
  clock = T0 + LIVE_FROM * 1000 - 100;
  await live.warmUp(h.store);
  const after = ticks.filter((t) => t.ts >= T0 + LIVE_FROM * 1000);
  await h.store.insertTicks(after);
  live.onTicks(after);
  clock = END - 100; // inside the last second: its bar is in progress
  push = attachLive(h.server, h.app, { intervalMs: 50 });
});
afterAll(async () => {
  await push.close();
  await h.close();
});

/** The final aligned bars' spreads (analyzeColumns) and times, the bar in progress left out. */
async function finalSpreads(): Promise<{ ts: number[]; spread: number[] }> {
  const al = alignBars(await h.store.bars({ symbol: 'ETHUSDT', tf: '1s', from: 0 }), await h.store.bars({ symbol: 'BTCUSDT', tf: '1s', from: 0 }));
  const c = analyzeColumns({ ts: al.ts, x: al.x, y: al.y, window: W, ddof: 1 });
  const n = al.ts.length - 1;
  return { ts: al.ts.slice(0, n), spread: Array.from(c.spread.subarray(0, n)) };
}

type Ou = NonNullable<Exclude<ReturnType<typeof ouStats>, { error: string }>>;

function expectOu(got: Ou, want: Ou, what: string): void {
  const yScale = 3600; // the largest ETH price here, about 0.036 · 97,000 + the deviation
  expectAcrossPaths(
    [got.mu, got.sigma, got.a, got.entryLong, got.entryShort, got.stationarySd],
    [want.mu, want.sigma, want.a, want.entryLong, want.entryShort, want.stationarySd],
    'level',
    `${what} mu, sigma, a, entries, sd`,
    yScale,
  );
  expectAcrossPaths([got.z.a, got.z.entryLong, got.z.entryShort], [want.z.a, want.z.entryLong, want.z.entryShort], 'z', `${what} band in z units`);
  // theta and the half-life are ratios of the spread's moments: relative, as beta's
  expectAcrossPaths([got.theta, got.halfLife], [want.theta, want.halfLife], 'beta', `${what} theta, half-life`);
  // the cost: the latest prices and beta (one reading, 2e-9 relative on beta's share)
  expect(Math.abs(got.cost - want.cost)).toBeLessThanOrEqual(acrossPathsTolerance('money', want.cost));
}

it('stored bars (entryZ=2): the fit of the final bars of the last statsSample(window) intervals, the band at the latest prices and beta', async () => {
  const r = await h.get(`/api/stats?pair=${PAIR.id}&tf=1s&window=${W}&entryZ=2`);
  expect(r.status).toBe(200);
  statsResponse.parse(r.body);
  expect(r.body.source).toBe('computed');
  const f = await finalSpreads();
  const from = clock + 1000 - statsSample(W) * 1000;
  const sample = f.spread.filter((_, i) => f.ts[i]! >= from);
  const cost = roundTripCost(PAPER, r.body.prices.y.price, r.body.prices.x.price, r.body.provisional.beta);
  // 2 · 6.5 / 1e4 · (ETH ~3,500 + |beta| · BTC ~97,000): USDT per unit of spread, about 9 at beta 0.036
  expect(cost).toBeGreaterThan(0.0013 * 3400);
  const want = ouStats(ouFitOf(sample), cost) as Ou;
  expect(want.theta).toBeGreaterThan(0.05); // the AR(1) deviation's 0.9 a second: theta near -ln 0.9 = 0.105
  expectOu(r.body.ou, want, 'stats (stored bars)');
  expect(r.body.ou.entryShort - r.body.ou.entryLong).toBeCloseTo(2 * r.body.ou.a, 9);
});

it('the live engine: the fit of its last statsSample(window) committed points; the Live push carries the same numbers', async () => {
  const r = await h.get(`/api/stats?pair=${PAIR.id}&tf=1s&window=${W}`);
  expect(r.body.source).toBe('live');
  expect(r.body.position.rules).toMatchObject(PAPER);
  const f = await finalSpreads();
  const sample = f.spread.slice(-statsSample(W));
  const want = ouStats(ouFitOf(sample), roundTripCost(PAPER, r.body.prices.y.price, r.body.prices.x.price, r.body.provisional.beta)) as Ou;
  expectOu(r.body.ou, want, 'stats (live engine)');

  const c = await LiveClient.connect(h.url.replace('http', 'ws') + '/api/live');
  try {
    c.send({ type: 'subscribe', pairs: [{ pair: PAIR.id, tf: '1s', window: W }] });
    const u = await c.next((m) => m.type === 'update' && m.analytics.length === 1);
    // one fit, one set of prices: the push and /api/stats give the very same numbers
    expect(u.analytics[0].ou).toEqual(r.body.ou);
  } finally {
    c.ws.close();
  }
});
