/** Trading signal from the z-score: LONG the spread when z < -entry, SHORT when z > entry. */
export type Signal = 'LONG' | 'SHORT' | 'NEUTRAL';

/** One point of a pair's analytics series. Every value is null where it is undefined (warm-up, constant window). */
export interface AnalyticsPoint {
  /** Epoch ms of the bar start (or tick time) the point belongs to. */
  ts: number;
  beta: number | null;
  alpha: number | null;
  spread: number | null;
  zscore: number | null;
  signal: Signal | null;
  correlation: number | null;
}
