/**
 * Walk-forward optimisation of the backtest's grid (issue 26).
 *
 * Folds: fold k trains on bars [s, s + train) and tests on [s + train, s + train + test), s = k·test
 * (anchored: every train part starts at bar 0); ends exclusive; folds go on while a test part has a
 * bar, and a last test part shorter than `test` runs as it is. In each fold, the sweep over the
 * train part (sweepDetail, the grid's every valid combination) picks the combination with the best
 * objective (sharpe, totalReturn or sortino; the first on ties, one without a value never over one
 * with it), which then runs alone on the test part, flat at its start. z and beta come from
 * columns computed once over the whole series (rolling, bars up to t only: each part is warmed on
 * the bars before it, nothing after it is read), so data after a fold's train part cannot change
 * that fold's choice.
 *
 * Out: the folds (bounds, choice, in-sample and out-of-sample metrics), the out-of-sample equity
 * joined over the folds (each fold's P&L added to the equity the last one ended with; sizing stays
 * the fixed notional; a position still open at a fold's end is marked there, as the backtest marks
 * one at its end, and the next fold starts flat), the backtest's metrics of the joined curve
 * (trades, wins and bars held summed over the folds), and efficiency = the joined curve's Sharpe
 * ratio / the mean in-sample Sharpe ratio of the chosen combinations (null when either is
 * undefined or that mean is 0). PSR and DSR are shown with it: each fold's choice is the best of
 * the grid on its train part, so it carries its in-sample PSR and DSR (N = the grid's valid
 * combinations, V their per-bar Sharpe ratios' variance); the joined out-of-sample returns, on
 * which nothing was selected, carry their PSR against 0.
 *
 * Funding (backtest/funding.ts), when given with ts, is paid in every run: the train parts' sweeps,
 * the test parts' backtests (a fold starts flat, so a funding time before its first bar pays
 * nothing in it) and the joined curve; metrics.funding then sums the folds'.
 *
 * Worked example: 10 bars, train 4, test 3: folds train [0, 4) test [4, 7); train [3, 7) test
 * [7, 10). Anchored: train [0, 4) then [0, 7). With 11 bars a third fold tests [10, 11) alone.
 */
import { WALKFORWARD_DEFAULT_OBJECTIVE, WALKFORWARD_OBJECTIVES, type WalkForwardObjective } from '@quant-pairs/contract';
import { backtest, BACKTEST_DEFAULTS, type BacktestInput, type BacktestMetrics, type BacktestOptions } from '../backtest/backtest';
import type { BacktestTrade } from '../backtest/book';
import { sweepDetail, sweepFunding, sweepGridProblem, type SweepGrid, type SweepRow } from '../backtest/sweep';
import { columnCache, returnsOf, type PairSeries } from './columns';
import { sharpeVerdict } from './sharpeStats';
import { argBest } from './sweepVerdict';

export interface WalkForwardPlan {
  /** Bars in each train part (anchored: in the first). */
  train: number;
  /** Bars in each test part; the step between folds. */
  test: number;
  anchored?: boolean;
  objective?: WalkForwardObjective;
}

interface WalkForwardFold {
  trainStart: number;
  trainEnd: number;
  testStart: number;
  testEnd: number;
  choice: { window: number; entry: number; exit: number };
  inSample: BacktestMetrics;
  /** PSR (against 0) and DSR of the choice on the train part, N = the grid's valid combinations. */
  psr: number | null;
  dsr: number | null;
  outOfSample: BacktestMetrics;
}

export interface WalkForwardResult {
  folds: WalkForwardFold[];
  equity: number[];
  metrics: BacktestMetrics;
  efficiency: number | null;
  /** PSR against 0 of the joined out-of-sample returns (chosen elsewhere: no deflation). */
  psr: number | null;
}

/** What is wrong with the plan for n bars, naming the parameter; or null. */
function walkForwardPlanProblem(plan: WalkForwardPlan, n: number): string | null {
  if (!Number.isInteger(plan.train) || plan.train < 2) return `train must be an integer >= 2, got ${String(plan.train)}`;
  if (!Number.isInteger(plan.test) || plan.test < 1) return `test must be an integer >= 1, got ${String(plan.test)}`;
  if (plan.train >= n) return `train (${plan.train}) must leave bars to test: the series has ${n}`;
  if (plan.objective !== undefined && !(WALKFORWARD_OBJECTIVES as readonly string[]).includes(plan.objective)) {
    return `objective must be one of ${WALKFORWARD_OBJECTIVES.join(', ')}, got ${String(plan.objective)}`;
  }
  return null;
}

/** The folds' bounds (see the header). */
export function walkForwardFolds(n: number, plan: WalkForwardPlan): { trainStart: number; trainEnd: number; testStart: number; testEnd: number }[] {
  const folds = [];
  for (let s = 0; s + plan.train < n; s += plan.test) {
    const trainEnd = s + plan.train;
    folds.push({ trainStart: plan.anchored ? 0 : s, trainEnd, testStart: trainEnd, testEnd: Math.min(trainEnd + plan.test, n) });
  }
  return folds;
}

/**
 * Throws a RangeError naming the problem for bad series, grid, plan or options.
 * @example
 * walkForward({ x, y }, { window: [60, 120], entry: [1.5, 2], exit: [0] }, { train: 5000, test: 1000 });
 */
export function walkForward(
  input: PairSeries,
  grid: SweepGrid,
  plan: WalkForwardPlan,
  options: Partial<Omit<BacktestOptions, 'entry' | 'exit'>> = {},
): WalkForwardResult {
  const n = input.x.length;
  const problem = sweepGridProblem(grid) ?? walkForwardPlanProblem(plan, n);
  if (problem) throw new RangeError(problem);
  const x = Float64Array.from(input.x);
  const y = Float64Array.from(input.y);
  const fu = sweepFunding(input);
  // a part's funding: the events, placed among that part's bar times (the backtest), or the columns sliced (the sweep)
  const fundingOf = (a: number, b: number): Pick<BacktestInput, 'ts' | 'funding'> =>
    input.funding === undefined ? {} : { ts: input.ts!.slice(a, b), funding: input.funding };
  const o: BacktestOptions = { ...BACKTEST_DEFAULTS, ...options };
  const objective = plan.objective ?? WALKFORWARD_DEFAULT_OBJECTIVE;
  const columns = columnCache(input);
  const folds: WalkForwardFold[] = [];
  const trades: BacktestTrade[] = [];
  const equity: number[] = [];
  let end = o.notional;
  for (const f of walkForwardFolds(n, plan)) {
    const part = (a: Float64Array) => a.subarray(f.trainStart, f.trainEnd);
    const trainFunding = fu && { y: part(fu.y), x: part(fu.x) };
    const detail = sweepDetail(
      { x: part(x), y: part(y), funding: trainFunding },
      grid,
      (w) => ({ zscore: part(columns(w).zscore), beta: part(columns(w).beta) }),
      options,
    );
    const len = f.trainEnd - f.trainStart;
    const scores = detail.rows.map((r, i) => objectiveOf(objective, r.metrics, detail.downside[i]!, len, o.barsPerYear));
    const chosen = detail.rows[argBest(scores)]!;
    const test = (a: Float64Array) => a.subarray(f.testStart, f.testEnd);
    const c = columns(chosen.window);
    const r = backtest(
      { x: test(x), y: test(y), z: test(c.zscore), beta: test(c.beta), ...fundingOf(f.testStart, f.testEnd) },
      { ...options, entry: chosen.entry, exit: chosen.exit },
    );
    const offset = end - o.notional;
    for (const e of r.equity) equity.push(e + offset);
    end = equity[equity.length - 1]!;
    trades.push(...r.trades);
    const cc = columns(chosen.window);
    const verdict = choiceVerdict(
      { x: part(x), y: part(y), z: part(cc.zscore), beta: part(cc.beta), ...fundingOf(f.trainStart, f.trainEnd) },
      chosen,
      detail.rows,
      options,
      o,
    );
    folds.push({
      ...f,
      choice: { window: chosen.window, entry: chosen.entry, exit: chosen.exit },
      inSample: chosen.metrics,
      outOfSample: r.metrics,
      ...verdict,
    });
  }
  const metrics = curveMetrics(
    equity,
    trades,
    o,
    folds.reduce((a, f) => a + f.outOfSample.fees, 0),
  );
  if (fu !== undefined) metrics.funding = folds.reduce((a, f) => a + f.outOfSample.funding!, 0);
  const inSharpes = folds.map((f) => f.inSample.sharpe);
  const meanIn = inSharpes.includes(null) ? null : (inSharpes as number[]).reduce((a, b) => a + b, 0) / inSharpes.length;
  const efficiency = metrics.sharpe === null || meanIn === null || meanIn === 0 ? null : metrics.sharpe / meanIn;
  return { folds, equity, metrics, efficiency, psr: oosPsr(equity, o.notional) };
}

/**
 * PSR (against 0) and DSR of a fold's choice on its train part (x, y, z, beta sliced to it): the
 * best of the grid's N combinations there, V the variance of their per-bar Sharpe ratios
 * (sharpeStats.ts). Null where undefined (fewer than 2 bars, no variation).
 */
function choiceVerdict(
  train: BacktestInput,
  chosen: SweepRow,
  rows: readonly SweepRow[],
  options: Partial<BacktestOptions>,
  o: BacktestOptions,
): { psr: number | null; dsr: number | null } {
  if (train.x.length < 2) return { psr: null, dsr: null };
  const r = backtest(train, { ...options, entry: chosen.entry, exit: chosen.exit });
  const perBar = Math.sqrt(o.barsPerYear);
  const v = sharpeVerdict(
    returnsOf(r.equity, o.notional),
    rows.map((row) => (row.metrics.sharpe ?? 0) / perBar),
  );
  return { psr: v.psr, dsr: v.dsr };
}

/** PSR against 0 of the joined out-of-sample returns; null with fewer than 2 or no variation. */
function oosPsr(equity: readonly number[], notional: number): number | null {
  return equity.length < 2 ? null : sharpeVerdict(returnsOf(equity, notional), []).psr;
}

/**
 * The objective of a combination over `len` bars: its Sharpe ratio, total return, or Sortino
 * ratio = mean r / √(Σ min(r, 0)² / len) · √barsPerYear (mean r = totalReturn / len, the returns
 * telescoping); null where undefined.
 */
function objectiveOf(objective: WalkForwardObjective, m: BacktestMetrics, downside: number, len: number, barsPerYear: number): number | null {
  if (objective === 'sharpe') return m.sharpe;
  if (objective === 'totalReturn') return m.totalReturn;
  return downside > 0 ? (m.totalReturn / len / Math.sqrt(downside / len)) * Math.sqrt(barsPerYear) : null;
}

/** The backtest's metrics (backtest.ts) of a joined equity curve, its folds' trades and fees. */
function curveMetrics(equity: readonly number[], trades: readonly BacktestTrade[], o: BacktestOptions, fees: number): BacktestMetrics {
  const n = equity.length;
  const { notional } = o;
  let prev = notional;
  let peak = notional;
  let maxDrawdown = 0;
  let sum = 0;
  for (const e of equity) {
    sum += (e - prev) / notional;
    prev = e;
    if (e > peak) peak = e;
    maxDrawdown = Math.max(maxDrawdown, (peak - e) / peak);
  }
  let sharpe: number | null = null;
  if (n >= 2) {
    const mean = sum / n;
    let m2 = 0;
    prev = notional;
    for (const e of equity) {
      m2 += ((e - prev) / notional - mean) ** 2;
      prev = e;
    }
    const sd = Math.sqrt(m2 / (n - 1));
    if (sd > 0) sharpe = (mean / sd) * Math.sqrt(o.barsPerYear);
  }
  const k = trades.length;
  return {
    totalReturn: n === 0 ? 0 : equity[n - 1]! / notional - 1,
    sharpe,
    maxDrawdown,
    trades: k,
    winRate: k === 0 ? null : trades.filter((t) => t.pnl > 0).length / k,
    avgBars: k === 0 ? null : trades.reduce((a, t) => a + t.bars, 0) / k,
    fees,
  };
}
