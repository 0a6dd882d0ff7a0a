/**
 * Funding carry (src/analytics/carry.ts) against values computed by hand from its formulas (each
 * test says how), with real symbols and price levels: BTCUSDT.P near 1e5, ETHUSDT.P near 3.5e3,
 * 1000PEPEUSDT.P near 1e-2; 8 h, 4 h and 1 h funding schedules.
 */
import { basis, carryAdjustedReturn, legCarry, pairCarry, spreadCarry, YEAR_MS } from '../../src/analytics/carry';
import type { FundingEvent } from '../../src/analytics/backtest';

const H = 3_600_000;
const DAY = 24 * H;
const NOW = Date.UTC(2026, 11, 7, 16); // a funding time of every schedule
/** Events every `stepH` hours ending at NOW, going back `days` days, at a constant rate (mark irrelevant to carry). */
const schedule = (stepH: number, rate: number, days = 30): FundingEvent[] => {
  const out: FundingEvent[] = [];
  for (let t = NOW - days * DAY; t <= NOW; t += stepH * H) out.push([t, rate, 1]);
  return out;
};

describe('legCarry: annualised by the events actual spacing', () => {
  it.each([
    // YEAR / interval: 8766 h / 8 h = 1095.75, / 4 h = 2191.5, / 1 h = 8766
    [8, 1e-4, 0.109575, 90],
    [4, 1e-4, 0.21915, 180],
    [1, -2e-5, -0.17532, 720],
  ])('every %p h at rate %p: %p a year (%p events in the 30 days)', (stepH, rate, annual, count) => {
    const c = legCarry(schedule(stepH, rate, 31), NOW);
    // the window is (NOW - 30 d, NOW]: the event exactly 30 days back is out
    expect(c.events).toBe(count);
    expect(c.intervalMs).toBe(stepH * H);
    expect(c.annualised).toBeCloseTo(annual, 12);
  });

  it('an interval changed inside the window counts as it was: 15 days at 8 h then 15 days at 4 h', () => {
    // events at 8 h from NOW-30d to NOW-15d, then 4 h to NOW; rates 1e-4 then 2e-4.
    // In the window (NOW-30d, NOW]: the first is NOW-30d+8h; 44 later 8 h events (the last at NOW-15d) pay 1e-4
    // each, the 90 events after it pay 2e-4 each: sum = 44e-4 + 180e-4 = 0.0224 over 30 d - 8 h = 712 h.
    const ev: FundingEvent[] = [];
    for (let t = NOW - 30 * DAY; t <= NOW - 15 * DAY; t += 8 * H) ev.push([t, 1e-4, 1]);
    for (let t = NOW - 15 * DAY + 4 * H; t <= NOW; t += 4 * H) ev.push([t, 2e-4, 1]);
    const c = legCarry(ev, NOW);
    expect(c.events).toBe(135);
    expect(c.annualised).toBeCloseTo((0.0224 * 8766) / 712, 12);
    // an assumed 3 a day would say (mean rate) · 1095.75: (45e-4 + 180e-4) / 135 · 1095.75 = 0.18263 instead of 0.27578
    expect(c.annualised).not.toBeCloseTo(((45e-4 + 180e-4) / 135) * 1095.75, 2);
  });

  it('fewer than two events: null; events after now are not counted; out of order is an error naming events', () => {
    expect(legCarry([[NOW, 1e-4, 1]], NOW)).toEqual({ annualised: null, events: 1, intervalMs: null });
    expect(legCarry([], NOW).annualised).toBeNull();
    expect(legCarry([...schedule(8, 1e-4, 2), [NOW + 8 * H, 5, 1]], NOW).annualised).toBeCloseTo(0.109575, 12);
    expect(() =>
      legCarry(
        [
          [NOW, 1e-4, 1],
          [NOW - H, 1e-4, 1],
        ],
        NOW,
      ),
    ).toThrow(/events must be in increasing time, got events\[1\]\[0\]/);
    expect(() => legCarry([], NaN)).toThrow(/now must be a finite time/);
    expect(() => legCarry([], NOW, 0)).toThrow(/windowMs must be a positive number/);
  });
});

describe('spreadCarry: LONG = +1 y notional, -beta units of x per unit of y', () => {
  it('ETHUSDT.P / BTCUSDT.P: the README worked example', () => {
    // py 3500, px 100000, beta 0.035: x notional per y notional = 0.035 * 100000 / 3500 = 1
    // carry(LONG) = -0.109575 + 0.0547875 * 1 = -0.0547875
    const c = spreadCarry({ y: 0.109575, x: 0.0547875 }, 0.035, 3500, 100_000);
    expect(c.long).toBeCloseTo(-0.0547875, 15);
    expect(c.short).toBeCloseTo(0.0547875, 15);
  });

  it('1000PEPEUSDT.P (4 h) against spot BTCUSDT: only the perp leg carries', () => {
    // y = 1000PEPEUSDT.P at 0.0125 funded at -1e-4 every 4 h: a_y = -0.21915; x spot: 0.
    // a LONG (long PEPE perp) receives 0.21915 a year of its notional
    const c = spreadCarry({ y: legCarry(schedule(4, -1e-4), NOW).annualised, x: null }, 1.2e-7, 0.0125, 100_000);
    expect(c.long).toBeCloseTo(0.21915, 12);
    // the other way round: x the perp, beta 8e6 (x notional = 8e6 * 0.0125 / 100000 = 1 y notional);
    // a LONG spread is short x: receives a_x = +0.21915 when the rate is positive
    expect(spreadCarry({ y: null, x: 0.21915 }, 8e6, 100_000, 0.0125).long).toBeCloseTo(0.21915, 12);
  });

  it("pairCarry from 30 days of each leg's events: the same worked example; a spot leg is null and carries 0", () => {
    // ETH 1e-4 and BTC 0.5e-4 every 8 h over 31 days: the window keeps 30 days of each, annualised 0.109575 and 0.0547875
    const c = pairCarry({ y: schedule(8, 1e-4, 31), x: schedule(8, 0.5e-4, 31) }, NOW, 0.035, 3500, 100_000);
    expect([c.y!.events, c.x!.events]).toEqual([90, 90]);
    expect(c.y!.annualised).toBeCloseTo(0.109575, 12);
    expect(c.spread.long).toBeCloseTo(-0.0547875, 12);
    expect(c.spread.short).toBeCloseTo(0.0547875, 12);
    // ETHUSDT.P over spot BTCUSDT: only y carries
    const spot = pairCarry({ y: schedule(8, 1e-4) }, NOW, 0.035, 3500, 100_000);
    expect(spot.x).toBeNull();
    expect(spot.spread.long).toBeCloseTo(-0.109575, 12);
  });

  it('bad prices or beta: RangeError naming them', () => {
    expect(() => spreadCarry({ y: 0, x: 0 }, 1, 0, 1)).toThrow(/py must be a positive price, got 0/);
    expect(() => spreadCarry({ y: 0, x: 0 }, 1, 1, -1)).toThrow(/px must be a positive price/);
    expect(() => spreadCarry({ y: 0, x: 0 }, NaN, 1, 1)).toThrow(/beta must be a finite number/);
  });
});

describe('basis of a perp/spot pair of one asset', () => {
  it('BTCUSDT.P 100,100 over BTCUSDT 100,000: 10 bps, 1.09575 a year at 8 h, 2.1915 at 4 h', () => {
    // (100100 - 100000) / 100000 = 0.001 = 10 bps; x 1095.75 (8 h intervals a year)
    const b = basis(100_100, 100_000);
    expect(b.bps).toBeCloseTo(10, 9);
    expect(b.annualised).toBeCloseTo(1.09575, 9);
    expect(basis(100_100, 100_000, 4 * H).annualised).toBeCloseTo(2.1915, 9);
    // a discount: negative
    expect(basis(0.012488, 0.0125).bps).toBeCloseTo(-9.6, 9);
    expect(() => basis(1, 0)).toThrow(/spot must be a positive price/);
    expect(() => basis(1, 1, -1)).toThrow(/intervalMs must be a positive number/);
  });
});

describe('carry-adjusted expected return', () => {
  const base = { sigma: 14, halfLifeMs: 6 * H, py: 3500, px: 100_000, beta: 0.035, carry: { long: -0.0547875, short: 0.0547875 }, feeBps: 10, slippageBps: 0 };

  it('the README worked example: SHORT at z 2.5', () => {
    // hold 2 half-lives = 12 h; reversion 2.5 * 14 * (1 - 1/4) / 3500 = 0.0075; carry 0.0547875 * 12 h / 8766 h = 0.000075;
    // costs 2 fills * 10 bps * (1 + 0.035 * 100000 / 3500) = 0.004; expected 0.003575, x 730.5 holds a year = 2.6115...
    const r = carryAdjustedReturn({ ...base, z: 2.5 })!;
    expect(r.side).toBe('SHORT');
    expect(r.holdMs).toBe(12 * H);
    expect(r.reversion).toBeCloseTo(0.0075, 15);
    expect(r.carry).toBeCloseTo(0.000075, 15);
    expect(r.costs).toBeCloseTo(0.004, 15);
    expect(r.expected).toBeCloseTo(0.003575, 15);
    expect(r.perYear).toBeCloseTo(0.003575 * 730.5, 12);
  });

  it('LONG at z -2.5 pays the carry the SHORT earns: 0.003425; a longer hold and slippage move it as the formula says', () => {
    expect(carryAdjustedReturn({ ...base, z: -2.5 })!.expected).toBeCloseTo(0.0075 - 0.000075 - 0.004, 15);
    // 3 half-lives (18 h): reversion 2.5 * 14 * 7/8 / 3500 = 0.00875; carry 0.0547875 * 18 / 8766 = 0.0001125; slippage 2 bps: costs 0.0048
    const r = carryAdjustedReturn({ ...base, z: 2.5, holdHalfLives: 3, slippageBps: 2 })!;
    expect(r.expected).toBeCloseTo(0.00875 + 0.0001125 - 0.0048, 15);
    expect(YEAR_MS / r.holdMs).toBeCloseTo(487, 9);
  });

  it('no half-life (a spread that does not revert): null; bad input: RangeError naming it', () => {
    expect(carryAdjustedReturn({ ...base, z: 2, halfLifeMs: Infinity })).toBeNull();
    expect(carryAdjustedReturn({ ...base, z: 2, halfLifeMs: -1 })).toBeNull();
    expect(() => carryAdjustedReturn({ ...base, z: NaN })).toThrow(/z must be a finite number/);
    expect(() => carryAdjustedReturn({ ...base, z: 2, sigma: -1 })).toThrow(/sigma must be a non-negative number/);
    expect(() => carryAdjustedReturn({ ...base, z: 2, feeBps: -1 })).toThrow(/feeBps must be a non-negative number/);
    expect(() => carryAdjustedReturn({ ...base, z: 2, holdHalfLives: 0 })).toThrow(/holdHalfLives must be a positive number/);
    expect(() => carryAdjustedReturn({ ...base, z: 2, py: 0 })).toThrow(/py must be a positive price/);
  });
});
