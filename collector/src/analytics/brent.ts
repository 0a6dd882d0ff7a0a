/** Result of a bounded one-dimensional minimisation. */
export interface MinimizeResult {
  /** Argument of the minimum found. */
  x: number;
  /** f(x) */
  fx: number;
  /** Calls of f. */
  evaluations: number;
  /** The bracket shrank below the tolerance (false: stopped at maxEvaluations). */
  converged: boolean;
}

const GOLDEN = (3 - Math.sqrt(5)) / 2;

/**
 * Brent's method on [a, b]: golden-section steps with parabolic interpolation, never evaluating
 * outside the bounds; stops when the bracket around the best point is within
 * 2·(rel·|x| + abs) (the textbook test, scipy.optimize.fminbound's `xtol` is `abs`).
 * Finds a local minimum; the caller brackets the global one (kalmanFit scans a grid first).
 * Reference: Brent, R. P. (1973), Algorithms for Minimization without Derivatives, ch. 5
 * ("localmin"); the same steps as scipy.optimize.fminbound.
 *
 * @example
 * brentMinimize((u) => (u - 2) ** 2, 0, 5); // => { x: 2 (to ~1e-8), fx: ~0, converged: true, evaluations: ~6 }
 */
export function brentMinimize(
  f: (x: number) => number,
  a: number,
  b: number,
  opts: { abs?: number; rel?: number; maxEvaluations?: number } = {},
): MinimizeResult {
  if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) throw new RangeError(`need finite bounds a < b, got [${a}, ${b}]`);
  const abs = opts.abs ?? 1e-10;
  const rel = opts.rel ?? 1.5e-8; // ≈ √ε: below it the parabola is noise
  const maxEvaluations = opts.maxEvaluations ?? 500;
  let x = a + GOLDEN * (b - a);
  let w = x;
  let v = x;
  let fx = f(x);
  let fw = fx;
  let fv = fx;
  let evaluations = 1;
  let d = 0;
  let e = 0; // the step before last
  for (;;) {
    const m = 0.5 * (a + b);
    const tol1 = rel * Math.abs(x) + abs / 3;
    const tol2 = 2 * tol1;
    if (Math.abs(x - m) <= tol2 - 0.5 * (b - a)) return { x, fx, evaluations, converged: true };
    if (evaluations >= maxEvaluations) return { x, fx, evaluations, converged: false };
    let golden = true;
    if (Math.abs(e) > tol1) {
      // parabola through (x, fx), (w, fw), (v, fv)
      let r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      else q = -q;
      r = e;
      e = d;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = x < m ? tol1 : -tol1;
        golden = false;
      }
    }
    if (golden) {
      e = x < m ? b - x : a - x;
      d = GOLDEN * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    const fu = f(u);
    evaluations++;
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
}
