/** The pair scanner over a universe (issue 15) and its per-spread statistics. */
export {
  scanSeries,
  scanSteps,
  scanRows,
  finishScan,
  pairCount,
  scanInputProblem,
  SCAN_DEFAULTS,
  SCAN_THRESHOLD_RULES,
  type ScanThresholds,
  type ScanPair,
  type ScanCoint,
  type ScanResult,
  type ScanPaths,
} from './scan';
export { hurst } from './hurst';
export { meanCrossings } from './crossings';
export { bhQValues } from './benjaminiHochberg';
