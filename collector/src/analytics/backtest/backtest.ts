/**
 * Two-leg backtest of the z-score signal: one definition of the position rules, fills, costs,
 * equity and metrics, used by every caller: the CLI, /api/backtest and the sweep (sweep.ts),
 * and the live paper positions (through PositionBook, book.ts).
 *
 * Rules (z_t, beta_t as `analyze` computes them: rolling OLS over W points, z over W spreads,
 * ddof 1; NaN where undefined). At each bar t, deciding on data <= t only, one decision a bar:
 * - flat: enter LONG spread if z_t < -entry, SHORT spread if z_t > entry, unless in a cooldown
 *   (and only where beta_t and z_t are defined);
 * - long: stop if `stop` is set and z_t <= -stop; else exit if z_t >= -exit; else time stop once
 *   t - (entry decision bar) >= maxHold;
 * - short: stop if z_t >= stop; else exit if z_t <= exit; else time stop likewise;
 *   an undefined z_t triggers neither stop nor exit (the time stop still counts);
 * - after a stop decided at bar t, no entry at bars t+1 .. t+cooldown.
 * An exit and an entry never happen on the same bar (no flip): a new entry is decided at t+1 at
 * the earliest. A decision at t fills at bar t+lag at that bar's close; decisions whose fill bar
 * is past the end are not taken (the state machine stops at bar n-1-lag).
 * Fill prices: buys at p*(1+s), sells at p*(1-s), s = slippageBps/1e4. Sizing at entry from the
 * decision bar t: qy = notional / py_t for a LONG spread (-notional / py_t for SHORT),
 * qx = -beta_t * qy, both frozen for the trade. Fees: feeBps/1e4 of each leg's traded notional
 * |q| * fill price, on every fill. Equity E_t = notional + realised P&L + open legs marked at the
 * bar-t closes, net of fees (cash accounting). Returns r_t = (E_t - E_{t-1}) / notional for
 * t = 0..n-1 with E_{-1} = notional (so totalReturn = sum r = E_{n-1}/notional - 1); Sharpe =
 * mean(r) / std(r, ddof 1) * sqrt(barsPerYear) (null when fewer than 2 returns or std 0); max
 * drawdown = max_t (peak - E_t) / peak, peak = max(notional, E_0..E_t). A trade's pnl is both legs'
 * q * (exit fill - entry fill) minus its fees; a position still open at the end is marked at the
 * last closes, reported with reason "open" and not closed (no exit fee). trades, winRate (pnl > 0)
 * and avgBars count every reported trade, the open one at its marked P&L; null when none.
 * Funding (perp legs, optional: funding.ts has the rule, its timing and its sign): with funding
 * events and bar times, each trade's `funding` is what it received while held (negative: paid)
 * and is in its pnl, metrics.funding is the total, and the equity is net of it from the bar each
 * payment lands on. Without funding events the result has no funding fields and is what it was
 * before funding existed, key for key and bit for bit.
 *
 * Worked example (entry 2, exit 0, lag 1, feeBps 10, slippage 0, notional 1000):
 *   z = [NaN, -2.5, -1, 0.5], beta = [NaN, 2, 2, 2], y = [10, 10, 11, 12], x = [5, 5, 5, 5].
 *   t=1: z < -2, decide LONG: qy = 1000/10 = 100, qx = -2*100 = -200; fills at t=2:
 *        buy 100 y at 11, sell 200 x at 5: fees 0.001*(1100 + 1000) = 2.1; E_2 = 1000 - 2.1.
 *   t=2: z = -1 < 0, hold. t=3 would exit (z >= 0) but its fill bar 4 is past the end: the trade
 *        is open, marked at t=3: pnl = 100*(12-11) + (-200)*(5-5) - 2.1 = 97.9, E_3 = 1097.9.
 *
 * Reference: E. Gatev, W. Goetzmann, K. G. Rouwenhorst, "Pairs Trading: Performance of a
 * Relative-Value Arbitrage Rule", Review of Financial Studies 19(3), 2006 (threshold entry,
 * exit at the mean, one-bar execution lag); vectorbt's Portfolio.from_signals for the cash,
 * fee and slippage accounting compared against in collector/test/analytics/backtest.vectorbt.test.ts.
 */

import { BACKTEST_DEFAULTS as CONTRACT_DEFAULTS, type BacktestSettings } from '@quant-pairs/contract';
import { PositionBook, type BacktestTrade } from './book';
import { fundingLandings, fundingProblem, type LegFunding } from './funding';

/** The rules and costs: one definition, in the contract (each field's meaning and default there). */
export type BacktestOptions = BacktestSettings;

/** The defaults, stated once in @quant-pairs/contract (the API's and the data source's too). */
export const BACKTEST_DEFAULTS: Readonly<BacktestOptions> = CONTRACT_DEFAULTS;

/** Prices and signal columns, one entry per bar (NaN where z or beta is undefined). */
export interface BacktestInput {
  /** Hedge leg closes. */
  x: ArrayLike<number>;
  /** Regressand closes. */
  y: ArrayLike<number>;
  z: ArrayLike<number>;
  beta: ArrayLike<number>;
  /** Bar times (epoch ms, increasing): required with `funding`, else unused. */
  ts?: ArrayLike<number>;
  /** Each perp leg's funding events (funding.ts); none: no funding fields in the result. */
  funding?: LegFunding;
}

export interface BacktestMetrics {
  totalReturn: number;
  sharpe: number | null;
  maxDrawdown: number;
  trades: number;
  winRate: number | null;
  avgBars: number | null;
  fees: number;
  /** Total funding received (negative: paid); present only when the backtest was given funding events. */
  funding?: number;
}

export interface BacktestResult {
  trades: BacktestTrade[];
  equity: number[];
  metrics: BacktestMetrics;
}

const isCount = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks options; returns what is wrong (naming the parameter), or null. */
export function backtestOptionsProblem(o: BacktestOptions): string | null {
  if (!isNum(o.entry) || o.entry <= 0) return `entry must be a positive number, got ${String(o.entry)}`;
  if (!isNum(o.exit) || o.exit >= o.entry) return `exit must be a number below entry (${o.entry}), got ${String(o.exit)}`;
  if (o.stop !== null && (!isNum(o.stop) || o.stop <= o.entry)) return `stop must be a number above entry (${o.entry}), got ${String(o.stop)}`;
  if (o.maxHold !== null && !isCount(o.maxHold, 1)) return `maxHold must be an integer >= 1, got ${String(o.maxHold)}`;
  if (!isCount(o.cooldown, 0)) return `cooldown must be an integer >= 0, got ${String(o.cooldown)}`;
  if (!isCount(o.lag, 0)) return `lag must be an integer >= 0, got ${String(o.lag)}`;
  if (!isNum(o.feeBps) || o.feeBps < 0) return `feeBps must be a number >= 0, got ${String(o.feeBps)}`;
  if (!isNum(o.slippageBps) || o.slippageBps < 0 || o.slippageBps >= 1e4) {
    return `slippageBps must be a number in [0, 10000), got ${String(o.slippageBps)}`;
  }
  if (!isNum(o.notional) || o.notional <= 0) return `notional must be a positive number, got ${String(o.notional)}`;
  if (!isNum(o.barsPerYear) || o.barsPerYear <= 0) return `barsPerYear must be a positive number, got ${String(o.barsPerYear)}`;
  return null;
}

/** Checks the columns: equal lengths, positive finite prices, funding (with its ts) when given. Returns what is wrong, or null. */
export function backtestInputProblem(input: BacktestInput): string | null {
  const { x, y, z, beta } = input;
  const n = x.length;
  if (y.length !== n || z.length !== n || beta.length !== n) {
    return `x, y, z and beta must have the same length, got ${n}, ${y.length}, ${z.length} and ${beta.length}`;
  }
  for (let i = 0; i < n; i++) {
    if (!(x[i]! > 0) || !Number.isFinite(x[i])) return `x[${i}] must be a positive finite price, got ${String(x[i])}`;
    if (!(y[i]! > 0) || !Number.isFinite(y[i])) return `y[${i}] must be a positive finite price, got ${String(y[i])}`;
  }
  return input.funding === undefined ? null : fundingProblem(input.funding, input.ts, n);
}

/**
 * Runs the rules above over the columns (a PositionBook stepped bar by bar). O(n) time. Throws a
 * RangeError naming the problem for bad options or columns. Options not given take BACKTEST_DEFAULTS.
 */
export function backtest(input: BacktestInput, options: Partial<BacktestOptions> = {}): BacktestResult {
  const o: BacktestOptions = { ...BACKTEST_DEFAULTS, ...options };
  const problem = backtestOptionsProblem(o) ?? backtestInputProblem(input);
  if (problem) throw new RangeError(problem);
  const { x, y, z, beta } = input;
  const n = x.length;
  const trades: BacktestTrade[] = [];
  const funded = input.funding !== undefined;
  const book = new PositionBook(o, trades, funded);
  // filled up front: a packed array of doubles of the final length, not one grown element by element
  const equity = new Array<number>(n).fill(0);
  const decideUntil = n - o.lag; // decisions at t < n - lag can fill
  if (funded) {
    // merge walk: the next bar some funding lands on (n: none left); it is paid before that bar's step
    const f = fundingLandings(input.ts!, input.funding!);
    const last = f.bar.length;
    let j = 0;
    let next = last > 0 ? f.bar[0]! : n;
    for (let t = 0; t < n; t++) {
      if (t === next) {
        book.fund(f.y[j]!, f.x[j]!);
        next = ++j < last ? f.bar[j]! : n;
      }
      equity[t] = book.step(y[t]!, x[t]!, z[t]!, beta[t]!, t < decideUntil);
    }
  } else {
    for (let t = 0; t < n; t++) equity[t] = book.step(y[t]!, x[t]!, z[t]!, beta[t]!, t < decideUntil);
  }
  const metrics = bookMetrics(book, equity, n, o, y[n - 1]!, x[n - 1]!);
  if (funded) metrics.funding = book.funding;
  const open = book.openTrade(n - 1, y[n - 1]!, x[n - 1]!);
  if (open !== null) trades.push(open);
  return { trades, equity, metrics };
}

/**
 * The metrics, as defined above, of a book stepped over n bars whose equity curve is `equity`
 * (a held trade counts as the open trade marked at the last closes lastY, lastX).
 */
function bookMetrics(book: PositionBook, equity: ArrayLike<number>, n: number, o: BacktestOptions, lastY: number, lastX: number): BacktestMetrics {
  let k = book.closed;
  let wins = book.wins;
  let bars = book.barsHeld;
  if (book.entryIndex >= 0) {
    k++;
    if (book.unrealisedAt(lastY, lastX) > 0) wins++;
    bars += n - 1 - book.entryIndex;
  }
  const { notional } = o;
  let sum = 0;
  let prev = notional;
  let peak = notional;
  let maxDrawdown = 0;
  for (let t = 0; t < n; t++) {
    const e = equity[t]!;
    sum += (e - prev) / notional;
    prev = e;
    if (e > peak) peak = e;
    const dd = (peak - e) / peak;
    if (dd > maxDrawdown) maxDrawdown = dd;
  }
  let sharpe: number | null = null;
  if (n >= 2) {
    const mean = sum / n;
    let m2 = 0;
    prev = notional;
    for (let t = 0; t < n; t++) {
      const d = (equity[t]! - prev) / notional - mean;
      m2 += d * d;
      prev = equity[t]!;
    }
    const sd = Math.sqrt(m2 / (n - 1));
    if (sd > 0) sharpe = (mean / sd) * Math.sqrt(o.barsPerYear);
  }
  return {
    totalReturn: n === 0 ? 0 : equity[n - 1]! / notional - 1,
    sharpe,
    maxDrawdown,
    trades: k,
    winRate: k === 0 ? null : wins / k,
    avgBars: k === 0 ? null : bars / k,
    fees: book.fees,
  };
}
