/**
 * GET /api/ticks and /api/bars: raw data of one symbol over [from, to), paged. A page holds
 * at most `limit` rows; when the range holds more, `next` is the `from` of the next page
 * (no row is skipped or repeated across pages, even when several ticks share a timestamp).
 */
import type { Router } from 'express';
import { TIMEFRAME_MS } from '../../domain/timeframe';
import type { Bar, Tick } from '../../domain';
import type { Ctx } from '../deps';
import { barsRequest, ticksRequest } from '@quant-pairs/contract/requests';
import { range, readQuery } from '../http/params';
import { assertSymbol } from '../http/known';
import { DEFAULT_RANGE_BARS, type BarDto, type BarsResponse, type TickDto, type TicksResponse } from '@quant-pairs/contract';

/** Upper bound used when `to` is not given: the end of year 9999. */
export const OPEN_END = 253_402_300_800_000;
const HOUR = 3_600_000;

export const tickDto = (t: Tick): TickDto => ({ id: t.id, ts: t.ts, price: t.price, qty: t.qty, isBuyerMaker: t.isBuyerMaker });
export const barDto = (b: Bar): BarDto => ({
  start: b.start,
  open: b.open,
  high: b.high,
  low: b.low,
  close: b.close,
  volume: b.volume,
  quoteVolume: b.quoteVolume,
  trades: b.trades,
  vwap: b.vwap,
  final: b.final,
  source: b.source,
});

/** One page of ticks; the page ends on a timestamp boundary so `next` loses nothing. */
export async function tickPage(ctx: Ctx, symbol: string, from: number, to: number, limit: number): Promise<{ ticks: Tick[]; next: number | null }> {
  const rows = await ctx.store.ticks({ symbol, from, to, limit: limit + 1 });
  if (rows.length <= limit) return { ticks: rows, next: null };
  const cutTs = rows[limit]!.ts;
  const page = rows.slice(0, limit).filter((t) => t.ts < cutTs);
  if (page.length > 0) return { ticks: page, next: cutTs };
  // More than `limit` ticks share one timestamp: return all of them (one instant is bounded).
  // Stored times have at most microsecond precision, so half a microsecond separates instants.
  const after = cutTs + 0.0005;
  const same = await ctx.store.ticks({ symbol, from: cutTs, to: after });
  return { ticks: same, next: after < to ? after : null };
}

export function mount(r: Router, ctx: Ctx): void {
  r.get('/api/ticks', async (req, res) => {
    const q = readQuery(req.query, ticksRequest);
    const to = q.to ?? OPEN_END;
    const { from } = range(q.from ?? Math.min(ctx.now() - HOUR, to - 1), to);
    await assertSymbol(ctx, q.symbol);
    const { ticks, next } = await tickPage(ctx, q.symbol, from, to, q.limit);
    const body: TicksResponse = { symbol: q.symbol, from, to, next, ticks: ticks.map(tickDto) };
    res.json(body);
  });

  r.get('/api/bars', async (req, res) => {
    const q = readQuery(req.query, barsRequest);
    const to = q.to ?? OPEN_END;
    const tfMs = TIMEFRAME_MS[q.tf];
    const { from } = range(q.from ?? Math.min(ctx.now() - DEFAULT_RANGE_BARS * tfMs, to - 1), to);
    await assertSymbol(ctx, q.symbol);
    const rows = await ctx.store.bars({ symbol: q.symbol, tf: q.tf, from, to, limit: q.limit + 1 });
    const next = rows.length > q.limit ? rows[q.limit]!.start : null;
    const body: BarsResponse = { symbol: q.symbol, tf: q.tf, from, to, next, bars: rows.slice(0, q.limit).map(barDto) };
    res.json(body);
  });
}
