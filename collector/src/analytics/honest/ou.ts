/**
 * Ornstein-Uhlenbeck fit of a spread and Bertram's (2010) optimal symmetric trading band.
 *
 * Model: dX = θ(μ - X) dt + σ dW, observed every dt. Its exact transition is the AR(1)
 * X_{t+1} = c + b·X_t + e, e ~ N(0, v), with b = e^{-θ dt}, c = μ(1 - b), v = σ²(1 - b²)/(2θ);
 * (θ, μ, σ) -> (b, c, v) is one-to-one, so the exact maximum-likelihood estimate (conditional on
 * the first point) is the OLS of X_{t+1} on [1, X_t] with v = RSS / (n - 1), mapped back:
 * θ = -ln b / dt, μ = c / (1 - b), σ = √(2θ v / (1 - b²)); half-life = ln 2 / θ in units of dt,
 * ln 2 / (θ dt) in bars. Needs 0 < b < 1 (mean reversion), otherwise no fit (null).
 *
 * Band (W. K. Bertram, "Analytic solutions for optimal statistical arbitrage trading", Physica A
 * 389(11), 2010): a cycle enters at level A, exits at M and waits to return to A; its expected
 * length (eq. 9) is E[T] = (π/θ)·(Erfi((M-μ)√θ/σ) - Erfi((A-μ)√θ/σ)) and the expected return per
 * unit time (eq. 5) is (M - A - c)/E[T], c the round-trip cost in the spread's units. For the
 * symmetric band A = μ - a, M = μ + a, the optimum (eq. 13) solves
 *   e^{k²a²}(2a - c) = (√π / k)·Erfi(k a),   k = √θ / σ.
 * Dividing by e^{k²a²} turns it into y - D(y) = k c / 2 with y = k a and D Dawson's function
 * (D(y) = (√π/2) e^{-y²} Erfi(y)), whose left side increases from 0: one root for every c > 0,
 * found by bisection to the last bit, with no overflow of e^{y²}.
 * Outputs: entryLong = μ - a, entryShort = μ + a (each exits at the other's level),
 * expectedTradeLength = E[T] = (2π/θ) Erfi(k a) in units of dt, expectedReturnRate = (2a - c)/E[T],
 * and the stationary sd σ/√(2θ) (a in z units = a / sd).
 *
 * Worked example: θ = 0.05, μ = 0, σ = 0.1 a bar (k = √0.05/0.1 = 2.236), c = 0.02 (k c / 2 =
 * 0.02236): y - D(y) = 0.02236 at y = 0.32709, so a = 0.14628, E[T] = 2π/0.05 · Erfi(0.32709)
 * = 48.088 bars and the rate (0.29256 - 0.02)/48.088 = 0.0056678 a bar (scipy's brentq on eq. 13
 * with special.erfi: a = 0.146277971035782).
 */

export interface OuFit {
  /** Speed of mean reversion, per unit of dt. */
  theta: number;
  mu: number;
  /** Diffusion, per √(unit of dt). */
  sigma: number;
  /** ln 2 / (θ dt), in bars. */
  halfLife: number;
}

export interface OuBand {
  /** Half-width of the band in the spread's units. */
  a: number;
  entryLong: number;
  entryShort: number;
  /** Expected return per unit of dt, net of the cost. */
  expectedReturnRate: number;
  /** Expected cycle length, in units of dt. */
  expectedTradeLength: number;
  /** σ / √(2θ). */
  stationarySd: number;
}

/**
 * Exact maximum-likelihood OU fit (see the header); null when the spread does not revert
 * (AR coefficient b not in (0, 1)).
 * @throws {RangeError} with fewer than 3 points, a non-finite point or dt not positive, naming it
 * @example
 * // pairs (1, .6) (.6, .5) (.5, .2) (.2, .3) (.3, .1): b = 0.206 / 0.388 = 0.5309, c = 0.0639
 * fitOu([1, 0.6, 0.5, 0.2, 0.3, 0.1]); // => { theta: 0.6331, mu: 0.1363, sigma: 0.1486, halfLife: 1.0948 }
 */
export function fitOu(spread: ArrayLike<number>, dt = 1): OuFit | null {
  const n = spread.length;
  if (n < 3) throw new RangeError(`spread must hold at least 3 points, got ${n}`);
  if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`dt must be a positive number, got ${String(dt)}`);
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(spread[i])) throw new RangeError(`spread[${i}] must be a finite number, got ${String(spread[i])}`);
    if (i < n - 1) sx += spread[i]!;
    if (i > 0) sy += spread[i]!;
  }
  const m = n - 1;
  const mx = sx / m;
  const my = sy / m;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < m; i++) {
    const dx = spread[i]! - mx;
    sxx += dx * dx;
    sxy += dx * (spread[i + 1]! - my);
  }
  if (!(sxx > 0)) return null;
  const b = sxy / sxx;
  if (!(b > 0 && b < 1)) return null;
  const c = my - b * mx;
  let rss = 0;
  for (let i = 0; i < m; i++) rss += (spread[i + 1]! - c - b * spread[i]!) ** 2;
  const v = rss / m;
  const theta = -Math.log(b) / dt;
  return { theta, mu: c / (1 - b), sigma: Math.sqrt((2 * theta * v) / (1 - b * b)), halfLife: Math.LN2 / (theta * dt) };
}

/**
 * Bertram's optimal symmetric band for round-trip cost `cost` (spread units), see the header.
 * @throws {RangeError} for a cost not positive, or theta / sigma not positive, naming it
 */
export function bertramBand(fit: { theta: number; mu: number; sigma: number }, cost: number): OuBand {
  if (!(cost > 0) || !Number.isFinite(cost)) throw new RangeError(`cost must be a positive number (the round trip in spread units), got ${String(cost)}`);
  if (!(fit.theta > 0) || !Number.isFinite(fit.theta)) throw new RangeError(`theta must be a positive number, got ${String(fit.theta)}`);
  if (!(fit.sigma > 0) || !Number.isFinite(fit.sigma)) throw new RangeError(`sigma must be a positive number, got ${String(fit.sigma)}`);
  const k = Math.sqrt(fit.theta) / fit.sigma;
  const target = (k * cost) / 2;
  // y - D(y) increases; y - D(y) > y - 1/(2y)·(1 + 1/y²) > target once y >= target + 1
  let lo = 0;
  let hi = target + 1;
  for (let i = 0; i < 200 && hi - lo > 0; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid === lo || mid === hi) break;
    if (mid - dawson(mid) < target) lo = mid;
    else hi = mid;
  }
  const y = lo + (hi - lo) / 2;
  const a = y / k;
  const length = ((2 * Math.PI) / fit.theta) * erfi(y);
  return {
    a,
    entryLong: fit.mu - a,
    entryShort: fit.mu + a,
    expectedReturnRate: (2 * a - cost) / length,
    expectedTradeLength: length,
    stationarySd: fit.sigma / Math.sqrt(2 * fit.theta),
  };
}

/** √π/2 · Erfi(y) = Σ y^{2n+1} / (n! (2n+1)): positive terms, no cancellation (|y| <= 6 here). */
function halfSqrtPiErfi(y: number): number {
  const y2 = y * y;
  let term = y; // y^{2n+1} / n!
  let sum = y;
  for (let n = 1; n < 500; n++) {
    term *= y2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (add < 1e-17 * sum) break;
  }
  return sum;
}

/**
 * Dawson's function D(y) = e^{-y²} ∫₀^y e^{t²} dt for y >= 0: the series above times e^{-y²} up
 * to 6, beyond it the asymptotic series 1/(2y)·Σ (2j-1)!!/(2y²)^j (DLMF 7.12.1 via 7.5.1), cut at
 * its smallest term (< 1e-17 there).
 */
function dawson(y: number): number {
  if (y <= 6) return Math.exp(-y * y) * halfSqrtPiErfi(y);
  const q = 1 / (2 * y * y);
  let term = 1;
  let sum = 1;
  for (let j = 1; j < 60; j++) {
    const next = term * (2 * j - 1) * q;
    if (next > term) break;
    term = next;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum / (2 * y);
}

/** Erfi(y) = 2/√π · e^{y²} D(y). */
function erfi(y: number): number {
  return y <= 6 ? (2 / Math.sqrt(Math.PI)) * halfSqrtPiErfi(y) : (2 / Math.sqrt(Math.PI)) * Math.exp(y * y) * dawson(y);
}
