import { mackinnoncrit, mackinnonp, type CriticalValues } from './mackinnon';
import { lagDots } from './lagDots';
import { householderLs } from './qr';

export type AdfRegression = 'n' | 'c' | 'ct';
export type Autolag = 'AIC' | 'BIC' | 't-stat';

export interface AdfOptions {
  /** Deterministic terms: 'c' constant (default), 'ct' constant and linear trend, 'n' none. */
  regression?: AdfRegression;
  /** Lag selection (default 'AIC'); null uses `maxlag` lags as given. */
  autolag?: Autolag | null;
  /** Largest lag searched (or used, without autolag); default ceil(12·(n/100)^¼), capped at n/2 - ntrend - 1. */
  maxlag?: number;
}

export interface AdfResult {
  /** t-value of the lagged level: the ADF statistic. */
  stat: number;
  /** MacKinnon (1994) asymptotic p-value. */
  pvalue: number;
  usedlag: number;
  /** Rows of the final regression: n - 1 - usedlag. */
  nobs: number;
  /** MacKinnon (2010) critical values for `nobs`. */
  crit: CriticalValues;
  /** Best information criterion (or |t| for 't-stat') of the lag search; null without autolag. */
  icbest: number | null;
  /** Largest lag searched (or the fixed lag). */
  maxlag: number;
}

/** The 5% one-sided normal quantile statsmodels' 't-stat' rule stops at. */
const T_STOP = 1.6448536269514722;

/**
 * Augmented Dickey-Fuller unit-root test, as statsmodels 0.13.5 `adfuller`:
 * Δs_t = ρ·s_{t-1} + Σ_{i=1..p} γ_i·Δs_{t-i} + deterministic terms + e_t, stat = t-value of ρ.
 * With autolag, lags 0..maxlag are fitted on the same sample (the last n-1-maxlag differences),
 * the lowest AIC/BIC wins (ties -> fewer lags; 't-stat': the largest lag whose last lag has
 * |t| >= 1.645, going down), then the chosen lag is refitted on the longer sample n-1-usedlag.
 * AIC = -2·llf + 2k, BIC = -2·llf + ln(nobs)·k, llf = -nobs/2·(ln 2π + ln(SSR/nobs) + 1),
 * k = regressors including the deterministic ones. p-value: MacKinnon (1994); critical values:
 * MacKinnon (2010) at nobs. Least squares: all the lag search's nested models from one set of
 * centred normal equations (built in O(n·maxlag)) and one Cholesky factorisation, within
 * guards that keep it accurate to ~1e-10, else Householder QR (see nestedLagFits).
 *
 * `diffLagProducts`, if a caller has them (the pair scanner gets them from an FFT): the lagged
 * products of all the differences d[u] = s[u+1] - s[u], Σ_{u=i}^{n-2} d[u-i]·d[u] for
 * i = 0..maxlag (at least), accurate to ~1e-13 relative to Σ d²; the lag regressions then sum
 * only their first few rows instead of every lag product.
 * Returns `{ error }` (never NaN) when the series is shorter than 3, has a non-finite value, is
 * constant, is too short for the regression, or the regression is singular.
 * Reference: Said & Dickey (1984), Biometrika 71; statsmodels.tsa.stattools.adfuller.
 *
 * @example
 * // oracle case coint_s101_w30, adf.full_spread.c_aic (statsmodels 0.13.5):
 * // stat -9.997452597463617, pvalue 1.92e-17, usedlag 1, nobs 1069, icbest 5295.79, maxlag 22
 */
export function adfuller(series: ArrayLike<number>, opts: AdfOptions = {}, diffLagProducts?: ArrayLike<number>): AdfResult | { error: string } {
  const r = adfStatistic(series, opts, diffLagProducts);
  if ('error' in r) return r;
  const regression = opts.regression ?? 'c';
  return {
    stat: r.stat,
    pvalue: mackinnonp(r.stat, regression, 1),
    usedlag: r.usedlag,
    nobs: r.nobs,
    crit: mackinnoncrit(1, regression, r.nobs),
    icbest: r.icbest,
    maxlag: r.maxlag,
  };
}

/**
 * `adfuller` without the p-value and critical values of the one-series test: for the
 * Engle-Granger test, which looks its own up (N = 2), and the pair scanner, which runs it 9,900
 * times a scan (the unused MacKinnon look-up was ~3% of that).
 */
export function adfStatistic(
  series: ArrayLike<number>,
  opts: AdfOptions = {},
  diffLagProducts?: ArrayLike<number>,
): Omit<AdfResult, 'pvalue' | 'crit'> | { error: string } {
  const regression = opts.regression ?? 'c';
  const autolag = opts.autolag === undefined ? 'AIC' : opts.autolag;
  const n = series.length;
  if (regression !== 'n' && regression !== 'c' && regression !== 'ct') return { error: `regression must be n, c or ct, got ${String(regression)}` };
  if (autolag !== null && autolag !== 'AIC' && autolag !== 'BIC' && autolag !== 't-stat')
    return { error: `autolag must be AIC, BIC, t-stat or null, got ${String(autolag)}` };
  if (n < 3) return { error: `series too short: ${n} points, the ADF test needs at least 3` };
  let lo = Infinity;
  let hi = -Infinity;
  // one typed copy of the series and its differences d[t] = s[t+1] - s[t]: the kernels read only these
  const s = scratchExact(0, n);
  const d = scratchExact(1, n - 1);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const v = series[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) return { error: `series[${i}] is not a finite number` };
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    s[i] = v;
    if (i > 0) d[i - 1] = v - prev;
    prev = v;
  }
  if (lo === hi) return { error: 'series is constant: the ADF test is undefined' };
  const ntrend = regression === 'n' ? 0 : regression === 'c' ? 1 : 2;
  const cap = Math.floor(n / 2) - ntrend - 1;
  let maxlag: number;
  if (opts.maxlag === undefined) {
    maxlag = Math.min(cap, Math.ceil(12 * Math.pow(n / 100, 1 / 4)));
    if (maxlag < 0) return { error: `series too short (${n} points) for the ADF regression with regression=${regression}` };
  } else {
    if (!Number.isInteger(opts.maxlag) || opts.maxlag < 0) return { error: `maxlag must be a non-negative integer, got ${opts.maxlag}` };
    if (opts.maxlag > cap) return { error: `maxlag must be at most n/2 - ntrend - 1 = ${cap} for ${n} points, got ${opts.maxlag}` };
    maxlag = opts.maxlag;
  }
  if (diffLagProducts !== undefined && diffLagProducts.length < maxlag + 1)
    throw new RangeError(`diffLagProducts has ${diffLagProducts.length} lags, the search needs ${maxlag + 1}`);

  let usedlag = maxlag;
  let icbest: number | null = null;
  if (autolag !== null) {
    const nobs = n - 1 - maxlag;
    const k = ntrend + 1 + maxlag;
    if (nobs <= k) return { error: `series too short (${n} points) for a lag search up to ${maxlag}` };
    const fit = nestedLagFits(s, d, nobs, maxlag, regression, diffLagProducts);
    if (!fit) return { error: 'singular ADF regression (collinear lags)' };
    const startlag = ntrend + 1;
    let bestlag = 0;
    if (autolag === 't-stat') {
      bestlag = maxlag;
      for (let lag = maxlag; lag >= 0; lag--) {
        const t = fit.absT[startlag + lag]!;
        icbest = t;
        bestlag = lag;
        if (t >= T_STOP) break;
      }
    } else {
      const penalty = autolag === 'AIC' ? 2 : Math.log(nobs);
      let best = Infinity;
      for (let lag = 0; lag <= maxlag; lag++) {
        const j = startlag + lag;
        const ic = -2 * llf(fit.ssr[j]!, nobs) + penalty * j;
        if (ic < best) {
          best = ic;
          bestlag = lag;
        }
      }
      icbest = best;
    }
    usedlag = bestlag;
  }

  const nobs = n - 1 - usedlag;
  const k = ntrend + 1 + usedlag;
  if (nobs <= k) return { error: `series too short (${n} points) for an ADF regression with ${usedlag} lags` };
  const stat = levelTValue(s, d, nobs, usedlag, regression, diffLagProducts);
  if (stat === null) return { error: 'singular ADF regression' };
  if (!Number.isFinite(stat)) return { error: 'ADF statistic is undefined (perfect fit)' };
  return { stat, usedlag, nobs, icbest, maxlag };
}

/**
 * Scratch arrays reused from call to call, so that a call allocates (almost) nothing: typed arrays
 * over 64 bytes each get an off-heap buffer, and allocating a dozen of them cost a quarter of a
 * call. Safe because adfuller runs to completion without re-entering itself and no scratch array
 * escapes it (results are copied out as numbers). Every element a call reads, it has written.
 */
const scratch: Float64Array[] = [];

/** Scratch array `slot` of length exactly `len` (for arrays whose `.length` is used). */
function scratchExact(slot: number, len: number): Float64Array {
  let a = scratch[slot];
  if (a === undefined || a.length !== len) scratch[slot] = a = new Float64Array(len);
  return a;
}

/** Scratch array `slot` of length at least `len` (for arrays indexed by explicit sizes only). */
function scratchMin(slot: number, len: number): Float64Array {
  let a = scratch[slot];
  if (a === undefined || a.length < len) scratch[slot] = a = new Float64Array(Math.max(len, 2 * (a?.length ?? 0)));
  return a;
}

/**
 * t-value of the lagged level in the final regression with `p` lags on the last `nobs` rows:
 * normal equations with the level as the last column (t = w_last/σ) when accurate, else
 * Householder QR with the level last (t = z_k·sign(R_kk)/σ). Null if singular.
 */
function levelTValue(
  s: Float64Array,
  d: Float64Array,
  nobs: number,
  p: number,
  regression: AdfRegression,
  diffLagProducts: ArrayLike<number> | undefined,
): number | null {
  const ntrend = regression === 'n' ? 0 : regression === 'c' ? 1 : 2;
  const k = ntrend + 1 + p;
  const ne = normalEquations(s, d, nobs, p, regression, true, diffLagProducts);
  const fast = choleskyNested(ne);
  if (fast) return fast.w[ne.m - 1]! / Math.sqrt(fast.ssr[ne.m]! / (nobs - k));
  // columns [const, trend, lag 1..p, level]: the level last, so its t-value is z_k / σ
  const fit = householderLs(design(s, nobs, p, regression, true), response(s, nobs));
  if (!fit.fullRank) return null;
  return (Math.sign(fit.rdiag[k - 1]!) * fit.z[k - 1]!) / Math.sqrt(fit.ssr[k]! / (nobs - k));
}

/**
 * All the lag search's regressions at once: for j = total regressors (deterministic terms, level,
 * lags) of each nested model on the common sample, its SSR and the |t| of its last column.
 * Fast path: centred cross-products (the constant partialled out, Frisch-Waugh) and one Cholesky
 * factorisation, whose forward-solved X'y gives every nested SSR = y'y - Σ_{i<j} w_i². It is used
 * only while it is accurate to ~1e-10 (every Cholesky pivot keeps >= 1e-4 of its column's
 * sum of squares and every SSR >= 1% of y'y); otherwise the backward-stable Householder QR.
 * Null if the regressors are collinear.
 */
function nestedLagFits(
  s: Float64Array,
  d: Float64Array,
  nobs: number,
  maxlag: number,
  regression: AdfRegression,
  diffLagProducts: ArrayLike<number> | undefined,
): { ssr: Float64Array; absT: Float64Array } | null {
  const ntrend = regression === 'n' ? 0 : regression === 'c' ? 1 : 2;
  const k = ntrend + 1 + maxlag;
  const ssr = scratchMin(2, k + 1);
  const absT = scratchMin(3, k + 1);
  const fast = choleskyNested(normalEquations(s, d, nobs, maxlag, regression, false, diffLagProducts));
  if (fast) {
    const hasConst = ntrend > 0 ? 1 : 0;
    for (let j = ntrend + 1; j <= k; j++) {
      const e = j - hasConst; // explicit (non-constant) columns
      ssr[j] = fast.ssr[e]!;
      absT[j] = Math.abs(fast.w[e - 1]!) / Math.sqrt(fast.ssr[e]! / (nobs - j));
    }
    return { ssr, absT };
  }
  // columns [const, trend, level, lag 1..maxlag] so that each lag's model is a prefix
  const fit = householderLs(design(s, nobs, maxlag, regression, false), response(s, nobs));
  if (!fit.fullRank) return null;
  for (let j = ntrend + 1; j <= k; j++) {
    ssr[j] = fit.ssr[j]!;
    absT[j] = Math.abs(fit.z[j - 1]!) / Math.sqrt(fit.ssr[j]! / (nobs - j));
  }
  return { ssr, absT };
}

/** Normal equations of one ADF regression: G = XᵀX (m×m, row-major, lower triangle), g = Xᵀy, yy = yᵀy. */
interface NormalEq {
  G: Float64Array;
  g: Float64Array;
  yy: number;
  m: number;
}

/**
 * Cross-products of the regressors of an ADF regression over its last `nobs` rows, in O(n·p)
 * rather than O(n·p²): the lag columns are shifted copies of the differences d, so the raw
 * products C(i,j) = Σ_r d[off+r-i]·d[off+r-j] satisfy C(i,j) = C(i-1,j-1) + d[off-i]·d[off-j]
 * - d[off+nobs-i]·d[off+nobs-j]; only C(i,0) are summed directly, in one pass per lag that also
 * sums the lag and its products with the level (and trend). With a constant in the model
 * everything is centred (the constant partialled out): the level and trend columns explicitly
 * (two-pass), the lag columns by C - nobs·μ_i·μ_j (the differences' means are small against their
 * spread, so this loses nothing). Column order: [trend], level, lag 1..p, or with `levelLast`
 * [trend], lag 1..p, level.
 */
function normalEquations(
  s: Float64Array,
  d: Float64Array,
  nobs: number,
  p: number,
  regression: AdfRegression,
  levelLast: boolean,
  diffLagProducts: ArrayLike<number> | undefined,
): NormalEq {
  const n = s.length;
  const off = n - 1 - nobs;
  const centre = regression !== 'n';
  const trend = regression === 'ct';
  const p1 = p + 1;
  // level mean (two-pass, corrected) when there is a constant
  let lm = 0;
  if (centre) {
    for (let r = 0; r < nobs; r++) lm += s[off + r]!;
    lm /= nobs;
    let corr = 0;
    for (let r = 0; r < nobs; r++) corr += s[off + r]! - lm;
    lm += corr / nobs;
  }
  const tm = (nobs + 1) / 2;
  let TT = 0;
  let TL = 0;
  if (trend) {
    for (let r = 0; r < nobs; r++) {
      const t = r + 1 - tm;
      TT += t * t;
      TL += t * (s[off + r]! - lm);
    }
  }
  // lag 0 (the response) directly: Σ d_0, Σ level·d_0 [, Σ trend·d_0]; then every lag i >= 1 from
  // lag i-1 by the shift identities below, so the only O(nobs) pass per lag is the product C(i,0)
  const S = scratchMin(4, p1);
  const C = scratchMin(5, p1 * p1);
  const LD = scratchMin(6, p1);
  const TD = scratchMin(7, p1);
  let LL = 0;
  {
    let sum = 0;
    let lv = 0;
    let tv = 0;
    for (let r = 0; r < nobs; r++) {
      const l = s[off + r]! - lm;
      const v = d[off + r]!;
      LL += l * l;
      sum += v;
      lv += l * v;
    }
    if (trend) for (let r = 0; r < nobs; r++) tv += (r + 1 - tm) * d[off + r]!;
    S[0] = sum;
    LD[0] = lv;
    if (trend) TD[0] = tv;
  }
  const lagged = scratchMin(12, p1);
  if (diffLagProducts === undefined) lagDots(d, off, off + nobs, 0, p1, lagged);
  else {
    // the rows end at the last difference (off + nobs = n - 1): the product over every u >= i,
    // less its first off - i terms
    for (let i = 0; i <= p; i++) {
      let head = 0;
      for (let u = i; u < off; u++) head += d[u - i]! * d[u]!;
      lagged[i] = diffLagProducts[i]! - head;
    }
  }
  for (let i = 0; i <= p; i++) C[i * p1] = lagged[i]!;
  for (let j = 1; j <= p; j++) {
    const dj = d[off - j]!;
    const ej = d[off + nobs - j]!;
    for (let i = j; i <= p; i++) {
      C[i * p1 + j] = C[(i - 1) * p1 + j - 1]! + d[off - i]! * dj - d[off + nobs - i]! * ej;
    }
  }
  // lag i is lag i-1 shifted by one row: Σ d_i = Σ d_{i-1} + d[off-i] - d[off+nobs-i]; the level
  // L[r] = s[off+r] - lm satisfies L[r] = L[r-1] + d[off+r-1], so Σ L·d_i = Σ L·d_{i-1}
  // + L[-1]·d[off-i] - L[nobs-1]·d[off+nobs-i] + C(i,1) (raw); the trend T[r] = T[r-1] + 1 likewise
  // with Σ d_i in place of C(i,1)
  const lFirst = s[off - 1]! - lm; // L[-1]; off >= p >= 1 whenever there is a lag
  const lLast = s[off + nobs - 1]! - lm; // L[nobs-1]
  const tFirst = -tm; // T[-1]
  const tLast = nobs - tm; // T[nobs-1]
  for (let i = 1; i <= p; i++) {
    const a = d[off - i]!;
    const b = d[off + nobs - i]!;
    S[i] = S[i - 1]! + a - b;
    LD[i] = LD[i - 1]! + lFirst * a - lLast * b + C[i * p1 + 1]!;
    if (trend) TD[i] = TD[i - 1]! + tFirst * a - tLast * b + S[i]!;
  }
  if (centre) {
    for (let i = 0; i <= p; i++) {
      const si = S[i]! / nobs;
      for (let j = 0; j <= i; j++) C[i * p1 + j] = C[i * p1 + j]! - si * S[j]!;
    }
  }
  return assemble({ C, LD, TD, LL, TT, TL }, p, trend, levelLast);
}

/**
 * normalEquations' last step: G and g in the regression's column order ([trend], level, lag 1..p,
 * or [trend], lag 1..p, level) from the raw cross-products C of the lags (response at 0), their
 * products LD / TD with the level and trend, and the level's and trend's own sums.
 */
function assemble(
  x: { C: Float64Array; LD: Float64Array; TD: Float64Array; LL: number; TT: number; TL: number },
  p: number,
  trend: boolean,
  levelLast: boolean,
): NormalEq {
  const { C, LD, TD, LL, TT, TL } = x;
  const p1 = p + 1;
  const m = (trend ? 1 : 0) + 1 + p;
  const G = scratchMin(8, m * m);
  const g = scratchMin(9, m);
  const lag0 = (trend ? 1 : 0) + (levelLast ? 0 : 1); // column of lag 1
  const lev = levelLast ? m - 1 : trend ? 1 : 0; // column of the level
  for (let a = 1; a <= p; a++) {
    const ca = lag0 + a - 1;
    for (let b = 1; b <= a; b++) G[ca * m + lag0 + b - 1] = C[a * p1 + b]!;
    g[ca] = C[a * p1]!;
  }
  if (levelLast) {
    for (let b = 1; b <= p; b++) G[lev * m + lag0 + b - 1] = LD[b]!;
  } else {
    for (let a = 1; a <= p; a++) G[(lag0 + a - 1) * m + lev] = LD[a]!;
  }
  G[lev * m + lev] = LL;
  g[lev] = LD[0]!;
  if (trend) {
    G[0] = TT;
    G[lev * m] = TL;
    for (let a = 1; a <= p; a++) G[(lag0 + a - 1) * m] = TD[a]!;
    g[0] = TD[0]!;
  }
  return { G, g, yy: C[0]!, m };
}

/**
 * Cholesky G = LLᵀ and w = L⁻¹g; SSR of the model with the first j columns = yy - Σ_{i<j} w_i².
 * Null unless accurate to ~1e-10: every pivot keeps >= 1e-4 of its column's sum of squares and
 * every SSR >= 1% of yy (otherwise the caller uses the Householder QR).
 */
function choleskyNested(ne: { G: Float64Array; g: Float64Array; yy: number; m: number }): { ssr: Float64Array; w: Float64Array } | null {
  const { G, g, yy, m } = ne;
  const w = scratchMin(10, m);
  for (let i = 0; i < m; i++) {
    const ri = i * m; // row i (row offsets hoisted and two partial sums: the inner loop is most of the time)
    for (let j = 0; j <= i; j++) {
      const rj = j * m;
      let v = G[ri + j]!;
      let v1 = 0;
      let q = 0;
      for (; q + 1 < j; q += 2) {
        v -= G[ri + q]! * G[rj + q]!;
        v1 += G[ri + q + 1]! * G[rj + q + 1]!;
      }
      if (q < j) v -= G[ri + q]! * G[rj + q]!;
      v -= v1;
      if (i === j) {
        if (!(v > 1e-4 * G[ri + i]!)) return null; // case: (nearly) collinear column
        G[ri + i] = Math.sqrt(v);
      } else G[ri + j] = v / G[rj + j]!;
    }
    let v = g[i]!;
    for (let q = 0; q < i; q++) v -= G[ri + q]! * w[q]!;
    w[i] = v / G[ri + i]!;
  }
  const ssr = scratchMin(11, m + 1);
  let acc = yy;
  ssr[0] = yy;
  for (let i = 0; i < m; i++) {
    acc -= w[i]! * w[i]!;
    if (!(acc >= 0.01 * yy)) return null; // case: a near-perfect fit: the subtraction would lose digits
    ssr[i + 1] = acc;
  }
  return { ssr, w };
}

/** Gaussian log-likelihood of an OLS fit with residual sum of squares `ssr` over `nobs` rows. */
function llf(ssr: number, nobs: number): number {
  return (-nobs / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / nobs) + 1);
}

/** Δs_t for the last `nobs` differences. */
function response(s: Float64Array, nobs: number): Float64Array {
  const n = s.length;
  const y = new Float64Array(nobs);
  const off = n - 1 - nobs; // first difference index used
  for (let r = 0; r < nobs; r++) y[r] = s[off + r + 1]! - s[off + r]!;
  return y;
}

/**
 * Regressors for rows r = 0..nobs-1 (difference index t = off + r, off = n-1-nobs):
 * const 1, trend r+1, level s_t, lag i = Δs_{t-i} = s_{t-i+1} - s_{t-i}.
 */
function design(s: Float64Array, nobs: number, lags: number, regression: AdfRegression, levelLast: boolean): Float64Array[] {
  const n = s.length;
  const off = n - 1 - nobs;
  const det: Float64Array[] = [];
  if (regression !== 'n') det.push(new Float64Array(nobs).fill(1));
  if (regression === 'ct') {
    const tr = new Float64Array(nobs);
    for (let r = 0; r < nobs; r++) tr[r] = r + 1;
    det.push(tr);
  }
  const level = new Float64Array(nobs);
  for (let r = 0; r < nobs; r++) level[r] = s[off + r]!;
  const lagCols: Float64Array[] = [];
  for (let i = 1; i <= lags; i++) {
    const c = new Float64Array(nobs);
    for (let r = 0; r < nobs; r++) c[r] = s[off + r - i + 1]! - s[off + r - i]!;
    lagCols.push(c);
  }
  return levelLast ? [...det, ...lagCols, level] : [...det, level, ...lagCols];
}
