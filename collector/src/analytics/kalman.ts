import { DEFAULT_ENTRY_Z, KALMAN_DEFAULT_DELTA, KALMAN_DEFAULT_VE } from '@quant-pairs/contract';
import type { AnalyticsPoint, Signal } from '../domain';
import { nextSignal, signalRuleProblem } from './signal';

export interface KalmanOptions {
  /** Random-walk rate of the state: Vw = delta/(1-delta)·I (default 1e-4, Chan). */
  delta?: number;
  /** Observation noise variance Ve (default 1e-3, Chan). */
  ve?: number;
  /** Points whose z-score (and signal) stays null while the filter converges from its zero start (default 30). */
  warmup?: number;
  entryZ?: number;
  exitZ?: number | null;
}

/** An AnalyticsPoint of the Kalman hedge, with the filter's own quantities. */
export interface KalmanPoint extends AnalyticsPoint {
  /** State after seeing this point (what the next point's prediction uses). */
  betaPosterior: number;
  alphaPosterior: number;
  /** Innovation variance Q = h·R·hᵀ + Ve. */
  q: number;
}

/**
 * Kalman-filter hedge ratio: the state θ = [beta, alpha] is a random walk
 * θ_t = θ_{t-1} + w_t, w ~ N(0, Vw), Vw = delta/(1-delta)·I, observed through
 * y_t = [x_t, 1]·θ_t + e_t, e ~ N(0, Ve). Per point: R = P + Vw (R = P = 0 at the first point),
 * ŷ = h·θ, Q = h·R·hᵀ + Ve, innovation e = y - ŷ, K = R·hᵀ/Q, θ += K·e, P = R - K·h·R.
 * The point's beta, alpha are the prior estimate the prediction used (no look-ahead), so
 * spread = y - (alpha + beta·x) is the innovation e, and zscore = e/√Q its normalised value
 * (null during `warmup`). spreadMean, the level z is measured from, is 0 wherever z is defined:
 * under the model the innovation's mean is exactly 0 (no rolling mean is estimated, so none is
 * reported), null during `warmup` like z. No correlation (null).
 * Reference: Chan, E. (2013), Algorithmic Trading, ch. 3, "Kalman filter as dynamic linear
 * regression" (delta 1e-4, Ve 1e-3, zero initial state and covariance).
 *
 * @example
 * const k = new KalmanHedge({ warmup: 0 });
 * k.push(0, 2, 3);  // first point: R = 0 so Q = Ve = 1e-3, e = 3, no update: { beta: 0, alpha: 0, spread: 3, zscore: 94.868…, ... }
 * k.push(1, 2, 3);  // R = Vw·I, vw = 1e-4/0.9999: Q = 5·vw + 1e-3, beta = 0 -> posterior beta = 2·vw·3/Q ≈ 0.4
 */
export class KalmanHedge {
  private readonly vw: number;
  /** The parameters in force (defaults applied). */
  readonly delta: number;
  readonly ve: number;
  private readonly warmup: number;
  private readonly entryZ: number;
  private readonly exitZ: number | null;
  private beta = 0;
  private alpha = 0;
  private p00 = 0;
  private p01 = 0;
  private p11 = 0;
  private count = 0;
  private signal: Signal | null = null;

  constructor(opts: KalmanOptions = {}) {
    const delta = opts.delta ?? KALMAN_DEFAULT_DELTA;
    const ve = opts.ve ?? KALMAN_DEFAULT_VE;
    if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
    if (!(ve > 0) || !Number.isFinite(ve)) throw new RangeError(`ve (observation noise) must be a positive number, got ${ve}`);
    const warmup = opts.warmup ?? 30;
    if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`warmup must be a non-negative integer, got ${warmup}`);
    const problem = signalRuleProblem(opts.entryZ ?? DEFAULT_ENTRY_Z, opts.exitZ ?? null);
    if (problem) throw new RangeError(problem);
    this.vw = delta / (1 - delta);
    this.delta = delta;
    this.ve = ve;
    this.warmup = warmup;
    this.entryZ = opts.entryZ ?? DEFAULT_ENTRY_Z;
    this.exitZ = opts.exitZ ?? null;
  }

  /**
   * An independent filter in the same state (parameters, estimates, covariance, points seen,
   * signal): pushing the same points into both gives the same values, bit for bit. The live
   * push runs the bar in progress on a copy, so the original stays at the last final bar.
   */
  clone(): KalmanHedge {
    const c = Object.create(KalmanHedge.prototype) as KalmanHedge;
    Object.assign(c, this);
    return c;
  }

  push(ts: number, x: number, y: number): KalmanPoint {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`x and y must be finite numbers, got x=${x} y=${y} at ts=${ts}`);
    // prediction: the state is a random walk (nothing is added before the first point)
    const add = this.count === 0 ? 0 : this.vw;
    const r00 = this.p00 + add;
    const r01 = this.p01;
    const r11 = this.p11 + add;
    const beta = this.beta;
    const alpha = this.alpha;
    const e = y - (alpha + beta * x);
    const rh0 = r00 * x + r01;
    const rh1 = r01 * x + r11;
    const q = x * rh0 + rh1 + this.ve;
    // update
    this.beta = beta + (rh0 / q) * e;
    this.alpha = alpha + (rh1 / q) * e;
    this.p00 = r00 - (rh0 * rh0) / q;
    this.p01 = r01 - (rh0 * rh1) / q;
    this.p11 = r11 - (rh1 * rh1) / q;
    this.count++;
    const zscore = this.count > this.warmup ? e / Math.sqrt(q) : null;
    this.signal = nextSignal(this.signal, zscore, this.entryZ, this.exitZ);
    return {
      ts,
      beta,
      alpha,
      spread: e,
      spreadMean: zscore === null ? null : 0,
      zscore,
      signal: this.signal,
      correlation: null,
      betaPosterior: this.beta,
      alphaPosterior: this.alpha,
      q,
    };
  }
}

/** Sums over the innovations t >= burn of one filter pass (see filterSums). */
export interface FilterSums {
  /** Σ ln Q_t */
  sumLogQ: number;
  /** Σ e_t²/Q_t */
  sumE2Q: number;
  /** innovations summed (n - burn) */
  nobs: number;
}

/**
 * One pass of KalmanHedge's filter (the same recursions, start and first-point rule) with the
 * state noise variance vw and observation noise ve given directly, keeping only what the
 * Gaussian log-likelihood needs. Allocates nothing but the result: the tuner runs it ~70 times.
 */
export function filterSums(x: ArrayLike<number>, y: ArrayLike<number>, vw: number, ve: number, burn: number): FilterSums {
  let beta = 0;
  let alpha = 0;
  let p00 = 0;
  let p01 = 0;
  let p11 = 0;
  let sumLogQ = 0;
  let sumE2Q = 0;
  const n = x.length;
  for (let t = 0; t < n; t++) {
    const add = t === 0 ? 0 : vw;
    const r00 = p00 + add;
    const r01 = p01;
    const r11 = p11 + add;
    const xt = x[t]!;
    const e = y[t]! - (alpha + beta * xt);
    const rh0 = r00 * xt + r01;
    const rh1 = r01 * xt + r11;
    const q = xt * rh0 + rh1 + ve;
    const k0 = rh0 / q;
    const k1 = rh1 / q;
    beta += k0 * e;
    alpha += k1 * e;
    p00 = r00 - k0 * rh0;
    p01 = r01 - k0 * rh1;
    p11 = r11 - k1 * rh1;
    if (t >= burn) {
      sumLogQ += Math.log(q);
      sumE2Q += (e * e) / q;
    }
  }
  return { sumLogQ, sumE2Q, nobs: Math.max(0, n - burn) };
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The Kalman hedge's log-likelihood: the innovations' Gaussian log-likelihood (prediction-error
 * decomposition) ln L = -½ Σ_{t >= burn} (ln 2π + ln Q_t + e_t²/Q_t), with e_t, Q_t exactly as
 * KalmanHedge computes them (zero initial state and covariance). `burn` innovations are left
 * out, as statsmodels' `loglikelihood_burn`: the first two (burn = 2, what the tuner uses) are
 * predictions from the zero start, e_0 = y_0 with Q_0 = Ve, whatever the data.
 * Reference: Harvey, A. (1989), Forecasting, Structural Time Series Models and the Kalman
 * Filter, §3.4 (prediction-error decomposition); Durbin & Koopman (2012), §7.2. Equal to
 * statsmodels' MLEModel of the same model (test/analytics/kalmanStatsmodels.test.ts).
 *
 * @example
 * // x = [2, 2], y = [3, 3], delta 1e-4, ve 1e-3, burn 0: Q_0 = 1e-3, e_0 = 3;
 * // Q_1 = 5·vw + 1e-3 (vw = 1e-4/0.9999), e_1 = 3:
 * kalmanLogLikelihood([2, 2], [3, 3]); // => { logLik: -0.5·(2 ln 2π + ln 1e-3 + 9/1e-3 + ln Q_1 + 9/Q_1) = -7495.03…, nobs: 2 }
 */
export function kalmanLogLikelihood(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: { delta?: number; ve?: number; burn?: number } = {},
): { logLik: number; nobs: number } {
  const delta = opts.delta ?? KALMAN_DEFAULT_DELTA;
  const ve = opts.ve ?? KALMAN_DEFAULT_VE;
  const burn = opts.burn ?? 0;
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
  if (!(ve > 0) || !Number.isFinite(ve)) throw new RangeError(`ve (observation noise) must be a positive number, got ${ve}`);
  if (!Number.isInteger(burn) || burn < 0) throw new RangeError(`burn must be a non-negative integer, got ${burn}`);
  if (x.length !== y.length) throw new RangeError(`x and y must have the same length, got ${x.length} and ${y.length}`);
  const s = filterSums(x, y, delta / (1 - delta), ve, burn);
  return { logLik: -0.5 * (s.nobs * LOG_2PI + s.sumLogQ + s.sumE2Q), nobs: s.nobs };
}

/** Runs the Kalman hedge over aligned series (see KalmanHedge). */
export function kalmanSeries(input: { ts: number[]; x: number[]; y: number[] } & KalmanOptions): KalmanPoint[] {
  const { ts, x, y } = input;
  if (x.length !== y.length || ts.length !== x.length)
    throw new RangeError(`ts, x and y must have the same length, got ${ts.length}, ${x.length} and ${y.length}`);
  const k = new KalmanHedge(input);
  // push, not new Array(n): a pre-sized array of 100k elements is a slow dictionary in V8
  const out: KalmanPoint[] = [];
  for (let i = 0; i < x.length; i++) out.push(k.push(ts[i]!, x[i]!, y[i]!));
  return out;
}
