/**
 * z and beta per window over a whole series, each computed once and kept: the sweep, its re-run of
 * the best combination and every walk-forward fold read the same columns. Rolling OLS (and the
 * Kalman hedge's daily re-fit) use bars up to t only, so a fold sliced out of them is warmed on the
 * bars before it and never sees bars after t.
 */
import type { HedgeChoice } from '@quant-pairs/contract';
import type { LegFunding } from '../backtest/funding';
import { hedgeColumns } from '../hedge';

export interface PairSeries {
  /** Hedge leg closes. */
  x: number[];
  /** Regressand closes. */
  y: number[];
  /** Timestamps (epoch ms); bar indexes when absent. */
  ts?: number[];
  hedge?: HedgeChoice;
  /** Each perp leg's funding events (backtest/funding.ts; needs ts), paid in every run. */
  funding?: LegFunding;
  /** z and beta of a window computed elsewhere over these bars (the API's served series); else from x and y here. */
  columns?: (window: number) => Columns;
}

export type Columns = { zscore: Float64Array; beta: Float64Array };

export function columnCache(input: PairSeries): (window: number) => Columns {
  if (input.columns) return input.columns;
  const ts = input.ts ?? input.x.map((_, i) => i);
  const cache = new Map<number, Columns>();
  return (window) => {
    let c = cache.get(window);
    if (c === undefined) {
      c = hedgeColumns({ ts, x: input.x, y: input.y, window, ddof: 1 }, input.hedge ?? { hedge: 'ols' });
      cache.set(window, c);
    }
    return c;
  };
}

/** Per-bar returns of an equity curve: r_t = (E_t - E_{t-1}) / notional, E_{-1} = notional. */
export function returnsOf(equity: ArrayLike<number>, notional: number): Float64Array {
  const r = new Float64Array(equity.length);
  let prev = notional;
  for (let t = 0; t < equity.length; t++) {
    r[t] = (equity[t]! - prev) / notional;
    prev = equity[t]!;
  }
  return r;
}
