import { olsLine } from './ols';

/**
 * Half-life of mean reversion of a spread: OLS Δs_t = a + b·s_{t-1} over t = 1..n-1, then
 * halfLife = -ln 2 / b when b < 0 (mean-reverting), else null (no reversion).
 * This is the continuous-time (Ornstein-Uhlenbeck) approximation the oracle stores; the exact
 * AR(1) value -ln 2 / ln(1 + b) is slightly smaller (b = -0.11: 6.28 vs 5.95). In the units of
 * the series' step (bars).
 * Returns `{ error }` with fewer than 3 points, a non-finite value or a constant series.
 * Reference: Chan, E. (2013), Algorithmic Trading, ch. 2 ("half-life of mean reversion").
 *
 * @example
 * // oracle coint_s101_w30, half_life.full_spread: a -0.00605, b -0.17019523835839234, halfLife 4.0726590664089874
 * halfLife([1, -1, 1, -1]); // => { a: 0, b: -2, halfLife: 0.34657… } (Δs = -2·s exactly)
 */
export function halfLife(series: ArrayLike<number>): { a: number; b: number; halfLife: number | null } | { error: string } {
  const n = series.length;
  if (n < 3) return { error: `need at least 3 points for the half-life, got ${n}` };
  for (let i = 0; i < n; i++) {
    if (typeof series[i] !== 'number' || !Number.isFinite(series[i])) return { error: `series[${i}] is not a finite number` };
  }
  const lagged = scratch(0, n - 1);
  const diff = scratch(1, n - 1);
  for (let t = 1; t < n; t++) {
    lagged[t - 1] = series[t - 1]!;
    diff[t - 1] = series[t]! - series[t - 1]!;
  }
  const fit = olsLine(lagged, diff);
  if (!fit) return { error: 'series is constant: the half-life is undefined' };
  const b = fit.beta;
  return { a: fit.alpha, b, halfLife: b < 0 ? -Math.LN2 / b : null };
}

/**
 * Views of length exactly `len` over buffers reused from call to call (the pair scanner calls
 * this 4,950 times a scan: two fresh arrays a call were a twelfth of its time, with the garbage
 * they made). Safe: halfLife does not re-enter itself and returns numbers only.
 */
const buffers: Float64Array[] = [];
function scratch(slot: number, len: number): Float64Array {
  let a = buffers[slot];
  if (a === undefined || a.length < len) buffers[slot] = a = new Float64Array(Math.max(len, 2 * (a?.length ?? 0)));
  return a.subarray(0, len);
}
