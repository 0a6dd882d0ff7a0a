/**
 * The backtest (src/analytics/backtest) against a slow, obvious bar-by-bar reference written in
 * this file (a different formulation: a list of pending orders, equity as realised P&L plus the
 * open legs' mark-to-market instead of cash), on seeded random pairs over grids of parameters;
 * hand-worked cases for every rule; and a look-ahead test over the whole path from prices.
 */
import { analyzeColumns, backtest, backtestSeries, type BacktestOptions, type BacktestResult, type BacktestTrade } from '../../src/analytics';
import { rng } from '../../src/fake-binance/rng';
import { cointegratedPair } from './slow';

const DEFAULTS: BacktestOptions = {
  entry: 2,
  exit: 0,
  stop: null,
  maxHold: null,
  cooldown: 0,
  lag: 1,
  feeBps: 10,
  slippageBps: 0,
  notional: 1000,
  barsPerYear: 525600,
};

interface Order {
  fillAt: number;
  kind: 'open' | 'close';
  qy: number;
  qx: number;
  beta: number;
  reason: BacktestTrade['reason'];
}

/** The rules of the issue, as literally as they read: one bar at a time, plain objects. */
function slowBacktest(x: number[], y: number[], z: number[], beta: number[], opts: Partial<BacktestOptions>): BacktestResult {
  const o = { ...DEFAULTS, ...opts };
  const n = x.length;
  const s = o.slippageBps / 10000;
  let state: 'flat' | 'long' | 'short' = 'flat';
  let enteredAt = -1;
  let cooldownLeft = 0;
  const orders: Order[] = [];
  let held: { qy: number; qx: number; fy: number; fx: number; fees: number; trade: BacktestTrade } | null = null;
  let realised = 0;
  let allFees = 0;
  const trades: BacktestTrade[] = [];
  const equity: number[] = [];
  for (let t = 0; t < n; t++) {
    // 1. decide on z[t] (only if the order can fill before the end)
    const zt = Number.isNaN(z[t]!) ? null : z[t]!;
    if (t + o.lag <= n - 1) {
      if (state === 'flat') {
        if (cooldownLeft > 0) {
          cooldownLeft--;
        } else if (zt !== null && !Number.isNaN(beta[t]!)) {
          if (zt < -o.entry || zt > o.entry) {
            const qy = zt < -o.entry ? o.notional / y[t]! : -o.notional / y[t]!;
            orders.push({ fillAt: t + o.lag, kind: 'open', qy, qx: -beta[t]! * qy, beta: beta[t]!, reason: 'open' });
            state = zt < -o.entry ? 'long' : 'short';
            enteredAt = t;
          }
        }
      } else {
        let reason: BacktestTrade['reason'] | null = null;
        if (state === 'long') {
          if (zt !== null && o.stop !== null && zt <= -o.stop) reason = 'stop';
          else if (zt !== null && zt >= -o.exit) reason = 'exit';
        } else {
          if (zt !== null && o.stop !== null && zt >= o.stop) reason = 'stop';
          else if (zt !== null && zt <= o.exit) reason = 'exit';
        }
        if (reason === null && o.maxHold !== null && t - enteredAt >= o.maxHold) reason = 'time';
        if (reason !== null) {
          orders.push({ fillAt: t + o.lag, kind: 'close', qy: 0, qx: 0, beta: 0, reason });
          state = 'flat';
          if (reason === 'stop') cooldownLeft = o.cooldown;
        }
      }
    }
    // 2. fill the orders due at t, at this bar's closes
    for (const order of orders.filter((d) => d.fillAt === t)) {
      const price = (q: number, p: number) => (q > 0 ? p * (1 + s) : p * (1 - s));
      if (order.kind === 'open') {
        const fy = price(order.qy, y[t]!);
        const fx = price(order.qx, x[t]!);
        const fees = (o.feeBps / 10000) * (Math.abs(order.qy) * fy + Math.abs(order.qx) * fx);
        allFees += fees;
        realised -= fees;
        const trade: BacktestTrade = {
          entryIndex: t,
          exitIndex: t,
          side: order.qy > 0 ? 'LONG' : 'SHORT',
          reason: 'open',
          beta: order.beta,
          qy: order.qy,
          qx: order.qx,
          pnl: 0,
          fees,
          bars: 0,
        };
        held = { qy: order.qy, qx: order.qx, fy, fx, fees, trade };
      } else if (held) {
        const fy = price(-held.qy, y[t]!);
        const fx = price(-held.qx, x[t]!);
        const fees = (o.feeBps / 10000) * (Math.abs(held.qy) * fy + Math.abs(held.qx) * fx);
        allFees += fees;
        const gross = held.qy * (fy - held.fy) + held.qx * (fx - held.fx);
        realised += gross - fees;
        held.trade.fees += fees;
        held.trade.pnl = gross - held.trade.fees;
        held.trade.exitIndex = t;
        held.trade.bars = t - held.trade.entryIndex;
        held.trade.reason = order.reason;
        trades.push(held.trade);
        held = null;
      }
    }
    // 3. mark: notional + realised (net of fees) + open legs at this bar's closes
    const unrealised = held ? held.qy * (y[t]! - held.fy) + held.qx * (x[t]! - held.fx) : 0;
    equity.push(o.notional + realised + unrealised);
  }
  if (held) {
    const t = n - 1;
    held.trade.exitIndex = t;
    held.trade.bars = t - held.trade.entryIndex;
    held.trade.pnl = held.qy * (y[t]! - held.fy) + held.qx * (x[t]! - held.fx) - held.trade.fees;
    trades.push(held.trade);
  }
  // metrics, straight from the definitions
  const returns = equity.map((e, t) => (e - (t === 0 ? o.notional : equity[t - 1]!)) / o.notional);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1));
  let maxDrawdown = 0;
  for (let t = 0; t < n; t++) {
    const peak = Math.max(o.notional, ...equity.slice(0, t + 1));
    maxDrawdown = Math.max(maxDrawdown, (peak - equity[t]!) / peak);
  }
  return {
    trades,
    equity,
    metrics: {
      totalReturn: (equity[n - 1]! - o.notional) / o.notional,
      sharpe: returns.length >= 2 && sd > 0 ? (mean / sd) * Math.sqrt(o.barsPerYear) : null,
      maxDrawdown,
      trades: trades.length,
      winRate: trades.length ? trades.filter((tr) => tr.pnl > 0).length / trades.length : null,
      avgBars: trades.length ? trades.reduce((a, tr) => a + tr.bars, 0) / trades.length : null,
      fees: allFees,
    },
  };
}

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

function expectSame(fast: BacktestResult, slow: BacktestResult, what: string): void {
  expect([what, fast.trades.map((t) => [t.entryIndex, t.exitIndex, t.side, t.reason, t.bars])]).toEqual([
    what,
    slow.trades.map((t) => [t.entryIndex, t.exitIndex, t.side, t.reason, t.bars]),
  ]);
  // two accountings (cash vs realised + mark) differ by rounding only: 1e-9 of the notional
  const bad: string[] = [];
  fast.equity.forEach((e, t) => {
    if (!close(e, slow.equity[t]!)) bad.push(`equity[${t}] ${e} vs ${slow.equity[t]}`);
  });
  fast.trades.forEach((tr, i) => {
    const sl = slow.trades[i]!;
    for (const k of ['pnl', 'fees', 'qy', 'qx', 'beta'] as const) if (!close(tr[k], sl[k])) bad.push(`trade ${i} ${k} ${tr[k]} vs ${sl[k]}`);
  });
  const m = fast.metrics;
  const sm = slow.metrics;
  for (const k of ['totalReturn', 'maxDrawdown', 'fees'] as const) if (!close(m[k], sm[k])) bad.push(`${k} ${m[k]} vs ${sm[k]}`);
  if ((m.sharpe === null) !== (sm.sharpe === null) || (m.sharpe !== null && !close(m.sharpe, sm.sharpe!, 1e-6))) bad.push(`sharpe ${m.sharpe} vs ${sm.sharpe}`);
  expect([what, m.trades, m.winRate, m.avgBars]).toEqual([what, sm.trades, sm.winRate, sm.avgBars]);
  expect([what, bad]).toEqual([what, []]);
}

describe('backtest vs the slow reference on seeded random pairs', () => {
  const grid: Partial<BacktestOptions>[] = [];
  for (const entry of [1, 2])
    for (const exit of [0, 0.5, -0.5])
      for (const stop of [null, 3])
        for (const maxHold of [null, 15])
          for (const [cooldown, lag] of [
            [0, 1],
            [5, 0],
            [2, 3],
          ] as const)
            grid.push({ entry, exit, stop, maxHold, cooldown, lag, feeBps: lag === 0 ? 0 : 7.5, slippageBps: lag === 3 ? 4 : 0, notional: 500 + 500 * lag });

  const reasons = new Set<string>();
  it.each([
    [11, 30],
    [12, 5], // |z| <= (w-1)/sqrt(w) = 1.79 with ddof 1: only entry 1 trades
    [13, 100],
  ])('seed %i, window %i: every parameter set of the grid agrees', (seed, window) => {
    const { x, y } = cointegratedPair(600, seed);
    const c = analyzeColumns({ ts: x.map((_, i) => i), x, y, window, ddof: 1 });
    const z = Array.from(c.zscore);
    const beta = Array.from(c.beta);
    let trades = 0;
    for (const opts of grid) {
      const fast = backtest({ x, y, z, beta }, opts);
      expectSame(fast, slowBacktest(x, y, z, beta, opts), JSON.stringify(opts));
      trades += fast.trades.length;
      fast.trades.forEach((t) => reasons.add(t.reason));
    }
    expect(trades).toBeGreaterThan(grid.length);
  });

  it('the grids above exercised every exit reason (runs after them)', () => {
    expect([...reasons].sort()).toEqual(['exit', 'open', 'stop', 'time']);
  });

  it('z with gaps (NaN) agrees too', () => {
    const { x, y } = cointegratedPair(400, 21);
    const c = analyzeColumns({ ts: x.map((_, i) => i), x, y, window: 20, ddof: 1 });
    const z = Array.from(c.zscore, (v, i) => (i % 17 < 3 ? NaN : v));
    const beta = Array.from(c.beta);
    for (const opts of [{}, { maxHold: 4 }, { stop: 2.5, cooldown: 3, lag: 2 }])
      expectSame(backtest({ x, y, z, beta }, opts), slowBacktest(x, y, z, beta, opts), JSON.stringify(opts));
  });
});

describe('backtest at every price level (issue 22): the slow reference agrees, and P&L does not depend on the level', () => {
  // PEPE near 1e-5 trades 1e8 coins for a 1,000 USDT notional; BTC near 1e5 trades 0.01
  const LEVELS = [1e-8, 1e-5, 1e-2, 1, 1e3, 1e5, 1e6];
  const { x: x0, y: y0 } = cointegratedPair(500, 31);
  const atLevel = (v: number[], level: number) => v.map((a) => (a * level) / v[0]!);
  const base = (() => {
    const c = analyzeColumns({ ts: x0.map((_, i) => i), x: x0, y: y0, window: 30, ddof: 1 });
    return backtest({ x: x0, y: y0, z: Array.from(c.zscore), beta: Array.from(c.beta) }, { stop: 3, feeBps: 10, slippageBps: 2 });
  })();
  it.each(LEVELS.flatMap((ly) => LEVELS.map((lx) => [ly, lx] as const)))('y at %p, x at %p', (ly, lx) => {
    const x = atLevel(x0, lx);
    const y = atLevel(y0, ly);
    const c = analyzeColumns({ ts: x.map((_, i) => i), x, y, window: 30, ddof: 1 });
    const z = Array.from(c.zscore);
    const beta = Array.from(c.beta);
    const opts = { stop: 3, feeBps: 10, slippageBps: 2 };
    const fast = backtest({ x, y, z, beta }, opts);
    expectSame(fast, slowBacktest(x, y, z, beta, opts), `levels ${ly}/${lx}`);
    // z is scale-free, so the trades are the same at every level, and so is the money: the y leg
    // is a fixed notional and beta·x its hedge (1e-9 of the notional: the levels' rounding)
    expect(fast.trades.map((t) => [t.entryIndex, t.exitIndex, t.side, t.reason])).toEqual(
      base.trades.map((t) => [t.entryIndex, t.exitIndex, t.side, t.reason]),
    );
    fast.trades.forEach((t, i) => {
      expect(Math.abs(t.pnl - base.trades[i]!.pnl)).toBeLessThan(1e-9 * 1000);
      expect(Math.abs(t.fees - base.trades[i]!.fees)).toBeLessThan(1e-9 * 1000);
      expect(Math.abs(t.qy * y[t.entryIndex]! - base.trades[i]!.qy * y0[t.entryIndex]!)).toBeLessThan(1e-9 * 1000);
    });
    expect(base.trades.length).toBeGreaterThan(3);
  });
});

// Hand-worked cases: x (hedge leg) flat at 10 unless stated, beta 1, so P&L is read off y.
const N = NaN;
const flat = (n: number, v = 10) => new Array<number>(n).fill(v);

describe('hand-worked rules', () => {
  it('defaults: entry at z < -2, fill one bar later, exit at z >= 0, fees 10 bps of each leg', () => {
    // t:     0    1   2    3   4   5
    // z:     N  -2.5 -1  -0.5 0.1  0
    // y:    10   10  11   12  13  14     x: 10 throughout, beta 1
    // t=1 decides LONG: qy = 1000/10 = 100, qx = -100; fills at t=2: buy 100 y @11, sell 100 x @10
    //   entry fees 0.001*(1100 + 1000) = 2.1
    // t=4 decides exit (z 0.1 >= 0); fills at t=5: sell y @14, buy x @10: fees 0.001*(1400 + 1000) = 2.4
    // pnl = 100*(14-11) + (-100)*(10-10) - 2.1 - 2.4 = 295.5; bars 5-2 = 3
    const r = backtest({ x: flat(6), y: [10, 10, 11, 12, 13, 14], z: [N, -2.5, -1, -0.5, 0.1, 0], beta: flat(6, 1) });
    expect(r.trades).toEqual([
      {
        entryIndex: 2,
        exitIndex: 5,
        side: 'LONG',
        reason: 'exit',
        beta: 1,
        qy: 100,
        qx: -100,
        pnl: expect.closeTo(295.5, 9),
        fees: expect.closeTo(4.5, 12),
        bars: 3,
      },
    ]);
    // equity: 1000, 1000, 1000-2.1 (marked at the fill prices), +100 a bar, then -2.4 at the exit
    [1000, 1000, 997.9, 1097.9, 1197.9, 1295.5].forEach((e, t) => expect(r.equity[t]).toBeCloseTo(e, 9));
    expect(r.metrics.totalReturn).toBeCloseTo(0.2955, 12);
    expect(r.metrics.maxDrawdown).toBeCloseTo(2.1 / 1000, 12); // peak 1000 (start) vs 997.9
    expect([r.metrics.trades, r.metrics.winRate, r.metrics.avgBars]).toEqual([1, 1, 3]);
  });

  it('SHORT spread: qy negative, qx = +beta*notional/py; exit at z <= exit', () => {
    // t=0 z 3 > 2: SHORT, beta 2: qy = -1000/10 = -100, qx = -2*(-100) = 200; fill t=1 (y 10, x 10)
    // t=1 z 0.4 > exit 0.5? no: 0.4 <= 0.5 -> exit decided, fills t=2: y 8, x 11
    // pnl = -100*(8-10) + 200*(11-10) = 400, fees 0 (feeBps 0)
    const r = backtest({ x: [10, 10, 11], y: [10, 10, 8], z: [3, 0.4, 0], beta: [2, 2, 2] }, { exit: 0.5, feeBps: 0 });
    expect(r.trades).toEqual([{ entryIndex: 1, exitIndex: 2, side: 'SHORT', reason: 'exit', beta: 2, qy: -100, qx: 200, pnl: 400, fees: 0, bars: 1 }]);
  });

  it('stop, then cooldown blocks entries for `cooldown` bars after the stop', () => {
    // t:   0    1    2    3    4    5    6
    // z: -2.5 -3.5 -2.5 -2.5 -2.5 -2.5  0
    // t=0 LONG; t=1 z <= -3 -> stop (fill t=2); cooldown 2: no entry at t=2, t=3; entry at t=4 (fill t=5)
    // t=5: z -2.5 < exit, hold; t=6 is the last bar: no decision can fill -> open at the end
    const r = backtest({ x: flat(7), y: flat(7), z: [-2.5, -3.5, -2.5, -2.5, -2.5, -2.5, 0], beta: flat(7, 1) }, { stop: 3, cooldown: 2, feeBps: 0 });
    expect(r.trades.map((t) => [t.entryIndex, t.exitIndex, t.reason, t.bars])).toEqual([
      [1, 2, 'stop', 1],
      [5, 6, 'open', 1],
    ]);
    // cooldown 0: re-entry decided at t=2 (the bar after the stop), fill t=3
    const r0 = backtest({ x: flat(7), y: flat(7), z: [-2.5, -3.5, -2.5, -2.5, -2.5, -2.5, 0], beta: flat(7, 1) }, { stop: 3, cooldown: 0, feeBps: 0 });
    expect(r0.trades.map((t) => [t.entryIndex, t.exitIndex, t.reason])).toEqual([
      [1, 2, 'stop'],
      [3, 6, 'open'],
    ]);
  });

  it('an exit (not a stop) has no cooldown; a SHORT stops at z >= stop', () => {
    // t=0 SHORT (z 2.5); t=1 z 4 >= 3.5 -> stop; cooldown 1 blocks t=2; t=3 z 2.5 -> SHORT again, fill t=4
    const r = backtest({ x: flat(5), y: flat(5), z: [2.5, 4, 2.5, 2.5, 2.5], beta: flat(5, 1) }, { stop: 3.5, cooldown: 1 });
    expect(r.trades.map((t) => [t.entryIndex, t.exitIndex, t.side, t.reason])).toEqual([
      [1, 2, 'SHORT', 'stop'],
      [4, 4, 'SHORT', 'open'],
    ]);
  });

  it('time stop: exits once maxHold bars have passed since the entry decision', () => {
    // entry decided t=0 (fill 1); maxHold 3: t - 0 >= 3 at t=3 -> time, fill t=4; re-entry decided t=4, fill 5
    const r = backtest({ x: flat(7), y: flat(7), z: [-3, -3, -3, -3, -3, -3, -3], beta: flat(7, 1) }, { maxHold: 3 });
    expect(r.trades.map((t) => [t.entryIndex, t.exitIndex, t.reason, t.bars])).toEqual([
      [1, 4, 'time', 3],
      [5, 6, 'open', 1],
    ]);
  });

  it('lag: a decision at t fills at t+lag at that bar; lag 0 fills at the decision bar', () => {
    const y = [10, 20, 40, 80, 160];
    const z = [-3, 0, 0, 0, 0];
    // lag 0: buy at y[0] = 10 (qy 100), exit decided t=1 fills t=1 at 20: pnl 100*10 = 1000
    // lag 2: qy = 1000/y[0] = 100 (sized at the decision bar), buy at y[2] = 40, exit decided t=1 fills t=3 at 80: 100*40 = 4000
    const p = (lag: number) => backtest({ x: flat(5), y, z, beta: flat(5, 0) }, { lag, feeBps: 0 }).trades.map((t) => [t.entryIndex, t.exitIndex, t.qy, t.pnl]);
    expect(p(0)).toEqual([[0, 1, 100, 1000]]);
    expect(p(2)).toEqual([[2, 3, 100, 4000]]);
    // lag 4: the exit decided at t=1 would fill at t=5, past the end: open, marked at y[4] = 160
    expect(p(4)).toEqual([[4, 4, 100, 0]]);
    // lag 5: even the entry cannot fill: no trade, equity flat at the notional
    const r = backtest({ x: flat(5), y, z, beta: flat(5, 0) }, { lag: 5 });
    expect([r.trades, r.equity]).toEqual([[], flat(5, 1000)]);
  });

  it('open at the end: marked at the last closes, entry fee only, reason open', () => {
    // the doc comment's worked example: qy 100, qx -200, buy y @11, sell x @5, fees 2.1
    // marked at t=3: 100*(12-11) + (-200)*(5-5) - 2.1 = 97.9
    const r = backtest({ x: [5, 5, 5, 5], y: [10, 10, 11, 12], z: [N, -2.5, -1, 0.5], beta: [N, 2, 2, 2] });
    expect(r.trades).toEqual([
      {
        entryIndex: 2,
        exitIndex: 3,
        side: 'LONG',
        reason: 'open',
        beta: 2,
        qy: 100,
        qx: -200,
        pnl: expect.closeTo(97.9, 9),
        fees: expect.closeTo(2.1, 12),
        bars: 1,
      },
    ]);
    expect(r.equity[3]).toBeCloseTo(1097.9, 9);
    expect(r.metrics.fees).toBeCloseTo(2.1, 12);
  });

  it('slippage: buys at p(1+s), sells at p(1-s), fees on the slipped prices', () => {
    // slippage 100 bps, fee 10 bps; LONG qy 100, qx -100 at y = x = 10 throughout, beta 1
    // entry: buy y @10.1, sell x @9.9; exit: sell y @9.9, buy x @10.1
    // gross = 100*(9.9-10.1) + (-100)*(10.1-9.9) = -40; fees 0.001*(1010+990) + 0.001*(990+1010) = 4
    const r = backtest({ x: flat(4), y: flat(4), z: [-3, 1, 0, 0], beta: flat(4, 1) }, { slippageBps: 100 });
    expect(r.trades.map((t) => [t.entryIndex, t.exitIndex, t.pnl, t.fees])).toEqual([[1, 2, expect.closeTo(-44, 9), expect.closeTo(4, 12)]]);
    // equity after the entry fill: 1000 - 20 (slippage on 2000 traded) - 2 (fees)
    expect(r.equity[1]).toBeCloseTo(978, 9);
    expect(r.equity[3]).toBeCloseTo(956, 9);
  });

  it('no entry without a defined z or beta; no decision on an undefined z but the time stop counts', () => {
    expect(backtest({ x: flat(3), y: flat(3), z: [-3, -3, 0], beta: [N, N, 1] }).trades).toEqual([]);
    // LONG at t=0; z undefined at t=1,2 (no exit) though exit would hold at 0; maxHold 2 -> time at t=2
    const r = backtest({ x: flat(5), y: flat(5), z: [-3, N, N, N, N], beta: flat(5, 1) }, { maxHold: 2 });
    expect(r.trades.map((t) => [t.entryIndex, t.exitIndex, t.reason])).toEqual([[1, 3, 'time']]);
  });

  it('metrics: Sharpe with ddof 1 and sqrt(barsPerYear), worked by hand', () => {
    // one LONG, fee 0, qy 100 from y 10 at t=1: equity 1000, 1000, 1100, 1000, 1200 (exit at t=4 sells at 12)
    // returns (E_{-1} = 1000): 0, 0, 0.1, -0.1, 0.2; mean 0.04; squared deviations 0.0016*2 + 0.0036 + 0.0196 + 0.0256 = 0.052
    // sd = sqrt(0.052/4) = 0.114017...; Sharpe = 0.04/0.114017 * sqrt(4) = 0.701646...
    const r = backtest({ x: flat(5), y: [10, 10, 11, 10, 12], z: [-3, -1, -1, 1, 0], beta: flat(5, 0) }, { feeBps: 0, barsPerYear: 4 });
    expect(r.equity).toEqual([1000, 1000, 1100, 1000, 1200]);
    expect(r.metrics.sharpe).toBeCloseTo((0.04 / Math.sqrt(0.052 / 4)) * 2, 12);
    expect(r.metrics.maxDrawdown).toBeCloseTo(100 / 1100, 12);
    expect(r.metrics.totalReturn).toBeCloseTo(0.2, 12);
  });

  it('bad options and columns: RangeError naming the parameter', () => {
    const ok = { x: flat(3), y: flat(3), z: flat(3, 0), beta: flat(3, 1) };
    expect(() => backtest(ok, { entry: 0 })).toThrow(/entry must be a positive number/);
    expect(() => backtest(ok, { exit: 2 })).toThrow(/exit must be a number below entry \(2\), got 2/);
    expect(() => backtest(ok, { stop: 1.5 })).toThrow(/stop must be a number above entry/);
    expect(() => backtest(ok, { maxHold: 0 })).toThrow(/maxHold must be an integer >= 1/);
    expect(() => backtest(ok, { lag: 1.5 })).toThrow(/lag must be an integer >= 0/);
    expect(() => backtest(ok, { feeBps: -1 })).toThrow(/feeBps must be a number >= 0/);
    expect(() => backtest(ok, { notional: NaN })).toThrow(/notional must be a positive number/);
    expect(() => backtest({ ...ok, y: [1, 0, 1] })).toThrow(/y\[1\] must be a positive finite price, got 0/);
    expect(() => backtest({ ...ok, beta: [1] })).toThrow(/same length, got 3, 3, 3 and 1/);
  });
});

describe('no look-ahead', () => {
  it('changing the prices after bar t changes no decision or fill at or before t (whole path from prices)', () => {
    const { x, y } = cointegratedPair(300, 31);
    const opts = { stop: 3, maxHold: 20, cooldown: 3, lag: 2, slippageBps: 2 };
    const base = backtestSeries({ x, y, window: 20 }, opts);
    expect(base.trades.length).toBeGreaterThan(3);
    const r = rng(77);
    for (const t of [25, 60, 120, 200, 280]) {
      // scramble everything after t
      const x2 = x.map((v, i) => (i > t ? v * (0.5 + r()) : v));
      const y2 = y.map((v, i) => (i > t ? v * (0.5 + r()) : v));
      const alt = backtestSeries({ x: x2, y: y2, window: 20 }, opts);
      // fills at or before t: same trades' entries and exits; equity identical up to t
      const upTo = (res: BacktestResult) =>
        res.trades.flatMap((tr) => [
          ...(tr.entryIndex <= t ? [`in ${tr.entryIndex} ${tr.side} ${tr.qy} ${tr.qx}`] : []),
          ...(tr.reason !== 'open' && tr.exitIndex <= t ? [`out ${tr.exitIndex} ${tr.reason}`] : []),
        ]);
      expect([t, upTo(alt)]).toEqual([t, upTo(base)]);
      expect([t, alt.equity.slice(0, t + 1)]).toEqual([t, base.equity.slice(0, t + 1)]);
      // and the scramble did change later decisions (the test can see a difference)
      expect(JSON.stringify(alt.trades) === JSON.stringify(base.trades) && t < 280).toBe(false);
    }
  });
});
