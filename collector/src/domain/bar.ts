import type { BarDto } from '@quant-pairs/contract';
import type { Timeframe } from './timeframe';

/**
 * An OHLCV bar of one symbol over one interval [start, start + length of tf): the API's
 * `BarDto` (its fields are described there) with the symbol and timeframe it belongs to.
 * `final` is false for the bar still in progress (its interval has not completed yet).
 * `vwap` = Σ price·qty / Σ qty (null when the volume is 0).
 */
export interface Bar extends BarDto {
  symbol: string;
  tf: Timeframe;
}
