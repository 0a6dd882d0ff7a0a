import type { AnalyticsPoint } from '../domain';
import { fitKalman, type KalmanFit } from './kalmanFit';
import { KalmanHedge, type KalmanOptions } from './kalman';

/** The parameters of one period: fitted on the period before (tune), or as given. */
export interface KalmanPeriod {
  /** Start of the period (a multiple of periodMs). */
  at: number;
  /** ts of the first and last point of the previous period (the warm-up, and the training span when tuning); null when it has none. */
  trainFrom: number | null;
  trainTo: number | null;
  /** tune: the fit, or why there is none (the period's points are then null); fixed: null. */
  fit: KalmanFit | { error: string } | null;
  /** Parameters in force over the period (null: none, its points are null). */
  delta: number | null;
  ve: number | null;
}

export interface DailyKalmanOptions extends Omit<KalmanOptions, 'delta' | 've'> {
  /** Fixed parameters (default Chan's); ignored with `tune`. */
  delta?: number;
  ve?: number;
  /** Fit delta and Ve on each previous period by maximum likelihood (fitKalman). */
  tune?: boolean;
  /** Period in ms; periods start at multiples of it (default one UTC day). */
  periodMs?: number;
  /** Most training points per fit, the latest of the previous period (default 20,000). */
  maxTrain?: number;
  /**
   * The fitter (default fitKalman). `at` is the start of the period the fit serves (its points are
   * the latest of the period before), so a caller can memoise fits by what defines them.
   */
  fit?: (x: Float64Array, y: Float64Array, at: number) => KalmanFit | { error: string };
}

export const KALMAN_PERIOD_MS = 86_400_000;

/**
 * The Kalman hedge served period by period (UTC days by default) so that a point's value depends
 * only on its own period up to it and on the period before, never on later data nor on where a
 * query starts: for each period, a fresh filter (zero start) runs over the previous period's
 * points (the warm-up, not served) and then serves the period's points. With `tune` its
 * parameters are fitKalman's on the previous period's points (the latest `maxTrain`), all before
 * the period starts: the live engine's daily re-fit, the same in a query over history. A period
 * without a previous one starts cold (fixed parameters), or stays null (tune: nothing to fit on),
 * as does a period whose fit fails (too few points).
 *
 * @example
 * // 5m bars over three days, tune: day 1 null, day 2 warmed on and fitted on day 1, day 3 on day 2
 * const { points, periods } = dailyKalmanSeries({ ts, x, y }, { tune: true }); // periods[1]: { at: day2, fit: { delta, ve, logLik, converged, ... } }
 */
export function dailyKalmanSeries(
  input: { ts: ArrayLike<number>; x: ArrayLike<number>; y: ArrayLike<number> },
  opts: DailyKalmanOptions = {},
): { points: AnalyticsPoint[]; periods: KalmanPeriod[] } {
  const { ts, x, y } = input;
  const n = ts.length;
  if (x.length !== n || y.length !== n) throw new RangeError(`ts, x and y must have the same length, got ${n}, ${x.length} and ${y.length}`);
  const periodMs = opts.periodMs ?? KALMAN_PERIOD_MS;
  const maxTrain = opts.maxTrain ?? 20_000;
  if (!(periodMs > 0)) throw new RangeError(`periodMs must be positive, got ${periodMs}`);
  if (!Number.isInteger(maxTrain) || maxTrain < 1) throw new RangeError(`maxTrain must be a positive integer, got ${maxTrain}`);
  // checks the fixed parameters once, up front
  if (!opts.tune) new KalmanHedge({ delta: opts.delta, ve: opts.ve, warmup: opts.warmup, entryZ: opts.entryZ, exitZ: opts.exitZ });
  const points: AnalyticsPoint[] = [];
  const periods: KalmanPeriod[] = [];
  let prevStart = -1; // first index of the previous period (-1: none)
  let start = 0;
  while (start < n) {
    const p = Math.floor(ts[start]! / periodMs);
    let end = start + 1;
    while (end < n && Math.floor(ts[end]! / periodMs) === p) end++;
    // the previous period counts only when it is the one just before (no gap of a whole period)
    const warm = prevStart >= 0 && Math.floor(ts[prevStart]! / periodMs) === p - 1 ? prevStart : start;
    const { period, filter } = openPeriod({ ts, x, y }, warm, start, p * periodMs, opts);
    if (filter) {
      for (let k = warm; k < start; k++) filter.push(ts[k]!, x[k]!, y[k]!);
      for (let k = start; k < end; k++) points.push(filter.push(ts[k]!, x[k]!, y[k]!));
    } else for (let k = start; k < end; k++) points.push(nullPoint(ts[k]!));
    periods.push(period);
    prevStart = start;
    start = end;
  }
  return { points, periods };
}

/**
 * How a period starts (the one rule of dailyKalmanSeries and of the live push's continued
 * filter, src/serving/kalman-live.ts): the points [warm, start) are the previous period's (the
 * warm-up; warm = start when there is none). With `tune` its parameters are fitKalman's on the
 * latest `maxTrain` of those points, else the fixed ones; `filter` is a fresh KalmanHedge with
 * them, not yet warmed (the caller pushes the warm-up points), or null when the period has no
 * parameters (tune without a previous period, or a failed fit: its points are null).
 */
export function openPeriod(
  series: { ts: ArrayLike<number>; x: ArrayLike<number>; y: ArrayLike<number> },
  warm: number,
  start: number,
  at: number,
  opts: DailyKalmanOptions,
): { period: KalmanPeriod; filter: KalmanHedge | null } {
  const { ts, x, y } = series;
  const maxTrain = opts.maxTrain ?? 20_000;
  if (!Number.isInteger(maxTrain) || maxTrain < 1) throw new RangeError(`maxTrain must be a positive integer, got ${maxTrain}`);
  const fit = opts.fit ?? ((fx: Float64Array, fy: Float64Array) => fitKalman(fx, fy));
  const rule = { warmup: opts.warmup, entryZ: opts.entryZ, exitZ: opts.exitZ };
  const lo = Math.max(warm, start - maxTrain);
  const period: KalmanPeriod = {
    at,
    trainFrom: warm < start ? ts[warm]! : null,
    trainTo: warm < start ? ts[start - 1]! : null,
    fit: null,
    delta: null,
    ve: null,
  };
  let filter: KalmanHedge | null = null;
  if (opts.tune) {
    if (warm < start) {
      const f = fit(
        Float64Array.from({ length: start - lo }, (_, k) => x[lo + k]!),
        Float64Array.from({ length: start - lo }, (_, k) => y[lo + k]!),
        at,
      );
      period.fit = f;
      if (!('error' in f)) filter = new KalmanHedge({ delta: f.delta, ve: f.ve, ...rule });
    } else period.fit = { error: 'no previous period to fit on' };
  } else filter = new KalmanHedge({ delta: opts.delta, ve: opts.ve, ...rule });
  if (filter) {
    const f = period.fit && !('error' in period.fit) ? period.fit : null;
    period.delta = f ? f.delta : (opts.delta ?? filter.delta);
    period.ve = f ? f.ve : (opts.ve ?? filter.ve);
  }
  return { period, filter };
}

/** The point of a period without parameters: every value null. */
export function nullPoint(ts: number): AnalyticsPoint {
  return { ts, beta: null, alpha: null, spread: null, spreadMean: null, zscore: null, signal: null, correlation: null };
}
