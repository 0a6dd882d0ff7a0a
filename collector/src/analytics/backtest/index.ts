/**
 * Backtest of the z-score signal (rules, fills, costs and metrics in `backtest.ts`), and the
 * one way callers get its z and beta: `backtestSeries` computes them with `hedgeColumns` (rolling
 * OLS through `analyzeColumns`, or the Kalman hedge), the path `analyze` and the API use, so a
 * backtest trades on the numbers users see.
 */
import type { HedgeChoice } from '@quant-pairs/contract';
import { hedgeColumns, type KalmanPeriodOptions } from '../hedge';
import { backtest, type BacktestOptions, type BacktestResult } from './backtest';
import type { LegFunding } from './funding';

export {
  backtest,
  backtestInputProblem,
  backtestOptionsProblem,
  BACKTEST_DEFAULTS,
  type BacktestMetrics,
  type BacktestOptions,
  type BacktestResult,
} from './backtest';
export { PositionBook, type BacktestTrade } from './book';
export { fundingProblem, type FundingEvent, type LegFunding } from './funding';

export interface BacktestSeriesInput {
  /** Hedge leg closes (regressor). */
  x: number[];
  /** Regressand closes. */
  y: number[];
  /** Rolling OLS / z window in bars. */
  window: number;
  /** Timestamps (epoch ms), one per bar; bar indexes when absent. */
  ts?: number[];
  /** Where beta and z come from: rolling OLS over `window` (default) or the Kalman filter (hedge.ts). */
  hedge?: HedgeChoice;
  /** Kalman: its periods (default UTC days of `ts`; with bar indexes for ts, give periodMs in bars). */
  kalman?: KalmanPeriodOptions;
  /** Each perp leg's funding events (funding.ts; needs ts): trades and metrics then carry `funding`. */
  funding?: LegFunding;
}

/**
 * z (ddof 1) and beta under the hedge choice (hedgeColumns; default rolling OLS) over the series, then `backtest` on them.
 * Throws a RangeError naming the problem for bad series, window or options.
 *
 * @example
 * backtestSeries({ x, y, window: 60 }, { entry: 2.5, stop: 4 }).metrics.sharpe;
 * backtestSeries({ x, y, ts, window: 60, hedge: { hedge: 'kalman', tune: true } }).metrics.sharpe;
 * backtestSeries({ x, y, ts, window: 60, funding: { y: [[T, 1e-4, 97000]], x: [] } }).metrics.funding;
 */
export function backtestSeries(input: BacktestSeriesInput, options: Partial<BacktestOptions> = {}): BacktestResult {
  const ts = input.ts ?? input.x.map((_, i) => i);
  const c = hedgeColumns({ ts, x: input.x, y: input.y, window: input.window, ddof: 1 }, input.hedge ?? { hedge: 'ols' }, input.kalman);
  const funding = input.funding === undefined ? {} : { ts: input.ts, funding: input.funding };
  return backtest({ x: input.x, y: input.y, z: c.zscore, beta: c.beta, ...funding }, options);
}
export { backtestSweep, sweepColumns, sweepFunding, sweepGridProblem, type SweepGrid, type SweepRow } from './sweep';
