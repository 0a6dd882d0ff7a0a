/**
 * What the read side's computations share: the store, the default signal rule, the bounds, the
 * clock, the caches (absent when nothing announces the store's writes: reads go through) and
 * the Kalman fits.
 */
import type { Timeframe } from '../domain';
import type { Store } from '../store/store';
import type { AlignedCache } from './aligned';
import type { FitMemo } from './fits';
import type { RunCache } from './results';

export interface ServingLimits {
  /** Most aligned bars one analytics query may read (range plus warm-up). */
  maxAnalyticsBars: number;
}

export interface ServingCtx {
  store: Store;
  entryZ: number;
  exitZ: number | null;
  limits: ServingLimits;
  now: () => number;
  /** Aligned pair series and analytics runs over the cached closes; undefined: read through. */
  caches: { aligned: AlignedCache; runs: RunCache } | undefined;
  fits: FitMemo;
}

/** The fitter of a pair and timeframe's Kalman periods: the memo keyed by what defines a fit. */
export function fitterOf(ctx: ServingCtx, pair: { id: string; y: string; x: string }, tf: Timeframe, periodMs: number) {
  return (x: Float64Array, y: Float64Array, at: number) => ctx.fits.get({ pair, tf, at, periodMs }, x, y);
}
