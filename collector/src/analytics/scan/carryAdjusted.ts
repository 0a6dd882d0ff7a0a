/**
 * The carry-adjusted expected return of a scanned pair (issue 25): the spread of the scan's fit
 * (a = alpha + beta · b over the window, spread = a - alpha - beta · b), its z at the last bar
 * (mean and standard deviation of the window's spreads, ddof 1) and standard deviation sigma, the
 * half-life in bars times the bar length, the last prices, and the pair's funding carry (a as y,
 * b as x; a spot leg 0) into carry.ts `carryAdjustedReturn`:
 *   expected = |z| · sigma · (1 - 2^-m) / py + carry(side) · τ / YEAR - 2 · (fee + slippage) · (1 + |β| · px / py)
 * with τ = m · half-life (m = 2). Formulas and a worked example: ../README.md, "Funding carry".
 *
 * @example
 * // a = [10, 12, 10, 12, 14], b = [5, 5, 5, 5, 5], alpha 11.6, beta 0: spreads [-1.6, 0.4, -1.6, 0.4, 2.4],
 * // sd = 1.6733, z = 1.4343 (SHORT); halfLife 3 bars of 60 s, no carry, 10 bps:
 * scanCarryAdjusted({ a, b, alpha: 11.6, beta: 0, halfLifeBars: 3, tfMs: 60_000, carry: { long: 0, short: 0 }, feeBps: 10, slippageBps: 0 });
 * // => { side: 'SHORT', z: 1.4343, reversion: 1.4343 · 1.6733 · 0.75 / 14 = 0.12857, costs: 0.002, expected: 0.12657, ... }
 */
import { carryAdjustedReturn, type ExpectedReturn, type SpreadCarry } from '../carry';

export interface ScanCarryInput {
  /** The pair's closes on the scan's grid (a regressed on b). */
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  alpha: number | null;
  beta: number | null;
  /** The scan's half-life of the spread, in bars. */
  halfLifeBars: number | null;
  /** Length of a bar, ms. */
  tfMs: number;
  /** The LONG / SHORT spread's annual funding carry (carry.ts spreadCarry; 0 for two spot legs). */
  carry: SpreadCarry;
  feeBps: number;
  slippageBps: number;
}

/** The carry-adjusted expected return with the spread's last z, or null without alpha, beta, a half-life, or a spread that moves. */
export function scanCarryAdjusted(i: ScanCarryInput): (ExpectedReturn & { z: number }) | null {
  const n = i.a.length;
  if (i.alpha === null || i.beta === null || i.halfLifeBars === null || !(i.halfLifeBars > 0) || n < 2 || i.b.length !== n) return null;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += i.a[k]! - i.alpha - i.beta * i.b[k]!;
  mean /= n;
  let m2 = 0;
  for (let k = 0; k < n; k++) {
    const d = i.a[k]! - i.alpha - i.beta * i.b[k]! - mean;
    m2 += d * d;
  }
  const sigma = Math.sqrt(m2 / (n - 1));
  if (!(sigma > 0)) return null;
  const last = i.a[n - 1]! - i.alpha - i.beta * i.b[n - 1]!;
  const z = (last - mean) / sigma;
  const r = carryAdjustedReturn({
    z,
    sigma,
    halfLifeMs: i.halfLifeBars * i.tfMs,
    py: i.a[n - 1]!,
    px: i.b[n - 1]!,
    beta: i.beta,
    carry: i.carry,
    feeBps: i.feeBps,
    slippageBps: i.slippageBps,
  });
  return r === null ? null : { ...r, z };
}
