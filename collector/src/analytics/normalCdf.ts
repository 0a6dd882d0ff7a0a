/**
 * Standard normal distribution function Φ(x) = P(Z <= x) = erfc(-x/√2)/2, to ~1e-15 relative,
 * including the far tails (Φ(-10) = 7.6e-24, not 0).
 *
 * Method: for |x| <= 2 the Taylor series of erf (Abramowitz & Stegun 7.1.5); beyond, the
 * continued fraction of erfc (A&S 7.1.14), evaluated backwards from a fixed depth. No fitted
 * coefficients are involved. Reference: https://dlmf.nist.gov/7.9 (7.9.2 and 7.9.3).
 *
 * @example
 * normalCdf(0);     // => 0.5
 * normalCdf(-1.96); // => 0.0249978951482206 (scipy.stats.norm.cdf(-1.96) = 0.024997895148220435)
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  if (Math.abs(x) <= 2) return 0.5 + 0.5 * erfSeries(x / Math.SQRT2);
  const tail = 0.5 * erfcContinuedFraction(Math.abs(x) / Math.SQRT2);
  return x < 0 ? tail : 1 - tail;
}

/** erf(z) = 2/√π Σ (-1)^n z^(2n+1) / (n! (2n+1)), for |z| <= √2 (terms shrink below ε·result). */
function erfSeries(z: number): number {
  const z2 = z * z;
  let term = z; // (-1)^n z^(2n+1) / n!
  let sum = z;
  for (let n = 1; n < 200; n++) {
    term *= -z2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** erfc(z) = e^{-z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + …))))), z >= √2 (200 terms: converged to ε there). */
function erfcContinuedFraction(z: number): number {
  let t = z;
  for (let k = 200; k >= 1; k--) t = z + k / 2 / t;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / t;
}
