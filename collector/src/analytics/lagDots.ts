/**
 * Lagged inner products of one series over a fixed range of later points:
 * out[outAt + j] = Σ_{u = from}^{to - 1} a[u - k0 - j]·a[u] for j = 0..count-1 (needs from >= k0 + count - 1).
 * The ADF lag search needs them for lags 0..maxlag (the cross-products of the lagged
 * differences), the Hurst exponent for lags 2..100 (the autocovariance of the spread): these two
 * loops were most of a pair scan's time. Lags go eight (then four) at a time through one pass
 * over u that keeps a[u-k], ..., a[u-k-7] in registers (sliding them by one each step), so eight
 * multiply-adds cost two loads instead of sixteen, in eight independent accumulators: 2.5-3x the
 * speed of one 4-way unrolled dot product per lag (node 20, n = 1,000, 99 lags).
 * Each sum is accumulated in order of u, as a plain loop would (no reassociation across lags).
 *
 * @example
 * const out = new Float64Array(2);
 * lagDots(Float64Array.of(1, 2, 3, 4), 1, 4, 0, 2, out); // lag 0: 2·2 + 3·3 + 4·4 = 29; lag 1: 1·2 + 2·3 + 3·4 = 20
 * // out = [29, 20]
 */
export function lagDots(a: Float64Array, from: number, to: number, k0: number, count: number, out: Float64Array, outAt = 0): void {
  let j = 0;
  for (; j + 7 < count; j += 8) {
    const k = k0 + j;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    let x1 = a[from - k - 1]!;
    let x2 = a[from - k - 2]!;
    let x3 = a[from - k - 3]!;
    let x4 = a[from - k - 4]!;
    let x5 = a[from - k - 5]!;
    let x6 = a[from - k - 6]!;
    let x7 = a[from - k - 7]!;
    for (let u = from; u < to; u++) {
      const x0 = a[u - k]!;
      const y = a[u]!;
      s0 += x0 * y;
      s1 += x1 * y;
      s2 += x2 * y;
      s3 += x3 * y;
      s4 += x4 * y;
      s5 += x5 * y;
      s6 += x6 * y;
      s7 += x7 * y;
      x7 = x6;
      x6 = x5;
      x5 = x4;
      x4 = x3;
      x3 = x2;
      x2 = x1;
      x1 = x0;
    }
    out[outAt + j] = s0;
    out[outAt + j + 1] = s1;
    out[outAt + j + 2] = s2;
    out[outAt + j + 3] = s3;
    out[outAt + j + 4] = s4;
    out[outAt + j + 5] = s5;
    out[outAt + j + 6] = s6;
    out[outAt + j + 7] = s7;
  }
  for (; j + 3 < count; j += 4) {
    const k = k0 + j;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let x1 = a[from - k - 1]!;
    let x2 = a[from - k - 2]!;
    let x3 = a[from - k - 3]!;
    for (let u = from; u < to; u++) {
      const x0 = a[u - k]!;
      const y = a[u]!;
      s0 += x0 * y;
      s1 += x1 * y;
      s2 += x2 * y;
      s3 += x3 * y;
      x3 = x2;
      x2 = x1;
      x1 = x0;
    }
    out[outAt + j] = s0;
    out[outAt + j + 1] = s1;
    out[outAt + j + 2] = s2;
    out[outAt + j + 3] = s3;
  }
  for (; j < count; j++) {
    const k = k0 + j;
    let s = 0;
    for (let u = from; u < to; u++) s += a[u - k]! * a[u]!;
    out[outAt + j] = s;
  }
}

/**
 * The full lagged products of a[0..n): out[outAt + j] = Σ_{u=k}^{n-1} a[u-k]·a[u] for k = k0 + j,
 * j = 0..count-1 (k < n). `lagDots` eight lags at a time over the later points u from the block's
 * largest lag on, then the few u each smaller lag of the block has before that.
 *
 * @example
 * const out = new Float64Array(2);
 * lagProductsAll(Float64Array.of(1, 2, 3, 4), 4, 1, 2, out); // lag 1: 1·2 + 2·3 + 3·4 = 20; lag 2: 1·3 + 2·4 = 11
 */
export function lagProductsAll(a: Float64Array, n: number, k0: number, count: number, out: Float64Array, outAt = 0): void {
  const last = k0 + count - 1;
  for (let b = k0; b <= last; b += 8) {
    const top = Math.min(last, b + 7);
    lagDots(a, top, n, b, top - b + 1, out, outAt + b - k0);
    for (let k = b; k < top; k++) {
      let head = 0;
      for (let u = k; u < top; u++) head += a[u - k]! * a[u]!;
      out[outAt + k - k0] = out[outAt + k - k0]! + head;
    }
  }
}
