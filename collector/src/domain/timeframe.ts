/** Bar timeframes the collector maintains. Raw ticks are not a timeframe; see `AnalyticsTimeframe`. */
export const TIMEFRAMES = ['1s', '1m', '5m'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

/** Length of each timeframe in milliseconds. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = { '1s': 1_000, '1m': 60_000, '5m': 300_000 };

export function isTimeframe(value: unknown): value is Timeframe {
  return typeof value === 'string' && (TIMEFRAMES as readonly string[]).includes(value);
}

/** Start (epoch ms) of the interval of `tf` that contains `tsMs`. Intervals are aligned to the Unix epoch, in UTC. */
export function bucketStart(tsMs: number, tf: Timeframe): number {
  const len = TIMEFRAME_MS[tf];
  return Math.floor(tsMs / len) * len;
}
