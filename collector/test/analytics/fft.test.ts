/**
 * The FFT kernel (src/analytics/fft.ts) against the slow, obvious reference: the O(n²) sum
 * X[k] = Σ_j x[j]·e^(-2πi·jk/n) straight from the definition, at sizes with an even and an odd
 * number of bits (radix-4 stages only, or a radix-2 stage first), and the pruned last stage.
 */
import { fftBitReversed, fftPlan } from '../../src/analytics/fft';
import { gaussian, rng } from '../../src/fake-binance/rng';

function naiveDft(xr: readonly number[], xi: readonly number[]): { re: number[]; im: number[] } {
  const n = xr.length;
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += xr[j]! * Math.cos(a) - xi[j]! * Math.sin(a);
      si += xr[j]! * Math.sin(a) + xi[j]! * Math.cos(a);
    }
    re.push(sr);
    im.push(si);
  }
  return { re, im };
}

function transform(xr: readonly number[], xi: readonly number[], keep?: number): { re: Float64Array; im: Float64Array } {
  const plan = fftPlan(xr.length);
  const re = new Float64Array(xr.length);
  const im = new Float64Array(xr.length);
  for (let j = 0; j < xr.length; j++) {
    re[plan.rev[j]!] = xr[j]!;
    im[plan.rev[j]!] = xi[j]!;
  }
  fftBitReversed(plan, re, im, keep);
  return { re, im };
}

function signal(n: number, seed: number): { xr: number[]; xi: number[] } {
  const r = rng(seed);
  return { xr: Array.from({ length: n }, () => 100 + gaussian(r)), xi: Array.from({ length: n }, () => gaussian(r)) };
}

describe('fftBitReversed', () => {
  it('worked example (the doc comment): a unit impulse transforms to all ones', () => {
    const { re, im } = transform([1, 0, 0, 0], [0, 0, 0, 0]);
    expect([...re]).toEqual([1, 1, 1, 1]);
    expect([...im].map(Math.abs)).toEqual([0, 0, 0, 0]);
  });

  it.each([1, 2, 4, 8, 16, 32, 64, 128, 512, 1024])('n = %i: equals the O(n²) sum', (n) => {
    const { xr, xi } = signal(n, n);
    const got = transform(xr, xi);
    const want = naiveDft(xr, xi);
    // both sides round: the plain sum by up to ~n·ε·Σ|x| (values ~100), the FFT by ~log2(n)·ε·√n·|x|
    const tol = 8 * 2.2e-16 * n * 100 * Math.sqrt(n) + 1e-15;
    for (let k = 0; k < n; k++) {
      if (!(Math.hypot(got.re[k]! - want.re[k]!, got.im[k]! - want.im[k]!) <= tol))
        throw new Error(`n ${n}, X[${k}]: ${got.re[k]} + ${got.im[k]}i, want ${want.re[k]} + ${want.im[k]}i (tolerance ${tol})`);
    }
  });

  it.each([
    [1024, 102],
    [1024, 256],
    [512, 1],
    [64, 16],
  ])('n = %i keeping the first %i outputs: those equal the full transform bit for bit', (n, keep) => {
    const { xr, xi } = signal(n, 3);
    const full = transform(xr, xi);
    const part = transform(xr, xi, keep);
    expect([...part.re.subarray(0, keep)]).toEqual([...full.re.subarray(0, keep)]);
    expect([...part.im.subarray(0, keep)]).toEqual([...full.im.subarray(0, keep)]);
  });

  it('plan: bit reversal and the power-of-two rule', () => {
    expect([...fftPlan(8).rev]).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
    expect(() => fftPlan(12)).toThrow(/power of two/);
    expect(() => fftPlan(0)).toThrow(/power of two/);
  });
});
