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
 * gap), or when history is loaded at run time (a symbol back in UNIVERSE's top N: klines and
 * trades fill its absence). The ingestor reports every batch before the store flushes it
 * (`onTicks`), and the history loader every write before it makes it and once more after
 * (ServedApi.barsChanged), so the cache drops everything from the earliest touched bar on, and
 * for a short while (`settleMs`, longer than the store's flush interval) does not cache that
 * part again, so a read racing with the write cannot re-cache the old value. Without an
 * ingestor in the process nothing reports late ticks, and the cache is not used.
 */
import type { Bar, Timeframe } from '../domain';
import { TIMEFRAMES, TIMEFRAME_MS, bucketStart } from '../domain/timeframe';
import type { BarQuery, Store } from '../store/store';
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
  /**
   * symbol -> the batches reported in the last settleMs: [earliest tick ts, until when not to
   * cache from it], oldest first. Each batch expires on its own, so that with ticks flowing
   * continuously the uncacheable part stays the last few seconds instead of growing.
   */
  private readonly dirty = new Map<string, Array<{ ts: number; until: number }>>();
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

  /** Late or new ticks (or bars) of `symbol` as early as `minTs` are about to be stored. */
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
    const list = this.dirty.get(symbol) ?? [];
    list.push({ ts: minTs, until: this.opts.now() + this.opts.settleMs });
    this.dirty.set(symbol, list);
  }

  /** Closes of the bars with from <= start < to: cached final bars, then the store's tail. */
  closes(symbol: string, tf: Timeframe, from: number, to: number): Promise<CloseColumns> {
    return this.lock.run(`${symbol}|${tf}`, () => this.read(symbol, tf, from, to));
  }

  private async read(symbol: string, tf: Timeframe, from: number, to: number): Promise<CloseColumns> {
    const key = `${symbol}|${tf}`;
    let e: Entry;
    let fresh: Cols;
    for (;;) {
      const cur = this.entries.get(key);
      if (cur && from < cur.lo && (this.opts.now() - from) / TIMEFRAME_MS[tf] <= this.opts.maxBars) {
        // Extend backwards: read only the older part and put it in front.
        const gen = cur.gen;
        const older = await readCloses(this.store, { symbol, tf, from, to: cur.lo });
        if (cur.gen !== gen || this.entries.get(key) !== cur) continue;
        if (older.final.subarray(0, older.n).every((f) => f === 1)) {
          prepend(cur, older);
          cur.lo = from;
          continue;
        }
      }
      if (!cur || from < cur.lo) {
        if ((this.opts.now() - from) / TIMEFRAME_MS[tf] > this.opts.maxBars) return readThrough(await readCloses(this.store, { symbol, tf, from, to }), from);
        fresh = await readCloses(this.store, { symbol, tf, from });
        e = { gen: 0, lo: from, hi: from, n: 0, start: new Float64Array(1024), close: new Float64Array(1024) };
        this.entries.set(key, e);
        break;
      }
      const gen = cur.gen;
      fresh = await readCloses(this.store, { symbol, tf, from: cur.hi });
      if (cur.gen !== gen || this.entries.get(key) !== cur) continue; // invalidated meanwhile: read again
      e = cur;
      break;
    }
    const k = this.append(symbol, tf, e, fresh);
    const i = lowerBound(e.start, e.n, from);
    const j = lowerBound(e.start, e.n, to);
    const tail: CloseColumns['tail'] = [];
    for (let m = k; m < fresh.n; m++) {
      if (fresh.start[m]! >= from && fresh.start[m]! < to) tail.push({ start: fresh.start[m]!, close: fresh.close[m]!, final: fresh.final[m] === 1 });
    }
    // subarray views would change under a later append; copy the (small or needed) range.
    return { start: e.start.slice(i, j), close: e.close.slice(i, j), hi: e.hi, tail };
  }

  /** Caches the final, settled prefix of `bars` (which start at e.hi); returns its length. */
  private append(symbol: string, tf: Timeframe, e: Entry, bars: Cols): number {
    const limit = this.cacheLimit(symbol, tf);
    let k = 0;
    while (k < bars.n && bars.final[k] === 1 && bars.start[k]! < limit) k++;
    // Coverage reaches the first bar not cached (no bar exists between), but never past `limit`.
    const reach = Math.min(limit, k < bars.n ? bars.start[k]! : Infinity);
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
      e.lo = e.n ? e.start[0]! : bars.start[0]!;
    }
    if (e.n + k > e.start.length) {
      const cap = Math.max(2 * e.start.length, e.n + k);
      const s = new Float64Array(cap);
      const c = new Float64Array(cap);
      s.set(e.start.subarray(0, e.n));
      c.set(e.close.subarray(0, e.n));
      e.start = s;
      e.close = c;
    }
    const m = Math.min(k, this.opts.maxBars - e.n);
    e.start.set(bars.start.subarray(0, m), e.n);
    e.close.set(bars.close.subarray(0, m), e.n);
    e.n += m;
    if (m < k) {
      // Bound reached: the rest goes to the caller's tail.
      e.hi = bars.start[m]!;
      return m;
    }
    e.hi = Math.max(bars.start[k - 1]! + TIMEFRAME_MS[tf], reach === Infinity ? -Infinity : reach);
    return k;
  }

  /** Bars at or after this start must not be cached now (a late tick may still be flushing). */
  private cacheLimit(symbol: string, tf: Timeframe): number {
    const list = this.dirty.get(symbol);
    if (!list) return Infinity;
    const now = this.opts.now();
    let k = 0;
    while (k < list.length && list[k]!.until <= now) k++;
    if (k > 0) list.splice(0, k);
    if (list.length === 0) {
      this.dirty.delete(symbol);
      return Infinity;
    }
    let min = Infinity;
    for (const d of list) if (d.ts < min) min = d.ts;
    return bucketStart(min, tf);
  }
}

/** Bars as compact columns (17 bytes a bar instead of a Bar object). */
export interface Cols {
  n: number;
  start: Float64Array;
  close: Float64Array;
  final: Uint8Array;
}

/**
 * The bars of `q` as columns: the store's `barCloses` when it has one (array rows, no Bar object
 * per row: the cold read of a day of 1s bars was mostly building those objects), else its bars.
 */
export function readCloses(store: Store, q: BarQuery): Promise<Cols> {
  return store.barCloses ? store.barCloses(q) : readCols(store.iterateBars(q));
}

/** Reads a bar stream into columns, growing them as needed. */
async function readCols(bars: AsyncIterable<Bar>): Promise<Cols> {
  let c: Cols = { n: 0, start: new Float64Array(256), close: new Float64Array(256), final: new Uint8Array(256) };
  for await (const b of bars) {
    if (c.n === c.start.length) {
      const cap = c.n * 2;
      const g: Cols = { n: c.n, start: new Float64Array(cap), close: new Float64Array(cap), final: new Uint8Array(cap) };
      g.start.set(c.start);
      g.close.set(c.close);
      g.final.set(c.final);
      c = g;
    }
    c.start[c.n] = b.start;
    c.close[c.n] = b.close;
    c.final[c.n] = b.final ? 1 : 0;
    c.n++;
  }
  return c;
}

function prepend(e: Entry, bars: Cols): void {
  if (bars.n === 0) return;
  const cap = Math.max(1024, 2 * (e.n + bars.n));
  const s = new Float64Array(cap);
  const c = new Float64Array(cap);
  s.set(bars.start.subarray(0, bars.n));
  c.set(bars.close.subarray(0, bars.n));
  s.set(e.start.subarray(0, e.n), bars.n);
  c.set(e.close.subarray(0, e.n), bars.n);
  e.start = s;
  e.close = c;
  e.n += bars.n;
}

function readThrough(bars: Cols, from: number): CloseColumns {
  const tail: CloseColumns['tail'] = [];
  for (let i = 0; i < bars.n; i++) tail.push({ start: bars.start[i]!, close: bars.close[i]!, final: bars.final[i] === 1 });
  return { start: new Float64Array(0), close: new Float64Array(0), hi: from, tail };
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
