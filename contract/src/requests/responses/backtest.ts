/** Response schemas of /api/backtest and /api/backtest/sweep (its verdict: PSR, DSR, PBO of issue 26). */
import { z } from 'zod';
import { backtestSettings } from './analytics';
import { hedge, nullableNum, num, obj, timeframe } from './common';

export const backtestMetricsDto = obj({
  /** E_end / notional - 1. */
  totalReturn: num,
  /** mean / std (ddof 1) of the per-bar returns x sqrt(barsPerYear); null with fewer than 2 bars or no variation. */
  sharpe: nullableNum,
  /** Largest (peak - E) / peak. */
  maxDrawdown: num,
  /** Trades, the one open at the end included. */
  trades: num,
  /** Share of trades with pnl > 0; null without trades. */
  winRate: nullableNum,
  avgBars: nullableNum,
  fees: num,
  /**
   * Funding of perpetual legs received over the run, negative when paid (issue 25: at each funding
   * time a position of signed quantity q pays q · mark · rate); present only when the backtest had
   * funding events.
   */
  funding: num.optional(),
});
export const backtestTradeDto = obj({
  /** Bar times of the entry and exit fills (exit: the last bar for a trade still open). */
  entryTs: num,
  exitTs: num,
  entryIndex: num,
  exitIndex: num,
  side: z.enum(['LONG', 'SHORT']),
  reason: z.enum(['exit', 'stop', 'time', 'open']),
  beta: num,
  qy: num,
  qx: num,
  /** Both legs' P&L net of the trade's fees, plus its funding when present (an open trade marked at the last closes). */
  pnl: num,
  fees: num,
  /** Funding the trade received while held, negative when paid; present only when the backtest had funding events. */
  funding: num.optional(),
  bars: num,
});
export const backtestResponse = obj({
  pair: z.string(),
  tf: timeframe,
  window: num,
  /** Where beta and z come from (the request's hedge). */
  hedge,
  from: num,
  to: num,
  /** Bars backtested (final bars in the range, aligned). */
  bars: num,
  settings: backtestSettings,
  metrics: backtestMetricsDto,
  trades: z.array(backtestTradeDto),
  /** Equity at each bar's close (thinned to maxDataPoints when asked). */
  equity: obj({ ts: z.array(num), equity: z.array(num) }),
  thinned: z.boolean(),
});
export const sweepRowDto = obj({ window: num, entry: num, exit: num, metrics: backtestMetricsDto });
/** CSCV's probability of backtest overfitting (Bailey, Borwein, Lopez de Prado, Zhu 2017) of a sweep. */
export const pboDto = obj({
  /** Share of CSCV splits whose in-sample best ranks at or below the out-of-sample median. */
  pbo: num,
  /** λ of each split (C(S, S/2) of them). */
  logits: z.array(num),
  /** Slope of out-of-sample on in-sample Sharpe of the chosen combination over the splits. */
  degradation: nullableNum,
  /** Share of splits whose chosen combination loses out of sample. */
  probLoss: num,
});
/** What every answer over a grid starts with (the sweep's, the walk-forward's): the pair, its range, the bars and the settings fixed across the grid. */
export const gridHeadFields = {
  pair: z.string(),
  tf: timeframe,
  hedge,
  from: num,
  to: num,
  /** Bars run (final bars in the range, aligned): indices into the answer are into these. */
  bars: num,
  settings: backtestSettings.omit({ entry: true, exit: true }),
};
export const sweepResponse = obj({
  ...gridHeadFields,
  /** One row per valid combination, in window, entry, exit order. */
  rows: z.array(sweepRowDto),
  /** Index into rows of the best Sharpe ratio (the first on ties). */
  best: num,
  /** Probabilistic Sharpe ratio of the best against 0, on per-bar returns; null with fewer than 2 bars or no variation. */
  psr: nullableNum,
  /** Deflated Sharpe ratio of the best, N = the rows, V = the variance of their per-bar Sharpe ratios; null with one row. */
  dsr: nullableNum,
  /** null with one row, or with fewer than 2 bars a block when `blocks` was not asked for. */
  pbo: pboDto.nullable(),
});
