/**
 * The close cache reads the store's `barCloses` columns when the store has them and falls back
 * to `iterateBars` otherwise. Expected values: the fallback path over the same real SQLite store
 * (the path every store had before `barCloses`), and the stored bars themselves.
 */
import { CloseCache, readCloses } from '../../src/serving/closes';
import type { Store } from '../../src/store/store';
import { makeTicks, startApi } from './helpers';

const T0 = Date.UTC(2025, 0, 1);
const N = 300;

/** The same store without its optional barCloses (a store engine that lacks it). */
function withoutBarCloses(store: Store): Store {
  const s = Object.create(store) as Store & { barCloses?: unknown };
  s.barCloses = undefined;
  return s;
}

describe('readCloses / CloseCache with and without Store.barCloses', () => {
  it('give the same columns either way, final and in-progress bars alike', async () => {
    const now = T0 + (N - 1) * 1000 + 500; // inside the last bar's second: it is in progress
    const h = await startApi({ now: () => now });
    try {
      await h.store.insertTicks(makeTicks('BTCUSDT', N, T0 + 100, 1000, 100, 3));
      expect(h.store.barCloses).toBeDefined();
      const plain = withoutBarCloses(h.store);
      expect(plain.barCloses).toBeUndefined();
      for (const q of [
        { symbol: 'BTCUSDT', tf: '1s' as const },
        { symbol: 'BTCUSDT', tf: '1s' as const, from: T0 + 50_000, to: T0 + 120_500 },
        { symbol: 'BTCUSDT', tf: '1m' as const },
      ]) {
        const a = await readCloses(h.store, q);
        const b = await readCloses(plain, q);
        const bars = await h.store.bars(q);
        const cols = (c: typeof a) => [...c.start.subarray(0, c.n)].map((s, i) => [s, c.close[i], c.final[i]]);
        expect(cols(a)).toEqual(cols(b));
        expect(cols(a)).toEqual(bars.map((x) => [x.start, x.close, x.final ? 1 : 0]));
      }
      const cached = await new CloseCache(h.store, { maxBars: 1_000_000, settleMs: 1000, now: () => now }).closes('BTCUSDT', '1s', T0, T0 + N * 1000);
      const fallback = await new CloseCache(plain, { maxBars: 1_000_000, settleMs: 1000, now: () => now }).closes('BTCUSDT', '1s', T0, T0 + N * 1000);
      expect(cached).toEqual(fallback);
      expect(cached.start.length).toBe(N - 1);
      expect(cached.tail).toEqual([{ start: T0 + (N - 1) * 1000, close: fallback.tail[0]!.close, final: false }]);
    } finally {
      await h.close();
    }
  });
});
