import { SCAN_DEFAULTS as SCAN, type ScanCointDto, type ScanRow } from '@quant-pairs/contract';
import { cointResidualTest } from '../coint';
import { fftBitReversed, fftPlan, type FftPlan } from '../fft';
import { halfLife } from '../halfLife';
import { lagProductsAll } from '../lagDots';
import { bhQValues } from './benjaminiHochberg';
import { meanCrossings } from './crossings';
import { HURST_MAX_LAG, hurst, hurstFromLagProducts } from './hurst';

/** The selection rule's thresholds (SCAN_FDR, SCAN_MIN_HL, SCAN_MAX_HL, SCAN_MAX_HURST, SCAN_MIN_CROSSINGS). */
export interface ScanThresholds {
  /** Largest Benjamini-Hochberg q-value selected (the false discovery rate). */
  fdr: number;
  /** Half-life bounds, in bars (both included). */
  minHalfLife: number;
  maxHalfLife: number;
  /** Selected pairs have a Hurst exponent below this. */
  maxHurst: number;
  /** Fewest mean crossings of the spread in the window. */
  minCrossings: number;
}

/** The contract's defaults (SCAN_FDR 0.05, SCAN_MIN_HL 1, SCAN_MAX_HL 200, SCAN_MAX_HURST 0.5, SCAN_MIN_CROSSINGS 12). */
export const SCAN_DEFAULTS: Readonly<ScanThresholds> = {
  fdr: SCAN.fdr,
  minHalfLife: SCAN.minHalfLife,
  maxHalfLife: SCAN.maxHalfLife,
  maxHurst: SCAN.maxHurst,
  minCrossings: SCAN.minCrossings,
};

/** One direction's Engle-Granger test: the contract's row type, so the API serves what the scan computes. */
export type ScanCoint = ScanCointDto;

/** One pair {a, b} of a scan (the contract's ScanRow); null where undefined (a constant leg, a degenerate fit). */
export type ScanPair = ScanRow;

export interface ScanResult {
  /** Sorted by q-value (undefined last), ties in universe order. */
  pairs: ScanPair[];
  /** Pairs with a p-value: the m of the Benjamini-Hochberg correction. */
  tested: number;
  selected: number;
}

/** Why `scanSeries` cannot run on this input, or null. */
export function scanInputProblem(symbols: readonly string[], series: readonly ArrayLike<number>[], window: number): string | null {
  if (symbols.length !== series.length) return `${symbols.length} symbols but ${series.length} series`;
  if (symbols.length < 2) return `need at least 2 series to scan, got ${symbols.length}`;
  if (new Set(symbols).size !== symbols.length) return 'a symbol is listed twice';
  if (!Number.isInteger(window) || window < MIN_SCAN_WINDOW) return `window must be an integer >= ${MIN_SCAN_WINDOW}, got ${window}`;
  const n = series[0]!.length;
  for (let k = 0; k < series.length; k++) {
    const s = series[k]!;
    if (s.length !== n) return `series must have equal lengths: ${symbols[0]} has ${n} points, ${symbols[k]} ${s.length}`;
    for (let i = 0; i < s.length; i++) if (typeof s[i] !== 'number' || !Number.isFinite(s[i])) return `${symbols[k]}[${i}] is not a finite number`;
  }
  if (n < window) return `window ${window} is longer than the series (${n} points)`;
  return null;
}

/** The shortest window the statistics are defined on (Hurst needs n >= 6; the residual ADF a few rows). */
const MIN_SCAN_WINDOW = 10;

/** A symbol's trailing window, centred once for all its pairs. */
interface Leg {
  /** v - mean(v), two-pass. */
  c: Float64Array;
  mean: number;
  /** Σ c², 0 for a constant window. */
  ss: number;
  /** DFT of c zero-padded to the scan's FFT size N, bins k = 0..N/2 (the rest are their conjugates). */
  fr: Float64Array;
  fi: Float64Array;
}

function leg(values: ArrayLike<number>, window: number, spectra: Spectra): Leg {
  const off = values.length - window;
  const c = new Float64Array(window);
  let m = 0;
  for (let i = 0; i < window; i++) m += values[off + i]!;
  m /= window;
  let corr = 0;
  for (let i = 0; i < window; i++) corr += values[off + i]! - m;
  m += corr / window;
  let lo = Infinity;
  let hi = -Infinity;
  let ss = 0;
  for (let i = 0; i < window; i++) {
    const v = values[off + i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    const d = v - m;
    c[i] = d;
    ss += d * d;
  }
  const { plan, zr, zi } = spectra;
  const N = plan.n;
  zr.fill(0);
  zi.fill(0);
  for (let i = 0; i < window; i++) zr[plan.rev[i]!] = c[i]!;
  fftBitReversed(plan, zr, zi);
  return { c, mean: m, ss: lo === hi ? 0 : ss, fr: zr.slice(0, N / 2 + 1), fi: zi.slice(0, N / 2 + 1) };
}

/**
 * What a scan shares across its pairs for the lag products of their spreads (one FFT a pair
 * instead of ~120 lagged dot products, for Hurst's lags 2..100 and both ADF lag searches):
 * the transform plan of size N = the power of two >= the window, its work arrays, and the
 * autocovariances of the pair's two residual series.
 */
interface Spectra {
  plan: FftPlan;
  zr: Float64Array;
  zi: Float64Array;
  /** Largest lag needed: Hurst's last lag, and the ADF search's maxlag + 1 (see diffLagProducts). */
  lags: number;
  /** Lagged products Σ_t e[t]·e[t+τ], τ = 0..lags, of the forward and the reverse residuals. */
  fwd: Float64Array;
  rev: Float64Array;
  /** The ADF's lag products of a residual's differences (`diffLagProducts`), lags 0..adfMaxlag. */
  diff: Float64Array;
  /** statsmodels' default maxlag of the residual ADF at this window. */
  adfMaxlag: number;
  /** `unwrap`'s products. */
  wrap: Float64Array;
}

function spectra(window: number): Spectra {
  let N = 1;
  while (N < window) N *= 2;
  // statsmodels' default maxlag for the residual ADF (regression 'n', as adfuller)
  const adfMaxlag = Math.min(Math.floor(window / 2) - 1, Math.ceil(12 * Math.pow(window / 100, 1 / 4)));
  const lags = Math.max(Math.min(HURST_MAX_LAG, Math.floor(window / 2)), adfMaxlag + 1);
  return {
    plan: fftPlan(N),
    zr: new Float64Array(N),
    zi: new Float64Array(N),
    lags,
    fwd: new Float64Array(lags + 1),
    rev: new Float64Array(lags + 1),
    diff: new Float64Array(Math.max(adfMaxlag + 1, 1)),
    adfMaxlag,
    wrap: new Float64Array(lags + 1),
  };
}

/**
 * Σ_t e[t]·e[t+τ] for τ = 0..lags of both residuals e = A - β·B (into `fwd`) and B - β'·A (into
 * `rev`), from the legs' spectra: the residual's spectrum is FA - β·FB (linearity; the legs are
 * centred, so are the residuals), its power |·|² is real and even, so one complex transform of
 * P_fwd + i·P_rev gives both circular autocovariances (N·R on the real and imaginary sides).
 * Only the first lags+1 outputs are kept; the window is zero-padded to N >= n, so circular lag τ
 * also holds lag N - τ where that is < n: the few products of that wrap are subtracted later
 * (`unwrap`), once the residual itself is at hand.
 */
function lagProducts(A: Leg, B: Leg, beta: number, betaRev: number, sp: Spectra): void {
  const { plan, zr, zi, lags } = sp;
  const N = plan.n;
  const half = N / 2;
  const rev = plan.rev;
  const ar = A.fr;
  const ai = A.fi;
  const br = B.fr;
  const bi = B.fi;
  for (let k = 0; k <= half; k++) {
    const xr = ar[k]!;
    const xi = ai[k]!;
    const yr = br[k]!;
    const yi = bi[k]!;
    const fr = xr - beta * yr;
    const fi = xi - beta * yi;
    const gr = yr - betaRev * xr;
    const gi = yi - betaRev * xi;
    const pf = fr * fr + fi * fi;
    const pr = gr * gr + gi * gi;
    const at = rev[k]!;
    zr[at] = pf;
    zi[at] = pr;
    if (k > 0 && k < half) {
      const mirror = rev[N - k]!;
      zr[mirror] = pf;
      zi[mirror] = pr;
    }
  }
  // Σ_k P_k·e^(-2πi·kτ/N) = Σ_k P_k·cos(2π·kτ/N) for an even P: the forward transform is the inverse's N times
  fftBitReversed(plan, zr, zi, lags + 1);
  const inv = 1 / N;
  for (let t = 0; t <= lags; t++) {
    sp.fwd[t] = zr[t]! * inv;
    sp.rev[t] = zi[t]! * inv;
  }
}

/**
 * Takes the wrapped-around lag N - τ (products of e's two ends, Σ_{t < n-l} e[t]·e[t+l] for
 * l = N - τ < n) out of circular lags τ = 1..upTo.
 */
function unwrap(R: Float64Array, e: Float64Array, n: number, N: number, upTo: number, wrap: Float64Array): void {
  const from = Math.max(1, N - n + 1);
  if (from > upTo) return;
  const lo = N - upTo; // wrapped lags lo..N-from (< n)
  const count = N - from - lo + 1;
  lagProductsAll(e, n, lo, count, wrap);
  for (let tau = from; tau <= upTo; tau++) R[tau] = R[tau]! - wrap[N - tau - lo]!;
}

/**
 * The ADF's products of the differences d[u] = e[u+1] - e[u] (adfuller's diffLagProducts),
 * Σ_{u=i}^{n-2} d[u-i]·d[u] for i = 0..maxlag, from e's lag products R: expanding the product,
 * = 2R(i) - R(i-1) - R(i+1) + e[0]·(e[i-1] - e[i]) + e[n-1]·(e[n-i] - e[n-1-i]) for i >= 1 and
 * 2R(0) - 2R(1) - e[0]² - e[n-1]² for i = 0. The three R cancel to Σ d², so the FFT's rounding
 * (~1e-15 of R(0)) grows by R(0)/Σ d²: null (the ADF sums its products itself) when that is above
 * 1,000, where the result would be less accurate than ~1e-12 of Σ d².
 */
function diffLagProducts(R: Float64Array, e: Float64Array, n: number, maxlag: number, out: Float64Array): Float64Array | null {
  const first = e[0]!;
  const last = e[n - 1]!;
  const d0 = 2 * R[0]! - 2 * R[1]! - first * first - last * last;
  if (!(d0 * 1000 >= R[0]!)) return null;
  out[0] = d0;
  for (let i = 1; i <= maxlag; i++) {
    out[i] = 2 * R[i]! - R[i - 1]! - R[i + 1]! + first * (e[i - 1]! - e[i]!) + last * (e[n - i]! - e[n - 1 - i]!);
  }
  return out;
}

/**
 * The pair scanner: every unordered pair {A, B} of `symbols` (A first in their order) over the
 * trailing `window` points of `series` (equal lengths, finite; check with `scanInputProblem`):
 * OLS A on [1, B], spread s = A - alpha - beta·B; Engle-Granger coint(A, B) and coint(B, A) as
 * statsmodels' defaults (constant, AIC lags, MacKinnon N = 2), pvalue = the larger; q-value =
 * Benjamini-Hochberg over all pairs' pvalue; half-life, Hurst exponent and mean crossings of s;
 * correlation of A and B; selected = qvalue <= fdr, minHalfLife <= halfLife <= maxHalfLife,
 * hurst < maxHurst and meanCrossings >= minCrossings.
 * Each symbol is centred and Fourier-transformed once; a pair then costs one dot product for
 * its regression (beta = Σ cA·cB / Σ cB², alpha = mean A - beta·mean B, the centred two-pass of
 * `olsLine`), one FFT for the lag products of both its residuals (`lagProducts`: Hurst's lags
 * 2..100 and both ADF lag searches, which were ~120 lagged dot products of n points a pair), and
 * the residual statistics, which reuse `cointResidualTest` (coint's own second step), `halfLife`,
 * `hurstFromLagProducts` and `meanCrossings`. Within ~1e-11 of the pair-by-pair path
 * (test/analytics/scan.test.ts).
 * Point in time: only the series given are read, so a scan at close t sees data <= t as long as
 * its caller passes bars up to t.
 * Reference: Engle & Granger (1987); Benjamini & Hochberg (1995); the selection filters of
 * Sarmento & Horta (2020) / ArbitrageLab; statsmodels coint and multipletests('fdr_bh').
 *
 * @example
 * // 3 symbols -> pairs {A,B}, {A,C}, {B,C}; with A = 2·B + AR(1) noise and C an independent walk,
 * // {A,B} gets p ≈ 0 and is selected, the other two are not.
 */
export function scanSeries(
  symbols: readonly string[],
  series: readonly ArrayLike<number>[],
  window: number,
  thresholds: ScanThresholds = SCAN_DEFAULTS,
): ScanResult {
  const steps = scanSteps(symbols, series, window, thresholds);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `scanSeries` a pair at a time: yields the number of pairs done after each pair (their q-values
 * need every p-value, so the result comes at the end), so that a caller on an event loop (the
 * live scanner) can let other work run between pairs. The same computation as scanSeries.
 */
export function* scanSteps(
  symbols: readonly string[],
  series: readonly ArrayLike<number>[],
  window: number,
  thresholds: ScanThresholds = SCAN_DEFAULTS,
): Generator<number, ScanResult, void> {
  const problem = scanInputProblem(symbols, series, window);
  if (problem) throw new RangeError(problem);
  const sp = spectra(window);
  const legs = series.map((s) => leg(s, window, sp));
  const k = symbols.length;
  const pairs: ScanPair[] = [];
  const resid = new Float64Array(window);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      pairs.push(scanPair(symbols[i]!, symbols[j]!, legs[i]!, legs[j]!, resid, sp));
      yield pairs.length;
    }
  }
  const tested = pairs.filter((p) => p.pvalue !== null);
  const q = bhQValues(tested.map((p) => p.pvalue!));
  let selected = 0;
  tested.forEach((p, i) => {
    p.qvalue = q[i]!;
    p.selected =
      p.qvalue <= thresholds.fdr &&
      p.halfLife !== null &&
      p.halfLife >= thresholds.minHalfLife &&
      p.halfLife <= thresholds.maxHalfLife &&
      p.hurst !== null &&
      p.hurst < thresholds.maxHurst &&
      p.meanCrossings !== null &&
      p.meanCrossings >= thresholds.minCrossings;
    if (p.selected) selected++;
  });
  const rank = new Map(pairs.map((p, i) => [p, i]));
  pairs.sort((x, y) => (x.qvalue ?? Infinity) - (y.qvalue ?? Infinity) || rank.get(x)! - rank.get(y)!);
  return { pairs, tested: tested.length, selected };
}

function scanPair(a: string, b: string, A: Leg, B: Leg, resid: Float64Array, sp: Spectra): ScanPair {
  const n = A.c.length;
  const sab = dot(A.c, B.c, n);
  const out: ScanPair = {
    a,
    b,
    beta: null,
    alpha: null,
    coint: null,
    cointReverse: null,
    pvalue: null,
    qvalue: null,
    halfLife: null,
    hurst: null,
    meanCrossings: null,
    correlation: A.ss > 0 && B.ss > 0 ? sab / Math.sqrt(A.ss * B.ss) : null,
    selected: false,
  };
  // lag products from the FFT when both legs vary (else the residual statistics sum their own)
  const fft = A.ss > 0 && B.ss > 0;
  if (fft) lagProducts(A, B, sab / B.ss, sab / A.ss, sp);
  const N = sp.plan.n;
  // reverse first (B on A), so that `resid` ends up holding the forward spread
  if (A.ss > 0) {
    const beta = sab / A.ss;
    const ssr = residuals(B, A, beta, resid);
    if (fft) unwrap(sp.rev, resid, n, N, sp.adfMaxlag + 1, sp.wrap);
    out.cointReverse = egTest(B, resid, ssr, fft ? diffLagProducts(sp.rev, resid, n, sp.adfMaxlag, sp.diff) : null);
  }
  if (B.ss > 0) {
    const beta = sab / B.ss;
    out.beta = beta;
    out.alpha = A.mean - beta * B.mean;
    const ssr = residuals(A, B, beta, resid);
    if (fft) unwrap(sp.fwd, resid, n, N, sp.lags, sp.wrap);
    out.coint = egTest(A, resid, ssr, fft ? diffLagProducts(sp.fwd, resid, n, sp.adfMaxlag, sp.diff) : null);
    const hl = halfLife(resid);
    out.halfLife = 'error' in hl ? null : hl.halfLife;
    out.hurst = fft ? hurstFromLagProducts(resid, n, sp.fwd) : hurst(resid);
    out.meanCrossings = meanCrossings(resid);
  }
  if (out.coint && out.cointReverse) out.pvalue = Math.max(out.coint.pvalue, out.cointReverse.pvalue);
  return out;
}

/** The residuals y - alpha - beta·x (= cy - beta·cx) of coint(y, x) into `resid`; returns their sum of squares. */
function residuals(y: Leg, x: Leg, beta: number, resid: Float64Array): number {
  const n = y.c.length;
  let ssr = 0;
  for (let t = 0; t < n; t++) {
    const e = y.c[t]! - beta * x.c[t]!;
    resid[t] = e;
    ssr += e * e;
  }
  return ssr;
}

/** coint(y, x) from its residuals `resid` (and, if given, their differences' lag products): the shared second step. */
function egTest(y: Leg, resid: Float64Array, ssr: number, diffProducts: Float64Array | null): ScanCoint | null {
  const r = cointResidualTest(resid, ssr, y.ss, {}, diffProducts ?? undefined);
  return 'error' in r ? null : { stat: r.stat, pvalue: r.pvalue, usedlag: r.usedlag };
}

function dot(a: Float64Array, b: Float64Array, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let r = 0;
  for (; r + 3 < len; r += 4) {
    s0 += a[r]! * b[r]!;
    s1 += a[r + 1]! * b[r + 1]!;
    s2 += a[r + 2]! * b[r + 2]!;
    s3 += a[r + 3]! * b[r + 3]!;
  }
  for (; r < len; r++) s0 += a[r]! * b[r]!;
  return s0 + s1 + (s2 + s3);
}
