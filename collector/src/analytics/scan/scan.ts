import { SCAN_DEFAULTS as SCAN, type ScanCointDto, type ScanRow } from '@quant-pairs/contract';
import { cointResidualTest, collinear } from '../coint';
import { halfLife } from '../halfLife';
import { bhQValues } from './benjaminiHochberg';
import { meanCrossings } from './crossings';
import { HURST_MAX_LAG, hurst, hurstFromLagProducts } from './hurst';
import { diffLagProducts, lagProductError, lagProducts, leg, spectra, unwrap, type Leg, type Spectra } from './lagSpectra';

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

/**
 * The range of each threshold, one rule for the collector's settings (SCAN_FDR, ...) and the scan
 * CLI's flags (--fdr, ...), so that neither takes what the other refuses.
 */
export const SCAN_THRESHOLD_RULES: Readonly<Record<keyof ScanThresholds, { ok: (n: number) => boolean; rule: string }>> = {
  fdr: { ok: (n) => n > 0 && n <= 1, rule: 'a number above 0, at most 1' },
  minHalfLife: { ok: (n) => Number.isFinite(n) && n >= 0, rule: 'a number >= 0' },
  maxHalfLife: { ok: (n) => Number.isFinite(n) && n > 0, rule: 'a number above 0' },
  maxHurst: { ok: (n) => Number.isFinite(n) && n > 0, rule: 'a number above 0' },
  minCrossings: { ok: (n) => Number.isInteger(n) && n >= 0 && n <= 1_000_000, rule: 'an integer from 0 to 1000000' },
};

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
  /**
   * How each Engle-Granger direction got its lag products: from the FFT (`fft`), or summed directly
   * (`direct`) where the FFT's error bound was not met (a near-exact fit) or a leg is constant.
   */
  paths: ScanPaths;
}

/** Directions tested with the FFT's lag products, and with direct sums. */
export interface ScanPaths {
  fft: number;
  direct: number;
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
  const rows = scanRowSteps(symbols, series, window, 0, pairCount(symbols.length));
  for (;;) {
    const r = rows.next();
    if (r.done) return finishScan(r.value.pairs, r.value.paths, thresholds);
    yield r.value;
  }
}

/** Pairs of a universe of k symbols. */
export const pairCount = (k: number): number => (k * (k - 1)) / 2;

/**
 * The rows of pairs [from, to) of a scan, in universe order (pair 0 = {s0, s1}, then {s0, s2}, ..,
 * {s1, s2}, ..), before the q-values and the selection (`finishScan`): the part of a scan that
 * threads can share (src/live/scanPool.ts), each taking a range; joined in order and finished,
 * the result is scanSeries' to the bit.
 */
export function scanRows(
  symbols: readonly string[],
  series: readonly ArrayLike<number>[],
  window: number,
  from = 0,
  to = pairCount(symbols.length),
): { pairs: ScanPair[]; paths: ScanPaths } {
  const steps = scanRowSteps(symbols, series, window, from, to);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

function* scanRowSteps(
  symbols: readonly string[],
  series: readonly ArrayLike<number>[],
  window: number,
  from: number,
  to: number,
): Generator<number, { pairs: ScanPair[]; paths: ScanPaths }, void> {
  const problem = scanInputProblem(symbols, series, window);
  if (problem) throw new RangeError(problem);
  const sp = spectra(window);
  const legs = series.map((s) => leg(s, window, sp));
  const k = symbols.length;
  const pairs: ScanPair[] = [];
  const resid = new Float64Array(window);
  const paths: ScanPaths = { fft: 0, direct: 0 };
  let at = 0;
  for (let i = 0; i < k && at < to; i++) {
    // skip whole rows before `from`
    if (at + (k - i - 1) <= from) {
      at += k - i - 1;
      continue;
    }
    for (let j = i + 1; j < k && at < to; j++, at++) {
      if (at < from) continue;
      pairs.push(scanPair(symbols[i]!, symbols[j]!, legs[i]!, legs[j]!, resid, sp, paths));
      yield pairs.length;
    }
  }
  return { pairs, paths };
}

/** A scan's rows (every pair, in universe order) with their q-values, selection and order: scanSeries' last step. */
export function finishScan(pairs: ScanPair[], paths: ScanPaths, thresholds: ScanThresholds = SCAN_DEFAULTS): ScanResult {
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
  return { pairs, tested: tested.length, selected, paths };
}

function scanPair(a: string, b: string, A: Leg, B: Leg, resid: Float64Array, sp: Spectra, paths: ScanPaths): ScanPair {
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
    note: A.ss > 0 && B.ss > 0 ? null : `${A.ss > 0 ? b : a} is constant over the window`,
  };
  // lag products from the FFT when both legs vary (else the residual statistics sum their own)
  const fft = A.ss > 0 && B.ss > 0;
  if (fft) lagProducts(A, B, sab / Math.sqrt(A.ss * B.ss), sp);
  const N = sp.plan.n;
  // reverse first (B on A), so that `resid` ends up holding the forward spread
  if (A.ss > 0) {
    const beta = sab / A.ss;
    const ssr = residuals(B, A, beta, resid);
    let diff: Float64Array | null = null;
    if (fft) {
      unwrap(sp.rev, resid, n, N, sp.adfMaxlag + 1, sp.wrap);
      diff = diffLagProducts(sp.rev, resid, n, sp.adfMaxlag, lagProductError(B.ss, ssr, N), sp.diff);
    }
    paths[diff ? 'fft' : 'direct']++;
    const eg = egTest(B, resid, ssr, diff);
    out.cointReverse = 'error' in eg ? null : eg;
    if ('error' in eg) out.note ??= `coint(${b}, ${a}): ${eg.error}`;
  }
  if (B.ss > 0) {
    const beta = sab / B.ss;
    out.beta = beta;
    out.alpha = A.mean - beta * B.mean;
    const ssr = residuals(A, B, beta, resid);
    const err = lagProductError(A.ss, ssr, N);
    let diff: Float64Array | null = null;
    if (fft) {
      unwrap(sp.fwd, resid, n, N, sp.lags, sp.wrap);
      diff = diffLagProducts(sp.fwd, resid, n, sp.adfMaxlag, err, sp.diff);
    }
    paths[diff ? 'fft' : 'direct']++;
    const eg = egTest(A, resid, ssr, diff);
    out.coint = 'error' in eg ? null : eg;
    if ('error' in eg) out.note ??= `coint(${a}, ${b}): ${eg.error}`;
    // an (almost) perfect fit leaves a spread of rounding: no statistic of it means anything
    if (collinear(ssr, A.ss)) return out;
    const hl = halfLife(resid);
    out.halfLife = 'error' in hl ? null : hl.halfLife;
    out.hurst = fft ? hurstFromLagProducts(resid, n, sp.fwd, HURST_MAX_LAG, err) : hurst(resid);
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

/** coint(y, x) from its residuals `resid` (and, if given, their differences' lag products): the shared second step, or why it is undefined. */
function egTest(y: Leg, resid: Float64Array, ssr: number, diffProducts: Float64Array | null): ScanCoint | { error: string } {
  const r = cointResidualTest(resid, ssr, y.ss, {}, diffProducts ?? undefined);
  return 'error' in r ? r : { stat: r.stat, pvalue: r.pvalue, usedlag: r.usedlag };
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
