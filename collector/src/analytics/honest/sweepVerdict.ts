/**
 * The sweep with its verdict (issue 26): every combination's metrics (backtestSweep's rows), the
 * best by Sharpe ratio (the first on ties; a combination without a Sharpe ratio is never best
 * while one has it), the best's PSR against 0 and DSR (sharpeStats.ts: N = the rows, V = the
 * variance of their per-bar Sharpe ratios, a row without one counting 0), and CSCV's PBO
 * (pbo.ts) over the rows' per-bar returns in S blocks, read off the sweep's own marks.
 *
 * @example
 * sweepVerdict({ x, y }, { window: [60, 120], entry: [1.5, 2, 2.5], exit: [0, 0.5] }, { feeBps: 5 });
 * // => { results: 12 rows, best: 4, psr: 0.93, dsr: 0.41, pbo: { pbo: 0.38, logits: [...12,870], ... } }
 */
import { PBO_DEFAULT_BLOCKS } from '@quant-pairs/contract';
import { backtest, BACKTEST_DEFAULTS, type BacktestOptions } from '../backtest/backtest';
import { sweepDetail, sweepFunding, sweepGridProblem, type SweepGrid, type SweepRow } from '../backtest/sweep';
import { columnCache, returnsOf, type PairSeries } from './columns';
import { pbo, type PboResult } from './pbo';
import { sharpeVerdict } from './sharpeStats';

export interface SweepVerdict {
  results: SweepRow[];
  best: number;
  psr: number | null;
  dsr: number | null;
  /** null with a single combination (nothing was selected). */
  pbo: PboResult | null;
}

/** The index of the largest value, the first on ties; null values lose to any number. */
export function argBest(values: readonly (number | null)[]): number {
  let best = 0;
  let bestV = -Infinity;
  values.forEach((v, i) => {
    if (v !== null && v > bestV) {
      bestV = v;
      best = i;
    }
  });
  return best;
}

/**
 * Throws a RangeError naming the problem for bad series, grid, options or blocks (S even in
 * [2, 16], at least 2 bars a block). blocks null: no PBO. PSR and DSR are null with fewer than 2 bars.
 */
export function sweepVerdict(
  input: PairSeries,
  grid: SweepGrid,
  options: Partial<Omit<BacktestOptions, 'entry' | 'exit'>> = {},
  blocks: number | null = PBO_DEFAULT_BLOCKS,
): SweepVerdict {
  const gridProblem = sweepGridProblem(grid);
  if (gridProblem) throw new RangeError(gridProblem);
  const prices = { x: Float64Array.from(input.x), y: Float64Array.from(input.y), funding: sweepFunding(input) };
  const columns = columnCache(input);
  const o = { ...BACKTEST_DEFAULTS, ...options };
  const detail = sweepDetail(prices, grid, columns, options, blocks === null ? {} : { blocks });
  const rows = detail.rows;
  const best = argBest(rows.map((r) => r.metrics.sharpe));
  const b = rows[best]!;
  const c = columns(b.window);
  const funding = input.funding === undefined ? {} : { ts: input.ts, funding: input.funding };
  const equity = backtest({ x: prices.x, y: prices.y, z: c.zscore, beta: c.beta, ...funding }, { ...options, entry: b.entry, exit: b.exit }).equity;
  const perBar = Math.sqrt(o.barsPerYear);
  const verdict =
    equity.length < 2
      ? { psr: null, dsr: null }
      : sharpeVerdict(
          returnsOf(equity, o.notional),
          rows.map((r) => (r.metrics.sharpe ?? 0) / perBar),
        );
  const overfit = rows.length >= 2 && detail.blocks !== null ? pbo({ ...detail.blocks, trials: rows.length }) : null;
  return { results: rows, best, psr: verdict.psr, dsr: verdict.dsr, pbo: overfit };
}
