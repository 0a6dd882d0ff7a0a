import type { AnalyticsPoint } from '../domain';
import { analyzeColumns, analyzeSeries, type SeriesInput } from './analyzeSeries';
import { kalmanSeries } from './kalman';
import { tunedKalmanSeries, type KalmanRefit, type TunedKalmanOptions } from './kalmanTuned';

/**
 * How the hedge ratio is estimated: the rolling OLS of PairEngine over `window` (default), or
 * the Kalman filter (kalman.ts) with fixed delta / Ve (Chan's defaults when absent) or tuned by
 * maximum likelihood on a schedule (kalmanTuned.ts).
 */
export type HedgeChoice = { hedge: 'ols' } | { hedge: 'kalman'; delta?: number; ve?: number; tune?: boolean };

/**
 * The analytics points of a series under a hedge choice: the one switch between the two hedges
 * that the HTTP API, `npm run analyze` and the backtest share. `refits` lists the scheduled fits
 * (tune only). Kalman points have no correlation (null); their z is the normalised innovation.
 *
 * @example
 * hedgedSeries({ ts, x, y, window: 100 }, { hedge: 'ols' });                    // = analyzeSeries
 * hedgedSeries({ ts, x, y, window: 100 }, { hedge: 'kalman', delta: 1e-5, ve: 0.1 });
 * hedgedSeries({ ts, x, y, window: 100 }, { hedge: 'kalman', tune: true });    // re-fitted each UTC day on the day before
 */
export function hedgedSeries(
  input: SeriesInput,
  choice: HedgeChoice,
  tuneOptions: Omit<TunedKalmanOptions, 'entryZ' | 'exitZ'> = {},
): { points: AnalyticsPoint[]; refits: KalmanRefit[] | null } {
  if (choice.hedge === 'ols') return { points: analyzeSeries(input), refits: null };
  const rule = { entryZ: input.entryZ, exitZ: input.exitZ };
  if (choice.tune) {
    if (choice.delta !== undefined || choice.ve !== undefined) throw new RangeError('tune fits delta and ve: give tune or delta / ve, not both');
    return tunedKalmanSeries(input, { ...tuneOptions, ...rule });
  }
  return { points: kalmanSeries({ ts: input.ts, x: input.x, y: input.y, delta: choice.delta, ve: choice.ve, ...rule }), refits: null };
}

/** beta and z of a series under a hedge choice as columns (NaN where undefined), for the backtest; `window` is the OLS window. */
export function hedgeColumns(input: SeriesInput, choice: HedgeChoice): { beta: Float64Array; zscore: Float64Array } {
  if (choice.hedge === 'ols') return analyzeColumns(input);
  const { points } = hedgedSeries(input, choice);
  const beta = new Float64Array(points.length);
  const zscore = new Float64Array(points.length);
  points.forEach((p, i) => {
    beta[i] = p.beta ?? NaN;
    zscore[i] = p.zscore ?? NaN;
  });
  return { beta, zscore };
}
