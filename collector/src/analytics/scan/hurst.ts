import { lagDots } from '../lagDots';

/** Largest lag of the Hurst regression (ArbitrageLab's and the usual `max_lags` default). */
const HURST_MAX_LAG = 100;

/**
 * Hurst exponent of a series from the scaling of its increments: for lags τ = 2..min(maxLag,
 * ⌊n/2⌋) (both ends included), σ(τ) = std(s[t+τ] - s[t], ddof 0) over t = 0..n-τ-1, and H = the
 * least-squares slope of ln σ(τ) on ln τ. A random walk has σ(τ) ∝ τ^½ (H ≈ 0.5), a
 * mean-reverting spread has σ(τ) flattening out (H < 0.5), a trending one H > 0.5.
 * Null when fewer than 2 lags exist (n < 6), a value is not finite, or some σ(τ) is 0 (ln 0).
 *
 * Speed: Σ_t (s[t+τ] - s[t])² = Σ s[τ..n)² + Σ s[0..n-τ)² - 2·Σ s[t+τ]·s[t], the first two from
 * prefix sums of the centred series and the cross sums from `lagDots` (four lags a pass), so each
 * lag costs about one multiply-add per point; Σ_t (s[t+τ] - s[t]) telescopes to prefix sums. Where that identity
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
  // P[k] = Σ_{t<k} s[t], Q[k] = Σ_{t<k} s[t]²
  const P = scratch(1, n + 1);
  const Q = scratch(2, n + 1);
  P[0] = 0;
  Q[0] = 0;
  for (let i = 0; i < n; i++) {
    P[i + 1] = P[i]! + s[i]!;
    Q[i + 1] = Q[i]! + s[i]! * s[i]!;
  }
  // cross[τ-2] = Σ_{t < n-τ} s[t]·s[t+τ], eight lags at a time over the later points u = t+τ from
  // the block's largest lag on, then the few u each smaller lag of the block has before that
  const cross = scratch(3, last - 1);
  for (let k0 = 2; k0 <= last; k0 += 8) {
    const top = Math.min(last, k0 + 7);
    lagDots(s, top, n, k0, top - k0 + 1, cross, k0 - 2);
    for (let tau = k0; tau < top; tau++) {
      let head = 0;
      for (let u = tau; u < top; u++) head += s[u - tau]! * s[u]!;
      cross[tau - 2] = cross[tau - 2]! + head;
    }
  }
  // least-squares slope of y = ln σ on x = ln τ, accumulated centred on the fly (Welford)
  let k = 0;
  let mx = 0;
  let my = 0;
  let sxx = 0;
  let sxy = 0;
  for (let tau = 2; tau <= last; tau++) {
    const len = n - tau;
    const sum = P[n]! - P[tau]! - P[len]!;
    const sq = Q[n]! - Q[tau]! + Q[len]!;
    const ss = sq - 2 * cross[tau - 2]!;
    const mean = sum / len;
    let v = ss / len - mean * mean;
    if (!(v > 1e-4 * (sq / len))) v = directVariance(s, tau, len); // the identity lost > 4 digits
    if (!(v > 0)) return null;
    const x = Math.log(tau);
    const y = 0.5 * Math.log(v);
    k++;
    const dx = x - mx;
    mx += dx / k;
    my += (y - my) / k;
    sxx += dx * (x - mx);
    sxy += dx * (y - my);
  }
  return sxy / sxx;
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
