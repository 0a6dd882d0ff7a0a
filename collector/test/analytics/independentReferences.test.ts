/**
 * The kernels against references nobody here wrote: simple-statistics (sample mean, variance,
 * covariance, correlation, simple regression; two-pass, centred, its mean a Neumaier-compensated
 * sum) for the O(1) rolling moments, and ml-matrix (least squares by Householder QR and by SVD)
 * beside our regression and the uncentred normal equations, at the price levels real symbols
 * trade at (test/analytics/priceLevels.ts: 1e-8 .. 1e6, BTCUSDT next to PEPEUSDT). The truth for
 * the regressions is exact rational arithmetic (exactOls.ts), so each solver's error is its own.
 * The figures these tests bound are in src/analytics/README.md ("Independent references").
 */
import { Matrix, QrDecomposition, SingularValueDecomposition, solve } from 'ml-matrix';
import * as ss from 'simple-statistics';
import { MovingCoMoments, MovingMoments } from '../../src/analytics';
import { olsLine } from '../../src/analytics/ols';
import { householderLs } from '../../src/analytics/qr';
import { exactOls } from './exactOls';
import { levelPairs } from './priceLevels';

const EPS = 2 ** -52;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const WINDOWS = [2, 17, 100];
const PAIRS = levelPairs(600);

describe('MovingMoments vs simple-statistics mean / sampleVariance on spreads, every window position', () => {
  // What the engine feeds it (engine.ts): the spread y - beta·x - alpha, here with the generating
  // beta and alpha, so its mean is within a few standard deviations of 0 at every price level.
  // 1e-11 relative: the kernel's documented bound (it re-centres when M2 falls below 1e-4 of its
  // update terms, movingMoments.ts); simple-statistics' two-pass adds at most ~n·ε (2e-14 at n = 100).
  // The mean: within 1e-13 of the window's largest |value| (the mean itself may be ~0).
  const spreads = PAIRS.filter((_, i) => i % 7 === 0).map(({ name, spread }) => ({ name, s: spread }));
  it.each(spreads.flatMap(({ name }) => WINDOWS.map((w) => [name, w] as const)))('spread of %s, window %p', (name, w) => {
    const s = spreads.find((p) => p.name === name)!.s;
    const m = new MovingMoments(w);
    let worstMean = 0;
    let worstVar = 0;
    for (let t = 0; t < s.length; t++) {
      m.push(s[t]!);
      const win = s.slice(Math.max(0, t - w + 1), t + 1);
      worstMean = Math.max(worstMean, Math.abs(m.mean - ss.mean(win)) / Math.max(...win.map(Math.abs)));
      if (win.length >= 2) worstVar = Math.max(worstVar, rel(m.m2 / (m.n - 1), ss.sampleVariance(win)));
    }
    expect(worstMean).toBeLessThanOrEqual(1e-13);
    expect(worstVar).toBeLessThanOrEqual(1e-11);
  });
});

describe('MovingCoMoments vs simple-statistics sampleCovariance / sampleCorrelation / linearRegression', () => {
  // covariance and slope: the kernel's 1e-11 bound on the centred sums (movingCoMoments.ts);
  // correlation: the same, its |r| <= 1 making it an absolute bound
  const cases = PAIRS.filter((_, i) => i % 7 === 0).flatMap((p) => WINDOWS.map((w) => [p.name, w] as const));
  it.each(cases)('%s, window %p', (name, w) => {
    const { x, y } = PAIRS.find((p) => p.name === name)!;
    const m = new MovingCoMoments(w);
    const worst = { cov: 0, corr: 0, slope: 0 };
    for (let t = 0; t < x.length; t++) {
      m.push(x[t]!, y[t]!);
      if (m.n < 2) continue;
      const lo = Math.max(0, t - w + 1);
      const xs = x.slice(lo, t + 1);
      const ys = y.slice(lo, t + 1);
      worst.cov = Math.max(worst.cov, rel(m.sxy / (m.n - 1), ss.sampleCovariance(xs, ys)));
      worst.corr = Math.max(worst.corr, Math.abs(m.sxy / Math.sqrt(m.sxx * m.syy) - ss.sampleCorrelation(xs, ys)));
      worst.slope = Math.max(worst.slope, rel(m.sxy / m.sxx, ss.linearRegression(xs.map((v, i) => [v, ys[i]!])).m));
    }
    expect(worst.cov).toBeLessThanOrEqual(1e-11);
    expect(worst.corr).toBeLessThanOrEqual(1e-11);
    expect(worst.slope).toBeLessThanOrEqual(1e-11);
  });
});

describe('least squares y = alpha + beta·x against the exact answer, 36 level pairs of 600 points', () => {
  const errors = PAIRS.map(({ name, x, y }) => {
    const exact = exactOls(x, y);
    const X = new Matrix(x.map((v) => [1, v]));
    const Y = Matrix.columnVector(y);
    const Xt = X.transpose();
    const qr = new QrDecomposition(X).solve(Y).getColumn(0);
    const svd = new SingularValueDecomposition(X, { autoTranspose: true });
    // cond of X with unit columns: what bounds the relative error of beta (column scaling is free)
    const norm = Math.hypot(...x);
    const scaled = new SingularValueDecomposition(new Matrix(x.map((v) => [1 / Math.sqrt(x.length), v / norm])), { autoTranspose: true });
    const viaSvd = svd.solve(Y).getColumn(0);
    const normal = solve(Xt.mmul(X), Xt.mmul(Y)).getColumn(0);
    const ours = olsLine(x, y)!;
    // qr.ts: our Householder QR, the unit-root tests' solver (column 2 of R's back-substitution)
    const h = householderLs([new Float64Array(x.length).fill(1), Float64Array.from(x)], Float64Array.from(y));
    return {
      name,
      cond: scaled.condition,
      ours: rel(ours.beta, exact.beta),
      oursAlpha: Math.abs(ours.alpha - exact.alpha) / Math.abs(exact.beta * x[0]!),
      householder: rel(h.z[1]! / h.rdiag[1]!, exact.beta),
      ssLine: rel(ss.linearRegression(x.map((v, i) => [v, y[i]!])).m, exact.beta),
      qr: rel(qr[1]!, exact.beta),
      svd: rel(viaSvd[1]!, exact.beta),
      normal: rel(normal[1]!, exact.beta),
    };
  });
  const worst = (k: keyof (typeof errors)[number]) => Math.max(...errors.map((e) => e[k] as number));

  it('the data are as ill-conditioned as real prices: cond([1 x]) (unit columns) from 1e2 to 1e5', () => {
    expect(Math.min(...errors.map((e) => e.cond))).toBeGreaterThan(1e2);
    expect(Math.max(...errors.map((e) => e.cond))).toBeLessThan(1e5);
  });

  it('olsLine (centred two-pass) is within 64 ε of the exact beta, alpha within 64 ε of |beta·x|', () => {
    // 64 ε ~ 1.4e-14: the oracle README's "within a few ulps" (measured: 2.5e-15 here)
    expect(worst('ours')).toBeLessThanOrEqual(64 * EPS);
    expect(worst('oursAlpha')).toBeLessThanOrEqual(64 * EPS);
  });

  it('simple-statistics linearRegression (also centred) agrees as closely', () => {
    expect(worst('ssLine')).toBeLessThanOrEqual(64 * EPS);
  });

  it.each(['householder', 'qr', 'svd'] as const)('%s is backward stable: error within 100·ε·cond(X) of the exact beta', (k) => {
    // Golub & Van Loan (4th ed.) 5.3.8: QR and SVD least squares err by O(ε·cond) when the
    // residual is small (here ~1e-4 of y); 100 covers the constant (measured: ml-matrix's QR
    // up to 9e-13, its SVD up to 9e-12, ours at the same cond ~1e-13)
    for (const e of errors) expect({ name: e.name, err: e[k] <= 100 * EPS * e.cond }).toEqual({ name: e.name, err: true });
  });

  it('the uncentred normal equations (XᵀX)β = Xᵀy lose what cond(X)² costs: 1e-11 .. 1e-8 off', () => {
    // error ~ ε·cond² (Golub & Van Loan 5.3.7): why the kernels centre (olsLine, MovingCoMoments) and
    // adf.ts falls back to Householder QR when its centred normal equations are not accurate
    expect(worst('normal')).toBeGreaterThan(1e-9);
    expect(worst('normal')).toBeGreaterThan(1000 * worst('qr'));
  });
});
