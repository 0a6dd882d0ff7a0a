/**
 * Parameter sweep of the backtest over grids of window x entry x exit, every other option fixed.
 *
 * The work is shared. Per window: z and beta once (`hedgeColumns` under the hedge choice, rolling
 * OLS by default, as `backtestSeries` computes them), and "next bar where" tables (Int32Array, one backward pass each): the next bar a flat
 * book would enter at (one table per entry), the next bar a LONG / SHORT would exit at (per exit)
 * or stop at. Per (entry, exit), the same rules as PositionBook (book.ts), trade by trade: jump to
 * the entry decision, read the exit decision off the tables (stop before exit before time, as
 * the book orders them), fill both `lag` bars later with the book's arithmetic, and mark the
 * equity bar by bar only while a position is held (flat bars have a return of exactly 0 and the
 * same equity). So the rows are O(windows x (entries + 2 exits) x n) for the tables plus
 * O(combinations x bars held).
 *
 * Equal to `backtestSeries({ x, y, window }, { ...options, entry, exit }).metrics` for every
 * row (test/analytics/backtestSweep.test.ts): totalReturn, maxDrawdown, trades, winRate, avgBars
 * and fees bit for bit (the same operations in the same order); the Sharpe ratio within 1e-12
 * relative, its sum of squared deviations being accumulated in one pass here
 * (sum r^2 - n mean^2, flat bars' zero returns counted, not visited) instead of two.
 *
 * Funding (funding.ts): given per-bar funding columns, a held trade pays each bar's funding from
 * its cash before that bar's mark (and before the exit fill), with the book's arithmetic; flat bars
 * pay none, so the jumps stay exact. Rows then carry metrics.funding, as the backtest's do.
 *
 * A combination whose options are invalid on their own terms (an exit not below its entry, a
 * stop not above it) is left out; when every combination is invalid, the first one's problem is
 * thrown, so a bad fixed option (say feeBps -1) is a RangeError naming it.
 *
 * @example
 * backtestSweep({ x, y }, { window: [30, 60], entry: [1.5, 2, 2.5], exit: [0, 0.5] }, { feeBps: 5 });
 * // => 12 rows { window, entry, exit, metrics: { totalReturn, sharpe, ... } }
 */
import { engineOptionsProblem } from '../engine';
import { pboBlocksProblem } from '../honest/pbo';
import { hedgeColumns, type HedgeChoice } from '../hedge';
import { BACKTEST_DEFAULTS, backtestInputProblem, backtestOptionsProblem, type BacktestMetrics, type BacktestOptions } from './backtest';
import { fundingColumns, fundingProblem, type FundingColumns, type LegFunding } from './funding';

export interface SweepGrid {
  window: readonly number[];
  entry: readonly number[];
  exit: readonly number[];
}

export interface SweepRow {
  window: number;
  entry: number;
  exit: number;
  metrics: BacktestMetrics;
}

/** What is wrong with a grid (empty or non-array axis, a bad window), naming the axis; or null. */
export function sweepGridProblem(grid: SweepGrid): string | null {
  for (const axis of ['window', 'entry', 'exit'] as const) {
    const v = grid[axis];
    if (!Array.isArray(v) || v.length === 0) return `${axis} must be a non-empty list of numbers`;
  }
  for (const w of grid.window) {
    const p = engineOptionsProblem({ window: w });
    if (p !== null) return p;
  }
  return null;
}

/**
 * Every valid combination of the grid, in window, entry, exit order, over the series (x the
 * hedge leg, y the regressand; ts, hedge and funding optional, as in backtestSeries). Throws a RangeError
 * naming the problem for bad series, funding, grids, or when no combination is valid.
 */
export function backtestSweep(
  input: { x: number[]; y: number[]; ts?: number[]; hedge?: HedgeChoice; funding?: LegFunding },
  grid: SweepGrid,
  options: Partial<Omit<BacktestOptions, 'entry' | 'exit'>> = {},
): SweepRow[] {
  const gridProblem = sweepGridProblem(grid);
  if (gridProblem) throw new RangeError(gridProblem);
  const ts = input.ts ?? input.x.map((_, i) => i);
  const prices = { x: Float64Array.from(input.x), y: Float64Array.from(input.y), funding: sweepFunding(input) };
  return sweepColumns(prices, grid, (window) => hedgeColumns({ ts, x: input.x, y: input.y, window, ddof: 1 }, input.hedge ?? { hedge: 'ols' }), options);
}

/**
 * Checks a pair's prices and funding (its ts then required), as the backtest checks them, and
 * returns the funding's per-bar columns (undefined without funding). Throws a RangeError naming the problem.
 */
export function sweepFunding(input: { x: ArrayLike<number>; y: ArrayLike<number>; ts?: ArrayLike<number>; funding?: LegFunding }): FundingColumns | undefined {
  const problem = backtestInputProblem({ x: input.x, y: input.y, z: input.x, beta: input.x });
  if (problem) throw new RangeError(problem);
  if (input.funding === undefined) return undefined;
  const fp = fundingProblem(input.funding, input.ts, input.x.length);
  if (fp) throw new RangeError(fp);
  return fundingColumns(input.ts!, input.funding);
}

/** Prices of a sweep, with the per-bar funding columns of its perp legs when it has funding. */
export interface SweepPrices {
  x: Float64Array;
  y: Float64Array;
  funding?: FundingColumns;
}

/**
 * The sweep over z and beta columns given per window by `columnsOf` (called once per window, in
 * grid order): backtestSweep computes them from the prices, the API with the warm-up before its
 * range that /api/backtest uses. Throws a RangeError for columns of the wrong length, bad prices
 * or when no combination is valid.
 */
export function sweepColumns(
  prices: SweepPrices,
  grid: SweepGrid,
  columnsOf: (window: number) => { zscore: Float64Array; beta: Float64Array },
  options: Partial<Omit<BacktestOptions, 'entry' | 'exit'>> = {},
): SweepRow[] {
  return sweepDetail(prices, grid, columnsOf, options).rows;
}

/**
 * sweepColumns with each row's downside sum and, given `blocks` (S, checked as PBO checks it),
 * the rows' per-block return sums, from the same marks (no second run).
 */
export function sweepDetail(
  prices: SweepPrices,
  grid: SweepGrid,
  columnsOf: (window: number) => { zscore: Float64Array; beta: Float64Array },
  options: Partial<Omit<BacktestOptions, 'entry' | 'exit'>> = {},
  want: { blocks?: number } = {},
): SweepDetail {
  const base: BacktestOptions = { ...BACKTEST_DEFAULTS, ...options };
  const combos: BacktestOptions[] = [];
  let firstProblem: string | null = null;
  for (const entry of grid.entry)
    for (const exit of grid.exit) {
      const o = { ...base, entry, exit };
      const p = backtestOptionsProblem(o);
      if (p === null) combos.push(o);
      else firstProblem ??= p;
    }
  if (combos.length === 0) throw new RangeError(firstProblem ?? 'no combination');
  const { x, y } = prices;
  const n = x.length;
  const entries = [...new Set(combos.map((o) => o.entry))];
  const exits = [...new Set(combos.map((o) => o.exit))];
  // the tables' buffers, refilled for each window
  const table = () => new Int32Array(n + 1).fill(n);
  const enterAt = new Map(entries.map((e) => [e, table()]));
  const longExitAt = new Map(exits.map((e) => [e, table()]));
  const shortExitAt = new Map(exits.map((e) => [e, table()]));
  const stop = base.stop;
  const longStopAt = table(); // never, without a stop
  const shortStopAt = table();
  const rows: SweepRow[] = [];
  const trials = grid.window.length * combos.length;
  const downside = new Float64Array(trials);
  const blocks = want.blocks === undefined ? null : sweepBlocks(want.blocks, n, trials);
  let blockOffset: Int32Array | null = null;
  if (blocks) {
    const skip = n - blocks.blockLength * blocks.blocks; // CSCV drops the first T mod S bars
    blockOffset = new Int32Array(n).fill(-1);
    for (let t = skip; t < n; t++) blockOffset[t] = Math.floor((t - skip) / blocks.blockLength) * trials;
  }
  for (const window of grid.window) {
    const c = columnsOf(window);
    const z = c.zscore;
    const beta = c.beta;
    if (z.length !== n || beta.length !== n) throw new RangeError(`z and beta of window ${window} must have ${n} values, got ${z.length} and ${beta.length}`);
    for (const [e, next] of enterAt) nextEntry(next, z, beta, e);
    for (const [e, next] of longExitAt) nextAtLeast(next, z, -e);
    for (const [e, next] of shortExitAt) nextAtMost(next, z, e);
    if (stop !== null) {
      nextAtMost(longStopAt, z, -stop);
      nextAtLeast(shortStopAt, z, stop);
    }
    for (const o of combos) {
      const tables = {
        enter: enterAt.get(o.entry)!,
        longExit: longExitAt.get(o.exit)!,
        shortExit: shortExitAt.get(o.exit)!,
        longStop: longStopAt,
        shortStop: shortStopAt,
      };
      const row = rows.length;
      const sink = blocks && { sum: blocks.sum, sumSq: blocks.sumSq, offset: blockOffset!, row };
      const eq = new EquityTrack(o.notional, sink);
      rows.push({ window, entry: o.entry, exit: o.exit, metrics: sweepOne(x, y, z, beta, tables, o, eq, prices.funding) });
      downside[row] = eq.downSq / (o.notional * o.notional);
    }
  }
  return { rows, downside, blocks };
}

function sweepBlocks(blocks: number, bars: number, trials: number): SweepBlocks {
  const problem = pboBlocksProblem(blocks, bars);
  if (problem) throw new RangeError(problem);
  const blockLength = Math.floor(bars / blocks);
  return { blocks, blockLength, sum: new Float64Array(blocks * trials), sumSq: new Float64Array(blocks * trials) };
}

// "next bar where" tables, filled into next (length n + 1, next[n] = n): next[t] = the first bar
// t' >= t where the condition holds, n if none. NaN satisfies none of them, as it triggers no decision in the book.

function nextEntry(next: Int32Array, z: Float64Array, beta: Float64Array, entry: number): void {
  const n = z.length;
  let at = n;
  for (let t = n - 1; t >= 0; t--) {
    const zt = z[t]!;
    if (beta[t] === beta[t] && (zt < -entry || zt > entry)) at = t;
    next[t] = at;
  }
}

function nextAtLeast(next: Int32Array, z: Float64Array, level: number): void {
  const n = z.length;
  let at = n;
  for (let t = n - 1; t >= 0; t--) {
    if (z[t]! >= level) at = t;
    next[t] = at;
  }
}

function nextAtMost(next: Int32Array, z: Float64Array, level: number): void {
  const n = z.length;
  let at = n;
  for (let t = n - 1; t >= 0; t--) {
    if (z[t]! <= level) at = t;
    next[t] = at;
  }
}

interface Tables {
  enter: Int32Array;
  longExit: Int32Array;
  shortExit: Int32Array;
  longStop: Int32Array;
  shortStop: Int32Array;
}

/**
 * Per-bar returns of every combination, cut in `blocks` blocks (PBO's CSCV: honest/pbo.ts): each
 * combination's per-block sums of r and r², index block * trials + row. The first T mod S bars
 * are dropped, as CSCV drops them.
 */
interface SweepBlocks {
  blocks: number;
  blockLength: number;
  sum: Float64Array;
  sumSq: Float64Array;
}

/** The sweep's rows and what the honest statistics read off the same runs. */
export interface SweepDetail {
  rows: SweepRow[];
  /** Per row: the sum of squared negative per-bar returns (the Sortino ratio's downside). */
  downside: Float64Array;
  /** Per-block sums when asked for (`blocks`), else null. */
  blocks: SweepBlocks | null;
}

/**
 * The equity curve of one combination, mark by mark: drawdown, the sum of squared changes and of
 * squared losses, and (when asked) each return into its block.
 */
class EquityTrack {
  prev: number;
  peak: number;
  low: number;
  maxDrawdown = 0;
  sumSq = 0;
  downSq = 0;
  constructor(
    private readonly notional: number,
    /** offset[t] = block of bar t x trials (-1: a dropped bar); row = this combination's index. */
    private readonly sink: { sum: Float64Array; sumSq: Float64Array; offset: Int32Array; row: number } | null,
  ) {
    this.prev = notional;
    this.peak = notional;
    this.low = notional;
  }

  mark(t: number, e: number): void {
    const de = e - this.prev;
    this.sumSq += de * de;
    if (de < 0) this.downSq += de * de;
    this.prev = e;
    if (e > this.peak) {
      this.peak = e;
      this.low = e;
    } else if (e < this.low) {
      this.low = e;
      const dd = (this.peak - e) / this.peak;
      if (dd > this.maxDrawdown) this.maxDrawdown = dd;
    }
    const k = this.sink;
    if (k !== null && k.offset[t]! >= 0) {
      const r = de / this.notional;
      const i = k.offset[t]! + k.row;
      k.sum[i]! += r;
      k.sumSq[i]! += r * r;
    }
  }
}

/**
 * One combination, trade by trade (see the header), with PositionBook's fill arithmetic. The
 * metrics as bookMetrics defines them: the equity's sum of returns telescopes to
 * (E_last - notional) / notional; the largest drawdown under a peak is at the lowest equity
 * under it, so it is computed only at a new low (the same operands, the same number).
 */
function sweepOne(
  x: Float64Array,
  y: Float64Array,
  z: Float64Array,
  beta: Float64Array,
  tb: Tables,
  o: BacktestOptions,
  eq: EquityTrack,
  fu: FundingColumns | undefined,
): BacktestMetrics {
  const n = x.length;
  const { notional, lag, entry, cooldown } = o;
  const maxHold = o.maxHold ?? Infinity;
  const fee = o.feeBps / 1e4;
  const s = o.slippageBps / 1e4;
  const decideUntil = n - lag; // decisions at t < n - lag can fill
  const held: Held = { cash: notional, funding: 0, trade: 0 };
  let fees = 0;
  let k = 0;
  let wins = 0;
  let bars = 0;
  let from = 0; // the earliest bar a flat book may decide an entry at
  for (;;) {
    const d = tb.enter[from]!;
    if (d >= decideUntil) break;
    const pos = z[d]! < -entry ? 1 : -1;
    const qy = (pos * notional) / y[d]!;
    const qx = -beta[d]! * qy;
    // the exit decision: stop before exit before time, at bar d + 1 at the earliest
    const us = pos > 0 ? tb.longStop[d + 1]! : tb.shortStop[d + 1]!;
    const ue = pos > 0 ? tb.longExit[d + 1]! : tb.shortExit[d + 1]!;
    const u = Math.min(us, ue, d + maxHold);
    const closes = u < decideUntil;
    // entry fill at f = d + lag
    const f = d + lag;
    const fy = qy > 0 ? y[f]! * (1 + s) : y[f]! * (1 - s);
    const fx = qx > 0 ? x[f]! * (1 + s) : x[f]! * (1 - s);
    const entryFees = fee * (Math.abs(qy) * fy + Math.abs(qx) * fx);
    const entryCost = qy * fy + qx * fx;
    held.cash -= entryCost + entryFees;
    fees += entryFees;
    // marks while held: bars f .. g-1, g the exit fill (or n when still open at the end)
    const g = closes ? u + lag : n;
    if (fu === undefined) for (let t = f; t < g; t++) eq.mark(t, held.cash + qy * y[t]! + qx * x[t]!);
    else markFunded(eq, x, y, qy, qx, f, g, closes, fu, held);
    k++;
    if (!closes) {
      // open at the end, marked at the last closes
      if (qy * y[n - 1]! + qx * x[n - 1]! - entryCost - entryFees + held.trade > 0) wins++;
      bars += n - 1 - f;
      break;
    }
    const ey = -qy > 0 ? y[g]! * (1 + s) : y[g]! * (1 - s);
    const ex = -qx > 0 ? x[g]! * (1 + s) : x[g]! * (1 - s);
    const exitFees = fee * (Math.abs(qy) * ey + Math.abs(qx) * ex);
    const exitValue = qy * ey + qx * ex;
    held.cash += exitValue - exitFees;
    fees += exitFees;
    if (exitValue - entryCost - (entryFees + exitFees) + held.trade > 0) wins++;
    bars += g - f;
    // the exit fill bar's mark, flat again: the book's cash + 0*y + 0*x, and so every bar until the next fill
    eq.mark(g, held.cash);
    from = u === us ? u + cooldown + 1 : u + 1;
  }
  let sharpe: number | null = null;
  const last = eq.prev;
  if (n >= 2) {
    const mean = (last - notional) / notional / n;
    const m2 = eq.sumSq / (notional * notional) - n * mean * mean;
    const sd = Math.sqrt(Math.max(0, m2) / (n - 1));
    if (sd > 0) sharpe = (mean / sd) * Math.sqrt(o.barsPerYear);
  }
  const metrics: BacktestMetrics = {
    totalReturn: n === 0 ? 0 : last / notional - 1,
    sharpe,
    maxDrawdown: eq.maxDrawdown,
    trades: k,
    winRate: k === 0 ? null : wins / k,
    avgBars: k === 0 ? null : bars / k,
    fees,
  };
  if (fu !== undefined) metrics.funding = held.funding;
  return metrics;
}

/** A combination's cash, its funding received in all and by the held trade (PositionBook's fields). */
interface Held {
  cash: number;
  funding: number;
  trade: number;
}

/**
 * The marks of a held trade filled at bar f, with funding: bar f's mark (its funding fell on the
 * flat book before the fill), then for each bar t in f+1 .. g-1 the funding landing on it paid
 * from the cash, as PositionBook.fund pays it, and its mark; when the trade `closes` at bar g,
 * g's funding too (paid before the exit fill, which the caller makes and marks).
 */
function markFunded(
  eq: EquityTrack,
  x: Float64Array,
  y: Float64Array,
  qy: number,
  qx: number,
  f: number,
  g: number,
  closes: boolean,
  fu: FundingColumns,
  h: Held,
): void {
  const fy = fu.y;
  const fx = fu.x;
  h.trade = 0;
  eq.mark(f, h.cash + qy * y[f]! + qx * x[f]!);
  for (let t = f + 1; t < g; t++) {
    const received = -(qy * fy[t]! + qx * fx[t]!);
    h.cash += received;
    h.funding += received;
    h.trade += received;
    eq.mark(t, h.cash + qy * y[t]! + qx * x[t]!);
  }
  if (closes) {
    const received = -(qy * fy[g]! + qx * fx[g]!);
    h.cash += received;
    h.funding += received;
    h.trade += received;
  }
}
