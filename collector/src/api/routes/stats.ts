/**
 * GET /api/stats: the latest values of a pair, as the read side answers them
 * (src/serving/latest.ts decides where they come from: the live engine, the Kalman state the
 * Live push continues, or the stored bars; src/serving/stats.ts builds the answer). A pair with a
 * perpetual leg gains `carry` (src/serving/funding.ts): its funding now, over 30 days, and its basis.
 */
import type { Router } from 'express';
import { statsRequest } from '@quant-pairs/contract/requests';
import type { Ctx } from '../deps';
import { assertPair } from '../http/known';
import { readHedge, readQuery } from '../http/params';
import { carryReport } from '../../serving';

export function mount(r: Router, ctx: Ctx): void {
  r.get('/api/stats', async (req, res) => {
    const q = readQuery(req.query, statsRequest);
    const hedge = readHedge(q);
    await assertPair(ctx, q.pair);
    const body = await ctx.serving.stats({ pair: q.pair, tf: q.tf, window: q.window, hedge, entryZ: q.entryZ, exitZ: q.exitZ });
    const beta = (body.provisional ?? body.committed)?.beta ?? null;
    const at = { beta, py: body.prices.y?.price ?? null, px: body.prices.x?.price ?? null, now: ctx.now() };
    const carry = await carryReport(ctx.store, ctx.funding, q.pair, at);
    res.json(carry === undefined ? body : { ...body, carry });
  });
}
