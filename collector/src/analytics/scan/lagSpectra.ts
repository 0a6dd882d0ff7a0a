/**
 * The pair scanner's shared spectra: each leg centred and Fourier-transformed once at unit norm,
 * then per pair one transform for the lag products of both its Engle-Granger residuals, with a
 * bound on their rounding error that decides, per residual, whether the scanner may use them or
 * must sum directly. Reference: the Wiener-Khinchin theorem (autocovariance = inverse transform of
 * the power spectrum), zero-padded to avoid circular wrap (Press et al., Numerical Recipes §13.2).
 */
import { fftBitReversed, fftPlan, type FftPlan } from '../fft';
import { lagProductsAll } from '../lagDots';
import { HURST_MAX_LAG } from './hurst';

/** A symbol's trailing window, centred once for all its pairs. */
export interface Leg {
  /** v - mean(v), two-pass. */
  c: Float64Array;
  mean: number;
  /** Σ c², 0 for a constant window. */
  ss: number;
  /**
   * DFT of c / √ss (unit norm; 0 for a constant window) zero-padded to the scan's FFT size N,
   * bins k = 0..N/2 (the rest are their conjugates). Unit norm puts every leg, BTC near 1e5 and
   * PEPE near 1e-5 alike, on one scale, so that one transform can carry two residuals' spectra.
   */
  fr: Float64Array;
  fi: Float64Array;
}

export function leg(values: ArrayLike<number>, window: number, spectra: Spectra): Leg {
  const off = values.length - window;
  const c = new Float64Array(window);
  let m = 0;
  for (let i = 0; i < window; i++) m += values[off + i]!;
  m /= window;
  let corr = 0;
  for (let i = 0; i < window; i++) corr += values[off + i]! - m;
  m += corr / window;
  let lo = Infinity;
  let hi = -Infinity;
  let ss = 0;
  for (let i = 0; i < window; i++) {
    const v = values[off + i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    const d = v - m;
    c[i] = d;
    ss += d * d;
  }
  if (lo === hi) ss = 0;
  const { plan, zr, zi } = spectra;
  const N = plan.n;
  zr.fill(0);
  zi.fill(0);
  const unit = ss > 0 ? 1 / Math.sqrt(ss) : 0;
  for (let i = 0; i < window; i++) zr[plan.rev[i]!] = c[i]! * unit;
  fftBitReversed(plan, zr, zi);
  return { c, mean: m, ss, fr: zr.slice(0, N / 2 + 1), fi: zi.slice(0, N / 2 + 1) };
}

/**
 * What a scan shares across its pairs for the lag products of their spreads (one FFT a pair
 * instead of ~120 lagged dot products, for Hurst's lags 2..100 and both ADF lag searches):
 * the transform plan of size N = the power of two >= the window, its work arrays, and the
 * autocovariances of the pair's two residual series.
 */
export interface Spectra {
  plan: FftPlan;
  zr: Float64Array;
  zi: Float64Array;
  /** Largest lag needed: Hurst's last lag, and the ADF search's maxlag + 1 (see diffLagProducts). */
  lags: number;
  /** Lagged products Σ_t e[t]·e[t+τ], τ = 0..lags, of the forward and the reverse residuals. */
  fwd: Float64Array;
  rev: Float64Array;
  /** The ADF's lag products of a residual's differences (`diffLagProducts`), lags 0..adfMaxlag. */
  diff: Float64Array;
  /** statsmodels' default maxlag of the residual ADF at this window. */
  adfMaxlag: number;
  /** `unwrap`'s products. */
  wrap: Float64Array;
}

export function spectra(window: number): Spectra {
  let N = 1;
  while (N < window) N *= 2;
  // statsmodels' default maxlag for the residual ADF (regression 'n', as adfuller)
  const adfMaxlag = Math.min(Math.floor(window / 2) - 1, Math.ceil(12 * Math.pow(window / 100, 1 / 4)));
  const lags = Math.max(Math.min(HURST_MAX_LAG, Math.floor(window / 2)), adfMaxlag + 1);
  return {
    plan: fftPlan(N),
    zr: new Float64Array(N),
    zi: new Float64Array(N),
    lags,
    fwd: new Float64Array(lags + 1),
    rev: new Float64Array(lags + 1),
    diff: new Float64Array(Math.max(adfMaxlag + 1, 1)),
    adfMaxlag,
    wrap: new Float64Array(lags + 1),
  };
}

/**
 * Σ_t e[t]·e[t+τ] for τ = 0..lags of both residuals e = A - β·B (into `fwd`) and B - β'·A (into
 * `rev`), from the legs' unit-norm spectra: with uA = cA/√ssA, uB = cB/√ssB and ρ their
 * correlation, e = √ssA·(uA - ρ·uB) and e' = √ssB·(uB - ρ·uA), so the spectrum of each is that of
 * a unit-scale residual (linearity; the legs are centred, so are the residuals), whatever the legs'
 * price levels. Its power |·|² is real and even, so one complex transform of P_fwd + i·P_rev gives
 * both circular autocovariances (N·R on the real and imaginary sides), each then scaled back by
 * ssA or ssB. Both sides are of one size, (1 - ρ²)·N, so neither side's rounding swamps the other's
 * (as it did with unscaled legs: a PEPE residual 1e8 below an ETH one on the other side).
 * Only the first lags+1 outputs are kept; the window is zero-padded to N >= n, so circular lag τ
 * also holds lag N - τ where that is < n: the few products of that wrap are subtracted later
 * (`unwrap`), once the residual itself is at hand.
 */
export function lagProducts(A: Leg, B: Leg, rho: number, sp: Spectra): void {
  const { plan, zr, zi, lags } = sp;
  const N = plan.n;
  const half = N / 2;
  const rev = plan.rev;
  const ar = A.fr;
  const ai = A.fi;
  const br = B.fr;
  const bi = B.fi;
  for (let k = 0; k <= half; k++) {
    const xr = ar[k]!;
    const xi = ai[k]!;
    const yr = br[k]!;
    const yi = bi[k]!;
    const fr = xr - rho * yr;
    const fi = xi - rho * yi;
    const gr = yr - rho * xr;
    const gi = yi - rho * xi;
    const pf = fr * fr + fi * fi;
    const pr = gr * gr + gi * gi;
    const at = rev[k]!;
    zr[at] = pf;
    zi[at] = pr;
    if (k > 0 && k < half) {
      const mirror = rev[N - k]!;
      zr[mirror] = pf;
      zi[mirror] = pr;
    }
  }
  // Σ_k P_k·e^(-2πi·kτ/N) = Σ_k P_k·cos(2π·kτ/N) for an even P: the forward transform is the inverse's N times
  fftBitReversed(plan, zr, zi, lags + 1);
  const fwdScale = A.ss / N;
  const revScale = B.ss / N;
  for (let t = 0; t <= lags; t++) {
    sp.fwd[t] = zr[t]! * fwdScale;
    sp.rev[t] = zi[t]! * revScale;
  }
}

/**
 * A bound on the rounding error of `lagProducts`' R(τ) for a residual of regressand y: the
 * power spectrum (1 - ρ²)·N is a difference of two transforms, each off by ~ε·log₂N per unit of
 * norm, so R(τ) is off by ~ε·log₂N·(√(ssy·ssr) + ssr), ssr = Σ e² = (1 - ρ²)·ssy. The factor
 * LAG_PRODUCT_ERROR_FACTOR covers the constants with room: the largest error measured over
 * market-like universes at every price level was 1/32 of this bound (test/analytics/scanScale.test.ts).
 */
export function lagProductError(ssy: number, ssr: number, N: number): number {
  return LAG_PRODUCT_ERROR_FACTOR * EPS * Math.log2(N) * (Math.sqrt(ssy * ssr) + ssr);
}
const EPS = 2.220446049250313e-16;
const LAG_PRODUCT_ERROR_FACTOR = 32;

/**
 * Takes the wrapped-around lag N - τ (products of e's two ends, Σ_{t < n-l} e[t]·e[t+l] for
 * l = N - τ < n) out of circular lags τ = 1..upTo.
 */
export function unwrap(R: Float64Array, e: Float64Array, n: number, N: number, upTo: number, wrap: Float64Array): void {
  const from = Math.max(1, N - n + 1);
  if (from > upTo) return;
  const lo = N - upTo; // wrapped lags lo..N-from (< n)
  const count = N - from - lo + 1;
  lagProductsAll(e, n, lo, count, wrap);
  for (let tau = from; tau <= upTo; tau++) R[tau] = R[tau]! - wrap[N - tau - lo]!;
}

/**
 * The ADF's products of the differences d[u] = e[u+1] - e[u] (adfuller's diffLagProducts),
 * Σ_{u=i}^{n-2} d[u-i]·d[u] for i = 0..maxlag, from e's lag products R: expanding the product,
 * = 2R(i) - R(i-1) - R(i+1) + e[0]·(e[i-1] - e[i]) + e[n-1]·(e[n-i] - e[n-1-i]) for i >= 1 and
 * 2R(0) - 2R(1) - e[0]² - e[n-1]² for i = 0. The three R cancel to Σ d², so R's rounding
 * (`lagProductError`, `err`) reaches the products four times over: null (the ADF sums its
 * products itself) unless that stays below DIFF_PRODUCT_TOLERANCE of Σ d².
 */
export function diffLagProducts(R: Float64Array, e: Float64Array, n: number, maxlag: number, err: number, out: Float64Array): Float64Array | null {
  const first = e[0]!;
  const last = e[n - 1]!;
  const d0 = 2 * R[0]! - 2 * R[1]! - first * first - last * last;
  if (!(4 * err <= DIFF_PRODUCT_TOLERANCE * d0)) return null;
  out[0] = d0;
  for (let i = 1; i <= maxlag; i++) {
    out[i] = 2 * R[i]! - R[i - 1]! - R[i + 1]! + first * (e[i - 1]! - e[i]!) + last * (e[n - i]! - e[n - 1 - i]!);
  }
  return out;
}
/** Largest bound on the FFT's error in the difference products, relative to Σ d², that the ADF takes. */
const DIFF_PRODUCT_TOLERANCE = 1e-9;
