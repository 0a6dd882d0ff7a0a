/**
 * Which symbols and pairs exist: configured ones (PAIRS), those the ingestor has seen, and
 * those with stored ticks or bars. Used to answer 404 for unknown names. The store is asked only
 * when a name is not configured, so the common path costs nothing.
 */
import type { Pair } from '../../domain';
import type { Ctx } from '../deps';
import { notFound } from './errors';

/** Symbols with stored ticks or bars (a symbol loaded only from kline history has bars and no tick). */
export async function storedSymbols(ctx: Ctx): Promise<Set<string>> {
  const [ticks, bars] = await Promise.all([ctx.store.symbols(), ctx.store.barSpans()]);
  return new Set([...ticks.map((s) => s.symbol), ...bars.map((b) => b.symbol)]);
}

/** Throws 404 unless `symbol` is configured, being ingested, or stored. */
export async function assertSymbol(ctx: Ctx, symbol: string, param = 'symbol'): Promise<void> {
  if (ctx.symbols.includes(symbol)) return;
  if (ctx.ingest && symbol in ctx.ingest.status().symbols) return;
  if ((await storedSymbols(ctx)).has(symbol)) return;
  throw notFound(`unknown symbol ${symbol}: it is neither configured (PAIRS) nor stored`, param);
}

function isConfiguredPair(ctx: Ctx, pair: Pair): boolean {
  return ctx.pairs.some((p) => p.id === pair.id);
}

/** Throws 404 unless the pair is configured or both its legs are known symbols. */
export async function assertPair(ctx: Ctx, pair: Pair): Promise<void> {
  if (isConfiguredPair(ctx, pair)) return;
  const stored = await storedSymbols(ctx);
  const missing = [pair.y, pair.x].filter((s) => !ctx.symbols.includes(s) && !stored.has(s));
  if (missing.length) throw notFound(`unknown pair ${pair.id}: no data for ${missing.join(' and ')}`, 'pair');
}
