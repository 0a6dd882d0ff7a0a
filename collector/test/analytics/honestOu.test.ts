/**
 * OU fit and Bertram's band (src/analytics/honest/ou.ts) against hand-worked cases, a literal
 * OLS written here, and arbitragelab 1.0.0 (PyPI; test/reference/ou_check.py loads its two
 * modules). What arbitragelab gives and why some of it is not the reference:
 * - its band: equations (5), (9), (13) with scipy's erfi. Its fsolve from its default start
 *   (mean - c - 0.01) can stop where it started (the header case below: -0.0300002 for the
 *   root -0.146278), so the root of its own equation (13) is taken by scipy's brentq; the band,
 *   the trade length (9) and the return rate (5) then agree within 1e-12 relative.
 * - its fit: L-BFGS-B on its average log-likelihood from (mean, 100, 100) stops far from the
 *   maximum on every path tried (speed ~148 a bar for a true 0.05). Its own log-likelihood is
 *   higher at our estimate than at its result, and no 1e-4 step from ours raises it: ours is its
 *   maximiser. Its sigma divides the residual sum of squares by the n points, ours (the exact
 *   MLE of the n - 1 transitions) by n - 1: the comparison scales by √((n - 1)/n).
 */
import { join } from 'node:path';
import { describePython, runPythonJson } from '@quant-pairs/testkit';
import { gaussian, rng } from '../../src/fake-binance/rng';
import { bertramBand, fitOu } from '../../src/analytics/honest/ou';

/** An exact OU path: X_{t+1} = μ + b (X_t - μ) + N(0, σ²(1 - b²)/(2θ)), b = e^{-θ dt}. */
function ouPath(n: number, seed: number, theta: number, mu: number, sigma: number, dt = 1): number[] {
  const r = rng(seed);
  const b = Math.exp(-theta * dt);
  const sd = sigma * Math.sqrt((1 - b * b) / (2 * theta));
  const x = [mu];
  for (let i = 1; i < n; i++) x.push(mu + b * (x[i - 1]! - mu) + sd * gaussian(r));
  return x;
}

describe('fitOu', () => {
  it('the worked example: b = 0.206 / 0.388, c = 0.34 - 0.52 b (pairs (1, .6) (.6, .5) (.5, .2) (.2, .3) (.3, .1))', () => {
    const b = 0.206 / 0.388;
    const c = 0.34 - 0.52 * b;
    const rss = [1, 0.6, 0.5, 0.2, 0.3].reduce((s, x, i) => s + ([0.6, 0.5, 0.2, 0.3, 0.1][i]! - c - b * x) ** 2, 0);
    const theta = -Math.log(b);
    const f = fitOu([1, 0.6, 0.5, 0.2, 0.3, 0.1])!;
    expect(f.theta).toBeCloseTo(theta, 13);
    expect(f.mu).toBeCloseTo(c / (1 - b), 13);
    expect(f.sigma).toBeCloseTo(Math.sqrt((2 * theta * (rss / 5)) / (1 - b * b)), 13);
    expect(f.halfLife).toBeCloseTo(Math.LN2 / theta, 13);
  });

  it('recovers the parameters of a long exact path, at any dt and price level (PEPE-like 1e-5 spreads and BTC-like 1e5)', () => {
    for (const [theta, mu, sigma, dt] of [
      [0.05, 3e-5, 1e-6, 1],
      [0.02, 1e5, 50, 1],
      [3, 0.5, 0.2, 1 / 60],
    ] as const) {
      const f = fitOu(ouPath(200_000, 9, theta, mu, sigma, dt), dt)!;
      expect(Math.abs(f.theta / theta - 1)).toBeLessThan(0.05);
      expect(Math.abs(f.sigma / sigma - 1)).toBeLessThan(0.01);
      expect(Math.abs(f.mu - mu) / (sigma / Math.sqrt(2 * theta))).toBeLessThan(0.05);
      expect(f.halfLife).toBeCloseTo(Math.LN2 / (f.theta * dt), 10);
    }
  });

  it('no fit for a series that does not revert; bad input names the parameter', () => {
    expect(fitOu([1, 2, 3, 4, 5, 6.5])).toBeNull(); // b > 1
    expect(fitOu([1, -1, 1, -1, 1, -1])).toBeNull(); // b = -1
    expect(fitOu([2, 2, 2])).toBeNull();
    expect(() => fitOu([1, 2])).toThrow(/spread must hold at least 3 points/);
    expect(() => fitOu([1, NaN, 2])).toThrow(/spread\[1\]/);
    expect(() => fitOu([1, 2, 3], 0)).toThrow(/dt must be a positive number/);
  });
});

describe('bertramBand', () => {
  it('the worked example: θ 0.05, μ 0, σ 0.1, c 0.02 (scipy brentq on eq. 13: a = 0.146277971035782)', () => {
    const b = bertramBand({ theta: 0.05, mu: 0, sigma: 0.1 }, 0.02);
    expect(b.a).toBeCloseTo(0.146277971035782, 13);
    expect(b.entryLong).toBe(-b.a);
    expect(b.entryShort).toBe(b.a);
    expect(b.expectedTradeLength).toBeCloseTo(48.0882653324239, 10);
    expect(b.expectedReturnRate).toBeCloseTo((2 * b.a - 0.02) / b.expectedTradeLength, 15);
    expect(b.stationarySd).toBeCloseTo(0.1 / Math.sqrt(0.1), 15);
  });

  it('is the maximum of the return rate (2a - c) / E[T] over a (a literal grid of E[T] by the Erfi series)', () => {
    const fit = { theta: 0.2, mu: 1e5, sigma: 40 }; // a BTC-level spread
    const c = 15;
    const k = Math.sqrt(fit.theta) / fit.sigma;
    const erfi = (y: number) => {
      let s = 0;
      let term = y;
      for (let n = 0; n < 400; n++) {
        s += term / (2 * n + 1);
        term *= (y * y) / (n + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * s;
    };
    const rate = (a: number) => (2 * a - c) / (((2 * Math.PI) / fit.theta) * erfi(k * a));
    const b = bertramBand(fit, c);
    expect(b.expectedReturnRate).toBeCloseTo(rate(b.a), 12);
    for (const f of [0.9, 0.99, 0.999, 1.001, 1.01, 1.1]) expect(rate(b.a * f)).toBeLessThan(b.expectedReturnRate);
    // a cost far above the noise still finds the root (the series beyond y = 6 is Dawson's asymptote)
    const wide = bertramBand({ theta: 0.05, mu: 0, sigma: 0.1 }, 10);
    expect(wide.a).toBeGreaterThan(5);
    expect(wide.a - 10 / 2).toBeGreaterThan(0);
  });

  it('bad input names the parameter', () => {
    expect(() => bertramBand({ theta: 0.05, mu: 0, sigma: 0.1 }, 0)).toThrow(/cost must be a positive number/);
    expect(() => bertramBand({ theta: -1, mu: 0, sigma: 0.1 }, 1)).toThrow(/theta must be a positive number/);
    expect(() => bertramBand({ theta: 1, mu: 0, sigma: 0 }, 1)).toThrow(/sigma must be a positive number/);
  });
});

interface PyOu {
  fit: { mu: number; theta: number; sigma: number; llTheirs: number; llOurs: number; llPerturbedMax: number };
  n: number;
  fsolve: { entryLong: number; entryShort: number };
  brentq: { entryLong: number; entryShort: number; expectedTradeLength: number; expectedReturnRate: number };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describePython(
  'OU fit and Bertram band against arbitragelab 1.0.0 (test/reference/ou_check.py)',
  ['numpy', 'scipy', 'mpmath', 'matplotlib', 'pandas'],
  (python) => {
    it('band, trade length and return rate within 1e-12; our fit is the maximiser of its likelihood', () => {
      const paths = [ouPath(1000, 1, 0.05, 0.3, 0.01), ouPath(1000, 2, 0.2, -0.1, 0.5), ouPath(5000, 3, 0.01, 2, 0.003)];
      const fits = paths.map((s) => fitOu(s)!);
      const cases = paths.map((spread, i) => ({ spread, cost: (3 * fits[i]!.sigma) / Math.sqrt(fits[i]!.theta) / 100, ...fits[i]! }));
      const py = runPythonJson<PyOu[]>(python, join(__dirname, '..', 'reference', 'ou_check.py'), { cases });
      py.forEach((p, i) => {
        const band = bertramBand(fits[i]!, cases[i]!.cost);
        expect(rel(band.entryLong, p.brentq.entryLong)).toBeLessThan(1e-12);
        expect(rel(band.entryShort, p.brentq.entryShort)).toBeLessThan(1e-12);
        expect(rel(band.expectedTradeLength, p.brentq.expectedTradeLength)).toBeLessThan(1e-12);
        expect(rel(band.expectedReturnRate, p.brentq.expectedReturnRate)).toBeLessThan(1e-12);
        expect(rel(band.entryLong, p.fsolve.entryLong)).toBeLessThan(1e-9); // from its own start, where it converges
        expect(p.fit.llOurs).toBeGreaterThan(p.fit.llTheirs);
        expect(p.fit.llPerturbedMax).toBeLessThan(p.fit.llOurs);
      });
    });
  },
);
