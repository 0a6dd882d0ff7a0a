/** A perpetual's settlements over a range of any length, read page by page (a call returns at most 100k: perp.ts). */
import type { FundingEvent, PerpStore } from './store';

const PAGE = 50_000;

/**
 * Every settlement of `symbol` in [from, to), oldest first.
 * @example
 * await allFunding(store, 'BTCUSDT.P', 0, Date.now()); // => [{ symbol: 'BTCUSDT.P', ts, rate, mark }, ...]
 */
export async function allFunding(store: Pick<PerpStore, 'funding'>, symbol: string, from: number, to: number): Promise<FundingEvent[]> {
  const out: FundingEvent[] = [];
  for (let start = from; ;) {
    const page = await store.funding({ symbol, from: start, to, limit: PAGE });
    out.push(...page);
    if (page.length < PAGE) return out;
    start = page[page.length - 1]!.ts + 1;
  }
}
