/**
 * Funding of perp legs in the backtest (issue 25; src/analytics/backtest/funding.ts): the output
 * without funding events is byte for byte what it was before funding existed; hand-worked cases;
 * the literal reference (slowFunding.ts) on seeded pairs at real price scales; the sweep and the
 * walk-forward carry the same funding; the look-ahead rule; bad input named.
 *
 * Real scales: BTCUSDT.P near 1e5 beside 1000PEPEUSDT.P near 1e-2 (cointegratedPair scaled),
 * rates near 1e-4 with both signs, BTCUSDT.P funded every 8 h and 1000PEPEUSDT.P every 4 h.
 */
import { backtest, backtestSeries, backtestSweep, BACKTEST_DEFAULTS, type BacktestOptions, type BacktestResult } from '../../src/analytics';
import type { FundingEvent, LegFunding } from '../../src/analytics/backtest';
import { walkForward } from '../../src/analytics/honest/walkForward';
import { gaussian, rng } from '../../src/fake-binance/rng';
import { goldenDigests } from './goldenCases';
import { perpCase, slowFunded, type PerpCase } from './slowFunding';
import { cointegratedPair } from './slow';

const H = 3_600_000;
/** 2026-12-01T00:00Z: a funding time of every schedule (00:00, 08:00, 16:00 UTC; every 4 h; every hour). */
const T0 = Date.UTC(2026, 11, 1);

describe('without funding events nothing changes', () => {
  it('backtestSeries, the sweep, its verdict, the walk-forward and the command line give the same JSON as before funding', () => {
    // sha256 of each JSON.stringify, recorded by goldenCases.ts's goldenDigests() on commit 8779f80 (before funding)
    expect(goldenDigests()).toEqual({
      series: '500a9bfa590e7e7be96b9d465c0af421d1ae02fdaef021743bb575472c77cc58',
      awkward: '9de38d8858d2cad5d293da8d2c5e8f42635c23367312c8b60b3547de49b79968',
      sweep: 'eadb302c1a5242e12cd2ecdd24cca4676e23097ebc9744e069e99780747b91cd',
      verdict: '1829f4e12f6ca397c41210d7068f9095ca2b73709fb1b5af5eb955efeb259523',
      walkForward: 'ce89de9c8ddb6032b98854a4a795edeede5ab4cd3dbab647184af8e0926616fd',
      cli: '739e9d4c5817b1353401285d49cff748bbee2e93f171fde59bcf49a9ade7452d',
    });
  });

  it('funding with no events (two spot legs) gives the same numbers, with funding 0 fields', () => {
    const { x, y } = cointegratedPair(1500, 3);
    const ts = x.map((_, i) => T0 + i * 60_000);
    const plain = backtestSeries({ x, y, ts, window: 60 });
    const funded = backtestSeries({ x, y, ts, window: 60, funding: { y: [], x: [] } });
    expect(funded.equity).toEqual(plain.equity);
    expect(funded.trades).toEqual(plain.trades.map((t) => ({ ...t, funding: 0 })));
    expect(funded.metrics).toEqual({ ...plain.metrics, funding: 0 });
    expect(plain.trades.length).toBeGreaterThan(5);
  });
});

// ---- hand-worked cases ----------------------------------------------------------------------
// Hourly bars from T0; y = BTCUSDT.P at 100,000, x = ETHUSDT.P at 4,000 (flat prices, no fees:
// every equity change is funding). beta 20, notional 1000: a LONG spread holds qy = 1000/1e5 = 0.01
// BTC (1,000 USDT) and qx = -20 · 0.01 = -0.2 ETH (800 USDT short); a SHORT the opposite.

const hours = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * H);
const every = (stepH: number, rates: readonly number[], mark: number): FundingEvent[] => rates.map((r, k) => [T0 + k * stepH * H, r, mark] as const);

/** z that decides `side` (1 LONG, -1 SHORT) at bar `decide` and its exit at bar `exit` (fills one bar later each). */
function zPath(n: number, side: 1 | -1, decide: number, exit: number): number[] {
  return Array.from({ length: n }, (_, t) => (t === decide ? -2.5 * side : t > decide && t < exit ? -1 * side : t === exit ? 0.5 * side : 0));
}

function handRun(n: number, side: 1 | -1, decide: number, exit: number, funding: LegFunding, px = { y: 100_000, x: 4_000, beta: 20 }): BacktestResult {
  const input = {
    y: new Array<number>(n).fill(px.y),
    x: new Array<number>(n).fill(px.x),
    z: zPath(n, side, decide, exit),
    beta: new Array<number>(n).fill(px.beta),
  };
  return backtest({ ...input, ts: hours(n), funding }, { feeBps: 0 });
}

/** Equity minus the notional at each bar, to 1e-12 (the sums of a few products of decimals). */
const gains = (r: BacktestResult) => r.equity.map((e) => Math.round((e - 1000) * 1e12) / 1e12);

describe('hand-worked funding', () => {
  // 8-hourly events at T0, T0+8h, ...: y at rate 1e-4, x at 2e-4. Per event a LONG receives
  // y: -(0.01 · 100000 · 1e-4) = -0.1 (the long pays), x: -(-0.2 · 4000 · 2e-4) = +0.16 (the short receives): +0.06.
  const eight = { y: every(8, [1e-4, 1e-4, 1e-4, 1e-4], 100_000), x: every(8, [2e-4, 2e-4, 2e-4, 2e-4], 4_000) };

  it('a trade across no funding time: funding 0', () => {
    // LONG decided at bar 1, filled at 2 (02:00); exit decided at 5, filled at 6 (06:00): no event in (02:00, 06:00]
    const r = handRun(12, 1, 1, 5, eight);
    expect(r.trades.map((t) => [t.entryIndex, t.exitIndex, t.funding, t.pnl])).toEqual([[2, 6, 0, 0]]);
    expect(r.metrics.funding).toBe(0);
    expect(gains(r)).toEqual(new Array(12).fill(0));
  });

  it('a trade across one funding time: +0.06, landing on the 08:00 bar', () => {
    // filled at 06:00, exited at 10:00: the 08:00 event pays, on bar 8
    const r = handRun(12, 1, 5, 9, eight);
    expect(r.trades[0]).toMatchObject({ entryIndex: 6, exitIndex: 10, funding: expect.closeTo(0.06, 12), pnl: expect.closeTo(0.06, 12) });
    expect(r.metrics.funding).toBeCloseTo(0.06, 12);
    expect(gains(r)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0.06, 0.06, 0.06, 0.06]);
  });

  it('a trade across three funding times, the rate changing sign: 0.06 - 0.14 + 0.36 = 0.28', () => {
    // y rates 1e-4, 3e-4, -2e-4 at 08:00, 16:00, 24:00 -> y receives -0.1, -0.3, +0.2; x receives 0.16 each
    const funding = { y: every(8, [5e-4, 1e-4, 3e-4, -2e-4], 100_000), x: every(8, [9e-4, 2e-4, 2e-4, 2e-4], 4_000) };
    // filled at 02:00, exited at 26:00 (the T0 event, rates 5e-4 / 9e-4, falls on bar 0 while flat)
    const r = handRun(30, 1, 1, 25, funding);
    expect(r.trades[0]).toMatchObject({ entryIndex: 2, exitIndex: 26, funding: expect.closeTo(0.28, 12) });
    const g = gains(r);
    expect([g[0], g[7], g[8], g[15], g[16], g[23], g[24], g[29]]).toEqual([0, 0, 0.06, 0.06, -0.08, -0.08, 0.28, 0.28]);
  });

  it('SHORT spread: the y short receives, the x long pays: -0.06 a funding time', () => {
    // qy = -0.01: receives 0.01 · 100000 · 1e-4 = 0.1; qx = +0.2: pays 0.2 · 4000 · 2e-4 = 0.16; 08:00 and 16:00 inside (02:00, 18:00]
    const r = handRun(20, -1, 1, 17, eight);
    expect(r.trades[0]).toMatchObject({
      side: 'SHORT',
      qy: -0.01,
      qx: expect.closeTo(0.2, 15),
      entryIndex: 2,
      exitIndex: 18,
      funding: expect.closeTo(-0.12, 12),
    });
    expect([gains(r)[7], gains(r)[8], gains(r)[16]]).toEqual([0, -0.06, -0.12]);
  });

  it('negative rates: shorts pay and longs receive', () => {
    // y rate -1e-4: the y long receives 0.01 · 100000 · 1e-4 = 0.1; x rate -3e-4: the x short pays 0.2 · 4000 · 3e-4 = 0.24
    const funding = { y: every(8, [0, -1e-4], 100_000), x: every(8, [0, -3e-4], 4_000) };
    const r = handRun(12, 1, 5, 9, funding);
    expect(r.trades[0]!.funding).toBeCloseTo(0.1 - 0.24, 12);
    expect(gains(r)[8]).toBe(-0.14);
  });

  it('a 4 h symbol beside an 8 h one: 1000PEPEUSDT.P every 4 h, BTCUSDT.P every 8 h', () => {
    // x = 1000PEPEUSDT.P at 0.0125, beta 6.4e6: qx = -6.4e6 · 0.01 = -64000 (800 USDT short);
    // x rate 5e-5 every 4 h: receives 64000 · 0.0125 · 5e-5 = 0.04 at 04:00, 08:00, 12:00, 16:00;
    // y rate 1e-4 every 8 h: pays 0.1 at 08:00 and 16:00. Held (02:00, 18:00]: 4 · 0.04 - 2 · 0.1 = -0.04
    const funding = { y: every(8, [1e-4, 1e-4, 1e-4], 100_000), x: every(4, [5e-5, 5e-5, 5e-5, 5e-5, 5e-5, 5e-5], 0.0125) };
    const r = handRun(20, 1, 1, 17, funding, { y: 100_000, x: 0.0125, beta: 6.4e6 });
    expect(r.trades[0]).toMatchObject({ qx: -64000, entryIndex: 2, exitIndex: 18, funding: expect.closeTo(-0.04, 12) });
    const g = gains(r);
    expect([g[3], g[4], g[7], g[8], g[11], g[12], g[15], g[16], g[19]]).toEqual([0, 0.04, 0.04, -0.02, -0.02, 0.02, 0.02, -0.04, -0.04]);
  });

  it('funding exactly at a fill time: an entry filled at T does not pay at T, an exit filled at T does', () => {
    // entry filled at bar 8 (08:00 = T): the 08:00 event finds the book flat; exit filled at bar 16
    // (16:00 = T): the position is still held just before 16:00 and pays +0.06
    const atT = handRun(20, 1, 7, 15, eight);
    expect(atT.trades[0]).toMatchObject({ entryIndex: 8, exitIndex: 16, funding: expect.closeTo(0.06, 12) });
    expect([gains(atT)[8], gains(atT)[15], gains(atT)[16]]).toEqual([0, 0, 0.06]);
    // one bar earlier on both sides: filled at 07:00 (< 08:00) pays 08:00; exited at 15:00 (< 16:00) does not pay 16:00
    const before = handRun(20, 1, 6, 14, eight);
    expect(before.trades[0]).toMatchObject({ entryIndex: 7, exitIndex: 15, funding: expect.closeTo(0.06, 12) });
    expect([gains(before)[8], gains(before)[16]]).toEqual([0.06, 0.06]);
  });

  it('an event between bars lands on the next bar; one after the last bar counts nowhere; an open trade is funded to the end', () => {
    // events at 08:30 (lands on bar 9, the first with ts >= 08:30) and at 11:30 (after the last bar, 11:00)
    const funding = {
      y: [
        [T0 + 8.5 * H, 1e-4, 100_000],
        [T0 + 11.5 * H, 1e-4, 100_000],
      ] as FundingEvent[],
    };
    const r = handRun(12, 1, 1, 11, funding); // exit decided at the last bar cannot fill: open
    expect(r.trades[0]).toMatchObject({ reason: 'open', entryIndex: 2, exitIndex: 11, funding: expect.closeTo(-0.1, 12) });
    expect([gains(r)[8], gains(r)[9], gains(r)[11]]).toEqual([0, -0.1, -0.1]);
    expect(r.metrics.funding).toBeCloseTo(-0.1, 12);
  });
});

// ---- the literal reference at real scales ----------------------------------------------------

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

/** Worst relative difference of fast against the literal reference; trades' bars must agree exactly. */
function worstAgainstSlow(c: PerpCase, opts: Partial<BacktestOptions>): { worst: number; trades: number; funded: number } {
  const o = { ...BACKTEST_DEFAULTS, ...opts };
  const fast = backtestSeries({ ...c, window: 60 }, opts);
  const slow = slowFunded(backtestSeries({ x: c.x, y: c.y, ts: c.ts, window: 60 }, opts), c.ts, c.funding, o);
  expect(fast.trades.map((t) => [t.entryIndex, t.exitIndex, t.reason])).toEqual(slow.trades.map((t) => [t.entryIndex, t.exitIndex, t.reason]));
  let worst = 0;
  fast.equity.forEach((e, t) => (worst = Math.max(worst, rel(e, slow.equity[t]!))));
  fast.trades.forEach((t, i) => {
    worst = Math.max(worst, rel(t.funding!, slow.trades[i]!.funding!), rel(t.pnl, slow.trades[i]!.pnl));
  });
  const m = fast.metrics;
  const sm = slow.metrics;
  for (const k of ['funding', 'totalReturn', 'maxDrawdown'] as const) worst = Math.max(worst, rel(m[k]!, sm[k]!));
  expect(rel(m.sharpe!, sm.sharpe!)).toBeLessThanOrEqual(1e-6); // two-pass vs the same two-pass over other roundings
  expect([m.trades, m.winRate, m.avgBars]).toEqual([sm.trades, sm.winRate, sm.avgBars]);
  return { worst, trades: fast.trades.length, funded: fast.trades.filter((t) => t.funding !== 0).length };
}

describe('funding equals the literal reference within 1e-9 relative (BTCUSDT.P ~1e5 beside 1000PEPEUSDT.P ~1e-2)', () => {
  const OPTIONS: [string, Partial<BacktestOptions>][] = [
    ['defaults', {}],
    ['lag 0, no fees', { lag: 0, feeBps: 0 }],
    ['lag 2, slippage 3 bps, stop 3, cooldown 3, max-hold 50', { lag: 2, slippageBps: 3, stop: 3, cooldown: 3, maxHold: 50 }],
  ];
  const CASES = [1, 2].flatMap((seed) => (['PEPE', 'BTC'] as const).flatMap((yIs) => [0, 150_000].map((shift) => [seed, yIs, shift] as const)));
  it.each(CASES)('seed %p, y %p, bars %p ms off the hour', (seed, yIs, shift) => {
    const c = perpCase(seed, yIs, shift);
    for (const [name, opts] of OPTIONS) {
      const r = worstAgainstSlow(c, opts);
      expect([name, r.worst <= 1e-9]).toEqual([name, true]);
      expect(r.funded).toBeGreaterThan(5); // trades that crossed funding times
    }
  });
});

describe('the sweep and the walk-forward carry the same funding', () => {
  it('backtestSweep with funding equals backtestSeries with funding per combination (funding, totalReturn, fees bit for bit)', () => {
    const c = perpCase(7, 'PEPE', 0);
    const grid = { window: [30, 90], entry: [1.5, 2], exit: [0, 0.5] };
    const opts = { stop: 3.5, lag: 2, slippageBps: 1 };
    const rows = backtestSweep(c, grid, opts);
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      const m = backtestSeries({ ...c, window: row.window }, { ...opts, entry: row.entry, exit: row.exit }).metrics;
      expect({ ...row.metrics, sharpe: null }).toEqual({ ...m, sharpe: null });
      expect(rel(row.metrics.sharpe!, m.sharpe!)).toBeLessThanOrEqual(1e-12);
      expect(m.funding).not.toBe(0);
    }
  });

  it('walkForward: each fold pays its own funding, the total is their sum, and all-zero rates change nothing', () => {
    const c = perpCase(8, 'BTC', 0);
    const grid = { window: [40, 80], entry: [1.5, 2], exit: [0] };
    const plan = { train: 1000, test: 500 };
    const funded = walkForward(c, grid, plan);
    const folds = funded.folds.map((f) => f.outOfSample.funding!);
    expect(folds.every((v) => typeof v === 'number')).toBe(true);
    expect(funded.metrics.funding).toBe(folds.reduce((a, b) => a + b, 0));
    expect(folds.filter((v) => v !== 0).length).toBeGreaterThan(1);
    const zero = (e: readonly FundingEvent[] = []) => e.map(([T, , m]) => [T, 0, m] as const);
    const plain = walkForward({ x: c.x, y: c.y, ts: c.ts }, grid, plan);
    const zeroed = walkForward({ ...c, funding: { y: zero(c.funding.y), x: zero(c.funding.x) } }, grid, plan);
    expect(zeroed.equity).toEqual(plain.equity);
    expect(funded.equity).not.toEqual(plain.equity);
  });
});

describe('no look-ahead', () => {
  it('events after ts[k-1] change no equity at bars <= k-1 and no trade; an event at ts[k-1] does change bar k-1 when held', () => {
    // The rule: the payment at T lands on the first bar with ts >= T, so bar j's equity depends only on events with
    // T <= ts[j]; and funding never feeds a decision or a size, so no trade moves at all.
    const c = perpCase(3, 'PEPE', 0);
    const base = backtestSeries({ ...c, window: 60 });
    const held = base.trades.find((t) => t.exitIndex - t.entryIndex > 20 && t.reason !== 'open')!;
    for (const k of [held.entryIndex + 10, 1500, 2999]) {
      const r = rng(k);
      const after = (e: readonly FundingEvent[] = []): FundingEvent[] => [
        ...e.map(([T, rate, m]) => (T > c.ts[k - 1]! ? ([T, rate + 1e-3 * gaussian(r), m * 1.01] as const) : ([T, rate, m] as const))),
        [c.ts[k - 1]! + 1, 1e-3, 1],
      ];
      const changed = backtestSeries({
        ...c,
        window: 60,
        funding: { y: after(c.funding.y).sort((a, b) => a[0] - b[0]), x: after(c.funding.x).sort((a, b) => a[0] - b[0]) },
      });
      expect(changed.equity.slice(0, k)).toEqual(base.equity.slice(0, k));
      expect(changed.trades.map((t) => [t.entryIndex, t.exitIndex])).toEqual(base.trades.map((t) => [t.entryIndex, t.exitIndex]));
      if (k < 2999) expect(changed.equity[k]).not.toBe(base.equity[k]);
    }
    // tight: an extra event at T = ts[k-1] while a trade is held lands on bar k-1 itself
    const k = held.entryIndex + 10;
    const extra = [...c.funding.y!, [c.ts[k - 1]!, 1e-3, 1] as const].sort((a, b) => a[0] - b[0]);
    const at = backtestSeries({ ...c, window: 60, funding: { y: extra.filter((e, i, a) => i === 0 || e[0] !== a[i - 1]![0]), x: c.funding.x } });
    expect(at.equity.slice(0, k - 1)).toEqual(base.equity.slice(0, k - 1));
    expect(at.equity[k - 1]).not.toBe(base.equity[k - 1]);
  });
});

describe('bad funding input: RangeError naming the parameter', () => {
  const { x, y } = cointegratedPair(50, 1);
  const ts = hours(50);
  const run = (funding: unknown) => () => backtestSeries({ x, y, ts, window: 10, funding: funding as LegFunding });
  it.each<[string, unknown, RegExp]>([
    ['not an object', [1], /funding must be an object/],
    ['an unknown leg', { z: [] }, /funding takes only the legs "y" and "x", got "z"/],
    ['a leg not an array', { y: 5 }, /funding.y must be an array of \[T, rate, mark\], got 5/],
    ['an event of two numbers', { x: [[T0, 1e-4]] }, /funding.x\[0\] must be \[T, rate, mark\]/],
    ['a mark of 0', { y: [[T0, 1e-4, 0]] }, /funding.y\[0\] must be \[T, rate, mark\]: finite numbers, mark > 0/],
    ['a NaN rate', { y: [[T0, NaN, 1]] }, /funding.y\[0\] must be/],
    [
      'times not increasing',
      {
        y: [
          [T0 + H, 1e-4, 1],
          [T0, 1e-4, 1],
        ],
      },
      /funding.y times must increase, got funding.y\[0\]\[0\] = .* and funding.y\[1\]\[0\]/,
    ],
  ])('%s', (_name, funding, message) => {
    expect(run(funding)).toThrow(RangeError);
    expect(run(funding)).toThrow(message);
  });
  it('funding without bar times', () => {
    expect(() => backtestSeries({ x, y, window: 10, funding: { y: [] } })).toThrow(/ts \(the bar times\) is required with funding/);
    expect(() => backtestSweep({ x, y, funding: { y: [] } }, { window: [10], entry: [2], exit: [0] })).toThrow(/ts \(the bar times\) is required/);
  });
});
