import type { Timeframe } from './timeframe';

/**
 * An OHLCV bar of one symbol over one interval [start, start + length of tf).
 * `final` is false for the bar still in progress (its interval has not completed yet).
 * `vwap` = Σ price·qty / Σ qty (null when the volume is 0).
 */
export interface Bar {
  symbol: string;
  tf: Timeframe;
  /** Interval start, epoch ms, aligned to the timeframe. */
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Quote volume Σ price·qty. */
  quoteVolume: number;
  trades: number;
  vwap: number | null;
  final: boolean;
}
