/**
 * Simple linear regression y = alpha + beta·x by the centred two-pass closed form
 * beta = Σ(x-x̄)(y-ȳ)/Σ(x-x̄)², alpha = ȳ - beta·x̄ (with a second-pass mean correction), which is
 * within a few ulps of the exact answer (test/fixtures/oracle/README.md: ≤ 5e-15 relative), unlike
 * the uncentred (nΣxy - ΣxΣy)/(nΣx² - (Σx)²) (up to 1.9e-8). Also returns the residual and total
 * sums of squares. Null when x is constant (no unique fit) or fewer than 2 points.
 * Reference: any regression text, e.g. Wasserman, All of Statistics, 13.1.
 *
 * @example
 * olsLine([1, 2, 3], [2, 4, 7]); // => { beta: 2.5, alpha: -0.6666…, ssr: 0.1666…, tss: 12.666…, n: 3 }
 */
export function olsLine(x: ArrayLike<number>, y: ArrayLike<number>): { beta: number; alpha: number; ssr: number; tss: number; n: number } | null {
  const n = x.length;
  if (n < 2 || y.length !== n) return null;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  let mx = sx / n;
  let my = sy / n;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    cx += x[i]! - mx;
    cy += y[i]! - my;
  }
  mx += cx / n;
  my += cy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let lo = x[0]!;
  let hi = x[0]!;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
    if (x[i]! < lo) lo = x[i]!;
    if (x[i]! > hi) hi = x[i]!;
  }
  if (lo === hi || !(sxx > 0)) return null;
  const beta = sxy / sxx;
  const alpha = my - beta * mx;
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i]! - my - beta * (x[i]! - mx);
    ssr += e * e;
  }
  return { beta, alpha, ssr, tss: syy, n };
}
