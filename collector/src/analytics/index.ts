/** Pure analytics (no I/O): rolling OLS pairs engine, z-score, signals, ADF, Engle-Granger, half-life, Kalman hedge. */
export { PairEngine, engineOptionsProblem, NOISE_MARGIN, type EngineOptions, type SeriesColumns } from './engine';
export { analyzeSeries, analyzeColumns, columnsToPoints, seriesInputProblem, type SeriesInput } from './analyzeSeries';
export { alignBars } from './align';
export { nextSignal, signalRuleProblem } from './signal';
export { MovingCoMoments } from './movingCoMoments';
export { MovingMoments } from './movingMoments';
export { adfuller, type AdfOptions, type AdfResult, type AdfRegression, type Autolag } from './adf';
export { coint, type CointOptions, type CointResult } from './coint';
export { halfLife } from './halfLife';
export { mackinnonp, mackinnoncrit, type CriticalValues, type Regression } from './mackinnon';
export { normalCdf } from './normalCdf';
export { olsLine } from './ols';
export { scanSeries, scanSteps, scanInputProblem, SCAN_DEFAULTS, type ScanThresholds, type ScanPair, type ScanCoint, type ScanResult } from './scan';
export { KalmanHedge, kalmanSeries, kalmanLogLikelihood, type KalmanOptions, type KalmanPoint } from './kalman';
export { fitKalman, type KalmanFit, type KalmanFitOptions } from './kalmanFit';
export { dailyKalmanSeries, openPeriod, nullPoint, KALMAN_PERIOD_MS, type KalmanPeriod, type DailyKalmanOptions } from './kalmanDaily';
export { hedgedSeries, hedgeColumns, kalmanDailyOptions, type KalmanPeriodOptions } from './hedge';
export { brentMinimize } from './brent';
export {
  backtest,
  backtestSeries,
  backtestSweep,
  sweepColumns,
  sweepFunding,
  sweepGridProblem,
  PositionBook,
  backtestInputProblem,
  backtestOptionsProblem,
  BACKTEST_DEFAULTS,
  fundingProblem,
  type LegFunding,
  type BacktestOptions,
  type BacktestResult,
  type BacktestTrade,
  type BacktestMetrics,
  type BacktestSeriesInput,
  type SweepGrid,
  type SweepRow,
} from './backtest';
export { sweepVerdict } from './honest/sweepVerdict';
export { walkForward } from './honest/walkForward';
export { pboBlocksProblem } from './honest/pbo';
export type { PairSeries } from './honest/columns';
export { ouFitOf, ouStats, roundTripCost, type OuStats } from './honest/ouStats';
export type { OuFit } from './honest/ou';
export { backtestOuSeries, ouBandValue } from './backtest/ouEntry';
