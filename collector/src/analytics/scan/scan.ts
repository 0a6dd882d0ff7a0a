import { SCAN_DEFAULTS as SCAN } from '@quant-pairs/contract';
import { cointResidualTest } from '../coint';
import { halfLife } from '../halfLife';
import { bhQValues } from './benjaminiHochberg';
import { meanCrossings } from './crossings';
import { hurst } from './hurst';

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

/** One direction's Engle-Granger test. */
export interface ScanCoint {
  stat: number;
  pvalue: number;
  usedlag: number;
}

/** One pair {a, b} of a scan; null where undefined (a constant leg, a degenerate fit). */
export interface ScanPair {
  a: string;
  b: string;
  /** OLS a = alpha + beta·b over the window; the spread is a - alpha - beta·b. */
  beta: number | null;
  alpha: number | null;
  /** Engle-Granger coint(a, b) and coint(b, a) (constant, AIC lags, MacKinnon N = 2). */
  coint: ScanCoint | null;
  cointReverse: ScanCoint | null;
  /** The larger of the two p-values; null unless both tests are defined. */
  pvalue: number | null;
  /** Benjamini-Hochberg q-value among the pairs with a p-value. */
  qvalue: number | null;
  /** Of the spread, in bars. */
  halfLife: number | null;
  hurst: number | null;
  meanCrossings: number | null;
  correlation: number | null;
  selected: boolean;
}

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
}

function leg(values: ArrayLike<number>, window: number): Leg {
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
  return { c, mean: m, ss: lo === hi ? 0 : ss };
}

/**
 * The pair scanner: every unordered pair {A, B} of `symbols` (A first in their order) over the
 * trailing `window` points of `series` (equal lengths, finite; check with `scanInputProblem`):
 * OLS A on [1, B], spread s = A - alpha - beta·B; Engle-Granger coint(A, B) and coint(B, A) as
 * statsmodels' defaults (constant, AIC lags, MacKinnon N = 2), pvalue = the larger; q-value =
 * Benjamini-Hochberg over all pairs' pvalue; half-life, Hurst exponent and mean crossings of s;
 * correlation of A and B; selected = qvalue <= fdr, minHalfLife <= halfLife <= maxHalfLife,
 * hurst < maxHurst and meanCrossings >= minCrossings.
 * Each symbol is centred once; a pair then costs one dot product for its regression (beta =
 * Σ cA·cB / Σ cB², alpha = mean A - beta·mean B, the centred two-pass of `olsLine`) and the
 * residual statistics, which reuse `cointResidualTest` (coint's own second step), `halfLife`,
 * `hurst` and `meanCrossings`.
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
  const legs = series.map((s) => leg(s, window));
  const k = symbols.length;
  const pairs: ScanPair[] = [];
  const resid = new Float64Array(window);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      pairs.push(scanPair(symbols[i]!, symbols[j]!, legs[i]!, legs[j]!, resid));
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

function scanPair(a: string, b: string, A: Leg, B: Leg, resid: Float64Array): ScanPair {
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
  // reverse first (B on A), so that `resid` ends up holding the forward spread
  if (A.ss > 0) out.cointReverse = egTest(B, A, sab / A.ss, resid);
  if (B.ss > 0) {
    const beta = sab / B.ss;
    out.beta = beta;
    out.alpha = A.mean - beta * B.mean;
    out.coint = egTest(A, B, beta, resid);
    const hl = halfLife(resid);
    out.halfLife = 'error' in hl ? null : hl.halfLife;
    out.hurst = hurst(resid);
    out.meanCrossings = meanCrossings(resid);
  }
  if (out.coint && out.cointReverse) out.pvalue = Math.max(out.coint.pvalue, out.cointReverse.pvalue);
  return out;
}

/** coint(y, x) given the slope: residuals y - alpha - beta·x (= cy - beta·cx) into `resid`, then the shared second step. */
function egTest(y: Leg, x: Leg, beta: number, resid: Float64Array): ScanCoint | null {
  const n = y.c.length;
  let ssr = 0;
  for (let t = 0; t < n; t++) {
    const e = y.c[t]! - beta * x.c[t]!;
    resid[t] = e;
    ssr += e * e;
  }
  const r = cointResidualTest(resid, ssr, y.ss);
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
