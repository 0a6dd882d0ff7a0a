import { adfStatistic, type Autolag } from './adf';
import { mackinnoncrit, mackinnonp, type CriticalValues } from './mackinnon';
import { olsLine } from './ols';

export interface CointResult {
  /** ADF t-statistic of the cointegrating regression's residuals. */
  stat: number;
  /** MacKinnon (1994) p-value for N = 2 series. */
  pvalue: number;
  /** MacKinnon (2010) critical values for N = 2 at nobs = n - 1. */
  crit: CriticalValues;
  /** Lags used by the residual ADF. */
  usedlag: number;
  /** The cointegrating regression y = alpha + beta·x. */
  beta: number;
  alpha: number;
}

export interface CointOptions {
  /** Lag selection of the residual ADF (default 'AIC'), null for a fixed `maxlag`. */
  autolag?: Autolag | null;
  maxlag?: number;
}

/** statsmodels' collinearity threshold: R² >= 1 - 100·sqrt(ε) makes the test unreliable. */
const COLLINEAR_R2 = 1 - 100 * Math.sqrt(2.220446049250313e-16);

/** True when a fit with this SSR of y's total sum of squares is (almost) perfect by statsmodels' rule: its residuals are rounding. */
export const collinear = (ssr: number, tss: number): boolean => 1 - ssr / tss >= COLLINEAR_R2;

/**
 * Engle-Granger two-step cointegration test of y on x, as statsmodels 0.13.5 `coint(y, x)`
 * (trend 'c'): OLS y = alpha + beta·x, then an ADF test without deterministic terms
 * (regression 'n', autolag AIC by default) on the residuals; the p-value comes from
 * MacKinnon (1994) with the constant tables for N = 2 series, and the critical values from
 * MacKinnon (2010), N = 2, at nobs = n - 1 (statsmodels: "to match egranger in Stata").
 * This is the right test of "is this pair cointegrated"; the ADF of a rolling spread is biased
 * towards stationarity (test/fixtures/oracle/README.md, caveats).
 * Returns `{ error }` for unequal lengths, non-finite values, a constant series, an (almost)
 * perfect fit (statsmodels returns stat -inf, p 0 there, with a CollinearityWarning), or a series
 * too short for the residual ADF.
 * Reference: Engle & Granger (1987), Econometrica 55; MacKinnon (2010).
 *
 * @example
 * // oracle coint_s101_w30, coint.full: stat -7.098626739838497, pvalue 4.99e-09, crit 5% -3.341695339737258
 */
export function coint(y: readonly number[], x: readonly number[], opts: CointOptions = {}): CointResult | { error: string } {
  const n = y.length;
  if (x.length !== n) return { error: `y and x must have the same length, got ${n} and ${x.length}` };
  if (n < 3) return { error: `need at least 3 points for the cointegration test, got ${n}` };
  for (let i = 0; i < n; i++) {
    if (typeof y[i] !== 'number' || !Number.isFinite(y[i])) return { error: `y[${i}] is not a finite number` };
    if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) return { error: `x[${i}] is not a finite number` };
  }
  const fit = olsLine(x, y);
  if (!fit) return { error: 'degenerate: x is constant' };
  const resid = new Float64Array(n);
  for (let i = 0; i < n; i++) resid[i] = y[i]! - (fit.alpha + fit.beta * x[i]!);
  const eg = cointResidualTest(resid, fit.ssr, fit.tss, opts);
  if ('error' in eg) return eg;
  return {
    ...eg,
    beta: fit.beta,
    alpha: fit.alpha,
  };
}

/**
 * The Engle-Granger test's second step, shared by `coint` and the pair scanner: given the
 * residuals of the cointegrating regression y = alpha + beta·x (and its SSR and y's total sum of
 * squares, for statsmodels' collinearity rule), the residual ADF (regression 'n') and the N = 2
 * MacKinnon p-value and critical values; `diffLagProducts` as `adfuller`'s. `{ error }` as `coint`.
 */
export function cointResidualTest(
  resid: ArrayLike<number>,
  ssr: number,
  tss: number,
  opts: CointOptions = {},
  diffLagProducts?: ArrayLike<number>,
): Omit<CointResult, 'beta' | 'alpha'> | { error: string } {
  if (!(tss > 0)) return { error: 'degenerate: y is constant' };
  if (collinear(ssr, tss)) return { error: 'y and x are (almost) perfectly collinear: the cointegration test is not reliable' };
  const adf = adfStatistic(resid, { regression: 'n', autolag: opts.autolag === undefined ? 'AIC' : opts.autolag, maxlag: opts.maxlag }, diffLagProducts);
  if ('error' in adf) return { error: `residual ADF: ${adf.error}` };
  return { stat: adf.stat, pvalue: mackinnonp(adf.stat, 'c', 2), crit: mackinnoncrit(2, 'c', resid.length - 1), usedlag: adf.usedlag };
}
