import { lagProductsAll } from '../lagDots';

/** Largest lag of the Hurst regression (ArbitrageLab's and the usual `max_lags` default). */
export const HURST_MAX_LAG = 100;

/**
 * Hurst exponent of a series from the scaling of its increments: for lags τ = 2..min(maxLag,
 * ⌊n/2⌋) (both ends included), σ(τ) = std(s[t+τ] - s[t], ddof 0) over t = 0..n-τ-1, and H = the
 * least-squares slope of ln σ(τ) on ln τ. A random walk has σ(τ) ∝ τ^½ (H ≈ 0.5), a
 * mean-reverting spread has σ(τ) flattening out (H < 0.5), a trending one H > 0.5.
 * Null when fewer than 2 lags exist (n < 6), a value is not finite, or some σ(τ) is 0 (ln 0).
 *
 * Speed: Σ_t (s[t+τ] - s[t])² = Σ s[τ..n)² + Σ s[0..n-τ)² - 2·Σ s[t+τ]·s[t], the first two from
 * prefix sums of the centred series and the cross sums from `lagProductsAll` (eight lags a pass), so each
 * lag costs about one multiply-add per point (the pair scanner gets them from an FFT instead:
 * `hurstFromLagProducts`); Σ_t (s[t+τ] - s[t]) telescopes to prefix sums. Where that identity
 * cancels more than 4 digits (increments tiny against the level) the lag is summed directly, so
 * the result stays within ~1e-10 of the two-pass definition (test/analytics/scan.test.ts).
 * Reference: Hurst (1951); the variance-of-increments estimator as ArbitrageLab's
 * `get_hurst_exponent` (which uses range(2, max_lags), i.e. without the last lag, and ln √σ·2).
 *
 * @example
 * hurst([0, 1, 0, 1, 0, 1, 0, 1]); // τ = 2, 3, 4: σ = 0, ... -> null (σ(2) = 0)
 * hurst(randomWalk(10_000));        // ≈ 0.5
 */
export function hurst(series: ArrayLike<number>, maxLag: number = HURST_MAX_LAG): number | null {
  const n = series.length;
  const last = Math.min(maxLag, Math.floor(n / 2));
  if (last < 3) return null;
  const s = scratch(0, n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = series[i]!;
    if (!Number.isFinite(v)) return null;
    m += v;
  }
  m /= n;
  for (let i = 0; i < n; i++) s[i] = series[i]! - m;
  // cross[τ] = Σ_{t < n-τ} s[t]·s[t+τ]
  const cross = scratch(3, last + 1);
  lagProductsAll(s, n, 2, last - 1, cross, 2);
  return hurstFromLagProducts(s, n, cross, maxLag);
}

/**
 * `hurst` of s[0..n) given its lag products cross[τ] = Σ_{t < n-τ} s[t]·s[t+τ] for τ = 2..min(maxLag,
 * ⌊n/2⌋) (the pair scanner has them from an FFT; `hurst` sums them), each within `crossError`
 * (0 for exact sums; the scanner passes its FFT's bound, `lagProductError`).
 * s should be centred (or nearly): the identity below cancels more the further its mean is from 0.
 * Σ_t (s[t+τ] - s[t])² = Σ s[τ..n)² + Σ s[0..n-τ)² - 2·cross[τ] and Σ_t (s[t+τ] - s[t]) from prefix
 * sums; a lag where that cancels more than 4 digits, or where cross's error could move the
 * variance by more than 1e-9 of itself, is summed directly.
 */
export function hurstFromLagProducts(s: Float64Array, n: number, cross: ArrayLike<number>, maxLag: number = HURST_MAX_LAG, crossError = 0): number | null {
  const last = Math.min(maxLag, Math.floor(n / 2));
  if (last < 3) return null;
  // P[k] = Σ_{t<k} s[t], Q[k] = Σ_{t<k} s[t]²
  const P = scratch(1, n + 1);
  const Q = scratch(2, n + 1);
  P[0] = 0;
  Q[0] = 0;
  for (let i = 0; i < n; i++) {
    const v = s[i]!;
    if (!Number.isFinite(v)) return null;
    P[i + 1] = P[i]! + v;
    Q[i + 1] = Q[i]! + v * v;
  }
  // least-squares slope of y = ln σ on x = ln τ: Σ (x - x̄)·y / Σ (x - x̄)², the x side tabled once
  const w = slopeWeights(last);
  let slope = 0;
  for (let tau = 2; tau <= last; tau++) {
    const len = n - tau;
    const sum = P[n]! - P[tau]! - P[len]!;
    const sq = Q[n]! - Q[tau]! + Q[len]!;
    const ss = sq - 2 * cross[tau]!;
    const mean = sum / len;
    let v = ss / len - mean * mean;
    // the identity lost > 4 digits, or the lag products' error is not far enough below the variance
    if (!(v > 1e-4 * (sq / len)) || !(2 * crossError <= 1e-9 * v * len)) v = directVariance(s, tau, len);
    if (!(v > 0)) return null;
    slope += w[tau]! * Math.log(v); // ln σ = ½·ln v, the ½ is in w
  }
  return slope;
}

/** w[τ] = ½·(ln τ - mean ln τ) / Σ (ln τ - mean ln τ)² over τ = 2..last (two-pass), for the last `last` asked. */
let weights = { last: -1, w: new Float64Array(0) };
function slopeWeights(last: number): Float64Array {
  if (weights.last === last) return weights.w;
  const w = new Float64Array(last + 1);
  let mx = 0;
  for (let tau = 2; tau <= last; tau++) mx += Math.log(tau);
  mx /= last - 1;
  let sxx = 0;
  for (let tau = 2; tau <= last; tau++) sxx += (Math.log(tau) - mx) ** 2;
  for (let tau = 2; tau <= last; tau++) w[tau] = (0.5 * (Math.log(tau) - mx)) / sxx;
  weights = { last, w };
  return w;
}

/** Population variance of s[t+tau] - s[t], t < len, two-pass. */
function directVariance(s: Float64Array, tau: number, len: number): number {
  let m = 0;
  for (let t = 0; t < len; t++) m += s[t + tau]! - s[t]!;
  m /= len;
  let v = 0;
  for (let t = 0; t < len; t++) {
    const d = s[t + tau]! - s[t]! - m;
    v += d * d;
  }
  return v / len;
}

/** Scratch arrays reused across calls (hurst never re-enters itself; none escapes). */
const buffers: Float64Array[] = [];
function scratch(slot: number, len: number): Float64Array {
  let a = buffers[slot];
  if (a === undefined || a.length < len) buffers[slot] = a = new Float64Array(len);
  return a;
}
