/**
 * The Kalman hedge against (1) values derived by hand from Chan's equations for the first two
 * points, and (2) a slow reference written with general matrix operations (2×2 matrices as
 * arrays, every product spelled out), over a long noisy series.
 */
import { KalmanHedge, kalmanSeries } from '../../src/analytics';
import { gaussian, rng } from '../../src/fake-binance/rng';

type M = number[][];
const mul = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const add = (a: M, b: M): M => a.map((row, i) => row.map((v, j) => v + b[i]![j]!));
const sub = (a: M, b: M): M => a.map((row, i) => row.map((v, j) => v - b[i]![j]!));
const tr = (a: M): M => a[0]!.map((_, j) => a.map((row) => row[j]!));
const scale = (a: M, s: number): M => a.map((row) => row.map((v) => v * s));

/** Chan's loop, literally (Algorithmic Trading, example 3.3), with matrices. */
function slowKalman(x: number[], y: number[], delta = 1e-4, ve = 1e-3) {
  const vw = scale(
    [
      [1, 0],
      [0, 1],
    ],
    delta / (1 - delta),
  );
  let theta: M = [[0], [0]];
  let P: M = [
    [0, 0],
    [0, 0],
  ];
  let R: M = [
    [0, 0],
    [0, 0],
  ];
  const out: { e: number; q: number; beta: number; alpha: number }[] = [];
  for (let t = 0; t < x.length; t++) {
    if (t > 0) R = add(P, vw);
    const h: M = [[x[t]!, 1]];
    const yhat = mul(h, theta)[0]![0]!;
    const q = mul(mul(h, R), tr(h))[0]![0]! + ve;
    const e = y[t]! - yhat;
    const K = scale(mul(R, tr(h)), 1 / q);
    out.push({ e, q, beta: theta[0]![0]!, alpha: theta[1]![0]! });
    theta = add(theta, scale(K, e));
    P = sub(R, mul(mul(K, h), R));
  }
  return out;
}

describe('KalmanHedge', () => {
  it('first two points by hand', () => {
    const k = new KalmanHedge({ warmup: 0 });
    // t = 0: R = 0 -> Q = Ve = 1e-3, e = y = 3, K = 0: the state stays 0
    const p0 = k.push(0, 2, 3);
    expect(p0.spread).toBe(3);
    expect(p0.q).toBe(1e-3);
    expect(p0.zscore).toBeCloseTo(3 / Math.sqrt(1e-3), 12);
    expect([p0.betaPosterior, p0.alphaPosterior]).toEqual([0, 0]);
    // t = 1: R = vw·I, vw = 1e-4/0.9999; h = [2, 1]: Q = 5·vw + 1e-3, e = 3, K = vw·[2, 1]/Q
    const vw = 1e-4 / 0.9999;
    const q = 5 * vw + 1e-3;
    const p1 = k.push(1, 2, 3);
    expect(p1.q).toBeCloseTo(q, 15);
    expect(p1.betaPosterior).toBeCloseTo((2 * vw * 3) / q, 14);
    expect(p1.alphaPosterior).toBeCloseTo((vw * 3) / q, 14);
  });

  it('equals the slow matrix reference over 3000 noisy points', () => {
    const r = rng(42);
    const x: number[] = [];
    const y: number[] = [];
    let px = 100;
    let b = 1.5;
    for (let t = 0; t < 3000; t++) {
      px += gaussian(r);
      b += gaussian(r) * 0.001; // the true hedge drifts: what the filter is for
      x.push(px);
      y.push(b * px + 3 + gaussian(r) * 0.5);
    }
    const fast = kalmanSeries({ ts: x.map((_, i) => i), x, y, warmup: 0 });
    const slow = slowKalman(x, y);
    for (let t = 0; t < x.length; t++) {
      const f = fast[t]!;
      const s = slow[t]!;
      if (Math.abs(f.spread! - s.e) > 1e-8 * Math.max(1, Math.abs(s.e))) throw new Error(`e at ${t}: ${f.spread} vs ${s.e}`);
      if (Math.abs(f.q - s.q) > 1e-8 * s.q) throw new Error(`q at ${t}`);
      if (Math.abs(f.beta! - s.beta) > 1e-8 * Math.max(1, Math.abs(s.beta))) throw new Error(`beta at ${t}`);
      if (Math.abs(f.alpha! - s.alpha) > 1e-8 * Math.max(1, Math.abs(s.alpha))) throw new Error(`alpha at ${t}`);
      expect(f.zscore).toBe(f.spread! / Math.sqrt(f.q));
    }
    // it tracks the drifting hedge ratio
    expect(Math.abs(fast[2999]!.betaPosterior - b)).toBeLessThan(0.1);
  });

  it('keeps z and the signal null during the warm-up, and checks its options', () => {
    const pts = kalmanSeries({ ts: [0, 1, 2, 3], x: [1, 2, 3, 4], y: [2, 4, 6, 8], warmup: 3 });
    expect(pts.map((p) => p.zscore === null)).toEqual([true, true, true, false]);
    expect(pts.map((p) => p.signal === null)).toEqual([true, true, true, false]);
    // z = e/√Q is measured from 0, the innovation's model mean (kalman.ts doc): spreadMean 0, null with z
    expect(pts.map((p) => p.spreadMean)).toEqual([null, null, null, 0]);
    expect(() => new KalmanHedge({ delta: 0 })).toThrow(/delta/);
    expect(() => new KalmanHedge({ ve: -1 })).toThrow(/ve/);
  });
});
