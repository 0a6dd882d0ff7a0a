import { describeValue } from '@quant-pairs/contract';
import type { AnalyticsPoint, Signal } from '../domain';
import { PairEngine, engineOptionsProblem, type SeriesColumns } from './engine';

export interface SeriesInput {
  /** Timestamps of the aligned points (epoch ms), one per point. */
  ts: number[];
  /** Hedge leg (regressor). */
  x: number[];
  /** Regressand. */
  y: number[];
  window: number;
  ddof?: 0 | 1;
  entryZ?: number;
  exitZ?: number | null;
}

/**
 * Batch rolling analytics of an aligned pair of series: one AnalyticsPoint per input point,
 * computed by pushing the series through a PairEngine, so the batch path (HTTP API, CLI) and the
 * streaming path (live) give identical numbers. O(n) time, O(window) extra memory.
 * Throws a RangeError saying what is wrong for unequal lengths, non-finite values or bad options.
 *
 * @example
 * analyzeSeries({ ts: [0, 1, 2], x: [1, 2, 3], y: [2, 4, 6], window: 3 })[2].beta; // => 2
 */
export function analyzeSeries(input: SeriesInput): AnalyticsPoint[] {
  const problem = seriesInputProblem(input);
  if (problem) throw new RangeError(problem);
  const { ts, x, y } = input;
  const engine = new PairEngine({ window: input.window, ddof: input.ddof, entryZ: input.entryZ, exitZ: input.exitZ });
  // push, not new Array(n): a pre-sized array of 100k elements is a slow dictionary in V8
  const out: AnalyticsPoint[] = [];
  for (let i = 0; i < x.length; i++) out.push(engine.push(ts[i]!, x[i]!, y[i]!));
  return out;
}

/**
 * The same computation as `analyzeSeries`, into typed columns (NaN marks undefined): no object
 * per point, so a 100k-point pass costs the kernel and not the garbage collector. For bulk
 * consumers (Arrow frames, CSV, the benchmark); `columnsToPoints` converts to the null form.
 *
 * @example
 * const c = analyzeColumns({ ts: [0, 1, 2], x: [1, 2, 3], y: [2, 4, 6], window: 3 });
 * c.beta; // => Float64Array [NaN, NaN, 2]
 */
export function analyzeColumns(input: SeriesInput): SeriesColumns {
  const problem = seriesInputProblem(input);
  if (problem) throw new RangeError(problem);
  const { ts, x, y } = input;
  const n = x.length;
  const engine = new PairEngine({ window: input.window, ddof: input.ddof, entryZ: input.entryZ, exitZ: input.exitZ });
  const cols: SeriesColumns = {
    n,
    ts: new Float64Array(n),
    beta: new Float64Array(n),
    alpha: new Float64Array(n),
    spread: new Float64Array(n),
    spreadMean: new Float64Array(n),
    zscore: new Float64Array(n),
    correlation: new Float64Array(n),
    // filled up front: a packed array of the final length, not one grown element by element (2x faster pass)
    signal: new Array<Signal | null>(n).fill(null),
  };
  for (let i = 0; i < n; i++) engine.pushInto(cols, i, ts[i]!, x[i]!, y[i]!);
  return cols;
}

/** AnalyticsPoints (null where a column has NaN) from columns. */
export function columnsToPoints(c: SeriesColumns): AnalyticsPoint[] {
  const v = (a: Float64Array, i: number): number | null => (a[i] === a[i] ? a[i]! : null);
  const out: AnalyticsPoint[] = [];
  for (let i = 0; i < c.n; i++) {
    out.push({
      ts: c.ts[i]!,
      beta: v(c.beta, i),
      alpha: v(c.alpha, i),
      spread: v(c.spread, i),
      spreadMean: v(c.spreadMean, i),
      zscore: v(c.zscore, i),
      signal: c.signal[i] ?? null,
      correlation: v(c.correlation, i),
    });
  }
  return out;
}

/** Checks a batch input; returns what is wrong (first problem found), or null. */
export function seriesInputProblem(input: SeriesInput): string | null {
  const { ts, x, y } = input;
  if (!Array.isArray(ts) || !Array.isArray(x) || !Array.isArray(y)) return 'ts, x and y must be arrays of numbers';
  if (x.length !== y.length || ts.length !== x.length) {
    return `ts, x and y must have the same length, got ${ts.length}, ${x.length} and ${y.length}`;
  }
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) return `x[${i}] is not a finite number: ${describeValue(x[i])}`;
    if (typeof y[i] !== 'number' || !Number.isFinite(y[i])) return `y[${i}] is not a finite number: ${describeValue(y[i])}`;
    if (typeof ts[i] !== 'number' || !Number.isFinite(ts[i])) return `ts[${i}] is not a finite number: ${describeValue(ts[i])}`;
  }
  return engineOptionsProblem(input);
}
