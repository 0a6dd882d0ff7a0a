/**
 * GET /export: CSV downloads, streamed so that a month of ticks never sits in memory.
 * - `symbol` (no tf): ticks; `symbol` + `tf`: bars; `pair` + `tf` + `window`: analytics.
 * Each file has a header row, ISO-8601 UTC times plus epoch ms, and a file name in
 * Content-Disposition. Without from/to the whole stored history is exported.
 */
import type { Request, Response, Router } from 'express';
import { exportRequest } from '@quant-pairs/contract/requests';
import type { Ctx } from '../deps';
import { range, readVariant } from '../http/params';
import { assertSymbol } from '../http/known';
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
    const v = readVariant(req.query, exportRequest);
    const to = v.args.to ?? OPEN_END;
    const { from } = range(v.args.from ?? 0, to);
    if (v.key === 'pair') {
      const q = v.args;
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
    const q = v.args;
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
