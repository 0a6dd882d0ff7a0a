/**
 * The OU thresholds /api/stats and the Live push show (issue 26): the exact maximum-likelihood OU
 * fit of the statistics' sample of spreads (ou.ts, dt = 1 bar) and Bertram's band for the round
 * trip's cost at the latest prices, with the band in z units of the stationary sd σ/√(2θ).
 *
 * Cost (roundTripCost): one unit of spread held is qy = 1, qx = -beta; entering and leaving pays
 * fees and slippage on both legs twice: c = 2·(feeBps + slippageBps)/1e4·(y + |beta|·x).
 *
 * @example
 * // the fit of [1, 0.6, 0.5, 0.2, 0.3, 0.1] (ou.ts: theta 0.6331, mu 0.1363, sigma 0.1486) at cost 0.02:
 * // stationary sd 0.1486 / √(2 · 0.6331) = 0.13207, a = 0.082680, a in z units 0.082680 / 0.13207 = 0.62603
 * ouStats(ouFitOf([1, 0.6, 0.5, 0.2, 0.3, 0.1]), 0.02); // => { ..., a: 0.08268, entryLong: 0.05358, z: { a: 0.62603, ... } }
 */
import { bertramBand, fitOu, type OuFit } from './ou';

type OrError<T> = T | { error: string };

export interface OuStats extends OuFit {
  cost: number;
  a: number;
  entryLong: number;
  entryShort: number;
  stationarySd: number;
  z: { a: number; entryLong: number; entryShort: number };
}

/** The round trip's cost in spread units of one unit of spread held at prices y, x and hedge beta (see the header). */
export function roundTripCost(o: { feeBps: number; slippageBps: number }, y: number, x: number, beta: number): number {
  return ((2 * (o.feeBps + o.slippageBps)) / 1e4) * (y + Math.abs(beta) * x);
}

/** The OU fit of the defined spreads, or why there is none. */
export function ouFitOf(spreads: ArrayLike<number>): OrError<OuFit> {
  if (spreads.length < 3) return { error: `the OU fit needs at least 3 defined spreads, got ${spreads.length}` };
  const fit = fitOu(spreads);
  if (fit === null) return { error: 'the spread does not revert (its AR(1) coefficient is not in (0, 1))' };
  if (!(fit.sigma > 0)) return { error: 'the spread fits its AR(1) without noise (sigma 0)' };
  return fit;
}

/** The fit with Bertram's band for `cost`; the fit's error as it is, and an error for a cost not positive. */
export function ouStats(fit: OrError<OuFit> | null, cost: number): OrError<OuStats> | null {
  if (fit === null || 'error' in fit) return fit;
  if (!(cost > 0) || !Number.isFinite(cost)) {
    return { error: `the band needs a positive round-trip cost, got ${String(cost)} (fees and slippage 0, or no latest prices)` };
  }
  const band = bertramBand(fit, cost);
  const sd = band.stationarySd;
  return {
    ...fit,
    cost,
    a: band.a,
    entryLong: band.entryLong,
    entryShort: band.entryShort,
    stationarySd: sd,
    z: { a: band.a / sd, entryLong: -band.a / sd, entryShort: band.a / sd },
  };
}
