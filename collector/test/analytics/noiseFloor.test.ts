/**
 * The z-score's rounding-noise floor (engine.ts, NOISE_MARGIN): z is null only where the spread
 * window is rounding noise, whatever the price level. Two cases at a level of 1e9:
 *   - a real spread (sd 0.07) keeps its z-scores: the expected z is pandas' rolling z-score,
 *     (s - s.rolling(w).mean()) / s.rolling(w).std() (ddof 1), computed here by the slow
 *     two-pass of test/analytics/slow.ts over the engine's own spread column, and the whole
 *     slow pipeline (OLS of each window from scratch, then that z) as a second reference;
 *   - y = fl(1.7·x + 3), linear in x up to the rounding of y itself, gives null z everywhere
 *     (spreadMean stays defined), as the exact fits of the awkward pair do at 87,000
 *     (kernels.test.ts: window 2 and the exactly linear stretches).
 * The old floor, std(S) <= 1e-9·|ȳ|, nulled every z of the first case (1e-9·1e9 = 1 > 0.07).
 */
import { analyzeSeries } from '../../src/analytics';
import { gaussian, rng } from '../../src/fake-binance/rng';
import { mean, slowAnalyze, slowStd } from './slow';

const W = 50;
const N = 400;

/** x: a random walk around 5e8 (steps of sd 50); y = 2x + 3 + iid noise of sd `noise`. */
function bigLevelPair(noise: number, seed: number): { x: number[]; y: number[] } {
  const r = rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  let px = 5e8 + 0.123;
  for (let i = 0; i < N; i++) {
    px += gaussian(r) * 50;
    x.push(px);
    y.push(noise === 0 ? 1.7 * px + 3 : 2 * px + 3 + gaussian(r) * noise);
  }
  return { x, y };
}

/** pandas' rolling z of a column: (s[t] - mean(S)) / std(S, ddof 1), S = s[t-w+1..t]; null while any of S is null. */
function pandasRollingZ(s: readonly (number | null)[], w: number): (number | null)[] {
  return s.map((v, t) => {
    if (t < w - 1 || v === null) return null;
    const win = s.slice(t - w + 1, t + 1);
    if (win.some((u) => u === null)) return null;
    const sv = win as number[];
    return (v - mean(sv)) / slowStd(sv, 1);
  });
}

describe('z noise floor', () => {
  it('keeps the z-scores of a real spread (sd 0.07) at a price level of 1e9', () => {
    const { x, y } = bigLevelPair(0.07, 98);
    const pts = analyzeSeries({ ts: x.map((_, i) => i), x, y, window: W });
    const want = pandasRollingZ(
      pts.map((p) => p.spread),
      W,
    );
    const slow = slowAnalyze(x, y, W);
    let defined = 0;
    for (let t = 0; t < N; t++) {
      const z = pts[t]!.zscore;
      // z is defined from t = 2w-2 on, like pandas' (first spread at w-1, first full z window w-1 later)
      expect([t, z === null]).toEqual([t, t < 2 * W - 2]);
      if (z === null) continue;
      defined++;
      // same spreads, moving vs two-pass moments: relative error of M2 ~1e-11 (MovingMoments)
      // and of the mean ~1e-13 of |s̄|, over a std of 0.07 -> well within 1e-8
      expect(Math.abs(z - want[t]!)).toBeLessThanOrEqual(1e-8);
      // the slow pipeline's own spreads differ by the rounding of y - (α + β·x) at 1e9 and of
      // β·(x - x̄) (β's relative error ~1e-14, |x - x̄| ~ 1e3): ~1e-6, i.e. ~1.5e-5 of sd 0.07
      expect(Math.abs(z - slow[t]!.zscore!)).toBeLessThanOrEqual(1e-4);
    }
    expect(defined).toBe(N - (2 * W - 2));
    // the signals are there too: iid noise of sd 0.07 has |z| > 2 about 5% of the time
    const longs = pts.filter((p) => p.signal === 'LONG').length;
    const shorts = pts.filter((p) => p.signal === 'SHORT').length;
    expect(longs).toBeGreaterThan(0);
    expect(shorts).toBeGreaterThan(0);
    expect([longs, shorts]).toEqual([slow.filter((p) => p.signal === 'LONG').length, slow.filter((p) => p.signal === 'SHORT').length]);
  });

  it('gives null z (not rounding noise blown up) when y is linear in x up to its own rounding, at 1e9', () => {
    const { x, y } = bigLevelPair(0, 7);
    const pts = analyzeSeries({ ts: x.map((_, i) => i), x, y, window: W });
    // the spreads are rounding noise, not all equal: the floor (not the constant-window rule) nulls z
    const spreads = pts.slice(2 * W - 2).map((p) => p.spread!);
    expect(Math.max(...spreads)).not.toBe(Math.min(...spreads));
    expect(pts.every((p) => p.zscore === null && p.signal === null)).toBe(true);
    expect(pts.slice(2 * W - 2).every((p) => p.spreadMean !== null)).toBe(true);
    expect(slowAnalyze(x, y, W).every((p) => p.zscore === null)).toBe(true);
  });
});
