/**
 * Honest backtests (issue 26): the shapes of the walk-forward, the sweep with its PSR / DSR / PBO
 * and the OU thresholds, as the collector's CLIs print them (collector/src/cli/{walkforward,
 * sweep,ou}.ts) and the API serves them (/api/backtest/walkforward: walkForwardResponse; the sweep's
 * verdict is part of sweepResponse). Indices are bars of the input series.
 */
import { z } from 'zod';
import { WALKFORWARD_OBJECTIVES } from '../../constants';
import { backtestMetricsDto, gridHeadFields, pboDto, sweepRowDto } from './backtest';
import { nullableNum, num, obj } from './common';

const walkForwardFoldDto = obj({
  /** Train bars [trainStart, trainEnd), test bars [testStart, testEnd): ends exclusive. */
  trainStart: num,
  trainEnd: num,
  testStart: num,
  testEnd: num,
  /** The combination with the best in-sample objective. */
  choice: obj({ window: num, entry: num, exit: num }),
  inSample: backtestMetricsDto,
  outOfSample: backtestMetricsDto,
  /** PSR (against 0) and DSR of the choice on the train part: the best of the grid's combinations there. */
  psr: nullableNum,
  dsr: nullableNum,
});
const walkForwardFields = {
  folds: z.array(walkForwardFoldDto),
  /** Out-of-sample equity at each test bar, folds joined (each starts where the last ended). */
  equity: z.array(num),
  /** The backtest's metrics of the joined out-of-sample returns. */
  metrics: backtestMetricsDto,
  /** OOS Sharpe / mean in-sample Sharpe of the chosen combinations; null where either is undefined or the mean is 0. */
  efficiency: nullableNum,
  /** PSR against 0 of the joined out-of-sample returns (not deflated: nothing was selected on them). */
  psr: nullableNum,
};
export const walkForwardResult = obj(walkForwardFields);
/** GET / POST /api/backtest/walkforward: walkForwardResult over stored bars, with the bars' times. */
export const walkForwardResponse = obj({
  ...gridHeadFields,
  train: num,
  test: num,
  anchored: z.boolean(),
  objective: z.enum(WALKFORWARD_OBJECTIVES),
  ...walkForwardFields,
  folds: z.array(
    walkForwardFoldDto.extend({
      /** Times of the bars at trainStart, testStart and testEnd - 1 (the fold's last test bar). */
      trainStartTs: num,
      testStartTs: num,
      testLastTs: num,
    }),
  ),
  /** Time of each out-of-sample equity value. */
  equityTs: z.array(num),
});
export const sweepVerdictResult = obj({
  results: z.array(sweepRowDto),
  /** Index into results of the best Sharpe ratio. */
  best: num,
  /** Probabilistic Sharpe ratio of the best against 0, on per-bar returns. */
  psr: nullableNum,
  /** Deflated Sharpe ratio of the best, N = the combinations tried. */
  dsr: nullableNum,
  /** null with a single combination. */
  pbo: pboDto.nullable(),
});
export const ouThresholdsResult = obj({
  /** Speed of mean reversion per unit of dt. */
  theta: num,
  mu: num,
  /** Diffusion per √(unit of dt). */
  sigma: num,
  /** In bars. */
  halfLife: num,
  /** Half-width of Bertram's optimal band, in the spread's units. */
  a: num,
  entryLong: num,
  entryShort: num,
  /** Per unit of dt, net of the round-trip cost. */
  expectedReturnRate: num,
  /** Expected cycle (entry, exit, back), in units of dt. */
  expectedTradeLength: num,
});
