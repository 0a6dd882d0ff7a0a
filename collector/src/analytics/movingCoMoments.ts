/**
 * Sliding-window centred co-moments of a pair of series (x, y): the count n (<= w), the means
 * x̄, ȳ and the centred sums Sxx = Σ(x-x̄)², Syy = Σ(y-ȳ)², Sxy = Σ(x-x̄)(y-ȳ) of the last w
 * points, updated in O(1) per point. They give the OLS slope Sxy/Sxx, the variance and the
 * correlation of any trailing window without a second pass.
 *
 * Reference: Welford (1962), "Note on a method for calculating corrected sums of squares and
 * products", Technometrics 4(3); the sliding form as in Finch (2009), "Incremental calculation
 * of weighted mean and variance". Naive sliding raw sums (Σx, Σx², add new / subtract old) lose
 * up to 5e-7 relative on the slope of realistic price windows (test/fixtures/oracle/README.md);
 * the centred updates below stay within ~1e-14.
 *
 * Derivation (window full, the oldest point (xo, yo) leaves as (xn, yn) enters, dx = xn - xo,
 * dy = yn - yo, primes are the new values):
 *   x̄' = x̄ + dx/w
 *   Sxx' = Sxx + dx·((xn - x̄') + (xo - x̄))      from Σx'² - Σx² - w(x̄'² - x̄²)
 *   Sxy' = Sxy + dx·(yn - ȳ') + dy·(xo - x̄)      from Σx'y' - Σxy - w(x̄'ȳ' - x̄ȳ)
 * While the window fills it is the plain Welford step. Every w points the sums are recomputed
 * exactly from the window with a centred two-pass, so rounding cannot drift over long runs
 * (amortised O(1): w operations every w points). A sliding update loses accuracy relative to
 * the new window when the window's spread collapses (a jump leaves the window, a halt starts):
 * the update then subtracts terms much larger than what remains. The size of the largest term
 * since the last recompute is tracked, and when it exceeds 1e4 times what is left the window is
 * recomputed at once, so the relative error of the sums stays below ~1e-11 in every window.
 * The updates work on x - Kx and y - Ky, with
 * shifts K re-set to the window means at each recompute: prices near K subtract exactly
 * (Sterbenz), so the running means drift by ε·|x̄ - K| instead of ε·|x̄| per step, which matters
 * for a 87,000-dollar BTC price moving by cents (the "shifted data" algorithm, Chan, Golub and
 * LeVeque 1983, "Algorithms for computing the sample variance").
 *
 * @example
 * const m = new MovingCoMoments(3);
 * for (const [x, y] of [[1, 2], [2, 4], [3, 7], [4, 8]]) m.push(x, y);
 * // window [(2,4), (3,7), (4,8)]: x̄ = 3, ȳ = 19/3, Sxx = 2, Sxy = 4 -> slope 2
 * m.n; m.meanX; m.sxx; m.sxy; // => 3, 3, 2, 4
 */
export class MovingCoMoments {
  readonly window: number;
  /** Points in the window (<= window). */
  n = 0;
  /** Means relative to the shifts kx, ky. */
  private mx = 0;
  private my = 0;
  private kx = 0;
  private ky = 0;
  sxx = 0;
  syy = 0;
  sxy = 0;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  /** Slot the next point goes to (the oldest point once the window is full). */
  private head = 0;
  private sinceExact = 0;
  /** Largest |update term| of Sxx / Syy since the last exact recompute. */
  private peakX = 0;
  private peakY = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be an integer >= 1, got ${window}`);
    this.window = window;
    this.xs = new Float64Array(window);
    this.ys = new Float64Array(window);
  }

  /** Mean of the x values in the window. */
  get meanX(): number {
    return this.kx + this.mx;
  }

  /** Mean of the y values in the window. */
  get meanY(): number {
    return this.ky + this.my;
  }

  push(xRaw: number, yRaw: number): void {
    const w = this.window;
    const h = this.head;
    if (this.n === 0) {
      // case: empty -> shift by the first point
      this.kx = xRaw;
      this.ky = yRaw;
    }
    const x = xRaw - this.kx;
    const y = yRaw - this.ky;
    if (this.n < w) {
      // case: window still filling -> Welford add
      const n1 = ++this.n;
      const dx = x - this.mx;
      const dy = y - this.my;
      this.mx += dx / n1;
      this.my += dy / n1;
      const ex = x - this.mx;
      const ey = y - this.my;
      this.sxx += dx * ex;
      this.syy += dy * ey;
      this.sxy += dx * ey;
    } else {
      // case: window full -> the oldest point is replaced by the new one
      const xo = this.xs[h]! - this.kx;
      const yo = this.ys[h]! - this.ky;
      const dx = x - xo;
      const dy = y - yo;
      const mx0 = this.mx;
      const my0 = this.my;
      const mx1 = mx0 + dx / w;
      const my1 = my0 + dy / w;
      const ux = dx * (x - mx1 + (xo - mx0));
      const uy = dy * (y - my1 + (yo - my0));
      this.sxx += ux;
      this.syy += uy;
      this.sxy += dx * (y - my1) + dy * (xo - mx0);
      this.mx = mx1;
      this.my = my1;
      const ax = ux < 0 ? -ux : ux;
      const ay = uy < 0 ? -uy : uy;
      if (ax > this.peakX) this.peakX = ax;
      if (ay > this.peakY) this.peakY = ay;
    }
    this.xs[h] = xRaw;
    this.ys[h] = yRaw;
    this.head = h + 1 === w ? 0 : h + 1;
    // case: periodic re-centring, or the window's spread collapsed below 1e-4 of the terms that built it
    if (++this.sinceExact >= w || this.peakX > 1e4 * this.sxx || this.peakY > 1e4 * this.syy) this.recomputeExact();
  }

  /** Recomputes means and centred sums from the window with a two-pass (exactly as the slow reference). */
  recomputeExact(): void {
    this.sinceExact = 0;
    this.peakX = 0;
    this.peakY = 0;
    const n = this.n;
    if (n === 0) return;
    const xs = this.xs;
    const ys = this.ys;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sx += xs[i]!;
      sy += ys[i]!;
    }
    const mx = sx / n;
    const my = sy / n;
    // second pass on the deviations; the residual mean correction keeps the sums centred exactly
    let cx = 0;
    let cy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      const dx = xs[i]! - mx;
      const dy = ys[i]! - my;
      cx += dx;
      cy += dy;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
    this.kx = mx;
    this.ky = my;
    this.mx = cx / n;
    this.my = cy / n;
    this.sxx = sxx - (cx * cx) / n;
    this.syy = syy - (cy * cy) / n;
    this.sxy = sxy - (cx * cy) / n;
    if (this.sxx < 0) this.sxx = 0;
    if (this.syy < 0) this.syy = 0;
    this.peakX = this.sxx;
    this.peakY = this.syy;
  }

  /** Empties the window. */
  reset(): void {
    this.n = 0;
    this.head = 0;
    this.sinceExact = 0;
    this.peakX = this.peakY = 0;
    this.mx = this.my = this.kx = this.ky = this.sxx = this.syy = this.sxy = 0;
  }

  /** The state a later `restore` puts back (for a side-effect-free look-ahead). */
  save(): CoMomentsState {
    const h = this.head;
    return {
      n: this.n,
      mx: this.mx,
      my: this.my,
      kx: this.kx,
      ky: this.ky,
      sxx: this.sxx,
      syy: this.syy,
      sxy: this.sxy,
      head: h,
      sinceExact: this.sinceExact,
      peakX: this.peakX,
      peakY: this.peakY,
      slotX: this.xs[h]!,
      slotY: this.ys[h]!,
    };
  }

  restore(s: CoMomentsState): void {
    this.n = s.n;
    this.mx = s.mx;
    this.my = s.my;
    this.kx = s.kx;
    this.ky = s.ky;
    this.sxx = s.sxx;
    this.syy = s.syy;
    this.sxy = s.sxy;
    this.head = s.head;
    this.sinceExact = s.sinceExact;
    this.peakX = s.peakX;
    this.peakY = s.peakY;
    this.xs[s.head] = s.slotX;
    this.ys[s.head] = s.slotY;
  }
}

export interface CoMomentsState {
  n: number;
  mx: number;
  my: number;
  kx: number;
  ky: number;
  sxx: number;
  syy: number;
  sxy: number;
  head: number;
  sinceExact: number;
  peakX: number;
  peakY: number;
  slotX: number;
  slotY: number;
}
