/** What both store engines share of perpetual data (issue 25): row shapes and the range rule. */
import type { MarkPoint, PerpQuery } from './store';

/** A `marks` row as both engines read it (`idx`: `index` is a reserved word in SQL). */
export interface MarkRow {
  symbol: string;
  ts: number;
  mark: number;
  idx: number;
  rate: number;
  next_funding: number;
}

export const markRowOf = (r: MarkRow): MarkPoint => ({ symbol: r.symbol, ts: r.ts, mark: r.mark, index: r.idx, rate: r.rate, nextFundingTime: r.next_funding });

/** Largest page of marks or fundings one call returns. */
const PERP_PAGE_MAX = 100_000;

/** [from, to) and the limit of a query, with the defaults: everything stored, at most PERP_PAGE_MAX rows. */
export function perpRange(q: PerpQuery): { from: number; to: number; limit: number } {
  return { from: q.from ?? 0, to: q.to ?? Number.MAX_SAFE_INTEGER, limit: Math.min(q.limit ?? PERP_PAGE_MAX, PERP_PAGE_MAX) };
}

/** The mark point of a `markPriceUpdate` at event time `eventTime`: its row is the second the event falls in. */
export function markSecond(eventTime: number): number {
  return Math.floor(eventTime / 1000) * 1000;
}
