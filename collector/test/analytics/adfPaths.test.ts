/**
 * adfuller's two least-squares paths (centred normal equations + Cholesky within accuracy
 * guards, Householder QR otherwise) against a slow, obvious reference: every lag's regression
 * built as a full design matrix and solved on its own by modified Gram-Schmidt, the lag chosen
 * by AIC over the common sample and refitted, exactly as the statsmodels algorithm reads.
 */
import { adfuller } from '../../src/analytics';
import { gaussian, rng } from '../../src/fake-binance/rng';

/** OLS by modified Gram-Schmidt: SSR and the t-value of column `tCol`. */
function mgsOls(cols: number[][], y: number[], tCol: number): { ssr: number; t: number } {
  const n = y.length;
  const k = cols.length;
  const q = cols.map((c) => [...c]);
  const r: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < j; i++) {
      let d = 0;
      for (let t = 0; t < n; t++) d += q[i]![t]! * q[j]![t]!;
      r[i]![j] = d;
      for (let t = 0; t < n; t++) q[j]![t]! -= d * q[i]![t]!;
    }
    let nn = 0;
    for (let t = 0; t < n; t++) nn += q[j]![t]! ** 2;
    r[j]![j] = Math.sqrt(nn);
    for (let t = 0; t < n; t++) q[j]![t]! /= r[j]![j]!;
  }
  const qy = q.map((c) => c.reduce((s, v, t) => s + v * y[t]!, 0));
  const b = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let v = qy[i]!;
    for (let j = i + 1; j < k; j++) v -= r[i]![j]! * b[j]!;
    b[i] = v / r[i]![i]!;
  }
  let ssr = 0;
  for (let t = 0; t < n; t++) {
    let fit = 0;
    for (let j = 0; j < k; j++) fit += cols[j]![t]! * b[j]!;
    ssr += (y[t]! - fit) ** 2;
  }
  // Var(b) = σ²·(RᵀR)⁻¹: solve for the tCol-th diagonal element through R⁻¹
  const rinv: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let c = 0; c < k; c++) {
    for (let i = k - 1; i >= 0; i--) {
      let v = i === c ? 1 : 0;
      for (let j = i + 1; j < k; j++) v -= r[i]![j]! * rinv[j]![c]!;
      rinv[i]![c] = v / r[i]![i]!;
    }
  }
  let vjj = 0;
  for (let c = 0; c < k; c++) vjj += rinv[tCol]![c]! ** 2;
  return { ssr, t: b[tCol]! / Math.sqrt((ssr / (n - k)) * vjj) };
}

function slowAdfC(s: number[]): { stat: number; usedlag: number; icbest: number } {
  const n = s.length;
  const maxlag = Math.min(Math.floor(n / 2) - 2, Math.ceil(12 * Math.pow(n / 100, 0.25)));
  const d = s.slice(1).map((v, i) => v - s[i]!);
  const build = (nobs: number, p: number) => {
    const off = n - 1 - nobs;
    const rows = Array.from({ length: nobs }, (_, r) => off + r);
    const cols = [rows.map(() => 1), rows.map((t) => s[t]!)];
    for (let i = 1; i <= p; i++) cols.push(rows.map((t) => d[t - i]!));
    return { cols, y: rows.map((t) => d[t]!) };
  };
  const nobs = n - 1 - maxlag;
  let best = Infinity;
  let usedlag = 0;
  for (let p = 0; p <= maxlag; p++) {
    const { cols, y } = build(nobs, p);
    const { ssr } = mgsOls(cols, y, 1);
    const aic = nobs * (Math.log(2 * Math.PI) + Math.log(ssr / nobs) + 1) + 2 * (p + 2);
    if (aic < best) {
      best = aic;
      usedlag = p;
    }
  }
  const { cols, y } = build(n - 1 - usedlag, usedlag);
  return { stat: mgsOls(cols, y, 1).t, usedlag, icbest: best };
}

describe('adfuller vs a per-lag Gram-Schmidt reference', () => {
  const r = rng(99);
  const ar: number[] = [0];
  for (let t = 1; t < 400; t++) ar.push(0.8 * ar[t - 1]! + gaussian(r));
  // nearly deterministic: the lagged differences explain Δs almost perfectly (the Cholesky guard
  // refuses it, so this exercises the Householder path)
  const smooth = Array.from({ length: 300 }, (_, t) => 50 * Math.sin(0.3 * t) + 20 * Math.cos(0.07 * t) + 1e-3 * gaussian(r));
  // a price-like level: large mean, small moves (centring matters)
  const price: number[] = [87000];
  for (let t = 1; t < 250; t++) price.push(Math.round((price[t - 1]! + gaussian(r) * 15) * 100) / 100);

  it.each([
    ['AR(1) 0.8', ar],
    ['smooth, near-perfect fit', smooth],
    ['price level around 87,000', price],
  ])('%s', (_name, s) => {
    const want = slowAdfC(s);
    const got = adfuller(s, { regression: 'c', autolag: 'AIC' });
    if ('error' in got) throw new Error(got.error);
    expect(got.usedlag).toBe(want.usedlag);
    expect(Math.abs(got.stat - want.stat)).toBeLessThan(1e-8 * Math.max(1, Math.abs(want.stat)));
    expect(Math.abs(got.icbest! - want.icbest)).toBeLessThan(1e-7);
  });
});

describe("adfuller given the differences' lag products (the pair scanner computes them by FFT)", () => {
  const r = rng(7);
  const walk: number[] = [0];
  for (let t = 1; t < 500; t++) walk.push(walk[t - 1]! + gaussian(r));
  const ar: number[] = [0];
  for (let t = 1; t < 300; t++) ar.push(0.5 * ar[t - 1]! + gaussian(r));

  /** Σ_{u=i}^{n-2} d[u-i]·d[u], i = 0..lags, summed plainly. */
  function products(s: readonly number[], lags: number): number[] {
    const d = s.slice(1).map((v, i) => v - s[i]!);
    return Array.from({ length: lags + 1 }, (_, i) => d.slice(i).reduce((acc, v, u) => acc + d[u]! * v, 0));
  }

  it.each([
    ['random walk, n', walk, 'n'],
    ['AR(1) 0.5, c', ar, 'c'],
    ['AR(1) 0.5, ct', ar, 'ct'],
  ] as const)('%s: same test as summing them itself', (_name, s, regression) => {
    const want = adfuller(s, { regression });
    const got = adfuller(s, { regression }, products(s, 30));
    if ('error' in want || 'error' in got) throw new Error('unexpected error');
    expect(got.usedlag).toBe(want.usedlag);
    expect(Math.abs(got.stat - want.stat)).toBeLessThan(1e-11 * Math.abs(want.stat));
    expect(Math.abs(got.icbest! - want.icbest!)).toBeLessThan(1e-9);
  });

  it('too few lags for the search: a programming error', () => {
    expect(() => adfuller(walk, { regression: 'n' }, products(walk, 3))).toThrow(RangeError);
  });
});
