/**
 * Backtest of the z-score signal (rules, fills, costs and metrics in `backtest.ts`), and the
 * one way callers get its z and beta: `backtestSeries` computes them with `analyzeColumns`, the
 * path `analyze` and the API use, so a backtest trades on the numbers users see.
 */
import { analyzeColumns } from '../analyzeSeries';
import { backtest, type BacktestOptions, type BacktestResult } from './backtest';

export {
  backtest,
  backtestInputProblem,
  backtestOptionsProblem,
  BACKTEST_DEFAULTS,
  type BacktestMetrics,
  type BacktestOptions,
  type BacktestResult,
  type BacktestTrade,
} from './backtest';

export interface BacktestSeriesInput {
  /** Hedge leg closes (regressor). */
  x: number[];
  /** Regressand closes. */
  y: number[];
  /** Rolling OLS / z window in bars. */
  window: number;
  /** Timestamps (epoch ms), one per bar; bar indexes when absent. */
  ts?: number[];
}

/**
 * z (ddof 1) and beta from `analyzeColumns` over the series, then `backtest` on them.
 * Throws a RangeError naming the problem for bad series, window or options.
 *
 * @example
 * backtestSeries({ x, y, window: 60 }, { entry: 2.5, stop: 4 }).metrics.sharpe;
 */
export function backtestSeries(input: BacktestSeriesInput, options: Partial<BacktestOptions> = {}): BacktestResult {
  const ts = input.ts ?? input.x.map((_, i) => i);
  const c = analyzeColumns({ ts, x: input.x, y: input.y, window: input.window, ddof: 1 });
  return backtest({ x: input.x, y: input.y, z: c.zscore, beta: c.beta }, options);
}
