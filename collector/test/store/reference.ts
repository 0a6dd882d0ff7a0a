/**
 * Slow, obvious references the store tests compare the fast stores against.
 */
import { TIMEFRAME_MS, type Bar, type Tick, type Timeframe } from '../../src/domain';

/** A bar's values as the reference computes them: the domain Bar without its identity, finality and source. */
export type RefBar = Omit<Bar, 'symbol' | 'tf' | 'final' | 'source'>;

/**
 * The bars of one symbol and timeframe, straight from the definition: put every tick in the
 * interval [floor(ts / len) * len, + len) that contains it, sort each interval's ticks by
 * (ts, id), and read open = first price, close = last price, high / low = max / min price,
 * volume = Σ qty, quoteVolume = Σ price·qty, trades = count, vwap = quoteVolume / volume.
 */
export function referenceBars(ticks: readonly Tick[], symbol: string, tf: Timeframe): RefBar[] {
  const len = TIMEFRAME_MS[tf];
  const groups = new Map<number, Tick[]>();
  for (const t of ticks) {
    if (t.symbol !== symbol) continue;
    const start = Math.floor(t.ts / len) * len;
    if (!groups.has(start)) groups.set(start, []);
    groups.get(start)!.push(t);
  }
  const bars: RefBar[] = [];
  for (const [start, g] of groups) {
    const sorted = [...g].sort((a, b) => a.ts - b.ts || a.id - b.id);
    const prices = sorted.map((t) => t.price);
    const volume = sorted.reduce((s, t) => s + t.qty, 0);
    const quoteVolume = sorted.reduce((s, t) => s + t.price * t.qty, 0);
    bars.push({
      start,
      open: prices[0]!,
      high: Math.max(...prices),
      low: Math.min(...prices),
      close: prices[prices.length - 1]!,
      volume,
      quoteVolume,
      trades: sorted.length,
      vwap: volume > 0 ? quoteVolume / volume : null,
    });
  }
  return bars.sort((a, b) => a.start - b.start);
}

/** The ticks in store order, de-duplicated by (symbol, id) keeping the first seen. */
export function referenceTicks(ticks: readonly Tick[], symbol: string): Tick[] {
  const seen = new Set<number>();
  const out: Tick[] = [];
  for (const t of ticks) {
    if (t.symbol !== symbol || seen.has(t.id)) continue;
    seen.add(t.id);
    out.push(t);
  }
  return out.sort((a, b) => a.ts - b.ts || a.id - b.id);
}

/**
 * `n` ticks of `symbol` with contiguous ids from `firstId`, times rising by 0-400 ms from
 * `t0` (several ticks share a millisecond), prices on a 0.01 grid, some zero quantities.
 */
export function makeTicks(r: () => number, symbol: string, n: number, t0: number, firstId: number): Tick[] {
  const out: Tick[] = [];
  let ts = t0;
  let price = 100 + r() * 10;
  for (let i = 0; i < n; i++) {
    ts += r() < 0.2 ? 0 : Math.floor(r() * 400);
    price = Math.max(0.01, Math.round((price + (r() - 0.5) * 0.2) * 100) / 100);
    const qty = r() < 0.05 ? 0 : Math.round(r() * 5000) / 1000;
    out.push({ symbol, id: firstId + i, ts, price, qty, isBuyerMaker: r() < 0.5 });
  }
  return out;
}

export function shuffle<T>(r: () => number, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
