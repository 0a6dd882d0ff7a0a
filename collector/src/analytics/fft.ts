/** A transform of size n = 2^m: its twiddle factors and bit-reversal permutation, computed once. */
export interface FftPlan {
  n: number;
  /** cos and sin of 2π·j/n, j = 0..n-1 (each from Math.cos / Math.sin of its own angle, not by recurrence). */
  cos: Float64Array;
  sin: Float64Array;
  /** rev[j] = j with its m bits reversed: where input j goes for `fftBitReversed`. */
  rev: Uint32Array;
}

/** The plan of a transform of size n (a power of two, >= 1). */
export function fftPlan(n: number): FftPlan {
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) throw new RangeError(`FFT size must be a power of two, got ${n}`);
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const a = (2 * Math.PI * j) / n;
    cos[j] = Math.cos(a);
    sin[j] = Math.sin(a);
  }
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let j = 1; j < n; j++) rev[j] = (rev[j >> 1]! >> 1) | ((j & 1) << (bits - 1));
  return { n, cos, sin, rev };
}

/**
 * The discrete Fourier transform X[k] = Σ_j x[j]·e^(-2πi·jk/n), in place on (re, im), with the
 * input stored in bit-reversed order (x[j] at rev[j]) and the output in natural order (X[k] at k):
 * decimation in time, one radix-2 stage when m is odd, then radix-4 stages, each radix-4
 * butterfly three complex multiplications by tabled twiddles. Storing the input permuted costs a
 * caller nothing when it writes the input element by element anyway (the pair scanner does),
 * and saves the permutation pass.
 * `keep` < n: only X[0..keep) are wanted; when keep <= n/4 the last stage computes just those
 * (the rest of re/im is then left holding intermediate values). Rounding: about ε·log2(n) times
 * the input's root-sum-square per output, as any FFT (test/analytics/fft.test.ts compares the
 * plain O(n²) sum).
 * Reference: Cooley & Tukey (1965); the radix-4 butterfly as in Van Loan, Computational
 * Frameworks for the Fast Fourier Transform (1992), 2.3.
 *
 * @example
 * const p = fftPlan(4);
 * const re = Float64Array.of(1, 0, 0, 0); // x = [1, 0, 0, 0] in bit-reversed order (rev = 0, 2, 1, 3)
 * const im = new Float64Array(4);
 * fftBitReversed(p, re, im); // re = [1, 1, 1, 1], im = [0, 0, 0, 0]
 */
export function fftBitReversed(plan: FftPlan, re: Float64Array, im: Float64Array, keep: number = plan.n): void {
  const { n, cos, sin } = plan;
  let size = 1;
  if ((Math.round(Math.log2(n)) & 1) === 1) {
    // one radix-2 stage of 2-point transforms (twiddle 1)
    for (let a = 0; a < n; a += 2) {
      const xr = re[a + 1]!;
      const xi = im[a + 1]!;
      re[a + 1] = re[a]! - xr;
      im[a + 1] = im[a]! - xi;
      re[a] = re[a]! + xr;
      im[a] = im[a]! + xi;
    }
    size = 2;
  }
  for (; size * 4 <= n; size *= 4) {
    const q = size; // quarter of the transforms this stage makes
    const len = 4 * q;
    const stride = n / len; // twiddle w^j of a len-point transform = table entry j·stride
    const last = len === n && keep <= q;
    for (let j = 0; j < q; j++) {
      const t1 = j * stride;
      const t2 = 2 * t1;
      const t3 = 3 * t1;
      // e^(-2πi·t/n) = cos - i·sin
      const w1r = cos[t1]!;
      const w1i = -sin[t1]!;
      const w2r = cos[t2]!;
      const w2i = -sin[t2]!;
      const w3r = cos[t3]!;
      const w3i = -sin[t3]!;
      if (last) {
        if (j >= keep) break;
        firstOutput4(re, im, j, q, w1r, w1i, w2r, w2i, w3r, w3i);
      } else for (let a = j; a < n; a += len) butterfly4(re, im, a, q, w1r, w1i, w2r, w2i, w3r, w3i);
    }
  }
}

/**
 * One radix-4 decimation-in-time butterfly on positions a, a+q, a+2q, a+3q, which hold the
 * q-point transforms A, B, C, D of the residues 0, 2, 1, 3 (bit-reversed order): with
 * b = w²·B, c = w·C, d = w³·D, X[j] = A + b + (c + d), X[j+2q] = A + b - (c + d),
 * X[j+q] = A - b - i·(c - d), X[j+3q] = A - b + i·(c - d).
 */
function butterfly4(
  re: Float64Array,
  im: Float64Array,
  a: number,
  q: number,
  w1r: number,
  w1i: number,
  w2r: number,
  w2i: number,
  w3r: number,
  w3i: number,
): void {
  const a1 = a + q;
  const a2 = a1 + q;
  const a3 = a2 + q;
  const Ar = re[a]!;
  const Ai = im[a]!;
  const Br = re[a1]!;
  const Bi = im[a1]!;
  const Cr = re[a2]!;
  const Ci = im[a2]!;
  const Dr = re[a3]!;
  const Di = im[a3]!;
  const br = w2r * Br - w2i * Bi;
  const bi = w2r * Bi + w2i * Br;
  const cr = w1r * Cr - w1i * Ci;
  const ci = w1r * Ci + w1i * Cr;
  const dr = w3r * Dr - w3i * Di;
  const di = w3r * Di + w3i * Dr;
  const s0r = Ar + br;
  const s0i = Ai + bi;
  const s1r = Ar - br;
  const s1i = Ai - bi;
  const s2r = cr + dr;
  const s2i = ci + di;
  const s3r = cr - dr;
  const s3i = ci - di;
  re[a] = s0r + s2r;
  im[a] = s0i + s2i;
  re[a2] = s0r - s2r;
  im[a2] = s0i - s2i;
  // -i·(s3r + i·s3i) = s3i - i·s3r
  re[a1] = s1r + s3i;
  im[a1] = s1i - s3r;
  re[a3] = s1r - s3i;
  im[a3] = s1i + s3r;
}

/** X[j] only of `butterfly4` at a = j (the last stage when only the first outputs are kept). */
function firstOutput4(
  re: Float64Array,
  im: Float64Array,
  j: number,
  q: number,
  w1r: number,
  w1i: number,
  w2r: number,
  w2i: number,
  w3r: number,
  w3i: number,
): void {
  const Br = re[j + q]!;
  const Bi = im[j + q]!;
  const Cr = re[j + 2 * q]!;
  const Ci = im[j + 2 * q]!;
  const Dr = re[j + 3 * q]!;
  const Di = im[j + 3 * q]!;
  re[j] = re[j]! + (w2r * Br - w2i * Bi) + (w1r * Cr - w1i * Ci + (w3r * Dr - w3i * Di));
  im[j] = im[j]! + (w2r * Bi + w2i * Br) + (w1r * Ci + w1i * Cr + (w3r * Di + w3i * Dr));
}
