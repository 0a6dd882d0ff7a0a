/**
 * Householder QR least squares for the small dense regressions of the unit-root tests: one
 * factorisation of X (n × k) gives every nested model X[:, :j] at once, because the leading
 * j × j block of R is the R of the first j columns and the rotated response z = Qᵀy gives
 * SSR_j = Σ_{i>=j} z_i². The t-value of the last column of a nested model j is
 * z_{j-1}·sign(R_{j-1,j-1}) / σ_j with σ_j² = SSR_j/(n - j), since (R⁻¹)_{jj} = 1/R_jj.
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), 5.2 and 5.3.
 * Backward stable (unlike the normal equations, whose error grows with cond(X)²).
 *
 * @example
 * // y = 1 + 2x exactly: the 2-column model has SSR 0 and the 1-column model (const only) Σ(y-ȳ)² = 40
 * const f = householderLs([Float64Array.of(1, 1, 1, 1, 1), Float64Array.of(0, 1, 2, 3, 4)], Float64Array.of(1, 3, 5, 7, 9));
 * f.ssr[2]; f.ssr[1]; // => ≈1e-30, 40
 */
export interface NestedLs {
  /** Rows. */
  n: number;
  /** ssr[j] = residual sum of squares of the model with the first j columns (ssr[0] = yᵀy). */
  ssr: Float64Array;
  /** Diagonal of R. */
  rdiag: Float64Array;
  /** First k entries of Qᵀy. */
  z: Float64Array;
  /** False if some column is (numerically) a combination of the previous ones. */
  fullRank: boolean;
}

/** Columns are overwritten. */
export function householderLs(cols: Float64Array[], y: Float64Array): NestedLs {
  const n = y.length;
  const k = cols.length;
  const rdiag = new Float64Array(k);
  let fullRank = true;
  for (let j = 0; j < k; j++) {
    const a = cols[j]!;
    let norm2 = 0;
    for (let i = j; i < n; i++) norm2 += a[i]! * a[i]!;
    let colNorm2 = norm2;
    for (let i = 0; i < j; i++) colNorm2 += a[i]! * a[i]!;
    const norm = Math.sqrt(norm2);
    if (!(norm > 1e-13 * Math.sqrt(colNorm2))) {
      fullRank = false;
      rdiag[j] = 0;
      continue;
    }
    // v = a[j:] + sign(a_j)·‖a[j:]‖·e1, H = I - 2vvᵀ/vᵀv; R_jj = -sign(a_j)·‖a[j:]‖
    const aj = a[j]!;
    const alpha = aj >= 0 ? -norm : norm;
    const v0 = aj - alpha;
    const vv = v0 * v0 + (norm2 - aj * aj);
    a[j] = v0;
    for (let c = j + 1; c < k; c++) {
      const b = cols[c]!;
      let s = 0;
      for (let i = j; i < n; i++) s += a[i]! * b[i]!;
      const f = (2 * s) / vv;
      for (let i = j; i < n; i++) b[i] = b[i]! - f * a[i]!;
    }
    let s = 0;
    for (let i = j; i < n; i++) s += a[i]! * y[i]!;
    const f = (2 * s) / vv;
    for (let i = j; i < n; i++) y[i] = y[i]! - f * a[i]!;
    rdiag[j] = alpha;
  }
  const ssr = new Float64Array(k + 1);
  let tail = 0;
  for (let i = n - 1; i >= k; i--) tail += y[i]! * y[i]!;
  ssr[k] = tail;
  for (let j = k - 1; j >= 0; j--) {
    tail += y[j]! * y[j]!;
    ssr[j] = tail;
  }
  return { n, ssr, rdiag, z: y.slice(0, k), fullRank };
}
