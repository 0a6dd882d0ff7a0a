/**
 * GET /export: CSV downloads, streamed so that a month of ticks never sits in memory.
 * - `symbol` (no tf): ticks; `symbol` + `tf`: bars; `pair` + `tf` + `window`: analytics.
 * Each file has a header row, ISO-8601 UTC times plus epoch ms, and a file name in
 * Content-Disposition. Without from/to the whole stored history is exported.
 */
import type { Request, Response, Router } from 'express';
import { MAX_WINDOW, MIN_WINDOW } from '@quant-pairs/contract';
import { exportRequest } from '@quant-pairs/contract/requests';
import type { Ctx } from '../deps';
import { badParam } from '../http/errors';
import { range, readQuery } from '../http/params';
import { assertSymbol } from '../query/known';
import { OPEN_END } from './market';
import { iso, streamCsv } from '../export/csv';
import { exportAnalytics } from './export-analytics';

const stamp = (ms: number): string => (ms >= OPEN_END ? 'end' : iso(ms).replace(/[-:]/g, '').replace(/\.\d+/, ''));

export function csvHeaders(res: Response, name: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  res.setHeader('Cache-Control', 'no-store');
}

export function mount(r: Router, ctx: Ctx): void {
  r.get('/export', async (req: Request, res: Response) => {
    const q = readQuery(req.query, exportRequest);
    const to = q.to ?? OPEN_END;
    const { from } = range(q.from ?? 0, to);
    if (q.pair && q.symbol) throw badParam('pair', 'give either symbol (ticks or bars) or pair (analytics), not both');
    if (q.pair) {
      if (!q.tf) throw badParam('tf', 'tf is required with pair: 1s, 1m or 5m');
      if (q.window === undefined) throw badParam('window', `window is required with pair: a whole number ${MIN_WINDOW}..${MAX_WINDOW}`);
      await exportAnalytics(
        ctx,
        res,
        {
          pair: q.pair,
          tf: q.tf,
          window: q.window,
          from: q.from,
          to: q.to,
          entryZ: q.entryZ,
          exitZ: q.exitZ,
          ddof: q.ddof,
          hedge: q.hedge,
          delta: q.delta,
          ve: q.ve,
          tune: q.tune,
        },
        stamp,
      );
      return;
    }
    if (!q.symbol) throw badParam('symbol', 'symbol (ticks, or bars with tf) or pair (analytics) is required');
    if (q.window !== undefined) throw badParam('window', 'window applies to pair exports only');
    for (const p of ['hedge', 'delta', 've', 'tune'] as const) if (q[p] !== undefined) throw badParam(p, `${p} applies to pair exports only`);
    const sym = q.symbol;
    await assertSymbol(ctx, sym);
    if (!q.tf) {
      csvHeaders(res, `${sym}_ticks_${stamp(from)}_${stamp(to)}.csv`);
      await streamCsv(res, ['time', 'time_ms', 'symbol', 'id', 'price', 'qty', 'is_buyer_maker'], ctx.store.iterateTicks({ symbol: sym, from, to }), (t) => [
        iso(t.ts),
        t.ts,
        t.symbol,
        t.id,
        t.price,
        t.qty,
        t.isBuyerMaker,
      ]);
      return;
    }
    const tf = q.tf;
    csvHeaders(res, `${sym}_${tf}_bars_${stamp(from)}_${stamp(to)}.csv`);
    await streamCsv(
      res,
      ['time', 'time_ms', 'symbol', 'tf', 'open', 'high', 'low', 'close', 'volume', 'quote_volume', 'trades', 'vwap', 'final', 'source'],
      ctx.store.iterateBars({ symbol: sym, tf, from, to }),
      (b) => [iso(b.start), b.start, b.symbol, b.tf, b.open, b.high, b.low, b.close, b.volume, b.quoteVolume, b.trades, b.vwap, b.final, b.source],
    );
  });
}
