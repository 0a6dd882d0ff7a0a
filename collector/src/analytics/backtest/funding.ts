/**
 * Funding of perpetual legs in the backtest (issue 25). At each funding time T of a perp leg, a
 * position of signed quantity q pays q · mark(T) · rate(T): longs pay when the rate is positive,
 * shorts when it is negative. The position that pays is the one held just before T: fills at bar
 * times < T count, fills at bar times >= T do not. The payment lands on the first bar with
 * ts >= T, before that bar's fill (an event after the last bar lands nowhere and is not counted).
 *
 * Sign, as a desk reads a P&L: `funding` is what the position RECEIVED, so a payment is negative
 * (a long paying 1e-4 of a 1,000 USDT notional shows funding -0.1).
 *
 * The backtest walks the sorted events beside the bars once (`fundingColumns`, O(bars + events))
 * into one column per leg: per bar, Σ mark · rate of the events landing on it, the funding a unit
 * held pays there. Its hot loop then reads two numbers a bar and allocates nothing.
 *
 * Worked example: bars at ts = [0, 8, 16] h (as ms), y a perp with events [[8 h, 1e-4, 50000]]:
 * the y column is [0, 5, 0] (50000 · 1e-4 on bar 1, the first with ts >= 8 h); a long of 0.02 y
 * filled at bar 0 pays 0.02 · 5 = 0.1 on bar 1: funding -0.1. Filled at bar 1 (ts = T) it pays nothing.
 */
import { describeValue } from '@quant-pairs/contract';

/** One funding settlement: [time (epoch ms, as the bars' ts), rate (a decimal: 0.0001 = 0.01 %), mark price at that time]. */
export type FundingEvent = readonly [time: number, rate: number, mark: number];

/** Each perp leg's funding events, in time order; a leg without (a spot leg) pays nothing. */
export interface LegFunding {
  y?: readonly FundingEvent[];
  x?: readonly FundingEvent[];
}

/** Per bar, per unit of each leg held: Σ mark · rate of the funding times landing on that bar. */
export interface FundingColumns {
  y: Float64Array;
  x: Float64Array;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** What is wrong with one leg's events (naming `funding.<leg>[i]`), or null. */
function legProblem(leg: 'y' | 'x', events: unknown): string | null {
  if (events === undefined) return null;
  if (!Array.isArray(events)) return `funding.${leg} must be an array of [T, rate, mark], got ${describeValue(events)}`;
  let prev = -Infinity;
  for (let i = 0; i < events.length; i++) {
    const e: unknown = events[i];
    if (!Array.isArray(e) || e.length !== 3 || !isNum(e[0]) || !isNum(e[1]) || !isNum(e[2]) || !(e[2] > 0)) {
      return `funding.${leg}[${i}] must be [T, rate, mark]: finite numbers, mark > 0, got ${describeValue(e)}`;
    }
    if (!(e[0] > prev)) return `funding.${leg} times must increase, got funding.${leg}[${i - 1}][0] = ${prev} and funding.${leg}[${i}][0] = ${e[0]}`;
    prev = e[0];
  }
  return null;
}

/**
 * What is wrong with funding for n bars at times ts (ts required, n increasing numbers; events
 * per leg as above; no other keys), naming the parameter; or null.
 */
export function fundingProblem(funding: unknown, ts: ArrayLike<number> | undefined, n: number): string | null {
  if (funding === null || typeof funding !== 'object' || Array.isArray(funding)) {
    return `funding must be an object {"y": [[T, rate, mark], ...], "x": [...]}, got ${describeValue(funding)}`;
  }
  const extra = Object.keys(funding).filter((k) => k !== 'y' && k !== 'x');
  if (extra.length > 0) return `funding takes only the legs "y" and "x", got ${extra.map((k) => JSON.stringify(k)).join(', ')}`;
  if (ts === undefined) return 'ts (the bar times) is required with funding: each funding time is placed among them';
  if (ts.length !== n) return `ts must have one time per bar (${n}), got ${ts.length}`;
  for (let i = 0; i < n; i++) {
    if (!isNum(ts[i]) || (i > 0 && !(ts[i]! > ts[i - 1]!))) return `ts must be increasing finite numbers, got ts[${i}] = ${describeValue(ts[i])}`;
  }
  const f = funding as Record<string, unknown>;
  return legProblem('y', f.y) ?? legProblem('x', f.x);
}

/** One leg's column: the merge walk of its sorted events beside the sorted bar times. */
function legColumn(ts: ArrayLike<number>, events: readonly FundingEvent[] | undefined): Float64Array {
  const n = ts.length;
  const col = new Float64Array(n);
  if (events === undefined) return col;
  let t = 0;
  for (const [time, rate, mark] of events) {
    while (t < n && ts[t]! < time) t++;
    if (t === n) break; // after the last bar: lands nowhere
    col[t]! += mark * rate;
  }
  return col;
}

/** The per-bar columns of checked funding (fundingProblem) at bar times ts. O(bars + events). */
export function fundingColumns(ts: ArrayLike<number>, funding: LegFunding): FundingColumns {
  return { y: legColumn(ts, funding.y), x: legColumn(ts, funding.x) };
}
