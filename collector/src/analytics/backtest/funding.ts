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
 * The sorted events are walked beside the bars once, O(bars + events): the backtest keeps only the
 * bars funding lands on (`fundingLandings`: per such bar, Σ mark · rate of each leg's events landing
 * there, the funding a unit held pays), so its hot loop compares one bar index a bar and allocates
 * nothing; the sweep, which jumps from trade to trade, reads the same sums as dense columns
 * (`fundingColumns`, zero on the other bars), the same numbers in the same order.
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

/**
 * One leg's landings: the bars its events land on (increasing) and per bar Σ mark · rate, summed in
 * event order from 0 as the column sums them.
 */
function legLandings(ts: ArrayLike<number>, events: readonly FundingEvent[] | undefined): { bar: number[]; sum: number[] } {
  const n = ts.length;
  const bar: number[] = [];
  const sum: number[] = [];
  let t = 0;
  for (const [time, rate, mark] of events ?? []) {
    while (t < n && ts[t]! < time) t++;
    if (t === n) break;
    if (bar[bar.length - 1] === t) sum[sum.length - 1]! += mark * rate;
    else {
      bar.push(t);
      sum.push(0 + mark * rate);
    }
  }
  return { bar, sum };
}

/** The bars some funding lands on, increasing, with each leg's Σ mark · rate there (0 for a leg with none). */
export interface FundingLandings {
  bar: Int32Array;
  y: Float64Array;
  x: Float64Array;
}

/** The landings of checked funding (fundingProblem) at bar times ts: both legs' merged by bar. O(bars + events). */
export function fundingLandings(ts: ArrayLike<number>, funding: LegFunding): FundingLandings {
  const a = legLandings(ts, funding.y);
  const b = legLandings(ts, funding.x);
  const bars = [...new Set([...a.bar, ...b.bar])].sort((p, q) => p - q);
  const out = { bar: Int32Array.from(bars), y: new Float64Array(bars.length), x: new Float64Array(bars.length) };
  let i = 0;
  let j = 0;
  bars.forEach((t, k) => {
    if (a.bar[i] === t) out.y[k] = a.sum[i++]!;
    if (b.bar[j] === t) out.x[k] = b.sum[j++]!;
  });
  return out;
}

/** The per-bar columns of checked funding (fundingProblem) at bar times ts. O(bars + events). */
export function fundingColumns(ts: ArrayLike<number>, funding: LegFunding): FundingColumns {
  return { y: legColumn(ts, funding.y), x: legColumn(ts, funding.x) };
}
