import { fitKalman, type KalmanFit } from './kalmanFit';
import type { AnalyticsPoint } from '../domain';
import { KalmanHedge, type KalmanOptions } from './kalman';

/** One scheduled re-fit: the parameters in force from `at` on, fitted on points before `at`. */
export interface KalmanRefit {
  /** Start of the period (a multiple of refitMs) the parameters serve. */
  at: number;
  /** ts of the first and last training point (both < at), null when there were none. */
  trainFrom: number | null;
  trainTo: number | null;
  /** The fit, or why there is none (the previous parameters stay in force). */
  fit: KalmanFit | { error: string };
}

export interface TunedKalmanOptions extends Omit<KalmanOptions, 'delta' | 've'> {
  /** Re-fit period in ms; periods start at multiples of it (default one UTC day). */
  refitMs?: number;
  /** Most training points per fit, the latest before the period (default 20,000). */
  maxTrain?: number;
  /** The fitter (default fitKalman; a caller may memoise it: a fit depends only on its points). */
  fit?: (x: Float64Array, y: Float64Array) => KalmanFit | { error: string };
}

export const KALMAN_REFIT_MS = 86_400_000;

/**
 * The Kalman hedge with maximum-likelihood parameters re-fitted on a schedule, never using data
 * after the point it serves: periods start at multiples of `refitMs` (UTC days by default); the
 * parameters of a period are fitKalman's over the aligned points of the previous period (the
 * latest `maxTrain` of them), all strictly before the period starts. Points before the first
 * successful fit are all-null (nothing to tune on yet); at the first fit the filter starts at the
 * first training point with the fitted parameters (those points are not served again), and at
 * each later re-fit it keeps its state and takes the new parameters (KalmanHedge.retune). A
 * failed fit (too few points) keeps the parameters in force.
 * So a point's value depends only on the points up to it: appending data never changes it
 * (test/analytics/kalmanTuned.test.ts), which is what lets the live push serve the same numbers
 * as a query over history.
 *
 * @example
 * // 1m bars over three days: day 1 all null, day 2 with the parameters fitted on day 1, day 3 on day 2
 * const { points, refits } = tunedKalmanSeries({ ts, x, y }); // refits: [{ at: day2, fit: {...} }, { at: day3, fit: {...} }]
 */
export function tunedKalmanSeries(
  input: { ts: ArrayLike<number>; x: ArrayLike<number>; y: ArrayLike<number> },
  opts: TunedKalmanOptions = {},
): { points: AnalyticsPoint[]; refits: KalmanRefit[] } {
  const { ts, x, y } = input;
  const n = ts.length;
  if (x.length !== n || y.length !== n) throw new RangeError(`ts, x and y must have the same length, got ${n}, ${x.length} and ${y.length}`);
  const refitMs = opts.refitMs ?? KALMAN_REFIT_MS;
  const maxTrain = opts.maxTrain ?? 20_000;
  if (!(refitMs > 0)) throw new RangeError(`refitMs must be positive, got ${refitMs}`);
  if (!Number.isInteger(maxTrain) || maxTrain < 1) throw new RangeError(`maxTrain must be a positive integer, got ${maxTrain}`);
  const fit = opts.fit ?? ((fx: Float64Array, fy: Float64Array) => fitKalman(fx, fy));
  const points: AnalyticsPoint[] = [];
  const refits: KalmanRefit[] = [];
  let filter: KalmanHedge | null = null;
  let periodStart = 0; // index of the first point of the current period
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    if (i > 0 && Math.floor(t / refitMs) !== Math.floor(ts[i - 1]! / refitMs)) {
      // a new period: fit on the previous period's points [periodStart, i)
      const lo = Math.max(periodStart, i - maxTrain);
      const tx = Float64Array.from({ length: i - lo }, (_, k) => x[lo + k]!);
      const ty = Float64Array.from({ length: i - lo }, (_, k) => y[lo + k]!);
      const f = fit(tx, ty);
      refits.push({ at: Math.floor(t / refitMs) * refitMs, trainFrom: i > lo ? ts[lo]! : null, trainTo: i > lo ? ts[i - 1]! : null, fit: f });
      periodStart = i;
      if (!('error' in f)) {
        if (filter) filter.retune(f.delta, f.ve);
        else {
          filter = new KalmanHedge({ delta: f.delta, ve: f.ve, warmup: opts.warmup, entryZ: opts.entryZ, exitZ: opts.exitZ });
          for (let k = lo; k < i; k++) filter.push(ts[k]!, x[k]!, y[k]!);
        }
      }
    }
    points.push(filter ? filter.push(t, x[i]!, y[i]!) : nullPoint(t));
  }
  return { points, refits };
}

function nullPoint(ts: number): AnalyticsPoint {
  return { ts, beta: null, alpha: null, spread: null, spreadMean: null, zscore: null, signal: null, correlation: null };
}
