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
  // x = s[t-1], y = Δs[t] for t = 1..n-1, without copying either: mean of x summed, mean of y
  // telescoped to (s[n-1] - s[0]) / (n-1); then one centred pass (two-pass OLS)
  const m = n - 1;
  let sx = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = series[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return { error: `series[${i}] is not a finite number` };
    if (i < m) {
      sx += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === hi) return { error: 'series is constant: the half-life is undefined' };
  let mx = sx / m;
  const my = (series[m]! - series[0]!) / m;
  let cx = 0;
  let sxx = 0;
  let sxy = 0;
  let prev = series[0]!;
  for (let t = 1; t < n; t++) {
    const cur = series[t]!;
    const dx = prev - mx;
    const dy = cur - prev - my;
    cx += dx;
    sxx += dx * dx;
    sxy += dx * dy;
    prev = cur;
  }
  // the centred sums are exact to first order in the rounding of mx (Σ dy = 0); alpha takes the corrected mean
  mx += cx / m;
  const b = sxy / sxx;
  return { a: my - b * mx, b, halfLife: b < 0 ? -Math.LN2 / b : null };
}
