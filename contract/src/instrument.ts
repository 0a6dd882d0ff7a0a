/**
 * Which market a symbol names (issue 25). `BTCUSDT` is Binance spot; `BTCUSDT.P` is Binance's
 * USD-M perpetual future on BTCUSDT, stored, served and charted under that name, and asked of
 * Binance's futures API as `BTCUSDT` (its `venueSymbol`).
 */
import { PERP_SUFFIX, VENUE_SYMBOL_PATTERN, isSymbol } from './constants';

/** The markets a symbol may name: spot, or the USD-M perpetual (`.P`). */
export const MARKETS = ['spot', 'perp'] as const;
export type Market = (typeof MARKETS)[number];

export interface Instrument {
  /** As stored and served: `BTCUSDT.P`. */
  symbol: string;
  /** As Binance writes it on its market (stream names, REST's `symbol`): `BTCUSDT`. */
  venueSymbol: string;
  market: Market;
}

const VENUE_RE = new RegExp(`^${VENUE_SYMBOL_PATTERN}$`);

/**
 * The instrument an upper-case symbol names.
 * @throws {Error} naming the text when it is not a symbol (lower case included: upper-case it first)
 * @example
 * instrumentOf('BTCUSDT.P'); // => { symbol: 'BTCUSDT.P', venueSymbol: 'BTCUSDT', market: 'perp' }
 * instrumentOf('BTCUSDT');   // => { symbol: 'BTCUSDT', venueSymbol: 'BTCUSDT', market: 'spot' }
 */
export function instrumentOf(symbol: string): Instrument {
  if (!isSymbol(symbol)) throw new Error(`${JSON.stringify(symbol)} is not a symbol such as BTCUSDT or BTCUSDT.P`);
  return symbol.endsWith(PERP_SUFFIX)
    ? { symbol, venueSymbol: symbol.slice(0, -PERP_SUFFIX.length), market: 'perp' }
    : { symbol, venueSymbol: symbol, market: 'spot' };
}

/** True when `symbol` names a USD-M perpetual. @example isPerp('ETHUSDT.P'); // => true */
export function isPerp(symbol: string): boolean {
  return isSymbol(symbol) && symbol.endsWith(PERP_SUFFIX);
}

/**
 * The symbol of `venueSymbol` (as Binance writes it) on `market`.
 * @throws {Error} when `venueSymbol` is not an upper-case Binance name
 * @example symbolOf('BTCUSDT', 'perp'); // => 'BTCUSDT.P'
 */
export function symbolOf(venueSymbol: string, market: Market): string {
  if (!VENUE_RE.test(venueSymbol)) throw new Error(`${JSON.stringify(venueSymbol)} is not a Binance symbol such as BTCUSDT`);
  return market === 'perp' ? `${venueSymbol}${PERP_SUFFIX}` : venueSymbol;
}
