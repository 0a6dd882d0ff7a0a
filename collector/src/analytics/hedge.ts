import type { HedgeChoice } from '@quant-pairs/contract';
import type { AnalyticsPoint } from '../domain';
import { analyzeColumns, analyzeSeries, type SeriesInput } from './analyzeSeries';
import { dailyKalmanSeries, type DailyKalmanOptions, type KalmanPeriod } from './kalmanDaily';

export type { HedgeChoice };

/** Options of the Kalman hedge's periods (kalmanDaily.ts): period length, training cap, a memoised fitter. */
export type KalmanPeriodOptions = Pick<DailyKalmanOptions, 'periodMs' | 'maxTrain' | 'fit'>;

/**
 * The analytics points of a series under a hedge choice: the one switch between the two hedges
 * that the HTTP API, `npm run analyze` and the backtest share. OLS: analyzeSeries over `window`.
 * Kalman (fixed delta / Ve, or tune): dailyKalmanSeries, served period by period (UTC days by
 * default), `window` not used; `periods` lists each period's parameters (and fits). Kalman points
 * have no correlation (null); their z is the normalised innovation.
 *
 * @example
 * hedgedSeries({ ts, x, y, window: 100 }, { hedge: 'ols' });                    // = analyzeSeries
 * hedgedSeries({ ts, x, y, window: 100 }, { hedge: 'kalman', delta: 1e-5, ve: 0.1 });
 * hedgedSeries({ ts, x, y, window: 100 }, { hedge: 'kalman', tune: true });    // each UTC day fitted on the day before
 */
export function hedgedSeries(
  input: SeriesInput,
  choice: HedgeChoice,
  periodOptions: KalmanPeriodOptions = {},
): { points: AnalyticsPoint[]; periods: KalmanPeriod[] | null } {
  if (choice.hedge === 'ols') return { points: analyzeSeries(input), periods: null };
  return dailyKalmanSeries(input, kalmanDailyOptions(choice, input, periodOptions));
}

/** dailyKalmanSeries' options of a Kalman hedge choice and signal rule (also what the live push continues with). */
export function kalmanDailyOptions(
  choice: Extract<HedgeChoice, { hedge: 'kalman' }>,
  rule: { entryZ?: number; exitZ?: number | null },
  periodOptions: KalmanPeriodOptions = {},
): DailyKalmanOptions {
  if (choice.tune && (choice.delta !== undefined || choice.ve !== undefined)) throw new RangeError('tune fits delta and ve: give tune or delta / ve, not both');
  return { ...periodOptions, delta: choice.delta, ve: choice.ve, tune: choice.tune, entryZ: rule.entryZ, exitZ: rule.exitZ };
}

/** beta and z of a series under a hedge choice as columns (NaN where undefined), for the backtest; `window` is the OLS window. */
export function hedgeColumns(input: SeriesInput, choice: HedgeChoice, periodOptions: KalmanPeriodOptions = {}): { beta: Float64Array; zscore: Float64Array } {
  if (choice.hedge === 'ols') return analyzeColumns(input);
  const { points } = hedgedSeries(input, choice, periodOptions);
  const beta = new Float64Array(points.length);
  const zscore = new Float64Array(points.length);
  points.forEach((p, i) => {
    beta[i] = p.beta ?? NaN;
    zscore[i] = p.zscore ?? NaN;
  });
  return { beta, zscore };
}
