/**
 * PSR, DSR (src/analytics/honest/sharpeStats.ts) and PBO (honest/pbo.ts) against the papers'
 * numerical example, hand-worked cases, slow literal implementations written here from the
 * papers' definitions, and Python (test/reference/honest_check.py: scipy.stats' moments, normal
 * cdf / ppf and rankdata, numpy, CSCV literally with itertools.combinations). No maintained
 * Python package on PyPI implements CSCV's PBO (pypbo is not served there); scipy is the
 * maintained part of the PSR / DSR reference.
 */
import { join } from 'node:path';
import { describePython, runPythonJson } from '@quant-pairs/testkit';
import { gaussian, rng } from '../../src/fake-binance/rng';
import { expectedMaxSharpe, probabilisticSharpe, returnMoments, sharpeVerdict } from '../../src/analytics/honest/sharpeStats';
import { blockSumsOf, pbo, pboBlocksProblem } from '../../src/analytics/honest/pbo';
import { normalQuantile } from '../../src/analytics/normalQuantile';
import { normalCdf } from '../../src/analytics/normalCdf';

/** Seeded per-bar returns: drift mu, sd s, and a fat left tail now and then (skew, kurtosis). */
function returnsOf(n: number, seed: number, mu: number, s: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => mu + s * gaussian(r) - (i % 37 === 0 ? 4 * s : 0));
}

/** A sweep-like set of trials: N noise strategies with small different drifts. */
function trials(n: number, count: number, seed: number): number[][] {
  return Array.from({ length: count }, (_, k) => returnsOf(n, seed + k, (k % 5) * 1e-5, 1e-3));
}

/** The slow literal PBO: every split's halves joined as arrays, Sharpe by two passes, ranks by sorting. */
function slowPbo(returns: number[][], S: number): { logits: number[]; pbo: number; probLoss: number } {
  const T = returns[0]!.length;
  const L = Math.floor(T / S);
  const skip = T - L * S;
  const sharpe = (a: number[]): number => {
    const m = a.reduce((p, v) => p + v, 0) / a.length;
    const sd = Math.sqrt(a.reduce((p, v) => p + (v - m) ** 2, 0) / (a.length - 1));
    return sd > 0 ? m / sd : 0;
  };
  const logits: number[] = [];
  const oosBest: number[] = [];
  for (let mask = 0; mask < 1 << S; mask++) {
    let bits = 0;
    for (let b = 0; b < S; b++) if (mask & (1 << b)) bits++;
    if (bits !== S / 2) continue;
    const half = (inTrain: boolean) => (r: number[]) => r.filter((_, t) => t >= skip && Boolean(mask & (1 << Math.floor((t - skip) / L))) === inTrain);
    const rin = returns.map(half(true)).map(sharpe);
    const rout = returns.map(half(false)).map(sharpe);
    const best = rin.indexOf(Math.max(...rin));
    const sorted = [...rout].sort((a, b) => a - b);
    const first = sorted.indexOf(rout[best]!) + 1;
    const last = sorted.lastIndexOf(rout[best]!) + 1;
    const w = (first + last) / 2 / (returns.length + 1);
    logits.push(Math.log(w / (1 - w)));
    oosBest.push(rout[best]!);
  }
  return { logits, pbo: logits.filter((l) => l <= 0).length / logits.length, probLoss: oosBest.filter((r) => r < 0).length / logits.length };
}

describe('normalQuantile', () => {
  it('inverts normalCdf to ~1e-15 and gives scipy.stats.norm.ppf values', () => {
    // scipy 1.17.1: norm.ppf(0.975) = 1.959963984540054, norm.ppf(1e-10) = -6.361340902404056
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 13);
    for (const p of [1e-300, 1e-12, 0.01, 0.02425, 0.3, 0.5, 0.8, 0.99, 1 - 1e-12]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 15);
    expect(() => normalQuantile(1.5)).toThrow(/p must be a probability/);
  });
});

describe('PSR and DSR', () => {
  it("reproduce the DSR paper's example (Bailey & Lopez de Prado 2014, section 4: SR0 = 0.1132, DSR = 0.9004)", () => {
    const sr0 = expectedMaxSharpe(100, 0.5 / 250);
    expect(sr0).toBeCloseTo(0.1132, 4);
    expect(probabilisticSharpe({ sharpe: 2.5 / Math.sqrt(250), n: 1250, skewness: -3, kurtosis: 10 }, sr0)).toBeCloseTo(0.9004, 4);
  });

  it('hand-worked moments and PSR', () => {
    // mean 0.005, deviations ±0.005, ±0.025: m2 = 1.3e-3, sd = √(1.3e-3/3), m4/n / (m2/n)² = 1.95625e-7 / 1.05625e-7
    const m = returnMoments([0.01, -0.02, 0.03, 0]);
    expect(m.sharpe).toBeCloseTo(0.005 / Math.sqrt(1.3e-3 / 3), 15);
    expect(m.skewness).toBeCloseTo(0, 15);
    expect(m.kurtosis).toBeCloseTo(1.95625e-7 / 1.05625e-7, 13);
    // normal returns (g3 0, g4 3): Φ(0.1·√100 / √(1 + 0.5·0.01))
    expect(probabilisticSharpe({ sharpe: 0.1, n: 101, skewness: 0, kurtosis: 3 })).toBeCloseTo(normalCdf(1 / Math.sqrt(1.005)), 15);
    expect(returnMoments([0.01, 0.01]).sharpe).toBeNull();
    expect(() => returnMoments([0.01, NaN])).toThrow(/returns\[1\]/);
    expect(() => expectedMaxSharpe(1, 0.1)).toThrow(/trials must be an integer >= 2/);
  });

  it('equal a literal evaluation of the formulas', () => {
    const r = returnsOf(3000, 7, 2e-4, 1e-3);
    const sharpes = trials(500, 40, 100).map((t) => returnMoments(t).sharpe!);
    const v = sharpeVerdict(r, sharpes);
    const n = r.length;
    const mean = r.reduce((a, b) => a + b, 0) / n;
    const c = (k: number) => r.reduce((a, b) => a + (b - mean) ** k, 0) / n;
    const sr = mean / Math.sqrt((c(2) * n) / (n - 1));
    const g3 = c(3) / c(2) ** 1.5;
    const g4 = c(4) / c(2) ** 2;
    const psrAt = (b: number) => normalCdf(((sr - b) * Math.sqrt(n - 1)) / Math.sqrt(1 - g3 * sr + ((g4 - 1) / 4) * sr * sr));
    const ms = sharpes.reduce((a, b) => a + b, 0) / sharpes.length;
    const V = sharpes.reduce((a, b) => a + (b - ms) ** 2, 0) / (sharpes.length - 1);
    const N = sharpes.length;
    const sr0 = Math.sqrt(V) * ((1 - 0.5772156649015329) * normalQuantile(1 - 1 / N) + 0.5772156649015329 * normalQuantile(1 - 1 / (N * Math.E)));
    expect(g3).toBeLessThan(-0.5); // the planted tail makes the moments matter
    expect(v.psr).toBeCloseTo(psrAt(0), 12);
    expect(v.expectedMaxSharpe).toBeCloseTo(sr0, 14);
    expect(v.dsr).toBeCloseTo(psrAt(sr0), 12);
    expect(v.dsr!).toBeLessThan(v.psr!);
  });
});

describe('PBO (CSCV)', () => {
  it('the worked example of the module header', () => {
    const r = pbo(
      blockSumsOf(
        [
          [0.01, 0.03, 0, 0.02],
          [0.02, 0.025, 0.01, 0.03],
        ],
        2,
      ),
    );
    r.logits.forEach((l) => expect(l).toBeCloseTo(Math.log(2), 15)); // ω̄ = 2/3 both times
    expect(r.logits).toHaveLength(2);
    expect(r.pbo).toBe(0);
    expect(r.probLoss).toBe(0);
    expect(r.degradation).toBeCloseTo(-1, 12);
  });

  it('one trial with real skill: PBO 0; near-noise trials (drifts 0..4e-5 against sd 1e-3): PBO well above 0 (0.3 here)', () => {
    const noise = trials(960, 20, 300);
    const skilled = [...noise.slice(1), returnsOf(960, 5, 3e-4, 1e-3)];
    expect(pbo(blockSumsOf(skilled, 8)).pbo).toBe(0);
    const p = pbo(blockSumsOf(noise, 8)).pbo; // drifts 0..4e-5 against sd 1e-3: the in-sample best is mostly luck
    expect(p).toBeGreaterThan(0.2);
  });

  it.each([
    [2, 5, 101],
    [4, 7, 250],
    [8, 12, 803],
    [10, 6, 1000],
  ])('equals the slow literal CSCV (S = %i, N = %i, T = %i; the first T mod S bars dropped)', (S, N, T) => {
    const rets = trials(T, N, 40 + S);
    rets[N - 1] = rets[N - 1]!.map((v, t) => (t % 3 === 0 ? 0 : v)); // a trial often flat
    rets[0] = rets[0]!.map(() => 0); // a trial flat all along: Sharpe 0
    const fast = pbo(blockSumsOf(rets, S));
    const slow = slowPbo(rets, S);
    expect(fast.logits.length).toBe(slow.logits.length);
    fast.logits.forEach((l, i) => expect(l).toBeCloseTo(slow.logits[i]!, 12));
    expect(fast.pbo).toBe(slow.pbo);
    expect(fast.probLoss).toBe(slow.probLoss);
  });

  it('bad S names blocks', () => {
    expect(pboBlocksProblem(7, 100)).toMatch(/blocks must be an even integer in \[2, 16\], got 7/);
    expect(pboBlocksProblem(18, 100)).toMatch(/blocks/);
    expect(pboBlocksProblem(16, 20)).toMatch(/at least 2 bars a block/);
    expect(() => blockSumsOf([[1, 2]], 2)).toThrow(/at least 2 trials/);
  });
});

interface PyOut {
  psr: { psr: number; dsr: number; sr0: number }[];
  pbo: { pbo: number; logits: number[]; degradation: number; probLoss: number }[];
}

describePython('PSR, DSR and PBO against scipy / numpy (test/reference/honest_check.py)', ['numpy', 'scipy'], (python) => {
  it('agree within 1e-12 (PSR, DSR, SR0) and 1e-9 (logits, degradation)', () => {
    const psrCases = [
      { returns: returnsOf(2000, 11, 1e-4, 1e-3), trials: trials(400, 30, 500).map((t) => returnMoments(t).sharpe!) },
      { returns: returnsOf(500, 12, -5e-5, 2e-3), trials: trials(300, 1000, 900).map((t) => returnMoments(t).sharpe!) },
    ];
    const pboCases = [
      { returns: trials(1003, 9, 61), blocks: 16 },
      { returns: trials(640, 40, 62), blocks: 8 },
    ];
    const py = runPythonJson<PyOut>(python, join(__dirname, '..', 'reference', 'honest_check.py'), { psr: psrCases, pbo: pboCases });
    psrCases.forEach((c, i) => {
      const v = sharpeVerdict(c.returns, c.trials);
      expect(Math.abs(v.psr! - py.psr[i]!.psr)).toBeLessThan(1e-12);
      expect(Math.abs(v.dsr! - py.psr[i]!.dsr)).toBeLessThan(1e-12);
      expect(Math.abs(v.expectedMaxSharpe! - py.psr[i]!.sr0)).toBeLessThan(1e-12);
    });
    pboCases.forEach((c, i) => {
      const r = pbo(blockSumsOf(c.returns, c.blocks));
      const ref = py.pbo[i]!;
      expect(r.logits).toHaveLength(ref.logits.length);
      r.logits.forEach((l, k) => expect(Math.abs(l - ref.logits[k]!)).toBeLessThan(1e-9));
      expect(r.pbo).toBe(ref.pbo);
      expect(r.probLoss).toBe(ref.probLoss);
      expect(Math.abs(r.degradation! - ref.degradation)).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref.degradation)));
    });
  });
});
