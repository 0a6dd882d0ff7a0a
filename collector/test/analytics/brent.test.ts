/** Brent's bounded minimiser against minima known in closed form. */
import { brentMinimize } from '../../src/analytics';

describe('brentMinimize', () => {
  it('finds a parabola’s vertex in a few steps (parabolic interpolation is exact there)', () => {
    const r = brentMinimize((u) => (u - 2) ** 2 + 1, 0, 5);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x - 2)).toBeLessThan(1e-7);
    expect(r.fx).toBeCloseTo(1, 12);
    expect(r.evaluations).toBeLessThan(10);
  });

  it('finds π as the minimum of cos on [3, 4] to its tolerance', () => {
    const r = brentMinimize(Math.cos, 3, 4, { abs: 1e-12, rel: 1e-12 });
    expect(r.converged).toBe(true);
    // near a smooth minimum f is flat: x is good to about √ε relative, f to ε
    expect(Math.abs(r.x - Math.PI)).toBeLessThan(1e-7);
    expect(r.fx).toBeCloseTo(-1, 14);
  });

  it('handles a kink (golden-section steps) and a minimum at a bound without leaving [a, b]', () => {
    const seen: number[] = [];
    const kink = brentMinimize(
      (u) => {
        seen.push(u);
        return Math.abs(u - 0.3);
      },
      -1,
      2,
    );
    expect(Math.abs(kink.x - 0.3)).toBeLessThan(1e-7);
    const edge = brentMinimize(
      (u) => {
        seen.push(u);
        return u;
      },
      1,
      2,
    );
    expect(edge.x - 1).toBeLessThan(1e-7);
    expect(edge.converged).toBe(true);
    expect(seen.every((u) => u >= -1 && u <= 2)).toBe(true);
    expect(seen.slice(-edge.evaluations).every((u) => u > 1 && u < 2)).toBe(true);
  });

  it('says when it stopped at the evaluation limit, and checks its bounds', () => {
    const r = brentMinimize(Math.cos, 3, 4, { maxEvaluations: 3 });
    expect(r).toMatchObject({ converged: false, evaluations: 3 });
    expect(() => brentMinimize(Math.cos, 4, 3)).toThrow(/a < b/);
  });
});
