/**
 * Incremental bar maintenance shared by every store engine.
 *
 * A stored bar keeps, besides OHLCV, the (ts, id) of its open and close tick. Merging two
 * partial bars of the same interval is then exact and order-free:
 *
 *   open   = open of the side whose (openTs, openId) is smaller
 *   close  = close of the side whose (closeTs, closeId) is larger
 *   high   = max, low = min, volume / quoteVolume / trades = sums
 *
 * so a batch of ticks is folded into one partial bar per touched (symbol, tf, start) in memory
 * (`accumulateBars`), and each partial is merged into the stored bar with one upsert whose SQL
 * applies the same rule. Ticks that arrive late or out of order (backfill) therefore give the
 * same open / close as if they had arrived in (ts, id) order. Sums are floating point: they
 * equal the in-order sums up to rounding (relative ~1e-15 per addition), which is why
 * `vwap` = quoteVolume / volume is computed when a bar is read, never stored.
 *
 * When is a bar final? Its interval [start, end) is complete when
 *   - a tick of the same symbol with ts >= end has been stored (the symbol's stream moved on), or
 *   - the wall clock has passed end + `finalGraceMs` (default 2 s, the time a trade that happened
 *     inside the interval may still take to reach us).
 * `final` is computed when bars are read, from the symbol's newest stored tick time and the
 * clock, so it needs no write and is the same in every process reading the database.
 *
 * @example
 *   accumulateBars([{ symbol: 'BTCUSDT', id: 2, ts: 1500, price: 11, qty: 1, isBuyerMaker: false },
 *                   { symbol: 'BTCUSDT', id: 1, ts: 1200, price: 10, qty: 2, isBuyerMaker: true }])
 *   // 1s bar at 1000: open 10 (id 1), close 11 (id 2), high 11, low 10, volume 3, quoteVolume 31, trades 2
 */
import type { BarSource } from '@quant-pairs/contract';
import { TIMEFRAMES, TIMEFRAME_MS, type Bar, type Tick, type Timeframe } from '../domain';

/** A bar being merged: the stored columns of the bars table. */
export interface PartialBar {
  symbol: string;
  tf: Timeframe;
  start: number;
  open: number;
  openTs: number;
  openId: number;
  high: number;
  low: number;
  close: number;
  closeTs: number;
  closeId: number;
  volume: number;
  quoteVolume: number;
  trades: number;
}

export const DEFAULT_FINAL_GRACE_MS = 2_000;

/** True if tick (ts, id) comes before (ts2, id2) in the store's order. */
function before(ts: number, id: number, ts2: number, id2: number): boolean {
  return ts < ts2 || (ts === ts2 && id < id2);
}

/** Folds tick `t` into partial bar `b` (same interval) in place. */
function mergeTick(b: PartialBar, t: Tick): void {
  if (before(t.ts, t.id, b.openTs, b.openId)) {
    b.open = t.price;
    b.openTs = t.ts;
    b.openId = t.id;
  }
  if (before(b.closeTs, b.closeId, t.ts, t.id)) {
    b.close = t.price;
    b.closeTs = t.ts;
    b.closeId = t.id;
  }
  if (t.price > b.high) b.high = t.price;
  if (t.price < b.low) b.low = t.price;
  b.volume += t.qty;
  b.quoteVolume += t.price * t.qty;
  b.trades += 1;
}

/** Folds partial bar `p` (same interval, disjoint ticks) into `b` in place: the rule the stores' upserts apply. */
function mergePartial(b: PartialBar, p: PartialBar): void {
  if (before(p.openTs, p.openId, b.openTs, b.openId)) {
    b.open = p.open;
    b.openTs = p.openTs;
    b.openId = p.openId;
  }
  if (before(b.closeTs, b.closeId, p.closeTs, p.closeId)) {
    b.close = p.close;
    b.closeTs = p.closeTs;
    b.closeId = p.closeId;
  }
  if (p.high > b.high) b.high = p.high;
  if (p.low < b.low) b.low = p.low;
  b.volume += p.volume;
  b.quoteVolume += p.quoteVolume;
  b.trades += p.trades;
}

function newBar(t: Tick, tf: Timeframe, start: number): PartialBar {
  return {
    symbol: t.symbol,
    tf,
    start,
    open: t.price,
    openTs: t.ts,
    openId: t.id,
    high: t.price,
    low: t.price,
    close: t.price,
    closeTs: t.ts,
    closeId: t.id,
    volume: t.qty,
    quoteVolume: t.price * t.qty,
    trades: 1,
  };
}

/**
 * One partial bar per (symbol, tf, start) touched by `ticks`, for every timeframe. Ticks are
 * folded into 1s partials, and the 1s partials into the longer timeframes (each of which is a
 * whole number of seconds), so each tick is touched once. The caller passes only ticks that
 * were really stored (not duplicates).
 */
export function accumulateBars(ticks: Iterable<Tick>): PartialBar[] {
  const seconds: PartialBar[] = [];
  const index = new Map<string, PartialBar>();
  // The 1s bar of the previous tick of each symbol: consecutive ticks mostly share it.
  const last = new Map<string, PartialBar>();
  const len1 = TIMEFRAME_MS['1s'];
  for (const t of ticks) {
    const start = Math.floor(t.ts / len1) * len1;
    let b = last.get(t.symbol);
    if (!b || b.start !== start) {
      const key = `${t.symbol}\u0000${start}`;
      const found = index.get(key);
      if (!found) {
        const created = newBar(t, '1s', start);
        index.set(key, created);
        seconds.push(created);
        last.set(t.symbol, created);
        continue;
      }
      b = found;
      last.set(t.symbol, b);
    }
    mergeTick(b, t);
  }
  const out = seconds.slice();
  for (const tf of TIMEFRAMES) {
    if (tf === '1s') continue;
    const len = TIMEFRAME_MS[tf];
    const byStart = new Map<string, PartialBar>();
    for (const s of seconds) {
      const start = Math.floor(s.start / len) * len;
      const key = `${s.symbol}\u0000${start}`;
      const b = byStart.get(key);
      if (b) {
        mergePartial(b, s);
      } else {
        const created: PartialBar = { ...s, tf, start };
        byStart.set(key, created);
        out.push(created);
      }
    }
  }
  return out;
}

/** Whether the bar starting at `start` is complete (see the module comment). */
export function isFinal(tf: Timeframe, start: number, lastTickTs: number | null, nowMs: number, graceMs: number): boolean {
  const end = start + TIMEFRAME_MS[tf];
  return (lastTickTs !== null && lastTickTs >= end) || nowMs >= end + graceMs;
}

/** The public bar of a stored partial, made from `source`. */
export function toBar(b: PartialBar, final: boolean, source: BarSource): Bar {
  return {
    symbol: b.symbol,
    tf: b.tf,
    start: b.start,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    quoteVolume: b.quoteVolume,
    trades: b.trades,
    vwap: b.volume > 0 ? b.quoteVolume / b.volume : null,
    final,
    source,
  };
}

/** The cut that `deleteBefore` really applies: rounded down to the longest timeframe, so no remaining bar loses ticks. */
export function retentionCut(beforeMs: number): number {
  const len = TIMEFRAME_MS[TIMEFRAMES[TIMEFRAMES.length - 1]!];
  return Math.floor(beforeMs / len) * len;
}
