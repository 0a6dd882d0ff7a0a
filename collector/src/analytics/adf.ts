import { mackinnoncrit, mackinnonp, type CriticalValues } from './mackinnon';
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
 * MacKinnon (2010) at nobs. Least squares by Householder QR (one factorisation for all lags).
 *
 * Returns `{ error }` (never NaN) when the series is shorter than 3, has a non-finite value, is
 * constant, is too short for the regression, or the regression is singular.
 * Reference: Said & Dickey (1984), Biometrika 71; statsmodels.tsa.stattools.adfuller.
 *
 * @example
 * // oracle case coint_s101_w30, adf.full_spread.c_aic (statsmodels 0.13.5):
 * // stat -9.997452597463617, pvalue 1.92e-17, usedlag 1, nobs 1069, icbest 5295.79, maxlag 22
 */
export function adfuller(series: readonly number[], opts: AdfOptions = {}): AdfResult | { error: string } {
  const regression = opts.regression ?? 'c';
  const autolag = opts.autolag === undefined ? 'AIC' : opts.autolag;
  const n = series.length;
  if (regression !== 'n' && regression !== 'c' && regression !== 'ct') return { error: `regression must be n, c or ct, got ${String(regression)}` };
  if (autolag !== null && autolag !== 'AIC' && autolag !== 'BIC' && autolag !== 't-stat') return { error: `autolag must be AIC, BIC, t-stat or null, got ${String(autolag)}` };
  if (n < 3) return { error: `series too short: ${n} points, the ADF test needs at least 3` };
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = series[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) return { error: `series[${i}] is not a finite number` };
    if (v < lo) lo = v;
    if (v > hi) hi = v;
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

  let usedlag = maxlag;
  let icbest: number | null = null;
  if (autolag !== null) {
    const nobs = n - 1 - maxlag;
    const k = ntrend + 1 + maxlag;
    if (nobs <= k) return { error: `series too short (${n} points) for a lag search up to ${maxlag}` };
    // columns [const, trend, level, lag 1..maxlag] so that each lag's model is a prefix
    const fit = householderLs(design(series, nobs, maxlag, regression, false), response(series, nobs));
    if (!fit.fullRank) return { error: 'singular ADF regression (collinear lags)' };
    const startlag = ntrend + 1;
    let bestlag = 0;
    if (autolag === 't-stat') {
      bestlag = maxlag;
      for (let lag = maxlag; lag >= 0; lag--) {
        const j = startlag + lag;
        const sigma = Math.sqrt(fit.ssr[j]! / (nobs - j));
        const t = Math.abs(fit.z[j - 1]! / sigma);
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
  // columns [const, trend, lag 1..usedlag, level]: the level last, so its t-value is z_k / σ
  const fit = householderLs(design(series, nobs, usedlag, regression, true), response(series, nobs));
  if (!fit.fullRank) return { error: 'singular ADF regression' };
  const sigma = Math.sqrt(fit.ssr[k]! / (nobs - k));
  const stat = (Math.sign(fit.rdiag[k - 1]!) * fit.z[k - 1]!) / sigma;
  if (!Number.isFinite(stat)) return { error: 'ADF statistic is undefined (perfect fit)' };
  return {
    stat,
    pvalue: mackinnonp(stat, regression, 1),
    usedlag,
    nobs,
    crit: mackinnoncrit(1, regression, nobs),
    icbest,
    maxlag,
  };
}

/** Gaussian log-likelihood of an OLS fit with residual sum of squares `ssr` over `nobs` rows. */
export function llf(ssr: number, nobs: number): number {
  return (-nobs / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / nobs) + 1);
}

/** Δs_t for the last `nobs` differences. */
function response(s: readonly number[], nobs: number): Float64Array {
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
function design(s: readonly number[], nobs: number, lags: number, regression: AdfRegression, levelLast: boolean): Float64Array[] {
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
