import { gaussian, rng } from '../../src/fake-binance/rng';

export type DriftScale = 'near100' | 'btc' | 'pepe';
/** x0, step of x, beta0, step of beta, alpha, noise sd. */
const SCALES: Record<DriftScale, [number, number, number, number, number, number]> = {
  near100: [100, 1, 1.5, 1e-3, 3, 0.5],
  btc: [87_000, 15, 0.035, 1e-6, 40, 1.5],
  pepe: [3_400, 20, 3.2e-9, 3e-12, 1e-7, 4e-8],
};

/**
 * A pair whose hedge ratio drifts (what the Kalman hedge is for): x a random walk from `x0` with
 * steps of `step`, beta a random walk from `beta0` with steps of `betaStep`, y = beta·x + alpha
 * + N(0, noise²). Deterministic in `seed`. 'near100': x ≈ 100, beta ≈ 1.5 (the scale Chan's Ve =
 * 1e-3 assumes); 'btc': x ≈ 87,000 (BTC in USD), y ≈ 0.035·x + 40 (ETH); 'pepe': x ≈ 3,400 (ETH),
 * y ≈ 3.2e-9·x + 1e-7 ≈ 1.1e-5 (PEPE): legs 1e8 apart, as in a real universe.
 */
export function driftingPair(n: number, seed: number, scale: DriftScale): { x: number[]; y: number[] } {
  const [x0, step, beta0, betaStep, alpha, noise] = SCALES[scale];
  const r = rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  let px = x0;
  let b = beta0;
  for (let t = 0; t < n; t++) {
    px += gaussian(r) * step;
    b += gaussian(r) * betaStep;
    x.push(px);
    y.push(b * px + alpha + gaussian(r) * noise);
  }
  return { x, y };
}
