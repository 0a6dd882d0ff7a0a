/**
 * GET /api/funding?symbol=BTCUSDT.P&from&to (issue 25): a USD-M perpetual's settled fundings over
 * [from, to) (default the last 30 days), and its state now: the running funding job's (the latest
 * mark update), else the newest stored mark (an API replica). The interval is the job's (Binance's
 * fundingInfo, else 8 h), else the spacing of the last two stored settlements. A spot symbol is a
 * 400 naming `symbol` (the request schema says which perpetual to ask for).
 */
import type { Router } from 'express';
import type { FundingResponse, FundingStateDto } from '@quant-pairs/contract';
import { fundingRequest } from '@quant-pairs/contract/requests';
import type { Ctx } from '../deps';
import { range, readQuery } from '../http/params';
import { assertSymbol } from '../http/known';
import { OPEN_END } from './market';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The newest stored mark within the last hour, as the state now. */
async function storedState(ctx: Ctx, symbol: string): Promise<FundingStateDto | null> {
  const now = ctx.now();
  const m = (await ctx.store.marks({ symbol, from: now - HOUR })).at(-1);
  return m ? { time: m.ts, mark: m.mark, index: m.index, rate: m.rate, nextFundingTime: m.nextFundingTime } : null;
}

/** Hours between the last two stored settlements before `to`, or null with fewer than two. */
async function storedInterval(ctx: Ctx, symbol: string, to: number): Promise<number | null> {
  const last = (await ctx.store.funding({ symbol, from: to - 31 * DAY, to })).slice(-2);
  return last.length === 2 ? (last[1]!.ts - last[0]!.ts) / HOUR : null;
}

export function mount(r: Router, ctx: Ctx): void {
  r.get('/api/funding', async (req, res) => {
    const q = readQuery(req.query, fundingRequest);
    const to = q.to ?? OPEN_END;
    const { from } = range(q.from ?? Math.min(ctx.now() - 30 * DAY, to - 1), to);
    await assertSymbol(ctx, q.symbol);
    const events = await ctx.store.funding({ symbol: q.symbol, from, to });
    const live = ctx.funding?.current(q.symbol) ?? null;
    const current: FundingStateDto | null = live
      ? { time: live.time, mark: live.mark, index: live.index, rate: live.rate, nextFundingTime: live.nextFundingTime }
      : await storedState(ctx, q.symbol);
    const intervalHours = live ? ctx.funding!.intervalHours(q.symbol) : await storedInterval(ctx, q.symbol, Math.min(to, ctx.now() + DAY));
    const body: FundingResponse = {
      symbol: q.symbol,
      from,
      to,
      intervalHours,
      current,
      events: events.map((e) => ({ time: e.ts, rate: e.rate, mark: e.mark })),
    };
    res.json(body);
  });
}
