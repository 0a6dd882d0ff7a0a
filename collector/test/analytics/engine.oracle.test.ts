/**
 * Rolling OLS, spread, z-score and signals against every case of the shared oracle
 * (values from numpy/pandas, see ../shared/oracle/README.md), with its tolerances:
 * beta rel 1e-9; alpha and spread abs 1e-9·max|y in window|; z abs 1e-7; nulls and signals exact.
 */
import { analyzeSeries } from '../../src/analytics';
import { expectClose, oracleCases } from './oracle';

const cases = oracleCases();

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

  it('ddof 0: z_ddof0 and signal_ddof0', () => {
    const pts = analyzeSeries({ ts, x, y, window, ddof: 0 });
    for (let t = 0; t < o.n; t++) {
      expectClose(pts[t]!.zscore, o.z_ddof0[t]!, 1e-7, `z_ddof0[${t}]`);
      if (pts[t]!.signal !== o.signal_ddof0[t]) throw new Error(`signal_ddof0[${t}]: expected ${o.signal_ddof0[t]}, got ${pts[t]!.signal}`);
    }
  });
});
