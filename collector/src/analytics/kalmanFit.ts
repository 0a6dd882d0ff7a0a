import { brentMinimize } from './brent';
import { filterSums } from './kalman';

export interface KalmanFitOptions {
  /**
   * Innovations left out of the likelihood (statsmodels' `loglikelihood_burn`, default 2): the
   * first two are predictions from the zero start (e_0 = y_0 whatever the data), which would
   * otherwise set Ve to y_0²/n on prices far from 0.
   */
  burn?: number;
  /** Bounds of the signal-to-noise ratio Vw/Ve searched (default [1e-14, 1e6]). */
  ratioBounds?: readonly [number, number];
}

export interface KalmanFit {
  /** Fitted delta: Vw = delta/(1-delta)·I, the KalmanHedge parameter. */
  delta: number;
  /** Fitted observation noise variance Ve. */
  ve: number;
  /** Vw/Ve, the one parameter searched (the scale is concentrated out). */
  ratio: number;
  /** The maximised log-likelihood (kalmanLogLikelihood at delta, ve, burn). */
  logLik: number;
  /** Innovations in the likelihood (n - burn). */
  nobs: number;
  /** Brent met its tolerance and the optimum is inside the ratio bounds. */
  converged: boolean;
  /** The best ratio is at a bound of ratioBounds (the likelihood still rises beyond it). */
  atBound: boolean;
  /** Filter passes run (grid + Brent). */
  evaluations: number;
}

const LOG_2PI = Math.log(2 * Math.PI);
/** Grid step of the scan for the bracket, in ln(ratio): half a decade. */
const GRID_STEP = Math.LN10 / 2;

/**
 * Maximum-likelihood delta and Ve of the Kalman hedge (kalman.ts: zero initial state and
 * covariance, Vw = delta/(1-delta)·I) over a training span.
 * The zero start makes the filter scale-equivariant: with (Vw, Ve) = (ρσ², σ²) every innovation
 * e_t is the same as with (ρ, 1) and every variance Q_t = σ²·Q*_t. So σ² is concentrated out,
 * σ̂²(ρ) = Σ e_t²/Q*_t / m, leaving the profile log-likelihood
 *   ℓ(ρ) = -m/2·(ln 2π + 1 + ln σ̂²(ρ)) - ½ Σ ln Q*_t   (t >= burn, m = n - burn),
 * a function of one variable: a half-decade grid over ratioBounds brackets the best ρ, Brent's
 * method (brent.ts) polishes ln ρ. Then Ve = σ̂², Vw = ρ·σ̂², delta = Vw/(1+Vw).
 * Reference: Harvey, A. (1989), Forecasting, Structural Time Series Models and the Kalman Filter,
 * §3.4.2 (concentrating the scale out of the likelihood); statsmodels MLEModel.fit of the same
 * model reaches the same maximum (test/analytics/kalmanStatsmodels.test.ts).
 * Returns `{ error }` when the span is too short, holds a non-finite value or is fitted exactly.
 *
 * @example
 * // test/analytics/driftingPair.ts, 1,500 points (kalmanFit.test.ts), 55 filter passes each:
 * fitKalman(x, y); // near100: { delta: 6.408e-5, ve: 0.019566, logLik: -1597.853, converged: true } (Chan's 1e-4, 1e-3: -1656.101)
 * fitKalman(x, y); // btc:     { delta: 5.833e-10, ve: 0.0035877, logLik: -3235.204, converged: true } (Chan's: -11511.953)
 */
export function fitKalman(x: ArrayLike<number>, y: ArrayLike<number>, opts: KalmanFitOptions = {}): KalmanFit | { error: string } {
  const burn = opts.burn ?? 2;
  const [lo, hi] = opts.ratioBounds ?? [1e-14, 1e6];
  if (!Number.isInteger(burn) || burn < 0) throw new RangeError(`burn must be a non-negative integer, got ${burn}`);
  if (!(lo > 0 && hi > lo && Number.isFinite(hi))) throw new RangeError(`ratioBounds must be 0 < lo < hi, got [${lo}, ${hi}]`);
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x and y must have the same length, got ${n} and ${y.length}`);
  if (n < burn + 10) return { error: `need at least ${burn + 10} points to fit the Kalman hedge, got ${n}` };
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) return { error: `x[${i}] or y[${i}] is not a finite number` };
  }
  const m = n - burn;
  let evaluations = 0;
  // -ℓ(ρ) at u = ln ρ (NaN-free: σ̂² = 0 only when every innovation is 0, caught below)
  const negProfile = (u: number): number => {
    evaluations++;
    const s = filterSums(x, y, Math.exp(u), 1, burn);
    return 0.5 * (m * (LOG_2PI + 1 + Math.log(s.sumE2Q / m)) + s.sumLogQ);
  };
  const uLo = Math.log(lo);
  const uHi = Math.log(hi);
  const steps = Math.max(2, Math.ceil((uHi - uLo) / GRID_STEP));
  const grid: number[] = [];
  let best = 0;
  for (let i = 0; i <= steps; i++) {
    grid.push(negProfile(uLo + ((uHi - uLo) * i) / steps));
    if (!(grid[i]! >= grid[best]!)) best = i; // NaN never wins
  }
  if (!Number.isFinite(grid[best]!)) return { error: 'the filter fits the span exactly (every innovation is 0): nothing to estimate' };
  const at = (i: number) => uLo + ((uHi - uLo) * Math.max(0, Math.min(steps, i))) / steps;
  const r = brentMinimize(negProfile, at(best - 1), at(best + 1));
  const u = r.fx <= grid[best]! ? r.x : at(best);
  const ratio = Math.exp(u);
  const s = filterSums(x, y, ratio, 1, burn);
  const ve = s.sumE2Q / m;
  const vw = ratio * ve;
  const atBound = u - uLo < 1e-4 || uHi - u < 1e-4;
  return {
    delta: vw / (1 + vw),
    ve,
    ratio,
    logLik: -Math.min(r.fx, grid[best]!),
    nobs: m,
    converged: r.converged && !atBound,
    atBound,
    evaluations,
  };
}
