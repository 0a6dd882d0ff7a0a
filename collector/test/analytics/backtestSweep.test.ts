/**
 * The sweep (src/analytics/backtest/sweep.ts: shared z/beta per window, "next bar where" tables,
 * trade-by-trade marks) against backtestSeries run once per combination (a PositionBook stepped
 * bar by bar): every metric bit for bit except the Sharpe ratio, within 1e-12 relative (the
 * sweep's one-pass sum of squares; measured when written: 3.9e-14 worst over these grids). A
 * cooldown one bar short in the sweep fails two of the cases.
 */
import { backtestSeries, backtestSweep, type BacktestOptions, type SweepGrid } from '../../src/analytics';
import type { HedgeChoice } from '../../src/analytics/hedge';
import { cointegratedPair } from './slow';

const SHARPE_TOL = 1e-12;

function expectRowsMatch(
  x: number[],
  y: number[],
  grid: SweepGrid,
  opts: Partial<BacktestOptions>,
  hedge?: HedgeChoice,
): { rows: number; trades: number; worst: number } {
  const rows = backtestSweep({ x, y, hedge }, grid, opts);
  let trades = 0;
  let worst = 0;
  const expected: unknown[] = [];
  const got: unknown[] = [];
  for (const window of grid.window)
    for (const entry of grid.entry)
      for (const exit of grid.exit) {
        if (exit >= entry || (opts.stop != null && opts.stop <= entry)) continue; // not a valid combination: not run
        const m = backtestSeries({ x, y, window, hedge }, { ...opts, entry, exit }).metrics;
        expected.push({ window, entry, exit, ...m, sharpe: m.sharpe === null });
        trades += m.trades;
        const row = rows[got.length];
        if (row === undefined) break;
        got.push({ window: row.window, entry: row.entry, exit: row.exit, ...row.metrics, sharpe: row.metrics.sharpe === null });
        if (m.sharpe !== null && row.metrics.sharpe !== null) worst = Math.max(worst, Math.abs(row.metrics.sharpe - m.sharpe) / Math.abs(m.sharpe));
      }
  expect(rows).toHaveLength(expected.length);
  expect(got).toEqual(expected);
  expect(worst).toBeLessThanOrEqual(SHARPE_TOL);
  return { rows: rows.length, trades, worst };
}

describe('backtestSweep equals backtestSeries per combination', () => {
  const grid: SweepGrid = { window: [5, 20, 60], entry: [1, 1.5, 2, 2.5], exit: [-0.5, 0, 0.5, 1.2] };
  it.each<[string, Partial<BacktestOptions>]>([
    ['defaults', {}],
    ['stop 3, cooldown 4, max-hold 25', { stop: 3, cooldown: 4, maxHold: 25 }],
    ['lag 0, no fees', { lag: 0, feeBps: 0 }],
    ['lag 3, slippage 4 bps, fees 2.5 bps, notional 5000, max-hold 1', { lag: 3, slippageBps: 4, feeBps: 2.5, notional: 5000, maxHold: 1 }],
    ['stop 2.2 (above some entries only), cooldown 0, bars a year 8760', { stop: 2.2, cooldown: 0, barsPerYear: 8760 }],
  ])('%s', (_name, opts) => {
    const { x, y } = cointegratedPair(1500, 41);
    const r = expectRowsMatch(x, y, grid, opts);
    expect(r.trades).toBeGreaterThan(10 * r.rows);
  });

  it('a series with constant stretches (undefined z) and an open trade at the end', () => {
    const { x, y } = cointegratedPair(800, 43);
    for (let i = 300; i < 360; i++) {
      x[i] = x[299]!;
      y[i] = y[299]!;
    }
    expectRowsMatch(x, y, { window: [10, 30], entry: [1.5, 2], exit: [0, 0.5] }, { maxHold: 40, stop: 3.5 });
  });

  it('under the Kalman hedge (issue 18) too', () => {
    const { x, y } = cointegratedPair(1000, 45);
    const r = expectRowsMatch(x, y, { window: [30], entry: [1, 2], exit: [0, 0.5] }, { stop: 3 }, { hedge: 'kalman' });
    expect(r.trades).toBeGreaterThan(10 * r.rows);
  });

  it('bad grids and options: RangeError naming the parameter', () => {
    const { x, y } = cointegratedPair(100, 1);
    expect(() => backtestSweep({ x, y }, { window: [], entry: [2], exit: [0] })).toThrow(/window must be a non-empty list/);
    expect(() => backtestSweep({ x, y }, { window: [1], entry: [2], exit: [0] })).toThrow(/window must be an integer >= 2, got 1/);
    expect(() => backtestSweep({ x, y }, { window: [10], entry: [2], exit: [0] }, { feeBps: -1 })).toThrow(/feeBps must be a number >= 0/);
    // every combination invalid: the first one's problem
    expect(() => backtestSweep({ x, y }, { window: [10], entry: [1], exit: [1, 2] })).toThrow(/exit must be a number below entry \(1\), got 1/);
    // some invalid: left out
    expect(backtestSweep({ x, y }, { window: [10], entry: [1, 2], exit: [0, 1.5] }).map((r) => [r.entry, r.exit])).toEqual([
      [1, 0],
      [2, 0],
      [2, 1.5],
    ]);
    expect(() => backtestSweep({ x: [1, 2], y: [1, -2] }, { window: [2], entry: [2], exit: [0] })).toThrow(/y\[1\] must be a positive finite price/);
  });
});
