/**
 * Pairs of price series at the levels real symbols trade at, for the least-squares and moment
 * references: 1e-8 (the smallest price Binance quotes), PEPEUSDT's 1.2e-5, DOGEUSDT's 0.5, ETHUSDT's
 * 3500, BTCUSDT's 97,000 and 1e6. x is a random walk with 1e-4 steps (a quiet minute), y its
 * hedge at y's level plus 1e-4 noise: windows whose mean is ~1,000 standard deviations from 0,
 * where the uncentred normal equations lose digits (cond([1 x]) ~ 1e3, squared by XᵀX).
 */
import { gaussian, rng } from '../../src/fake-binance/rng';

const PRICE_LEVELS = [
  { symbol: '1e-8', level: 1e-8 },
  { symbol: 'PEPEUSDT', level: 1.2e-5 },
  { symbol: 'DOGEUSDT', level: 0.5 },
  { symbol: 'ETHUSDT', level: 3500 },
  { symbol: 'BTCUSDT', level: 97_000 },
  { symbol: '1e6', level: 1e6 },
] as const;

export interface LevelPair {
  name: string;
  x: number[];
  y: number[];
  /** y - beta·x - alpha with the generating beta and alpha: what the engine's MovingMoments is fed (mean near 0). */
  spread: number[];
}

/** One pair per (y level, x level): 36 pairs of n points each, the same for a given n every run. */
export function levelPairs(n: number): LevelPair[] {
  const out: LevelPair[] = [];
  for (const [iy, Y] of PRICE_LEVELS.entries())
    for (const [ix, X] of PRICE_LEVELS.entries()) {
      const r = rng(1000 + 10 * iy + ix);
      const beta = (Y.level / X.level) * 0.8;
      const alpha = Y.level * 0.2;
      const x: number[] = [];
      const y: number[] = [];
      let px = X.level;
      for (let i = 0; i < n; i++) {
        px *= 1 + 1e-4 * gaussian(r);
        x.push(px);
        y.push(beta * px + alpha + Y.level * 1e-4 * gaussian(r));
      }
      out.push({ name: `${Y.symbol}/${X.symbol}`, x, y, spread: y.map((v, i) => v - beta * x[i]! - alpha) });
    }
  return out;
}
