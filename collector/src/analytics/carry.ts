/**
 * Funding carry of a pair with perpetual legs (issue 25): each leg's annualised funding rate from
 * its recent funding events, the spread position's annualised carry for LONG and SHORT, the basis
 * of a perp/spot pair of one asset, and the carry-adjusted expected return the scanner ranks by.
 * Pure: events and prices in, numbers out (null where undefined).
 *
 * Annualised funding rate of a leg, from its events in (now - window, now] (default 30 days),
 * sorted by time, k of them: each event's rate pays for the interval since the previous one, so
 *   a = YEAR · Σ_{i=2..k} r_i / (T_k - T_1)           (null with fewer than 2 events)
 * which is r · YEAR / interval for a constant rate: r · 1095.75 every 8 h, r · 2191.5 every 4 h,
 * r · 8766 every hour, from the events' actual spacing (an interval changed within the window
 * counts as it was). YEAR = 365.25 days. A positive a: longs pay, shorts receive.
 *
 * Notional convention (the backtest's sizing): a LONG spread holds +q units of y and -β·q units of
 * x, worth N = q·py of y (the notional) and β·q·px of x. Carry is what the position receives a
 * year as a fraction of N:
 *   carry(LONG)  = -a_y + a_x · β · px / py,    carry(SHORT) = -carry(LONG)
 * (a spot leg has a = 0). Basis of a perp/spot pair of one asset, in bps and annualised:
 *   basis = (perp - spot) / spot · 1e4,   annualised = (perp - spot) / spot · YEAR / interval
 * (interval = the perp's funding spacing, 8 h by default): the premium, if it persisted, is what
 * funding would pay the short perp each interval (Binance's rate is the interval's average premium
 * plus a clamped interest term), so a long-spot / short-perp position would earn it that often.
 *
 * Carry-adjusted expected return of a spread at z (sigma: the spread's standard deviation in y's
 * price units; h: its half-life of mean reversion), the side the signal trades (LONG when z < 0),
 * held for τ = m · h (m = 2 half-lives by default, when 3/4 of the gap has closed in expectation):
 *   reversion = |z| · sigma · (1 - 2^(-τ/h)) / py      (the OU mean's path: the gap decays as 2^(-t/h))
 *   carry     = carry(side) · τ / YEAR
 *   costs     = 2 · (feeBps + slippageBps) / 1e4 · (1 + β · px / py)   (entry and exit, both legs)
 *   expected  = reversion + carry - costs,   perYear = expected · YEAR / τ
 * all as fractions of the y notional N.
 *
 * Worked example (the analytics README's): ETHUSDT.P / BTCUSDT.P at py 3,500, px 100,000, β 0.035
 * (x notional = 0.035 · 100000 / 3500 = 1 · N), ETH funded 1e-4 and BTC 0.5e-4 every 8 h for 30 days:
 * a_y = 1e-4 · 1095.75 = 0.109575, a_x = 0.0547875; carry(LONG) = -0.109575 + 0.0547875 = -0.0547875,
 * carry(SHORT) = +0.0547875 a year. At z = 2.5 (SHORT), sigma 14, half-life 6 h, 10 bps fees: τ = 12 h,
 * reversion = 2.5 · 14 · 0.75 / 3500 = 0.0075, carry = 0.0547875 · 12 / 8766 = 0.000075,
 * costs = 2 · 0.001 · 2 = 0.004: expected = 0.003575 of the notional (perYear 2.6115).
 *
 * References: Binance USD-M "Introduction to Funding Rates" (payment = position value · rate,
 * intervals of 8, 4 or 1 h); the Ornstein-Uhlenbeck conditional mean E[s_t] = μ + (s_0 - μ)·e^(-θt),
 * θ = ln 2 / h (halfLife.ts estimates h).
 */
import type { FundingEvent } from './backtest/funding';

export const YEAR_MS = 365.25 * 24 * 3600 * 1000;
/** The window funding carry is measured over. */
const CARRY_WINDOW_MS = 30 * 24 * 3600 * 1000;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export interface LegCarry {
  /** Annualised funding rate (positive: longs pay); null with fewer than 2 events in the window. */
  annualised: number | null;
  /** Events in the window. */
  events: number;
  /** Mean spacing of those events in ms (null with fewer than 2). */
  intervalMs: number | null;
}

/**
 * One leg's annualised funding rate from its events in (now - windowMs, now] (the header's formula).
 * Throws a RangeError naming the parameter for a bad now or window, or events out of time order.
 * @example
 * legCarry([[0, 1e-4, 97000], [8 * 3600e3, 1e-4, 97000]], 8 * 3600e3); // => { annualised: 0.109575, events: 2, intervalMs: 28800000 }
 */
export function legCarry(events: readonly FundingEvent[], now: number, windowMs = CARRY_WINDOW_MS): LegCarry {
  if (!isNum(now)) throw new RangeError(`now must be a finite time in ms, got ${String(now)}`);
  if (!isNum(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive number, got ${String(windowMs)}`);
  let first = NaN;
  let last = NaN;
  let sum = 0;
  let k = 0;
  for (let i = 0; i < events.length; i++) {
    const [t, rate] = events[i]!;
    if (i > 0 && !(t > events[i - 1]![0])) throw new RangeError(`events must be in increasing time, got events[${i}][0] = ${t}`);
    if (t <= now - windowMs || t > now) continue;
    if (k === 0) first = t;
    else sum += rate; // each rate pays for the interval since the previous event
    last = t;
    k++;
  }
  if (k < 2) return { annualised: null, events: k, intervalMs: null };
  const span = last - first;
  return { annualised: (YEAR_MS * sum) / span, events: k, intervalMs: span / (k - 1) };
}

/** What the spread position receives a year as a fraction of the y notional (negative: pays). */
export interface SpreadCarry {
  long: number;
  short: number;
}

/**
 * carry(LONG) = -a_y + a_x · β · px / py, carry(SHORT) = -carry(LONG); a = 0 for a spot leg (null).
 * Throws a RangeError naming the parameter for non-positive prices or a non-finite beta.
 */
export function spreadCarry(a: { y: number | null; x: number | null }, beta: number, py: number, px: number): SpreadCarry {
  if (!(isNum(py) && py > 0)) throw new RangeError(`py must be a positive price, got ${String(py)}`);
  if (!(isNum(px) && px > 0)) throw new RangeError(`px must be a positive price, got ${String(px)}`);
  if (!isNum(beta)) throw new RangeError(`beta must be a finite number, got ${String(beta)}`);
  const long = -(a.y ?? 0) + ((a.x ?? 0) * beta * px) / py;
  return { long, short: -long };
}

/** A pair's carry: each leg's (null for a spot leg) and the spread's. */
export interface PairCarry {
  y: LegCarry | null;
  x: LegCarry | null;
  spread: SpreadCarry;
}

/**
 * Per pair, from each perp leg's funding events (undefined: a spot leg) in the window before now:
 * each leg's annualised rate and the spread's carry for LONG and SHORT at beta and prices py, px.
 * A perp leg with fewer than 2 events in the window counts as carrying 0 in the spread.
 * @example
 * pairCarry({ y: ethEvents, x: btcEvents }, Date.now(), 0.035, 3500, 100_000).spread.short; // => 0.0547875 (the README's example)
 */
export function pairCarry(
  events: { y?: readonly FundingEvent[]; x?: readonly FundingEvent[] },
  now: number,
  beta: number,
  py: number,
  px: number,
  windowMs = CARRY_WINDOW_MS,
): PairCarry {
  const y = events.y === undefined ? null : legCarry(events.y, now, windowMs);
  const x = events.x === undefined ? null : legCarry(events.x, now, windowMs);
  return { y, x, spread: spreadCarry({ y: y?.annualised ?? null, x: x?.annualised ?? null }, beta, py, px) };
}

/**
 * Basis of a perp/spot pair of one asset: bps = (perp - spot) / spot · 1e4, annualised =
 * (perp - spot) / spot · YEAR / intervalMs (default 8 h). Throws a RangeError naming a bad parameter.
 * @example
 * basis(97_097, 97_000); // => { bps: 10, annualised: 1.09575 }
 */
export function basis(perp: number, spot: number, intervalMs = 8 * 3600 * 1000): { bps: number; annualised: number } {
  if (!(isNum(perp) && perp > 0)) throw new RangeError(`perp must be a positive price, got ${String(perp)}`);
  if (!(isNum(spot) && spot > 0)) throw new RangeError(`spot must be a positive price, got ${String(spot)}`);
  if (!(isNum(intervalMs) && intervalMs > 0)) throw new RangeError(`intervalMs must be a positive number, got ${String(intervalMs)}`);
  const premium = (perp - spot) / spot;
  return { bps: premium * 1e4, annualised: (premium * YEAR_MS) / intervalMs };
}

export interface ExpectedReturnInput {
  z: number;
  /** The spread's standard deviation, in y's price units. */
  sigma: number;
  /** Half-life of mean reversion in ms. */
  halfLifeMs: number;
  py: number;
  px: number;
  beta: number;
  carry: SpreadCarry;
  feeBps: number;
  slippageBps: number;
  /** Holding time in half-lives (default 2). */
  holdHalfLives?: number;
}

export interface ExpectedReturn {
  side: 'LONG' | 'SHORT';
  holdMs: number;
  reversion: number;
  carry: number;
  costs: number;
  /** reversion + carry - costs over the hold, as a fraction of the y notional. */
  expected: number;
  perYear: number;
}

/** The header's carry-adjusted expected return; null when the half-life is not a positive finite number (no reversion). */
export function carryAdjustedReturn(i: ExpectedReturnInput): ExpectedReturn | null {
  for (const k of ['z', 'sigma', 'feeBps', 'slippageBps'] as const) {
    if (!isNum(i[k]) || (k !== 'z' && i[k] < 0)) throw new RangeError(`${k} must be a ${k === 'z' ? 'finite' : 'non-negative'} number, got ${String(i[k])}`);
  }
  const m = i.holdHalfLives ?? 2;
  if (!(isNum(m) && m > 0)) throw new RangeError(`holdHalfLives must be a positive number, got ${String(i.holdHalfLives)}`);
  spreadCarry({ y: 0, x: 0 }, i.beta, i.py, i.px); // checks beta and the prices
  if (!(isNum(i.halfLifeMs) && i.halfLifeMs > 0)) return null;
  const side = i.z < 0 ? 'LONG' : 'SHORT';
  const holdMs = m * i.halfLifeMs;
  const reversion = (Math.abs(i.z) * i.sigma * (1 - 2 ** -m)) / i.py;
  const carry = ((side === 'LONG' ? i.carry.long : i.carry.short) * holdMs) / YEAR_MS;
  const costs = ((2 * (i.feeBps + i.slippageBps)) / 1e4) * (1 + (Math.abs(i.beta) * i.px) / i.py);
  const expected = reversion + carry - costs;
  return { side, holdMs, reversion, carry, costs, expected, perYear: (expected * YEAR_MS) / holdMs };
}
