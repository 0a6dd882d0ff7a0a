/**
 * Bar timeframes the collector maintains: the API's (the contract states them once). Raw ticks
 * are not a timeframe.
 */
import { TIMEFRAME_MS, type Timeframe } from '@quant-pairs/contract';

export { TIMEFRAMES, TIMEFRAME_MS, type Timeframe } from '@quant-pairs/contract';

/** Start (epoch ms) of the interval of `tf` that contains `tsMs`. Intervals are aligned to the Unix epoch, in UTC. */
export function bucketStart(tsMs: number, tf: Timeframe): number {
  const len = TIMEFRAME_MS[tf];
  return Math.floor(tsMs / len) * len;
}
