/**
 * An in-memory cache of the aligned series of a pair (per timeframe), built with `alignBars`
 * (the one alignment rule) over the CloseCache's final bars, so that a query for any window
 * re-aligns only the bars that completed since the last query.
 *
 * Stability: an aligned point at ts uses each leg's last close at or before ts (forward fill),
 * so once both legs' final bars are cached up to H (H = min of the two legs' cache coverage),
 * every aligned point with ts < H is final. Extending: the bars in [H, H') of both legs are
 * aligned with the last cached point prepended as a bar of each leg (it carries exactly the
 * forward-fill state), and the points after it are appended. Bars after H' (in progress or
 * not settled) are aligned the same way on every query and not cached.
 *
 * Invalidation: when the CloseCache drops bars of a symbol from `cut` on (a late tick), the
 * pairs with that leg drop their points from `cut` on.
 */
import { alignBars } from '../analytics';
import type { Pair, Timeframe } from '../domain';
import { bucketStart } from '../domain/timeframe';
import { lowerBound, type CloseCache, type CloseColumns } from './closes';
import { KeyedLock } from './keyed-lock';

export interface AlignedSlice {
  ts: Float64Array;
  y: Float64Array;
  x: Float64Array;
  /** The newest point comes from a bar still in progress. */
  lastInProgress: boolean;
  /** Where the slice's cached part lives: entry points [i, j); the rest of the slice follows them. */
  cached?: { entry: AlignedEntry; i: number; j: number };
}

/** One pair's cached aligned points; `base` counts points dropped from the front (absolute index = base + local). */
export interface AlignedEntry {
  /** Bumped when an invalidation truncates the entry. */
  gen: number;
  pair: Pair;
  tf: Timeframe;
  lo: number;
  /** Every aligned point with ts < H is cached. */
  H: number;
  n: number;
  ts: Float64Array;
  y: Float64Array;
  x: Float64Array;
  base: number;
}
type Entry = AlignedEntry;

type B = { start: number; close: number; final?: boolean };

export class AlignedCache {
  private readonly entries = new Map<string, Entry>();
  private readonly lock = new KeyedLock();

  constructor(
    private readonly closes: CloseCache,
    private readonly maxPoints: number,
  ) {
    closes.onInvalidate((symbol, minTs) => {
      for (const [k, e] of this.entries) {
        if (e.pair.y !== symbol && e.pair.x !== symbol) continue;
        const cut = bucketStart(minTs, e.tf);
        if (cut >= e.H) continue;
        e.gen++;
        if (cut <= e.lo) this.entries.delete(k);
        else {
          e.n = lowerBound(e.ts, e.n, cut);
          e.H = cut;
        }
      }
    });
  }

  /** The aligned points of `pair` with from <= ts < to. */
  get(pair: Pair, tf: Timeframe, from: number, to: number): Promise<AlignedSlice> {
    return this.lock.run(`${pair.id}|${tf}`, () => this.read(pair, tf, from, to));
  }

  private async read(pair: Pair, tf: Timeframe, from: number, to: number): Promise<AlignedSlice> {
    const key = `${pair.id}|${tf}`;
    let e: Entry | undefined;
    let cy: CloseColumns;
    let cx: CloseColumns;
    let since: number;
    for (;;) {
      e = this.entries.get(key);
      if (e && from < e.lo && e.n > 0) {
        // Older bars wanted: if there are none before the entry, it only needs a lower `lo`.
        const gen = e.gen;
        const [oy, ox] = await Promise.all([this.closes.closes(pair.y, tf, from, e.lo), this.closes.closes(pair.x, tf, from, e.lo)]);
        if (e.gen !== gen || this.entries.get(key) !== e) continue;
        if (oy.start.length + oy.tail.length + ox.start.length + ox.tail.length === 0) e.lo = from;
      }
      if (e && (from < e.lo || e.n === 0)) e = undefined;
      since = e ? e.H : from;
      const gen = e?.gen;
      [cy, cx] = await Promise.all([this.closes.closes(pair.y, tf, since, Infinity), this.closes.closes(pair.x, tf, since, Infinity)]);
      if (!e || (e.gen === gen && this.entries.get(key) === e)) break; // else invalidated meanwhile: read again
    }
    const H = Math.max(since, Math.min(cy.hi, cx.hi));
    if (!e) {
      e = { gen: 0, pair, tf, lo: from, H: from, n: 0, ts: new Float64Array(1024), y: new Float64Array(1024), x: new Float64Array(1024), base: 0 };
      this.entries.set(key, e);
    }
    // 1. bars in [since, H) of both legs are final and cached: align and cache them.
    const seed = e.n > 0 ? e.n - 1 : -1;
    const added = this.alignFrom(e, seed, barsBelow(cy, H), barsBelow(cx, H), H);
    this.append(e, added);
    e.H = H;
    // 2. the rest (after H): aligned on every query, not cached.
    const rest = this.alignFrom(e, e.n > 0 ? e.n - 1 : -1, barsFrom(cy, H), barsFrom(cx, H), Infinity);
    const i = lowerBound(e.ts, e.n, from);
    const j = lowerBound(e.ts, e.n, to);
    let r0 = 0;
    while (r0 < rest.ts.length && rest.ts[r0]! < from) r0++;
    let r1 = r0;
    while (r1 < rest.ts.length && rest.ts[r1]! < to) r1++;
    const m = j - i + (r1 - r0);
    const out: AlignedSlice = { ts: new Float64Array(m), y: new Float64Array(m), x: new Float64Array(m), lastInProgress: false, cached: { entry: e, i, j } };
    out.ts.set(e.ts.subarray(i, j));
    out.y.set(e.y.subarray(i, j));
    out.x.set(e.x.subarray(i, j));
    for (let k = r0; k < r1; k++) {
      out.ts[j - i + k - r0] = rest.ts[k]!;
      out.y[j - i + k - r0] = rest.y[k]!;
      out.x[j - i + k - r0] = rest.x[k]!;
    }
    const lastTs = out.ts[out.ts.length - 1];
    out.lastInProgress = lastTs !== undefined && [...cy.tail, ...cx.tail].some((b) => b.start === lastTs && !b.final);
    return out;
  }

  /** alignBars of `yb`/`xb` continued from cached point `seed` (its closes seed the forward fill); points after it and below `below`. */
  private alignFrom(e: Entry, seed: number, yb: B[], xb: B[], below: number): { ts: number[]; y: number[]; x: number[] } {
    if (yb.length === 0 && xb.length === 0) return { ts: [], y: [], x: [] };
    const t0 = seed >= 0 ? e.ts[seed]! : -Infinity;
    const al = seed >= 0 ? alignBars([{ start: t0, close: e.y[seed]! }, ...yb], [{ start: t0, close: e.x[seed]! }, ...xb]) : alignBars(yb, xb);
    let a = 0;
    while (a < al.ts.length && al.ts[a]! <= t0) a++;
    let b = al.ts.length;
    while (b > a && al.ts[b - 1]! >= below) b--;
    return { ts: al.ts.slice(a, b), y: al.y.slice(a, b), x: al.x.slice(a, b) };
  }

  private append(e: Entry, p: { ts: number[]; y: number[]; x: number[] }): void {
    const k = p.ts.length;
    if (k === 0) return;
    if (e.n + k > e.ts.length) {
      const cap = Math.max(2 * e.ts.length, e.n + k);
      for (const f of ['ts', 'y', 'x'] as const) {
        const a = new Float64Array(cap);
        a.set(e[f].subarray(0, e.n));
        e[f] = a;
      }
    }
    e.ts.set(p.ts, e.n);
    e.y.set(p.y, e.n);
    e.x.set(p.x, e.n);
    e.n += k;
    if (e.n > this.maxPoints) {
      const drop = e.n - this.maxPoints;
      for (const f of ['ts', 'y', 'x'] as const) e[f].copyWithin(0, drop, e.n);
      e.n -= drop;
      e.base += drop;
      e.lo = e.ts[0]!;
    }
  }
}

/** Cached bars of `c` with start < H, then tail bars below H (final ones only reach here). */
function barsBelow(c: CloseColumns, H: number): B[] {
  const out: B[] = [];
  for (let i = 0; i < c.start.length && c.start[i]! < H; i++) out.push({ start: c.start[i]!, close: c.close[i]! });
  for (const b of c.tail) if (b.start < H) out.push(b);
  return out;
}

function barsFrom(c: CloseColumns, H: number): B[] {
  const out: B[] = [];
  for (let i = lowerBound(c.start, c.start.length, H); i < c.start.length; i++) out.push({ start: c.start[i]!, close: c.close[i]! });
  for (const b of c.tail) if (b.start >= H) out.push(b);
  return out;
}
