/** Response schemas of /api/scan and /api/scan/history. */
import { z } from 'zod';
import { nullableNum, num, obj, timeframe } from './common';

/** One direction's Engle-Granger test (statsmodels coint: constant, AIC lags, MacKinnon N = 2). */
export const scanCointDto = obj({ stat: num, pvalue: num, usedlag: num });
/** A trade of the spread at its last z, held two half-lives: the OU reversion, the funding carry over the hold and the round trip's costs. */
const scanExpectedDto = obj({
  side: z.enum(['LONG', 'SHORT']),
  /** The spread's z at the scan's last bar (ddof 1 over the window). */
  z: num,
  holdMs: num,
  reversion: num,
  /** Funding received over the hold (perpetual legs, the last 30 days' rates; a spot leg 0). */
  carry: num,
  costs: num,
  /** reversion + carry - costs. */
  expected: num,
  perYear: num,
});
/** One pair {a, b} of a scan (collector/src/analytics/scan); null where undefined (a constant leg, a degenerate fit). */
export const scanRow = obj({
  a: z.string(),
  b: z.string(),
  /** OLS a = alpha + beta·b over the window; the spread is a - alpha - beta·b. */
  beta: nullableNum,
  alpha: nullableNum,
  /** Engle-Granger coint(a, b) and coint(b, a) (constant, AIC lags, MacKinnon N = 2). */
  coint: scanCointDto.nullable(),
  cointReverse: scanCointDto.nullable(),
  /** The larger of the two p-values; null unless both tests are defined. */
  pvalue: nullableNum,
  /** Benjamini-Hochberg q-value among the scan's pairs with a p-value. */
  qvalue: nullableNum,
  /** Of the spread, in bars. */
  halfLife: nullableNum,
  hurst: nullableNum,
  meanCrossings: nullableNum,
  correlation: nullableNum,
  selected: z.boolean(),
  /**
   * Why a test or statistic is null: a constant leg, an (almost) perfect fit whose spread is
   * rounding (statsmodels' collinearity rule), a window too short for the residual ADF; null when
   * every number is there.
   */
  note: z.string().nullable(),
  /**
   * With /api/scan's sort=carryAdjusted or minCarryAdjusted only (issue 25): the carry-adjusted
   * expected return of trading the spread now (collector/src/analytics/README.md, "Funding carry"),
   * fractions of the y (a) notional; null without a half-life or a spread deviation.
   */
  expected: scanExpectedDto.nullable().optional(),
});
export const scanResponse = obj({
  tf: timeframe,
  window: num,
  /** Close of the last bar scanned (epoch ms): the scan used bars that ended by then only. */
  ts: num,
  /** The symbols scanned, in universe order. */
  symbols: z.array(z.string()),
  /** Pairs with a p-value (the m of the correction). */
  tested: num,
  selected: num,
  /** Sorted by q-value, undefined last. */
  pairs: z.array(scanRow),
});
export const scanHistoryPoint = obj({
  ts: num,
  pvalue: nullableNum,
  qvalue: nullableNum,
  cointPvalue: nullableNum,
  cointReversePvalue: nullableNum,
  halfLife: nullableNum,
  hurst: nullableNum,
  selected: z.boolean(),
});
export const scanHistoryResponse = obj({ pair: z.string(), tf: timeframe, window: num, points: z.array(scanHistoryPoint) });
