/**
 * The part of the live analytics engine (src/live) the API reads: the latest point of a
 * configured pair / timeframe / window. Declared here structurally so that the API depends
 * on what it uses, not on the engine's internals.
 */
import type { PaperPositionDto } from '@quant-pairs/contract';
import type { OuFit } from '../analytics';
import type { AnalyticsPoint, Timeframe } from '../domain';

type StatResult<T> = T | { error: string } | null;

export interface LiveLatest {
  provisional: AnalyticsPoint | null;
  committed: AnalyticsPoint | null;
  adf: StatResult<unknown>;
  coint: StatResult<unknown>;
  halfLife: StatResult<unknown>;
  /** The OU fit of the statistics' spreads (absent from an engine that does not fit one). */
  ou?: StatResult<OuFit>;
  updatedAt: number | null;
  position: PaperPositionDto;
}

export interface LiveSource {
  latest(pairId: string, tf: Timeframe, window: number): LiveLatest | null | undefined;
}
