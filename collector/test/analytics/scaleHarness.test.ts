/**
 * The scale harness (issue 22): the rolling kernels on one seeded market pair (PEPE = c·ETH +
 * AR(1) spread, test data of src/fake-binance/market.ts) with each leg moved to every price level
 * of 1e-8 .. 1e6 (49 level pairs, 8 significant digits kept as a tick would), against the slow
 * reference that recomputes every window from scratch (test/analytics/slow.ts `slowAnalyze`).
 * Measured worst relative errors over the 49 pairs (the analytics README's table): beta 1.4e-14,
 * correlation 1.4e-14, alpha 1.7e-10, z 8e-13 (absolute, z is of order 1); the spread is within
 * 2e-9 of the size of its terms |y| (a spread is a difference of two nearly equal legs).
 * The scanner's kernels at every level: scanScale.test.ts.
 */
import { analyzeSeries } from '../../src/analytics';
import { marketUniverse } from '../../src/fake-binance/market';
import { slowAnalyze } from './slow';

const LEVELS = [1e-8, 1e-5, 1e-2, 1, 1e3, 1e5, 1e6] as const;
const u = marketUniverse(600, 9);
const pick = (s: string) => u.series[u.symbols.indexOf(s)]!;
const atLevel = (v: readonly number[], level: number) => v.map((a) => Number(((a * level) / v[0]!).toPrecision(8)));

describe('rolling OLS beta, alpha, spread, z and correlation at every price level equal the slow per-window recompute', () => {
  it.each(LEVELS.flatMap((ly) => LEVELS.map((lx) => [ly, lx] as const)))('y at %p, x at %p (window 100)', (ly, lx) => {
    const x = atLevel(pick('ETHUSDT'), lx);
    const y = atLevel(pick('PEPEUSDT'), ly);
    const ts = x.map((_, i) => i * 60_000);
    const fast = analyzeSeries({ ts, x, y, window: 100 });
    const slow = slowAnalyze(x, y, 100);
    expect(fast.length).toBe(slow.length);
    let defined = 0;
    fast.forEach((f, i) => {
      const s = slow[i]!;
      for (const k of ['beta', 'alpha', 'spread', 'zscore', 'correlation'] as const) {
        const a = f[k];
        const b = s[k];
        if (a === null || b === null) {
          expect([i, k, a]).toEqual([i, k, b]);
          continue;
        }
        defined++;
        const tol =
          k === 'beta' || k === 'correlation' ? 1e-12 * Math.abs(b) : k === 'alpha' ? 1e-9 * Math.abs(b) : k === 'zscore' ? 1e-8 : 2e-9 * Math.abs(y[i]!);
        if (!(Math.abs(a - b) <= tol)) throw new Error(`bar ${i} ${k}: ${a} vs slow ${b} (|diff| ${Math.abs(a - b)} > ${tol})`);
      }
    });
    expect(defined).toBeGreaterThan(4 * 400); // the window's points on
  });
});
