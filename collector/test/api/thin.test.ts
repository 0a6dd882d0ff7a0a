/** Min/max decimation of z (src/serving/thin.ts); expected indices worked out by hand in each case. */
import { thinIndices } from '../../src/serving/thin';

describe('thinIndices', () => {
  it('keeps everything when it fits', () => {
    expect(thinIndices([1, 2, 3], 3)).toEqual([0, 1, 2]);
  });
  it("keeps each bucket's min and max z plus the last point (the doc example)", () => {
    // buckets [0,5,-3,1] and [2,9,0,0]: min -3 @2, max 5 @1; max 9 @5, min 0 @6; then the last, 7
    expect(thinIndices([0, 5, -3, 1, 2, 9, 0, 0], 5)).toEqual([1, 2, 5, 6, 7]);
  });
  it('max 1 keeps the largest |z|; max 2 the overall min and max', () => {
    expect(thinIndices([0.5, -4, 3, null], 1)).toEqual([1]);
    expect(thinIndices([0.5, -4, 3, null], 2)).toEqual([1, 2]);
  });
  it('a bucket without z keeps its first point', () => {
    // 2 buckets: [0, 4) all null -> its first, 0; [4, 9): min 1 @4, max 5 @8; the last (8) is already in
    expect(thinIndices([null, null, null, null, 1, 2, 3, 4, 5], 5)).toEqual([0, 4, 8]);
  });
  it('never exceeds max and always keeps the global extremes (random series)', () => {
    let s = 3;
    const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 500);
      const z = Array.from({ length: n }, () => (rnd() < 0.1 ? null : (rnd() - 0.5) * 8));
      const max = 1 + Math.floor(rnd() * 60);
      const idx = thinIndices(z, max);
      expect(idx.length).toBeLessThanOrEqual(Math.max(max, 0));
      expect([...idx].sort((a, b) => a - b)).toEqual(idx);
      const vals = z.filter((v): v is number => v !== null);
      const kept = idx.map((i) => z[i]).filter((v): v is number => v !== null);
      if (vals.length && max >= 2) {
        expect(Math.max(...kept)).toBe(Math.max(...vals));
        expect(Math.min(...kept)).toBe(Math.min(...vals));
      }
      if (max >= 3 && n > max) expect(idx[idx.length - 1]).toBe(n - 1);
    }
  });
});
