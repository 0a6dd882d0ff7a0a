/**
 * An in-memory cache of final bar closes per (symbol, tf), as two Float64Array columns, so
 * that an analytics query over a day of 1s bars does not read 170,000 rows from the store
 * each time. The in-progress bar is never cached (it is read from the store every time).
 *
 * Coverage: one contiguous range [lo, hi) of bar starts per key, in which every final bar of
 * the store is present; a query extends it backwards (older bars) and forwards (bars that
 * became final since) with small store reads.
 *
 * Invalidation: a bar that is final can still change when a late tick arrives (backfill of a
 * gap). The ingestor reports every batch before the store flushes it (`onTicks`), so the
 * cache drops everything from the earliest touched bar on, and for a short while
 * (`settleMs`, longer than the store's flush interval) does not cache that part again, so a
 * read racing with the flush cannot re-cache the old value. Without an ingestor in the
 * process nothing reports late ticks, and the cache is not used.
 */
import type { Bar, Timeframe } from '../../domain';
import { TIMEFRAMES, TIMEFRAME_MS, bucketStart } from '../../domain/timeframe';
import type { Store } from '../../store/store';
import { KeyedLock } from './keyed-lock';

export interface CloseColumns {
  /** Cached final bars with from <= start < min(to, hi). */
  start: Float64Array;
  close: Float64Array;
  /** Every final bar with start < hi is in the cache (read-through: hi = from, nothing cached). */
  hi: number;
  /** The bars from max(from, hi) to `to`, read from the store (in progress, or not yet settled). */
  tail: { start: number; close: number; final: boolean }[];
}

interface Entry {
  /** Bumped when an invalidation truncates the entry (a read in flight is then retried). */
  gen: number;
  lo: number;
  hi: number;
  n: number;
  start: Float64Array;
  close: Float64Array;
}

export interface CloseCacheOptions {
  /** Most bars kept per (symbol, tf); a query needing more reads through. */
  maxBars: number;
  settleMs: number;
  now: () => number;
}

export class CloseCache {
  private readonly entries = new Map<string, Entry>();
  /** symbol -> [earliest dirty ts, until when not to cache from it]. */
  private readonly dirty = new Map<string, { ts: number; until: number }>();
  private readonly lock = new KeyedLock();

  constructor(
    private readonly store: Store,
    private readonly opts: CloseCacheOptions,
  ) {}

  private readonly listeners: Array<(symbol: string, minTs: number) => void> = [];

  /** Called on every invalidation (derived caches truncate themselves). */
  onInvalidate(listener: (symbol: string, minTs: number) => void): void {
    this.listeners.push(listener);
  }

  /** Late or new ticks of `symbol` as early as `minTs` are about to be stored. */
  invalidate(symbol: string, minTs: number): void {
    for (const l of this.listeners) l(symbol, minTs);
    for (const tf of TIMEFRAMES) {
      const e = this.entries.get(`${symbol}|${tf}`);
      const cut = bucketStart(minTs, tf);
      if (e && cut < e.hi) {
        e.gen++;
        if (cut <= e.lo) this.entries.delete(`${symbol}|${tf}`);
        else {
          e.n = lowerBound(e.start, e.n, cut);
          e.hi = cut;
        }
      }
    }
    const d = this.dirty.get(symbol);
    const until = this.opts.now() + this.opts.settleMs;
    this.dirty.set(symbol, { ts: d && d.until > this.opts.now() ? Math.min(d.ts, minTs) : minTs, until });
  }

  /** Closes of the bars with from <= start < to: cached final bars, then the store's tail. */
  closes(symbol: string, tf: Timeframe, from: number, to: number): Promise<CloseColumns> {
    return this.lock.run(`${symbol}|${tf}`, () => this.read(symbol, tf, from, to));
  }

  private async read(symbol: string, tf: Timeframe, from: number, to: number): Promise<CloseColumns> {
    const key = `${symbol}|${tf}`;
    let e: Entry;
    let fresh: Bar[];
    for (;;) {
      const cur = this.entries.get(key);
      if (cur && from < cur.lo && (this.opts.now() - from) / TIMEFRAME_MS[tf] <= this.opts.maxBars) {
        // Extend backwards: read only the older part and put it in front.
        const gen = cur.gen;
        const older = await this.store.bars({ symbol, tf, from, to: cur.lo });
        if (cur.gen !== gen || this.entries.get(key) !== cur) continue;
        if (older.every((b) => b.final)) {
          prepend(cur, older);
          cur.lo = from;
          continue;
        }
      }
      if (!cur || from < cur.lo) {
        if ((this.opts.now() - from) / TIMEFRAME_MS[tf] > this.opts.maxBars) return readThrough(await this.store.bars({ symbol, tf, from, to }), from);
        fresh = await this.store.bars({ symbol, tf, from });
        e = { gen: 0, lo: from, hi: from, n: 0, start: new Float64Array(1024), close: new Float64Array(1024) };
        this.entries.set(key, e);
        break;
      }
      const gen = cur.gen;
      fresh = await this.store.bars({ symbol, tf, from: cur.hi });
      if (cur.gen !== gen || this.entries.get(key) !== cur) continue; // invalidated meanwhile: read again
      e = cur;
      break;
    }
    const k = this.append(symbol, tf, e, fresh);
    const i = lowerBound(e.start, e.n, from);
    const j = lowerBound(e.start, e.n, to);
    const tail: CloseColumns['tail'] = [];
    for (let m = k; m < fresh.length; m++) {
      const b = fresh[m]!;
      if (b.start >= from && b.start < to) tail.push({ start: b.start, close: b.close, final: b.final });
    }
    // subarray views would change under a later append; copy the (small or needed) range.
    return { start: e.start.slice(i, j), close: e.close.slice(i, j), hi: e.hi, tail };
  }

  /** Caches the final, settled prefix of `bars` (which start at e.hi); returns its length. */
  private append(symbol: string, tf: Timeframe, e: Entry, bars: Bar[]): number {
    const limit = this.cacheLimit(symbol, tf);
    let k = 0;
    while (k < bars.length && bars[k]!.final && bars[k]!.start < limit) k++;
    // Coverage reaches the first bar not cached (no bar exists between), but never past `limit`.
    const reach = Math.min(limit, k < bars.length ? bars[k]!.start : Infinity);
    if (k === 0) {
      if (reach !== Infinity && reach > e.hi) e.hi = reach;
      return 0;
    }
    if (e.n + k > this.opts.maxBars) {
      // Drop the oldest bars to stay within the bound.
      const drop = Math.min(e.n, e.n + k - this.opts.maxBars);
      e.start.copyWithin(0, drop, e.n);
      e.close.copyWithin(0, drop, e.n);
      e.n -= drop;
      e.lo = e.n ? e.start[0]! : bars[0]!.start;
    }
    if (e.n + k > e.start.length) {
      const cap = Math.min(this.opts.maxBars, Math.max(2 * e.start.length, e.n + k));
      const s = new Float64Array(cap);
      const c = new Float64Array(cap);
      s.set(e.start.subarray(0, e.n));
      c.set(e.close.subarray(0, e.n));
      e.start = s;
      e.close = c;
    }
    const base = e.n;
    for (let m = 0; m < k && base + m < e.start.length; m++) (e.start[base + m] = bars[m]!.start), (e.close[base + m] = bars[m]!.close);
    e.n = Math.min(base + k, e.start.length);
    e.hi = Math.max(bars[k - 1]!.start + TIMEFRAME_MS[tf], reach === Infinity ? -Infinity : reach);
    return k;
  }

  /** Bars at or after this start must not be cached now (a late tick may still be flushing). */
  private cacheLimit(symbol: string, tf: Timeframe): number {
    const d = this.dirty.get(symbol);
    if (!d) return Infinity;
    if (d.until <= this.opts.now()) {
      this.dirty.delete(symbol);
      return Infinity;
    }
    return bucketStart(d.ts, tf);
  }
}

function prepend(e: Entry, bars: Bar[]): void {
  if (bars.length === 0) return;
  const cap = Math.max(1024, 2 * (e.n + bars.length));
  const s = new Float64Array(cap);
  const c = new Float64Array(cap);
  for (let i = 0; i < bars.length; i++) (s[i] = bars[i]!.start), (c[i] = bars[i]!.close);
  s.set(e.start.subarray(0, e.n), bars.length);
  c.set(e.close.subarray(0, e.n), bars.length);
  e.start = s;
  e.close = c;
  e.n += bars.length;
}

function readThrough(bars: Bar[], from: number): CloseColumns {
  return { start: new Float64Array(0), close: new Float64Array(0), hi: from, tail: bars.map((b) => ({ start: b.start, close: b.close, final: b.final })) };
}

/** First index i in a[0..n) with a[i] >= v. */
export function lowerBound(a: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
