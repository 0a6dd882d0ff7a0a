/** The analytics branch of GET /export (pair + tf + window): one CSV row per aligned point. */
import type { Response } from 'express';
import type { Ctx } from '../deps';
import { iso, streamCsv } from '../export/csv';
import { runSeries, type SeriesArgs } from './analytics';

export type AnalyticsExport = SeriesArgs;

const ANALYTICS_CSV_HEADER = ['time', 'time_ms', 'pair', 'tf', 'window', 'beta', 'alpha', 'spread', 'spread_mean', 'zscore', 'signal', 'correlation', 'hedge'];

/** Without `to` the series runs to the bar in progress (its end is a bar ahead), but the file is named for now. */
export async function exportAnalytics(ctx: Ctx, res: Response, q: AnalyticsExport, stamp: (ms: number) => string): Promise<void> {
  const s = await runSeries(ctx, q);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${q.pair.y}-${q.pair.x}_${q.tf}_${s.hedge.hedge === 'kalman' ? 'kalman' : `w${q.window}`}_analytics_${stamp(s.from)}_${stamp(q.to ?? Math.min(s.to, ctx.now()))}.csv"`,
  );
  res.setHeader('Cache-Control', 'no-store');
  await streamCsv(res, ANALYTICS_CSV_HEADER, s.points, (p) => [
    iso(p.ts),
    p.ts,
    q.pair.id,
    q.tf,
    q.window,
    p.beta,
    p.alpha,
    p.spread,
    (p as { spreadMean?: number | null }).spreadMean ?? null,
    p.zscore,
    p.signal,
    p.correlation,
    s.hedge.hedge,
  ]);
}
