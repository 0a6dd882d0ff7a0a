/**
 * The scan's input (live/scanner.ts): each symbol's bars read once for every close from `oldest`
 * to `newest`; returns the closes on the grid of the `window` bar starts t - window·tf .. t - tf at
 * any of those closes t, each symbol's value there its last close at or before that start (forward
 * fill), a symbol without a price at the first grid point left out. The scanner scans it; /api/scan
 * reads it again to rank a stored scan by carry-adjusted return.
 */
import { TIMEFRAME_MS, type Timeframe } from '../domain';
import type { Store } from './store';

export async function scanGrid(
  store: Pick<Store, 'bars' | 'barCloses'>,
  symbols: readonly string[],
  tfName: Timeframe,
  window: number,
  oldest: number,
  newest: number,
): Promise<(t: number) => { symbols: string[]; series: Float64Array[] }> {
  const tf = TIMEFRAME_MS[tfName];
  const universe = [...symbols];
  const columnsOf = await Promise.all(
    universe.map(async (symbol) => {
      // from one window earlier: a price to carry into the first grid point if its bar had no trade
      const q = { symbol, tf: tfName, from: oldest - 2 * window * tf, to: newest };
      return store.barCloses ? store.barCloses(q) : columns(await store.bars(q));
    }),
  );
  return (t) => {
    const first = t - window * tf;
    const out: string[] = [];
    const series: Float64Array[] = [];
    universe.forEach((symbol, i) => {
      const bars = columnsOf[i]!;
      const v = new Float64Array(window);
      let j = lastAtOrBefore(bars.start, bars.n, first) - 1;
      for (let k = 0; k < window; k++) {
        const start = first + k * tf;
        while (j + 1 < bars.n && bars.start[j + 1]! <= start) j++;
        v[k] = j < 0 ? NaN : bars.close[j]!;
      }
      if (Number.isNaN(v[0]!)) return;
      out.push(symbol);
      series.push(v);
    });
    return { symbols: out, series };
  };
}

/** The first index whose start is > `at` in an ascending column (binary search). */
function lastAtOrBefore(start: Float64Array, n: number, at: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (start[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function columns(bars: { start: number; close: number }[]): { n: number; start: Float64Array; close: Float64Array } {
  return { n: bars.length, start: Float64Array.from(bars, (b) => b.start), close: Float64Array.from(bars, (b) => b.close) };
}
