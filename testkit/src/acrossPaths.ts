/**
 * Comparing one analytics value computed on two paths: the live engine and /api/analytics, a
 * cached run continued over new bars and a fresh pass, a pass that starts at the first stored
 * bar and one that starts 2·(window−1) bars before `from`, the API answer a Grafana query got
 * and the one the test fetched a moment later. The paths push the same bars through the same
 * formulas, but their sliding sums start at different points, so the last bits differ (seen:
 * z 1.7501641555024674 vs 1.7501641555024667), and which path serves a request can depend on
 * timing (bars settling, cache state). Equality there fails now and then; these tolerances do
 * not, and stay far below what a real fault changes (ddof 0 instead of 1 scales z by
 * sqrt((w−1)/w), 5e-3 relative at w = 100; the differences seen between paths are ~1e-15).
 *
 * Derivation: each path is held to the oracle's tolerances against exact references
 * (test/fixtures/oracle/README.md, checked case by case in test/analytics/engine.oracle.test.ts):
 *   beta             |Δ| <= 1e-9·|beta|
 *   alpha, spread    |Δ| <= 1e-9·max|y in the window|     (spreadMean too: a mean of spreads)
 *   z                |Δ| <= 1e-7
 *   correlation      Sxy/sqrt(Sxx·Syy) from the same centred sums as beta: 1e-9 relative,
 *                    and |ρ| <= 1, so |Δ| <= 1e-9
 *   money            a backtest's equity, P&L, fees, return, Sharpe, drawdown: linear in the
 *                    hedge leg's quantity -beta·qy, so beta's 1e-9 relative (of at least 1)
 * Two values each within t of the exact one are within 2t of each other, so the tolerances
 * across paths are twice those. Nulls, timestamps and signals must still be equal (the
 * closest |z| to a ±2 threshold in the oracle is 4.5e-5 away, far outside 2e-7).
 */

export type Quantity = 'beta' | 'level' | 'z' | 'correlation' | 'money';

/**
 * |a - b| allowed between two paths for a value of `want`. `level` (alpha, spread, spreadMean)
 * needs `yScale`, the largest |y| price of the window (a bound on it is fine).
 */
export function acrossPathsTolerance(q: Quantity, want: number, yScale?: number): number {
  switch (q) {
    case 'beta':
      return 2e-9 * Math.abs(want);
    case 'z':
      return 2e-7;
    case 'correlation':
      return 2e-9;
    case 'money':
      // a backtest's equity, P&L, fees and the metrics made of them: linear in the hedge leg's
      // quantity -beta x qy, so beta's 2e-9 relative (of at least 1: a P&L near 0 is not relative)
      return 2e-9 * Math.max(1, Math.abs(want));
    case 'level':
      if (yScale === undefined || !(yScale > 0)) throw new Error('acrossPathsTolerance: a level (alpha, spread, spreadMean) needs the price scale of y');
      return 2e-9 * yScale;
  }
}

/** Throws, naming the first index that differs, unless `got` equals `want` within the tolerance of `q` (nulls exactly). */
export function expectAcrossPaths(got: readonly (number | null)[], want: readonly (number | null)[], q: Quantity, what: string, yScale?: number): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const a = got[i] ?? null;
    const b = want[i] ?? null;
    if (a === null || b === null) {
      if (a !== b) throw new Error(`${what}[${i}]: expected ${b}, got ${a}`);
      continue;
    }
    const tol = acrossPathsTolerance(q, b, yScale);
    if (!(Math.abs(a - b) <= tol))
      throw new Error(`${what}[${i}]: expected ${b}, got ${a} (|diff| ${Math.abs(a - b)} > ${tol}, the ${q} tolerance across paths)`);
  }
}
