/**
 * Thinning a series for a panel of `max` points without hiding the extremes of z: the series
 * is cut into equal buckets of consecutive points and each bucket keeps the points of its
 * minimum and maximum z (in time order; one point when they coincide, the first point when
 * the bucket has no z), plus the very last point of the series, so "last value" stays right.
 * This is the min/max decimation that time-series plotters use (M4 without first/last per
 * bucket); it returns indices so that every column is thinned alike.
 *
 *   thinIndices([0, 5, -3, 1, 2, 9, 0, 0], 5) // => buckets [0,5,-3,1] [2,9,0,0] + last: [1, 2, 5, 6, 7]
 */
export function thinIndices(z: readonly (number | null)[], max: number): number[] {
  const n = z.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  if (max === 1) return [argExtreme(z, 0, n, (v) => Math.abs(v))];
  const buckets = max === 2 ? 1 : Math.floor((max - 1) / 2);
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let iMin = -1;
    let iMax = -1;
    for (let i = lo; i < hi; i++) {
      const v = z[i];
      if (v === null || v === undefined) continue;
      if (iMin < 0 || v < z[iMin]!) iMin = i;
      if (iMax < 0 || v > z[iMax]!) iMax = i;
    }
    if (iMin < 0) out.push(lo);
    else if (iMin === iMax) out.push(iMin);
    else out.push(Math.min(iMin, iMax), Math.max(iMin, iMax));
  }
  if (max > 2 && out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

function argExtreme(z: readonly (number | null)[], lo: number, hi: number, key: (v: number) => number): number {
  let best = lo;
  let bestKey = -Infinity;
  for (let i = lo; i < hi; i++) {
    const v = z[i];
    if (v === null || v === undefined) continue;
    if (key(v) > bestKey) {
      bestKey = key(v);
      best = i;
    }
  }
  return best;
}
