/**
 * The funding events of a pair's perpetual legs (issue 25), read from the store in the shape the
 * pure backtest and carry take (analytics/backtest/funding.ts: [T, rate, mark] in time order). A
 * spot leg has none; a pair of two spot legs gives undefined, so its backtest runs as before
 * funding existed.
 */
import { isPerp, type Pair } from '@quant-pairs/contract';
import type { FundingEvent, LegFunding } from '../analytics/backtest/funding';
import { allFunding } from '../store/fundingPages';
import type { PerpStore } from '../store/store';

/** One perpetual's settlements in [from, to), oldest first, as [T, rate, mark]. */
export async function symbolFunding(store: PerpStore, symbol: string, from: number, to: number): Promise<FundingEvent[]> {
  return (await allFunding(store, symbol, from, to)).map((e) => [e.ts, e.rate, e.mark] as const);
}

/**
 * Each perp leg's settlements in [from, to); undefined when neither leg is a perpetual.
 * @example
 * await pairFunding(store, parsePair('ETHUSDT.P/BTCUSDT'), from, to); // => { y: [[T, 1e-4, 3500.1], ...] }
 */
export async function pairFunding(store: PerpStore, pair: Pair, from: number, to: number): Promise<LegFunding | undefined> {
  const y = isPerp(pair.y);
  const x = isPerp(pair.x);
  if (!y && !x) return undefined;
  const out: LegFunding = {};
  if (y) out.y = await symbolFunding(store, pair.y, from, to);
  if (x) out.x = await symbolFunding(store, pair.x, from, to);
  return out;
}
