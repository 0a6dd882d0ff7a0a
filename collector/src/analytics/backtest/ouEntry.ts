/**
 * entry=ou (issue 26): the backtest entering at Bertram's optimal band instead of a fixed |z|.
 *
 * At each bar t, an OU process is fitted (honest/ou.ts, exact maximum likelihood) to the spread's
 * last `fitWindow` values up to t (the spread y - alpha_t - beta_t·x as `analyze` computes it,
 * rolling OLS over `window`, or the Kalman hedge's with `hedge`: its state filtered on bars up to
 * t), and Bertram's symmetric band a_t around its mean mu_t for the round
 * trip's cost c_t in the spread's units: by default the backtest's fees and slippage on both legs,
 * twice (entry and exit), at bar t's prices per unit of spread held (qy = 1, qx = -beta_t):
 *   c_t = 2 · (feeBps + slippageBps) / 1e4 · (y_t + |beta_t| · x_t).
 * The position rules are the backtest's, on u_t = (spread_t - mu_t) / a_t with entry 1 and exit -1:
 * LONG below mu - a, SHORT above mu + a, each exiting at the other side's level (a stop, if set,
 * in units of a). So a decision at t reads the band fitted on data up to t only; u_t is NaN (no
 * decision) where the window is incomplete, the spread does not revert (or fits without noise) or
 * there is no cost (Bertram's a would be 0).
 *
 * Worked example: spreads [NaN, 1, 0.6, 0.5, 0.2, 0.3, 0.1], fitWindow 5, cost 0.02: u_0 .. u_4
 * are NaN; at t = 5 the fit of [1, 0.6, 0.5, 0.2, 0.3] (b = 0.14/0.3275, mu = 0.26933) has the band
 * a = 0.073802, so u_5 = (0.3 - 0.26933)/0.073802 = 0.4155: inside the band, no entry; at t = 6
 * (mu = 0.15, b = 1/2) u_6 = -0.5708.
 */
import type { HedgeChoice } from '@quant-pairs/contract';
import { analyzeColumns } from '../analyzeSeries';
import { hedgedSeries } from '../hedge';
import { bertramBand, fitOu } from '../honest/ou';
import { roundTripCost } from '../honest/ouStats';
import { backtest, BACKTEST_DEFAULTS, backtestOptionsProblem, type BacktestOptions, type BacktestResult } from './backtest';
import type { LegFunding } from './funding';

export interface OuEntryOptions {
  /** Spreads each fit reads (default: the rolling window). */
  fitWindow?: number;
  /** Round-trip cost in spread units; default from the fees and slippage at each bar's prices (see above). */
  cost?: number;
}

/**
 * u_t = (spread_t - mu_t) / a_t of the band fitted on spread[t - fitWindow + 1 .. t] (NaN where
 * there is none), with the cost of bar t from `costAt`.
 */
export function ouBandColumn(spread: ArrayLike<number>, fitWindow: number, costAt: (t: number) => number): Float64Array {
  if (!Number.isInteger(fitWindow) || fitWindow < 4) throw new RangeError(`fitWindow must be an integer >= 4, got ${String(fitWindow)}`);
  const n = spread.length;
  const u = new Float64Array(n).fill(NaN);
  const buf = new Float64Array(fitWindow);
  let valid = 0; // consecutive defined spreads ending at t
  for (let t = 0; t < n; t++) {
    const s = spread[t]!;
    valid = s === s ? valid + 1 : 0;
    if (valid < fitWindow) continue;
    for (let k = 0; k < fitWindow; k++) buf[k] = spread[t - fitWindow + 1 + k]!;
    u[t] = ouBandValue(buf, costAt(t));
  }
  return u;
}

/**
 * u = (last - mu) / a of the band fitted on `spreads` (all defined, the last the decision bar's)
 * for a round trip costing `cost`; NaN where the spread does not revert, fits without noise, or
 * there is no cost. One step of ouBandColumn; the live paper position's entry=ou (src/live) too.
 */
export function ouBandValue(spreads: ArrayLike<number>, cost: number): number {
  const fit = fitOu(spreads);
  if (fit === null || !(fit.sigma > 0) || !(cost > 0)) return NaN; // no reversion, or a perfect fit (no noise)
  const band = bertramBand(fit, cost);
  return band.a > 0 ? (spreads[spreads.length - 1]! - fit.mu) / band.a : NaN;
}

/**
 * The backtest with entry=ou over prices (rolling OLS over `window`; options as the backtest's but
 * entry and exit, which the band sets). Throws a RangeError naming the problem.
 * @example
 * backtestOuSeries({ x, y, window: 100 }, { feeBps: 5 }, { fitWindow: 500 }).metrics.sharpe;
 */
export function backtestOuSeries(
  input: { x: number[]; y: number[]; window: number; ts?: number[]; hedge?: HedgeChoice; funding?: LegFunding },
  options: Partial<Omit<BacktestOptions, 'entry' | 'exit'>> = {},
  ou: OuEntryOptions = {},
): BacktestResult {
  const o: BacktestOptions = { ...BACKTEST_DEFAULTS, ...options, entry: 1, exit: -1 };
  const problem = backtestOptionsProblem(o);
  if (problem) throw new RangeError(problem.startsWith('stop') ? `${problem} (entry=ou: stop is in units of the band's half-width, above 1)` : problem);
  if (ou.cost !== undefined && !(ou.cost > 0 && Number.isFinite(ou.cost)))
    throw new RangeError(`cost must be a positive number (spread units), got ${String(ou.cost)}`);
  const c = spreadColumns(input);
  const costAt = ou.cost !== undefined ? () => ou.cost! : (t: number) => roundTripCost(o, input.y[t]!, input.x[t]!, c.beta[t]!);
  const u = ouBandColumn(c.spread, ou.fitWindow ?? input.window, costAt);
  const funding = input.funding === undefined ? {} : { ts: input.ts, funding: input.funding };
  return backtest({ x: input.x, y: input.y, z: u, beta: c.beta, ...funding }, o);
}

/**
 * The spread and beta the band is fitted on: rolling OLS over `window` (analyzeColumns), or the
 * Kalman hedge's (hedge.ts: each point filtered on data up to it, a tuned day fitted on the day
 * before), NaN where undefined.
 */
function spreadColumns(input: { x: number[]; y: number[]; window: number; ts?: number[]; hedge?: HedgeChoice }): { spread: Float64Array; beta: Float64Array } {
  const ts = input.ts ?? input.x.map((_, i) => i);
  const series = { ts, x: input.x, y: input.y, window: input.window, ddof: 1 as const };
  if (input.hedge === undefined || input.hedge.hedge === 'ols') return analyzeColumns(series);
  const { points } = hedgedSeries(series, input.hedge);
  return { spread: Float64Array.from(points, (p) => p.spread ?? NaN), beta: Float64Array.from(points, (p) => p.beta ?? NaN) };
}
