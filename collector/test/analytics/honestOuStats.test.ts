/**
 * The OU numbers /api/stats and the Live push show (analytics/honest/ouStats.ts): the fit and
 * Bertram's band of honest/ou.ts (checked against arbitragelab in honestOu.test.ts), the cost of a
 * round trip at real prices, and the band in z units of the stationary sd. Expected values are
 * worked by hand below.
 */
import { bertramBand, fitOu } from '../../src/analytics/honest/ou';
import { ouFitOf, ouStats, roundTripCost } from '../../src/analytics/honest/ouStats';

describe('roundTripCost: fees and slippage on both legs, at entry and exit, per unit of spread', () => {
  it('ETHUSDT/BTCUSDT at ~3,500 and ~97,000, and PEPEUSDT/BTCUSDT at ~1.2e-5 and ~97,000', () => {
    // 2 · (10 + 2) / 1e4 · (3,500 + 0.036 · 97,000) = 0.0024 · 6,992 = 16.7808
    expect(roundTripCost({ feeBps: 10, slippageBps: 2 }, 3500, 97_000, 0.036)).toBeCloseTo(16.7808, 10);
    // beta's sign does not matter: the x leg is traded either way
    expect(roundTripCost({ feeBps: 10, slippageBps: 2 }, 3500, 97_000, -0.036)).toBeCloseTo(16.7808, 10);
    // 0.0024 · (1.2e-5 + 1.2e-10 · 97,000) = 0.0024 · 2.364e-5 = 5.6736e-8
    const pepe = roundTripCost({ feeBps: 10, slippageBps: 2 }, 1.2e-5, 97_000, 1.2e-10);
    expect(Math.abs(pepe - 5.6736e-8)).toBeLessThan(1e-20);
  });
});

describe('ouStats', () => {
  it("the fit, Bertram's band at the cost and the band in z units: a / (sigma / √(2 theta))", () => {
    const spreads = [1, 0.6, 0.5, 0.2, 0.3, 0.1];
    const fit = fitOu(spreads)!;
    const band = bertramBand(fit, 0.02);
    const got = ouStats(ouFitOf(spreads), 0.02) as Exclude<ReturnType<typeof ouStats>, null | { error: string }>;
    // ou.ts' worked example: theta 0.6331, mu 0.1363, sigma 0.1486, half-life 1.0948 bars
    expect(got).toMatchObject({ theta: fit.theta, mu: fit.mu, sigma: fit.sigma, halfLife: fit.halfLife, cost: 0.02, a: band.a });
    expect(got.theta).toBeCloseTo(0.6331, 4);
    // sd = 0.148616 / √(2 · 0.633129) = 0.132070; a = 0.0826802 (scipy brentq on Bertram's eq. 13, ou.ts)
    expect(got.stationarySd).toBeCloseTo(0.13207, 5);
    expect(got.a).toBeCloseTo(0.0826802, 6);
    expect([got.entryLong, got.entryShort]).toEqual([fit.mu - band.a, fit.mu + band.a]);
    expect(got.z.a).toBeCloseTo(0.0826802 / 0.13207, 4);
    expect(got.z).toEqual({ a: band.a / got.stationarySd, entryLong: -band.a / got.stationarySd, entryShort: band.a / got.stationarySd });
  });

  it('says why there is no band: too few points, a spread that does not revert, no cost', () => {
    expect(ouFitOf([1, 2])).toEqual({ error: 'the OU fit needs at least 3 defined spreads, got 2' });
    // a straight trend: X_{t+1} = 1 + X_t, b = 1, not mean-reverting
    expect(ouFitOf([1, 2, 3, 4, 5])).toEqual({ error: 'the spread does not revert (its AR(1) coefficient is not in (0, 1))' });
    // exactly AR(1) with b = 0.5, c = 1: no residual
    expect(ouFitOf([0, 1, 1.5, 1.75, 1.875])).toEqual({ error: 'the spread fits its AR(1) without noise (sigma 0)' });
    expect(ouStats(ouFitOf([1, 0.6, 0.5, 0.2, 0.3, 0.1]), 0)).toEqual({
      error: 'the band needs a positive round-trip cost, got 0 (fees and slippage 0, or no latest prices)',
    });
    expect(ouStats({ error: 'x' }, 1)).toEqual({ error: 'x' });
    expect(ouStats(null, 1)).toBeNull();
  });
});
