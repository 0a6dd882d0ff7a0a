/**
 * Seeded random numbers for test data, fake market streams, soak runs and benchmarks: the same
 * seed gives the same data on every run and machine, so a failure reproduces and a benchmark
 * measures the same work each time.
 *
 * `rng` is mulberry32 (Tommy Ettinger's 32-bit generator, public domain): a small, fast PRNG
 * with uniform output in [0, 1) and period 2^32, plenty for test data (not for cryptography).
 *
 * @example
 *   const r = rng(42);
 *   r(); // 0.6011037519201636 (the first draw for seed 42, every run)
 *   gaussian(r); // a standard normal draw
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One standard normal draw by Box–Muller from two uniforms of `r`, taking log(max(u, 1e-300))
 * so u = 0 cannot give log 0. The analytics tests' data are drawn with this one.
 */
export function gaussian(r: () => number): number {
  const u = Math.max(r(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/**
 * One standard normal draw by Box–Muller from two uniforms of `r`, taking log(1 - u) (1 - u is
 * in (0, 1], so never log 0). The fake Binance stream and the benchmarks' synthetic data are
 * drawn with this one; it differs from `gaussian` only in which draws come out, and each is kept
 * so existing seeds keep giving the same data.
 */
export function normal(r: () => number): number {
  const u = 1 - r();
  const v = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
