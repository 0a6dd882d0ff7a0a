/**
 * Binance klines (candles) as bars: one REST `/api/v3/klines` element or one line of a kline
 * archive file (data.binance.vision `.../klines/BTCUSDT/1m/BTCUSDT-1m-2025-11-24.zip`), both
 *
 *   [openTime, "open", "high", "low", "close", "volume", closeTime, "quoteAssetVolume",
 *    numberOfTrades, "takerBuyBaseAssetVolume", "takerBuyQuoteAssetVolume", "ignore"]
 *
 * The bar is what our bar builder makes of the same trades (store/bars.ts): OHLC, volume, quote
 * volume, trade count, VWAP = quote volume / volume. A kline without a trade (Binance serves
 * them for quiet intervals, flat at the previous close) is not a bar: the builder makes none for
 * an interval without ticks, and the analytics' alignment forward-fills a quiet leg itself, so it
 * is skipped (`null`). Archive times are µs from 2025 on (ms before): above 1e14 means µs.
 *
 *   klineToBar([1764075600000, "87000.1", "87010", "86990", "87005.5", "1.5", 1764075659999, "130507.5", 42, "0.7", "60900", "0"], 'BTCUSDT', '1m')
 *   // { symbol: 'BTCUSDT', tf: '1m', start: 1764075600000, open: 87000.1, ..., trades: 42, vwap: 87005, final: true, source: 'klines' }
 */
import { TIMEFRAME_MS, type Bar, type Timeframe } from '../domain';
import type { Rejection } from './parse';

/** Binance's interval name of each timeframe (the same text). */
export const KLINE_INTERVAL: Readonly<Record<Timeframe, string>> = { '1s': '1s', '1m': '1m', '5m': '5m' };

const reject = (detail: string): Rejection => ({ type: 'rejected', kind: 'invalid-kline', detail });

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v.trim())) return NaN;
  return Number(v);
}

/** Binance time (ms, or µs above 1e14) to epoch ms. */
function ms(v: unknown): number {
  const n = num(v);
  return n > 1e14 ? n / 1000 : n;
}

/** One kline (array of 12, strings or numbers) as a final bar of `tf`; null for a kline without trades. */
export function klineToBar(row: unknown, symbol: string, tf: Timeframe): Bar | Rejection | null {
  if (!Array.isArray(row) || row.length < 9) return reject(`not a kline array: ${JSON.stringify(row)?.slice(0, 120)}`);
  const start = ms(row[0]);
  const [open, high, low, close, volume] = [num(row[1]), num(row[2]), num(row[3]), num(row[4]), num(row[5])];
  const quoteVolume = num(row[7]);
  const trades = num(row[8]);
  const len = TIMEFRAME_MS[tf];
  if (!Number.isInteger(start) || start <= 0 || start % len !== 0) return reject(`open time ${String(row[0])} is not the start of a ${tf} interval`);
  if (!Number.isInteger(trades) || trades < 0) return reject(`trade count ${String(row[8])} is not a whole number`);
  if (trades === 0) return null;
  for (const [name, v] of [
    ['open', open],
    ['high', high],
    ['low', low],
    ['close', close],
  ] as const)
    if (!Number.isFinite(v) || v <= 0) return reject(`${name} ${String(v)} is not a positive price`);
  if (!(low <= Math.min(open, close) && high >= Math.max(open, close))) return reject(`prices o ${open} h ${high} l ${low} c ${close} are inconsistent`);
  if (!Number.isFinite(volume) || volume < 0 || !Number.isFinite(quoteVolume) || quoteVolume < 0)
    return reject(`volumes ${String(row[5])} / ${String(row[7])} are not amounts`);
  return {
    symbol,
    tf,
    start,
    open,
    high,
    low,
    close,
    volume,
    quoteVolume,
    trades,
    vwap: volume > 0 ? quoteVolume / volume : null,
    final: true,
    source: 'klines',
  };
}
