/**
 * Rolling OLS, spread, z-score and signals against every case of the oracle
 * (values from numpy/pandas, see test/fixtures/oracle/README.md), with its tolerances:
 * beta rel 1e-9; alpha and spread abs 1e-9·max|y in window|; z abs 1e-7; nulls and signals exact.
 * The oracle has no spread mean: it is derived here from the oracle's spread column (its exact
 * sum over each window, as Python's math.fsum, divided by w).
 */
import { analyzeSeries } from '../../src/analytics';
import { expectClose, oracleCases } from './oracle';

const cases = oracleCases();

/** Correctly rounded sum (Shewchuk's exact partials, the algorithm of Python's math.fsum). */
function fsum(v: readonly number[]): number {
  const partials: number[] = [];
  for (let x of v) {
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  return partials.reduce((a, b) => a + b, 0);
}

describe.each(cases.map((c) => [c.id, c] as const))('oracle case %s', (_id, c) => {
  const { x, y, window } = c.inputs;
  const ts = x.map((_, i) => i);
  const o = c.outputs;
  const maxAbsY = (t: number) => {
    let m = 0;
    for (let i = Math.max(0, t - window + 1); i <= t; i++) m = Math.max(m, Math.abs(y[i]!));
    return m;
  };

  it('ddof 1 (default): beta, alpha, spread, z_ddof1, signal', () => {
    const pts = analyzeSeries({ ts, x, y, window });
    expect(pts).toHaveLength(o.n);
    for (let t = 0; t < o.n; t++) {
      const p = pts[t]!;
      const b = o.beta[t]!;
      expectClose(p.beta, b, b === null ? 0 : 1e-9 * Math.abs(b), `beta[${t}]`);
      expectClose(p.alpha, o.alpha[t]!, 1e-9 * maxAbsY(t), `alpha[${t}]`);
      expectClose(p.spread, o.spread[t]!, 1e-9 * maxAbsY(t), `spread[${t}]`);
      expectClose(p.zscore, o.z_ddof1[t]!, 1e-7, `z_ddof1[${t}]`);
      if (p.signal !== o.signal[t]) throw new Error(`signal[${t}]: expected ${o.signal[t]}, got ${p.signal}`);
    }
    const firstBeta = pts.findIndex((p) => p.beta !== null);
    const firstZ = pts.findIndex((p) => p.zscore !== null);
    if (o.first_beta_index !== null && o.beta[o.first_beta_index] !== null) expect(firstBeta).toBe(o.first_beta_index);
    if (o.first_z_index !== null && o.z_ddof1[o.first_z_index] !== null) expect(firstZ).toBe(o.first_z_index);
  });

  it('spreadMean: the exact mean of the oracle spreads of each all-defined window', () => {
    const pts = analyzeSeries({ ts, x, y, window });
    let defined = 0;
    for (let t = 0; t < o.n; t++) {
      const win = t >= window - 1 ? o.spread.slice(t - window + 1, t + 1) : [];
      const want = win.length === window && win.every((v) => v !== null) ? fsum(win as number[]) / window : null;
      // each spread is within 1e-9·max|y| of its own window, so the mean within that over the 2w-1 points the spreads span
      let ymax = 0;
      for (let i = Math.max(0, t - 2 * window + 2); i <= t; i++) ymax = Math.max(ymax, Math.abs(y[i]!));
      expectClose(pts[t]!.spreadMean, want, 1e-9 * ymax, `spreadMean[${t}]`);
      if (want !== null) defined++;
      // z is measured from it: where both are defined, z·std = spread - spreadMean has the sign of z
      const p = pts[t]!;
      if (p.zscore !== null && p.zscore !== 0) expect(Math.sign(p.spread! - p.spreadMean!)).toBe(Math.sign(p.zscore));
    }
    if (o.first_z_index !== null && o.z_ddof1[o.first_z_index] !== null) expect(defined).toBeGreaterThan(0);
  });

  it('ddof 0: z_ddof0 and signal_ddof0', () => {
    const pts = analyzeSeries({ ts, x, y, window, ddof: 0 });
    for (let t = 0; t < o.n; t++) {
      expectClose(pts[t]!.zscore, o.z_ddof0[t]!, 1e-7, `z_ddof0[${t}]`);
      if (pts[t]!.signal !== o.signal_ddof0[t]) throw new Error(`signal_ddof0[${t}]: expected ${o.signal_ddof0[t]}, got ${pts[t]!.signal}`);
    }
  });
});
