/**
 * Mean crossings of a series: how often s - mean(s) changes sign from one point to the next.
 * A point exactly at the mean (0 after centring) carries the sign before it, so a path that
 * touches the mean and turns back does not count and one that passes through it counts once.
 * Pairs-selection filters ask for enough of them in the formation window (ArbitrageLab: >= 12
 * a year; here >= SCAN_MIN_CROSSINGS in the scan window) so that a low half-life is not one lucky
 * reversion. 0 for fewer than 2 points; null if a value is not finite.
 * Reference: Sarmento & Horta (2020), A Machine Learning based Pairs Trading Investment Strategy,
 * section 5.1 (the mean-crossing criterion).
 *
 * @example
 * meanCrossings([1, 3, 1, 3]); // mean 2: -1, 1, -1, 1 -> 3
 * meanCrossings([1, 2, 3, 2, 1]); // mean 1.8: -, +, +, +, - -> 2
 */
export function meanCrossings(series: ArrayLike<number>): number | null {
  const n = series.length;
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(series[i])) return null;
    m += series[i]!;
  }
  m /= n;
  let count = 0;
  let sign = 0;
  for (let i = 0; i < n; i++) {
    const d = series[i]! - m;
    const sgn = d > 0 ? 1 : d < 0 ? -1 : 0;
    if (sgn === 0) continue;
    if (sign !== 0 && sgn !== sign) count++;
    sign = sgn;
  }
  return count;
}
