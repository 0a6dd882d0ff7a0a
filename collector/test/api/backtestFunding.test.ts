/**
 * /api/backtest, its sweep and its walk-forward on pairs with perpetual legs (issue 25): the API reads each
 * perp leg's settlements from the store and the result equals the pure backtest (src/analytics,
 * funding.ts's timing and sign) run on the same stored bars with the same events, within the
 * across-paths money tolerance (testkit). A spot pair's answer has no funding at all.
 * Real scales: ETHUSDT.P near 3,500, BTCUSDT.P and BTCUSDT near 97,000.
 */
import { expectAcrossPaths } from '@quant-pairs/testkit';
import { parsePair } from '@quant-pairs/contract';
import { alignBars, analyzeColumns, backtest, type BacktestOptions, type LegFunding } from '../../src/analytics';
import { walkForward } from '../../src/analytics/honest/walkForward';
import type { Tick } from '../../src/domain';
import type { FundingEvent } from '../../src/store/store';
import { startApi, type Harness } from './helpers';

const T0 = Date.UTC(2026, 0, 5, 8);
const N = 1500;
const END = T0 + N * 1000;
const MIN = 60_000;
const BARS_PER_YEAR_1S = 365 * 86400;

/** One trade a second a leg (some seconds missing); y mean-reverts around `ratio` x. */
function pairTicks(ySym: string, xSym: string, ratio: number, xLevel: number): Tick[] {
  let s = 11;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const out: Tick[] = [];
  let x = xLevel;
  let e = 0;
  for (let i = 0; i < N; i++) {
    x = Math.round((x + rnd() * 60) * 10) / 10;
    e = 0.8 * e + rnd() * 4 * ratio * 28;
    const y = Math.round((ratio * x + e) * 100) / 100;
    if (i % 17 !== 5) out.push({ symbol: xSym, id: i + 1, ts: T0 + i * 1000 + 300, price: x, qty: 1, isBuyerMaker: false });
    if (i % 23 !== 7) out.push({ symbol: ySym, id: i + 1, ts: T0 + i * 1000 + 600, price: y, qty: 1, isBuyerMaker: true });
  }
  return out;
}

/** A settlement every minute (the demo's pace), at :30 s so it falls inside a bar; rates of both signs around 1e-4. */
function settlements(symbol: string, mark: number): FundingEvent[] {
  return Array.from({ length: N / 60 + 2 }, (_, k) => ({
    symbol,
    ts: T0 - MIN + 30_000 + k * MIN,
    rate: k % 5 === 3 ? -0.00007 : 0.0001 + k * 1e-6,
    mark: Math.round((mark + k * 3.7) * 100) / 100,
  }));
}

const asEvents = (f: FundingEvent[]): [number, number, number][] => f.map((e) => [e.ts, e.rate, e.mark]);

/** The aligned final bars of the pair (the last one is in progress at `now`). */
async function bars(h: Harness, y: string, x: string): Promise<{ ts: number[]; x: number[]; y: number[] }> {
  const al = alignBars(await h.store.bars({ symbol: y, tf: '1s', from: 0 }), await h.store.bars({ symbol: x, tf: '1s', from: 0 }));
  const n = al.ts.length - 1;
  return { ts: al.ts.slice(0, n), x: al.x.slice(0, n), y: al.y.slice(0, n) };
}

const OPTS: Partial<BacktestOptions> = { entry: 1.5, exit: 0.25, stop: 3, lag: 1, feeBps: 4, notional: 2500 };
const Q = `window=20&from=${T0}&to=${END}&entry=1.5&exit=0.25&stop=3&lag=1&feeBps=4&notional=2500`;

describe.each([
  ['ETHUSDT.P', 'BTCUSDT.P', 0.036, 97_000],
  ['BTCUSDT.P', 'BTCUSDT', 1, 97_000],
])('%s/%s: funding in the backtest', (ySym, xSym, ratio, xLevel) => {
  let h: Harness;
  let funding: LegFunding;
  beforeAll(async () => {
    h = await startApi({ pairs: [parsePair(`${ySym}/${xSym}`)], now: () => END + 500 });
    await h.store.insertTicks(pairTicks(ySym, xSym, ratio, xLevel));
    const yEvents = settlements(ySym, ratio * xLevel);
    const xEvents = xSym.endsWith('.P') ? settlements(xSym, xLevel) : [];
    await h.store.insertFunding([...yEvents, ...xEvents]);
    // the pure backtest is given every stored settlement (the ones before the first bar or after the last change nothing)
    funding = xSym.endsWith('.P') ? { y: asEvents(yEvents), x: asEvents(xEvents) } : { y: asEvents(yEvents) };
  });
  afterAll(() => h.close());

  it('trades, equity and metrics equal the pure backtest given the stored events (money within 2e-9 relative)', async () => {
    const b = await bars(h, ySym, xSym);
    const c = analyzeColumns({ ...b, window: 20, ddof: 1 });
    const want = backtest({ x: b.x, y: b.y, z: c.zscore, beta: c.beta, ts: b.ts, funding }, { ...OPTS, barsPerYear: BARS_PER_YEAR_1S });
    const r = await h.get(`/api/backtest?pair=${ySym}/${xSym}&tf=1s&${Q}`);
    expect(r.status).toBe(200);
    const trades = r.body.trades as { entryIndex: number; exitIndex: number; reason: string; funding: number; pnl: number }[];
    expect(trades.map((t) => [t.entryIndex, t.exitIndex, t.reason])).toEqual(want.trades.map((t) => [t.entryIndex, t.exitIndex, t.reason]));
    expectAcrossPaths(
      trades.map((t) => t.funding),
      want.trades.map((t) => t.funding!),
      'money',
      'trade funding',
    );
    expectAcrossPaths(
      trades.map((t) => t.pnl),
      want.trades.map((t) => t.pnl),
      'money',
      'trade pnl',
    );
    expectAcrossPaths(r.body.equity.equity, want.equity, 'money', 'equity');
    expectAcrossPaths([r.body.metrics.funding, r.body.metrics.totalReturn], [want.metrics.funding!, want.metrics.totalReturn], 'money', 'metrics');
    // the case is one that shows funding: trades across settlements, both paid and received
    expect(want.trades.length).toBeGreaterThan(5);
    expect(want.trades.some((t) => t.funding! < 0)).toBe(true);
    expect(want.trades.some((t) => t.funding! > 0)).toBe(true);
    expect(want.metrics.funding).not.toBe(0);
  });

  it('the sweep row of the same combination carries the same funding', async () => {
    const one = (await h.get(`/api/backtest?pair=${ySym}/${xSym}&tf=1s&${Q}`)).body;
    const sweep = await h.get(`/api/backtest/sweep?pair=${ySym}/${xSym}&tf=1s&${Q}`);
    expect(sweep.status).toBe(200);
    expect(sweep.body.rows).toHaveLength(1);
    expectAcrossPaths([sweep.body.rows[0].metrics.funding], [one.metrics.funding], 'money', 'sweep funding');
    expectAcrossPaths([sweep.body.rows[0].metrics.totalReturn], [one.metrics.totalReturn], 'money', 'sweep totalReturn');
    // the sweep's verdict (issue 26) judges the funded returns
    expect(typeof sweep.body.psr).toBe('number');
  });

  it('the walk-forward pays it in every fold, as the library does on the same bars and settlements', async () => {
    const grid = { window: [20, 30], entry: [1.5, 2], exit: [0.25] };
    const plan = { train: 400, test: 250 };
    const r = await h.get(
      `/api/backtest/walkforward?pair=${ySym}/${xSym}&tf=1s&from=${T0}&to=${END}&window=20,30&entry=1.5,2&exit=0.25&stop=3&lag=1&feeBps=4&notional=2500&train=400&test=250`,
    );
    expect(r.status).toBe(200);
    const b = await bars(h, ySym, xSym);
    const { entry: _e, exit: _x, ...fixed } = { ...OPTS, barsPerYear: BARS_PER_YEAR_1S };
    const want = walkForward({ ...b, funding }, grid, plan, fixed);
    const folds = r.body.folds as { choice: unknown; outOfSample: { funding: number } }[];
    expect(folds.map((f) => f.choice)).toEqual(want.folds.map((f) => f.choice));
    expectAcrossPaths(
      folds.map((f) => f.outOfSample.funding),
      want.folds.map((f) => f.outOfSample.funding!),
      'money',
      'fold funding',
    );
    expectAcrossPaths([r.body.metrics.funding], [want.metrics.funding!], 'money', 'out-of-sample funding');
    expect(want.folds.length).toBeGreaterThan(3);
    expect(want.metrics.funding).not.toBe(0);
  });
});

test('a spot pair answers as before funding existed: no funding key anywhere', async () => {
  const h = await startApi({ pairs: [parsePair('ETHUSDT/BTCUSDT')], now: () => END + 500 });
  try {
    await h.store.insertTicks(pairTicks('ETHUSDT', 'BTCUSDT', 0.036, 97_000));
    // a perpetual's settlements in the store do not reach a spot pair's backtest
    await h.store.insertFunding(settlements('ETHUSDT.P', 3500));
    const b = await bars(h, 'ETHUSDT', 'BTCUSDT');
    const c = analyzeColumns({ ...b, window: 20, ddof: 1 });
    const want = backtest({ x: b.x, y: b.y, z: c.zscore, beta: c.beta }, { ...OPTS, barsPerYear: BARS_PER_YEAR_1S });
    const r = await h.get(`/api/backtest?pair=ETHUSDT/BTCUSDT&tf=1s&${Q}`);
    expect(r.body.metrics).toEqual(want.metrics);
    expect(r.body.trades.length).toBeGreaterThan(5);
    expect(r.text).not.toContain('funding');
    expect((await h.get(`/api/backtest/sweep?pair=ETHUSDT/BTCUSDT&tf=1s&${Q}`)).text).not.toContain('funding');
    expect((await h.get(`/api/backtest/walkforward?pair=ETHUSDT/BTCUSDT&tf=1s&${Q}&train=400&test=250`)).text).not.toContain('funding');
  } finally {
    await h.close();
  }
});
