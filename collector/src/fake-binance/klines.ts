/**
 * The fake Binance's `/api/v3/klines`: candles computed from the very trades it generated, in
 * Binance's format (its spot REST API, "Kline/Candlestick data", GET /api/v3/klines; FORMATS.md
 * covers trades only): an array of 12-element arrays
 *
 *   [openTime, "open", "high", "low", "close", "volume", closeTime, "quoteAssetVolume",
 *    numberOfTrades, "takerBuyBaseAssetVolume", "takerBuyQuoteAssetVolume", "0"]
 *
 * with closeTime = openTime + interval - 1 and prices / volumes as 8-decimal strings. Which
 * candles a request gets follows Binance's rules: those whose open time is in [startTime,
 * endTime]; without startTime the most recent `limit` up to endTime (or now); never before the
 * symbol's first trade; the candle in progress included. An interval without a trade (after the
 * first one) is a candle with no volume and open = high = low = close = the previous close, as
 * Binance serves it.
 *
 * Written independently of the collector's bar builder (store/bars.ts) on purpose: the tests
 * compare the two.
 */
import type { GeneratedTrade } from './generator';

/** The intervals the fake serves (the collector's timeframes), in ms. */
export const KLINE_INTERVALS: Readonly<Record<string, number>> = { '1s': 1_000, '1m': 60_000, '5m': 300_000 };

export type KlineRow = [number, string, string, string, string, string, number, string, number, string, string, string];

/** Index of the first trade with time >= t (trades ascending by time). */
function firstAtOrAfter(trades: readonly GeneratedTrade[], t: number): number {
  let lo = 0;
  let hi = trades.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (trades[mid]!.time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const dec = (n: number): string => n.toFixed(8);

/** The klines of `trades` for one request (see the module comment); `now` bounds the newest candle. */
export function klinesOf(trades: readonly GeneratedTrade[], len: number, q: { startTime?: number; endTime?: number; limit: number }, now: number): KlineRow[] {
  if (trades.length === 0) return [];
  const firstOpen = Math.floor(trades[0]!.time / len) * len;
  const newest = Math.floor(Math.max(now, trades[trades.length - 1]!.time) / len) * len;
  const last = q.endTime === undefined ? newest : Math.min(newest, Math.floor(q.endTime / len) * len);
  let from: number;
  if (q.startTime !== undefined) from = Math.max(firstOpen, Math.ceil(q.startTime / len) * len);
  else from = Math.max(firstOpen, last - (q.limit - 1) * len);
  const out: KlineRow[] = [];
  let i = firstAtOrAfter(trades, from);
  let prevClose = i > 0 ? trades[i - 1]!.price : null;
  for (let open = from; open <= last && out.length < q.limit; open += len) {
    const end = open + len;
    let o: string | null = null;
    let h = -Infinity;
    let l = Infinity;
    let c = '';
    let hs = '';
    let ls = '';
    let vol = 0;
    let quote = 0;
    let n = 0;
    let takerBase = 0;
    let takerQuote = 0;
    for (; i < trades.length && trades[i]!.time < end; i++) {
      const t = trades[i]!;
      const p = Number(t.price);
      const qty = Number(t.qty);
      if (o === null) o = t.price;
      if (p > h) {
        h = p;
        hs = t.price;
      }
      if (p < l) {
        l = p;
        ls = t.price;
      }
      c = t.price;
      vol += qty;
      quote += p * qty;
      n++;
      // The taker bought when the buyer was not the maker.
      if (!t.isBuyerMaker) {
        takerBase += qty;
        takerQuote += p * qty;
      }
    }
    if (n === 0) {
      const flat = prevClose ?? trades[0]!.price;
      out.push([open, flat, flat, flat, flat, dec(0), end - 1, dec(0), 0, dec(0), dec(0), '0']);
      continue;
    }
    prevClose = c;
    out.push([open, o!, hs, ls, c, dec(vol), end - 1, dec(quote), n, dec(takerBase), dec(takerQuote), '0']);
  }
  return out;
}
