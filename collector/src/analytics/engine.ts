import { DEFAULT_ENTRY_Z } from '@quant-pairs/contract';
import type { AnalyticsPoint, Signal } from '../domain';
import { MovingCoMoments, type CoMomentsState } from './movingCoMoments';
import { MovingMoments, type MomentsState } from './movingMoments';
import { nextSignal, signalRuleProblem } from './signal';

/**
 * Streaming rolling-OLS pairs engine: for each new aligned point (x = hedge leg, y) it returns,
 * in O(1) amortised time, the trailing-window OLS of y on [1, x] (beta, alpha), the spread
 * y - (alpha + beta·x), the mean of the trailing `window` spreads (spreadMean, the level z is
 * measured from), the z-score of the spread over them, the signal and the rolling correlation
 * of x and y.
 *
 * Definitions (test/fixtures/oracle/README.md, which statsmodels/pandas/numpy values are checked against):
 *   beta[t] = Sxy/Sxx over x[t-w+1..t], y[t-w+1..t]; alpha[t] = ȳ - beta·x̄
 *   spread[t] = y[t] - (alpha[t] + beta[t]·x[t])
 *   spreadMean[t] = mean(S), S = spread[t-w+1..t]
 *   z[t] = (spread[t] - spreadMean[t]) / std(S, ddof)
 *   correlation[t] = Sxy / sqrt(Sxx·Syy) over the same window as the OLS
 * Null (never NaN) where undefined: t < w-1; x constant in the window (beta, alpha, spread,
 * correlation); y constant (correlation; beta is then exactly 0 and the spread exactly 0, so z
 * is null); any null spread in S (spreadMean, z, signal); S constant (z, signal; spreadMean
 * is then that constant). So the first beta is at t = w-1 and the first spreadMean and z at
 * t = 2w-2.
 * Constancy is detected exactly (a run of w identical values), not by a tolerance on Sxx.
 * z is also null when the spread window is rounding noise (y exactly linear in x, e.g. one leg
 * quoted from the other): a z of rounding noise would be a made-up number. The floor is the
 * rounding the spread computation can have, not a fraction of the price level:
 *   spread = fl(y - fl(α + fl(β·x))); each operation is off by at most u = ε/2 of its result,
 *   so (to first order) |error| <= u·(|β·x| + |α + β·x| + |spread|) <= 1.5·ε·M, with
 *   M = |y| + |α| + |β·x| (as |α + β·x| <= |α| + |β·x| and |spread| <= |y| + |α + β·x|).
 * α and β carry the moving sums' rounding as well (see MovingCoMoments), which moves the
 * spreads of an exact fit by δα + δβ·x. The std of w errors is at most their root mean square,
 * so z is null when M2 = Σ(s - s̄)² <= w·(NOISE_MARGIN·ε·M̂)², where M̂ is a running maximum
 * of M that halves every w points (M̂ = max(M, M̂·2^(-1/w))): within 2x of the largest M of the
 * window's spreads, so a level that fell within the window still counts its older, larger
 * rounding (a ring of every point's M cost 20-30% of the engine's speed; this is two operations).
 * Measured (test/analytics/kernels.test.ts' awkwardPair, windows 2..200, levels spliced 100x
 * apart): exact-fit windows have std(S) <= 0.9·ε·M̂, real ones >= 1e7·ε·M̂; a pair at a level
 * of 1e9 with a spread sd of 0.07 >= 1e5·ε·M̂. NOISE_MARGIN = 1024 sits ~1000x above the noise
 * and ~100x below that pair. (The floor was 1e-9·|ȳ|: it nulled every z of that pair.)
 *
 * Kernels: MovingCoMoments (x, y) and MovingMoments (spread), Welford-style centred sliding
 * updates with an exact re-centring every w points.
 *
 * @example
 * const e = new PairEngine({ window: 3 });
 * e.push(0, 1, 2); e.push(1, 2, 4);
 * e.push(2, 3, 6);  // => { ts: 2, beta: 2, alpha: 0, spread: 0, spreadMean: null, zscore: null, signal: null, correlation: 1 }
 */
export class PairEngine {
  readonly window: number;
  readonly ddof: 0 | 1;
  readonly entryZ: number;
  readonly exitZ: number | null;
  /** Points pushed so far. */
  count = 0;
  private readonly xy: MovingCoMoments;
  private readonly sp: MovingMoments;
  private lastX = NaN;
  private lastY = NaN;
  private lastS = NaN;
  private runX = 0;
  private runY = 0;
  private runS = 0;
  /** Running maximum of the spreads' magnitude M, halving every `window` points (see the class doc). */
  private scaleS = 0;
  private readonly scaleDecay: number;
  private signal: Signal | null = null;
  private lastPoint: AnalyticsPoint | null = null;
  private lastTs = NaN;
  private oBeta = NaN;
  private oAlpha = NaN;
  private oSpread = NaN;
  private oMean = NaN;
  private oZ = NaN;
  private oCorr = NaN;

  constructor(opts: EngineOptions) {
    const problem = engineOptionsProblem(opts);
    if (problem) throw new RangeError(problem);
    this.window = opts.window;
    this.ddof = opts.ddof ?? 1;
    this.entryZ = opts.entryZ ?? DEFAULT_ENTRY_Z;
    this.exitZ = opts.exitZ ?? null;
    this.xy = new MovingCoMoments(this.window);
    this.sp = new MovingMoments(this.window);
    this.scaleDecay = 0.5 ** (1 / this.window);
  }

  /** The last committed point, or null before the first push. */
  get last(): AnalyticsPoint | null {
    if (this.lastPoint === null && this.count > 0) this.lastPoint = this.makePoint();
    return this.lastPoint;
  }

  /** Adds one aligned point and returns its analytics. Throws a RangeError (state untouched) on a non-finite price. */
  push(ts: number, x: number, y: number): AnalyticsPoint {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`x and y must be finite numbers, got x=${x} y=${y} at ts=${ts}`);
    this.step(ts, x, y);
    const point = this.makePoint();
    this.lastPoint = point;
    return point;
  }

  /**
   * As `push`, but writes the point into row `i` of typed columns (NaN marks undefined there, as
   * typed arrays cannot hold null) instead of allocating an object: the batch fast path.
   */
  pushInto(cols: SeriesColumns, i: number, ts: number, x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`x and y must be finite numbers, got x=${x} y=${y} at ts=${ts}`);
    this.step(ts, x, y);
    this.lastPoint = null;
    cols.ts[i] = ts;
    cols.beta[i] = this.oBeta;
    cols.alpha[i] = this.oAlpha;
    cols.spread[i] = this.oSpread;
    cols.spreadMean[i] = this.oMean;
    cols.zscore[i] = this.oZ;
    cols.correlation[i] = this.oCorr;
    cols.signal[i] = this.signal;
  }

  /** One update; the results are left in the o* fields (NaN = undefined, never leaves the class as NaN). */
  private step(ts: number, x: number, y: number): void {
    const w = this.window;
    this.count++;
    this.lastTs = ts;
    this.xy.push(x, y);
    this.runX = x === this.lastX ? this.runX + 1 : 1;
    this.runY = y === this.lastY ? this.runY + 1 : 1;
    this.lastX = x;
    this.lastY = y;

    let beta = NaN;
    let alpha = NaN;
    let spread = NaN;
    let correlation = NaN;
    let scale = 0;
    const m = this.xy;
    if (m.n === w && this.runX < w) {
      if (this.runY >= w) {
        // case: y constant, x varying -> the exact OLS answer is beta 0, alpha y, spread 0
        beta = 0;
        alpha = y;
        spread = 0;
      } else {
        beta = m.sxy / m.sxx;
        alpha = m.meanY - beta * m.meanX;
        spread = y - (alpha + beta * x);
        const c = m.sxy / Math.sqrt(m.sxx * m.syy);
        correlation = c > 1 ? 1 : c < -1 ? -1 : c;
      }
      scale = Math.abs(y) + Math.abs(alpha) + Math.abs(beta * x);
    }

    let spreadMean = NaN;
    let zscore = NaN;
    if (spread !== spread) {
      // case: no spread (warm-up, x constant) -> the z window restarts
      this.sp.reset();
      this.runS = 0;
      this.lastS = NaN;
      this.scaleS = 0;
    } else {
      this.sp.push(spread);
      this.runS = spread === this.lastS ? this.runS + 1 : 1;
      this.lastS = spread;
      const decayed = this.scaleS * this.scaleDecay;
      this.scaleS = scale > decayed ? scale : decayed;
      const s = this.sp;
      if (s.n === w) spreadMean = s.mean;
      if (s.n === w && this.runS < w && s.m2 > 0 && s.m2 > w * (NOISE_ROUNDING * this.scaleS) ** 2) {
        zscore = (spread - s.mean) / Math.sqrt(s.m2 / (w - this.ddof));
      }
    }
    this.signal = nextSignal(this.signal, zscore === zscore ? zscore : null, this.entryZ, this.exitZ);
    this.oBeta = beta;
    this.oAlpha = alpha;
    this.oSpread = spread;
    this.oMean = spreadMean;
    this.oZ = zscore;
    this.oCorr = correlation;
  }

  private makePoint(): AnalyticsPoint {
    const n = orNull;
    return {
      ts: this.lastTs,
      beta: n(this.oBeta),
      alpha: n(this.oAlpha),
      spread: n(this.oSpread),
      spreadMean: n(this.oMean),
      zscore: n(this.oZ),
      signal: this.signal,
      correlation: n(this.oCorr),
    };
  }

  /** The point `push(ts, x, y)` would return, without changing the engine (for the bar in progress). */
  peek(ts: number, x: number, y: number): AnalyticsPoint {
    const saved = this.save();
    try {
      return this.push(ts, x, y);
    } finally {
      this.restore(saved);
    }
  }

  private save(): EngineState {
    return {
      count: this.count,
      xy: this.xy.save(),
      sp: this.sp.save(),
      lastX: this.lastX,
      lastY: this.lastY,
      lastS: this.lastS,
      runX: this.runX,
      runY: this.runY,
      runS: this.runS,
      scaleS: this.scaleS,
      signal: this.signal,
      lastPoint: this.lastPoint,
      out: [this.lastTs, this.oBeta, this.oAlpha, this.oSpread, this.oMean, this.oZ, this.oCorr],
    };
  }

  private restore(s: EngineState): void {
    this.count = s.count;
    this.xy.restore(s.xy);
    this.sp.restore(s.sp);
    this.lastX = s.lastX;
    this.lastY = s.lastY;
    this.lastS = s.lastS;
    this.runX = s.runX;
    this.runY = s.runY;
    this.runS = s.runS;
    this.scaleS = s.scaleS;
    this.signal = s.signal;
    this.lastPoint = s.lastPoint;
    [this.lastTs, this.oBeta, this.oAlpha, this.oSpread, this.oMean, this.oZ, this.oCorr] = s.out as [number, number, number, number, number, number, number];
  }
}

/** NaN (the internal mark of an undefined value) -> null. */
function orNull(v: number): number | null {
  return v === v ? v : null;
}

/**
 * A spread window whose std is within NOISE_MARGIN times the rounding error of its spreads,
 * ε·(|y| + |α| + |β·x|), is rounding noise: z null. See the class doc.
 */
export const NOISE_MARGIN = 1024;
const NOISE_ROUNDING = NOISE_MARGIN * Number.EPSILON;

export interface EngineOptions {
  /** Trailing window of the OLS and of the z-score, >= 2 points. */
  window: number;
  /** Degrees of freedom of the z-score's std: 1 (pandas default, the default here) or 0 (numpy). */
  ddof?: 0 | 1;
  /** |z| beyond which a LONG / SHORT signal starts (default 2). */
  entryZ?: number;
  /** Optional exit band (hysteresis): a position is held until |z| < exitZ. */
  exitZ?: number | null;
}

/** Checks engine options; returns what is wrong, or null. */
export function engineOptionsProblem(opts: EngineOptions): string | null {
  if (!Number.isInteger(opts.window) || opts.window < 2) return `window must be an integer >= 2, got ${opts.window}`;
  if (opts.ddof !== undefined && opts.ddof !== 0 && opts.ddof !== 1) return `ddof must be 0 or 1, got ${String(opts.ddof)}`;
  return signalRuleProblem(opts.entryZ ?? DEFAULT_ENTRY_Z, opts.exitZ ?? null);
}

interface EngineState {
  count: number;
  xy: CoMomentsState;
  sp: MomentsState;
  lastX: number;
  lastY: number;
  lastS: number;
  runX: number;
  runY: number;
  runS: number;
  scaleS: number;
  signal: Signal | null;
  lastPoint: AnalyticsPoint | null;
  out: number[];
}

/**
 * The batch output in columns (what `analyzeColumns` returns): one row per point, NaN where the
 * value is undefined (typed arrays cannot hold null; `columnsToPoints` gives the null form).
 */
export interface SeriesColumns {
  n: number;
  ts: Float64Array;
  beta: Float64Array;
  alpha: Float64Array;
  spread: Float64Array;
  spreadMean: Float64Array;
  zscore: Float64Array;
  correlation: Float64Array;
  signal: (Signal | null)[];
}
