/** Trading signal from the z-score: LONG the spread when z < -entry, SHORT when z > entry. */
export type Signal = 'LONG' | 'SHORT' | 'NEUTRAL';

/** One point of a pair's analytics series. Every value is null where it is undefined (warm-up, constant window). */
export interface AnalyticsPoint {
  /** Epoch ms of the bar start (or tick time) the point belongs to. */
  ts: number;
  beta: number | null;
  alpha: number | null;
  spread: number | null;
  /**
   * The level z is measured from: z = (spread - spreadMean) / std. For the rolling engine
   * (PairEngine, analyzeSeries) the mean of the trailing w spreads spread[t-w+1..t], the same
   * window as z; null wherever that window is not all-defined (t < 2w-2, or a null spread in it),
   * as z. Unlike z it stays defined when the window is constant or rounding noise (the mean of
   * those spreads is still exact), so z can be null where spreadMean is not.
   * Example: w = 3, spreads [1, 2, 6] -> spreadMean 3. KalmanHedge: 0 where z is defined (z is
   * the innovation over its model std, the innovation's mean under the model is 0), else null.
   */
  spreadMean: number | null;
  zscore: number | null;
  signal: Signal | null;
  correlation: number | null;
}
