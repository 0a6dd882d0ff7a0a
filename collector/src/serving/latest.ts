/**
 * Where the latest point of a pair comes from, decided once for the Live push and /api/stats:
 *
 * - the live engine (src/live), for the rolling OLS of a window it runs under the collector's
 *   signal rule (no entryZ / exitZ asked): its numbers, updated with every tick;
 * - the Kalman filter kept at the last final bar and advanced over the new bars only
 *   (kalman-live.ts), for hedge=kalman when the caches are on (the store announces its writes);
 * - else computed from the stored bars (series.ts): the last STATS_SAMPLE(window) bars for the
 *   statistics, the last three intervals for a push (the point stays after an interval closes
 *   with no trade yet in the next; a pair quiet for longer has nothing new to show).
 */
import type { HedgeChoice } from '@quant-pairs/contract';
import type { Pair, Timeframe } from '../domain';
import { TIMEFRAME_MS } from '../domain/timeframe';
import { DEFAULT_STATS_SAMPLE } from '../live';
import type { ServingCtx } from './context';
import type { KalmanLatest, KalmanLive } from './kalman-live';
import type { LiveLatest, LiveSource } from './live-source';
import { computeSeries, type SeriesResult } from './series';

/** Aligned points the computed statistics use: the live engine's sample (5 windows, 200..5000). */
export const STATS_SAMPLE = DEFAULT_STATS_SAMPLE;

/** A pair's latest point as asked by a push or /api/stats. */
export interface LatestQuery {
  pair: Pair;
  tf: Timeframe;
  window: number;
  hedge: HedgeChoice;
  /** A signal rule of the asker's (absent: the collector's ENTRY_Z / EXIT_Z). */
  entryZ?: number;
  exitZ?: number | null;
}

export type LatestSource = { source: 'live'; live: LiveLatest } | { source: 'kalman'; kalman: KalmanLatest } | { source: 'computed'; series: SeriesResult };

/** `forStats`: the statistics' sample is wanted too (else the latest point only, as the push asks). */
export async function latestSource(
  ctx: ServingCtx,
  from: { live: LiveSource | undefined; kalman: KalmanLive | undefined },
  q: LatestQuery,
  forStats: boolean,
): Promise<LatestSource> {
  // the live engine keeps the rolling OLS with the configured thresholds
  const sameRule = q.entryZ === undefined && q.exitZ === undefined && q.hedge.hedge === 'ols';
  const live = sameRule ? from.live?.latest(q.pair.id, q.tf, q.window) : undefined;
  if (live) return { source: 'live', live };
  const sample = forStats ? STATS_SAMPLE(q.window) : 0;
  if (q.hedge.hedge === 'kalman' && from.kalman) {
    const k = await from.kalman.latest(ctx, { pair: q.pair, tf: q.tf, hedge: q.hedge, entryZ: q.entryZ, exitZ: q.exitZ }, sample);
    return { source: 'kalman', kalman: k };
  }
  const tfMs = TIMEFRAME_MS[q.tf];
  const to = ctx.now() + tfMs;
  const series = await computeSeries(ctx, {
    pair: q.pair,
    tf: q.tf,
    window: q.window,
    from: to - (forStats ? sample : 3) * tfMs,
    to,
    entryZ: q.entryZ,
    exitZ: q.exitZ,
    hedge: q.hedge,
  });
  return { source: 'computed', series };
}
