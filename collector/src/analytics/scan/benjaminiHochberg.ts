/**
 * Benjamini-Hochberg q-values (false discovery rate adjusted p-values), as statsmodels'
 * `multipletests(p, method='fdr_bh')[1]`: with the m p-values sorted ascending, p₍₁₎ <= ... <=
 * p₍ₘ₎, q₍ᵢ₎ = min(1, min_{k >= i} p₍ₖ₎/(k/m)), returned in the input's order. Selecting q <= α keeps
 * the expected share of false discoveries among the selected at most α (independent or
 * positively dependent tests), which is what testing thousands of pairs at once needs: at
 * p <= 0.05, 5% of 4,950 unrelated pairs (about 250) would pass by chance.
 * Ties get equal q-values, whatever their order. NaN in, NaN out (and not counted in m) — callers
 * pass only the p-values of the pairs actually tested.
 * Reference: Benjamini & Hochberg (1995), JRSS B 57, 289-300; statsmodels.stats.multitest.
 *
 * @example
 * bhQValues([0.01, 0.04, 0.03, 0.5]); // m = 4: sorted 0.01·4/1, 0.03·4/2, 0.04·4/3, 0.5·4/4
 * // => [0.04, 0.0533…, 0.0533…, 0.5] (0.06 for 0.03 is lowered to the next rank's 0.0533…)
 */
export function bhQValues(pvalues: ArrayLike<number>): Float64Array {
  const n = pvalues.length;
  const q = new Float64Array(n).fill(NaN);
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(pvalues[i]!)) order.push(i);
  const m = order.length;
  order.sort((i, j) => pvalues[i]! - pvalues[j]! || i - j);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r]!;
    const v = pvalues[i]! / ((r + 1) / m); // statsmodels: p / ecdffactor, ecdffactor = rank / m
    if (v < running) running = v;
    q[i] = running;
  }
  return q;
}
