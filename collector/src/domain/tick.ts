/**
 * One trade as the collector stores it.
 *
 * - `symbol` is upper-case as Binance writes it in events (`BTCUSDT`).
 * - `id` is the trade id (`t`, trade stream / historicalTrades) or the aggregate trade id
 *   (`a`, aggTrade stream / aggTrades); it is contiguous per symbol and stream kind, so a jump
 *   means a gap. (symbol, id) is unique in the store.
 * - `ts` is the trade time (`T`) in epoch milliseconds. Sources that give microseconds
 *   (archive files since 2025, `timeUnit=MICROSECOND`) keep them as the fraction:
 *   `Math.round(ts * 1000)` gives back the exact microsecond count.
 * - `price` and `qty` arrive as decimal strings and are parsed with `Number()`: the shortest
 *   round-trip decimal of the double is what a user saw (`"87012.34000000"` -> 87012.34).
 */
import { isSymbol } from '@quant-pairs/contract';

export interface Tick {
  symbol: string;
  id: number;
  ts: number;
  price: number;
  qty: number;
  /** `m`: the buyer was the maker (the trade was a market sell). */
  isBuyerMaker: boolean;
}

/** Validates the invariants a stored tick must satisfy; returns the reason it is invalid, or null. */
export function tickProblem(t: Tick): string | null {
  if (!isSymbol(t.symbol)) return `symbol ${JSON.stringify(t.symbol)} is not an upper-case Binance symbol`;
  if (!Number.isSafeInteger(t.id) || t.id < 0) return `id ${t.id} is not a non-negative integer`;
  if (!Number.isFinite(t.ts) || t.ts <= 0) return `ts ${t.ts} is not a positive epoch-ms time`;
  if (!Number.isFinite(t.price) || t.price <= 0) return `price ${t.price} is not a positive finite number`;
  if (!Number.isFinite(t.qty) || t.qty < 0) return `qty ${t.qty} is not a non-negative finite number`;
  return null;
}

/**
 * Keeps in `earliest` the smallest time seen per symbol (what listeners of a write are told:
 * "this symbol changed from here on").
 */
export function keepEarliest(earliest: Map<string, number>, symbol: string, ts: number): void {
  if (!(ts >= (earliest.get(symbol) ?? Infinity))) earliest.set(symbol, ts);
}
