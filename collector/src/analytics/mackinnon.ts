import { normalCdf } from './normalCdf';
import { MACKINNON_TABLES as T } from './tables/mackinnonTables';

/** Deterministic terms of a unit-root regression: none, constant, constant + trend, + quadratic trend. */
export type Regression = 'n' | 'c' | 'ct' | 'ctt';

export interface CriticalValues {
  '1%': number;
  '5%': number;
  '10%': number;
}

/**
 * MacKinnon (1994) approximate asymptotic p-value of a unit-root (N = 1) or Engle-Granger
 * cointegration (N series) t-statistic, as statsmodels' `mackinnonp`:
 * p = Φ(Σ c_i·stat^i) with the small-p polynomial when stat <= tau_star and the large-p one
 * otherwise; 0 below tau_min, 1 above tau_max. Does not depend on the sample size.
 * Reference: MacKinnon, J.G. (1994), JBES 12, 167-176; coefficients from mackinnon.json.
 *
 * @example
 * mackinnonp(-2.8621, 'c', 1); // => 0.04993… (-2.8621 is about the asymptotic 5% critical value with a constant)
 */
export function mackinnonp(stat: number, regression: Regression, n: number): number {
  const i = n - 1;
  if (stat > T.tau_maxs[regression][i]!) return 1;
  if (stat < T.tau_mins[regression][i]!) return 0;
  const coef = stat <= T.tau_stars[regression][i]! ? T.tau_smallps[regression][i]! : T.tau_largeps[regression][i]!;
  let poly = 0;
  for (let k = coef.length - 1; k >= 0; k--) poly = poly * stat + coef[k]!;
  return normalCdf(poly);
}

/**
 * MacKinnon (2010) finite-sample critical values at 1%, 5%, 10%, as statsmodels' `mackinnoncrit`:
 * crit = tau_inf + b1/T + b2/T² + b3/T³ with T = nobs (rows of the final regression).
 * Reference: MacKinnon, J.G. (2010), Queen's Economics Department WP 1227, table 1.
 *
 * @example
 * mackinnoncrit(1, 'c', 1069)['5%']; // => -2.864247479652846 (statsmodels 0.13.5)
 */
export function mackinnoncrit(n: number, regression: Regression, nobs: number): CriticalValues {
  const rows = T.tau_2010s[regression][n - 1]!;
  const at = (level: number) => {
    const [t0, b1, b2, b3] = rows[level]! as readonly number[];
    const u = 1 / nobs;
    return t0! + u * (b1! + u * (b2! + u * b3!));
  };
  return { '1%': at(0), '5%': at(1), '10%': at(2) };
}
