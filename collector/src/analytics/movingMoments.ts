/**
 * Sliding-window mean and centred sum of squares M2 = Σ(v - v̄)² of the last w values of one
 * series, O(1) per value: the kernel of the rolling z-score of the spread.
 *
 * Reference: Welford (1962), Technometrics 4(3). Derivation (window full, vo leaves, vn enters,
 * d = vn - vo): v̄' = v̄ + d/w, M2' = M2 + d·((vn - v̄') + (vo - v̄)). While filling it is the
 * plain Welford step. Every w values M2 and the mean are recomputed with an exact centred
 * two-pass over the window, so rounding cannot drift (amortised O(1)), and at once when M2
 * collapses below 1e-4 of the largest update term since the last recompute (a jump leaving the
 * window), so its relative error stays below ~1e-11 (see MovingCoMoments).
 * Variance = M2 / (n - ddof): ddof 1 is pandas' `rolling().std()`, ddof 0 numpy's `np.std`.
 *
 * @example
 * const m = new MovingMoments(3);
 * [1, 2, 3, 5].forEach((v) => m.push(v));   // window [2, 3, 5]
 * m.mean; m.m2; // => 10/3, 4.666… (sample variance 2.333…)
 */
export class MovingMoments {
  readonly window: number;
  n = 0;
  mean = 0;
  m2 = 0;
  private readonly vs: Float64Array;
  private head = 0;
  private sinceExact = 0;
  private peak = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be an integer >= 1, got ${window}`);
    this.window = window;
    this.vs = new Float64Array(window);
  }

  push(v: number): void {
    const w = this.window;
    const h = this.head;
    if (this.n < w) {
      // case: window still filling -> Welford add
      const n1 = ++this.n;
      const d = v - this.mean;
      this.mean += d / n1;
      this.m2 += d * (v - this.mean);
    } else {
      // case: window full -> replace the oldest value
      const vo = this.vs[h]!;
      const d = v - vo;
      const m0 = this.mean;
      const m1 = m0 + d / w;
      const u = d * (v - m1 + (vo - m0));
      this.m2 += u;
      this.mean = m1;
      const a = u < 0 ? -u : u;
      if (a > this.peak) this.peak = a;
    }
    this.vs[h] = v;
    this.head = h + 1 === w ? 0 : h + 1;
    // case: periodic re-centring, or M2 collapsed below 1e-4 of the terms that built it
    if (++this.sinceExact >= w || this.peak > 1e4 * this.m2) this.recomputeExact();
  }

  recomputeExact(): void {
    this.sinceExact = 0;
    const n = this.n;
    if (n === 0) return;
    const vs = this.vs;
    let s = 0;
    for (let i = 0; i < n; i++) s += vs[i]!;
    const m = s / n;
    let c = 0;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = vs[i]! - m;
      c += d;
      m2 += d * d;
    }
    this.mean = m + c / n;
    this.m2 = Math.max(0, m2 - (c * c) / n);
    this.peak = this.m2;
  }

  reset(): void {
    this.n = 0;
    this.head = 0;
    this.sinceExact = 0;
    this.peak = 0;
    this.mean = 0;
    this.m2 = 0;
  }

  save(): MomentsState {
    const h = this.head;
    return { n: this.n, mean: this.mean, m2: this.m2, head: h, sinceExact: this.sinceExact, peak: this.peak, slot: this.vs[h]! };
  }

  restore(s: MomentsState): void {
    this.n = s.n;
    this.mean = s.mean;
    this.m2 = s.m2;
    this.head = s.head;
    this.sinceExact = s.sinceExact;
    this.peak = s.peak;
    this.vs[s.head] = s.slot;
  }
}

export interface MomentsState {
  n: number;
  mean: number;
  m2: number;
  head: number;
  sinceExact: number;
  peak: number;
  slot: number;
}
