/**
 * GET /api/analytics (time series of beta, alpha, spread, z, signal, correlation for any
 * window, thinned to maxDataPoints keeping z extremes), GET /api/signals (signal changes as
 * events) and GET /api/stats (latest values; routes/stats.ts).
 */
import type { Router } from 'express';
import type { AnalyticsPoint } from '../../domain';
import { TIMEFRAME_MS } from '../../domain/timeframe';
import type { Ctx } from '../deps';
import { DEFAULT_RANGE_BARS, type HedgeChoice } from '@quant-pairs/contract';
import { analyticsRequest, signalsRequest, type RequestArgs } from '@quant-pairs/contract/requests';
import { range, readHedge, readQuery } from '../http/params';
import { assertPair } from '../http/known';
import { thinIndices, type SeriesResult } from '../../serving';
import type { AnalyticsResponse, AnalyticsSeries, SignalEvent, SignalsResponse } from '@quant-pairs/contract';
import * as stats from './stats';

/** The parameters of a series query (/api/analytics, /api/signals, /export?pair=). */
export type SeriesArgs = RequestArgs<typeof signalsRequest>;

/** Validates and runs a series query: the shared part of /api/analytics, /api/signals and /export. */
export async function runSeries(ctx: Ctx, q: SeriesArgs): Promise<SeriesResult & { from: number; to: number; hedge: HedgeChoice }> {
  const hedge = readHedge(q);
  const tfMs = TIMEFRAME_MS[q.tf];
  const to = q.to ?? ctx.now() + tfMs;
  const { from } = range(q.from ?? Math.min(to - DEFAULT_RANGE_BARS * tfMs, to - 1), to);
  await assertPair(ctx, q.pair);
  const r = await ctx.serving.series({
    pair: q.pair,
    tf: q.tf,
    window: q.window,
    from,
    to,
    entryZ: q.entryZ,
    exitZ: q.exitZ,
    ddof: q.ddof === undefined ? undefined : q.ddof === '0' ? 0 : 1,
    hedge,
  });
  return { ...r, from, to, hedge };
}

/** Column-major series of the points at `idx`. */
export function columns(points: readonly AnalyticsPoint[], idx: readonly number[] | null): AnalyticsSeries {
  const n = idx ? idx.length : points.length;
  const s: AnalyticsSeries = {
    ts: new Array(n),
    beta: new Array(n),
    alpha: new Array(n),
    spread: new Array(n),
    spreadMean: new Array(n),
    zscore: new Array(n),
    signal: new Array(n),
    correlation: new Array(n),
  };
  for (let k = 0; k < n; k++) {
    const p = points[idx ? idx[k]! : k]!;
    s.ts[k] = p.ts;
    s.beta[k] = p.beta;
    s.alpha[k] = p.alpha;
    s.spread[k] = p.spread;
    s.spreadMean[k] = (p as { spreadMean?: number | null }).spreadMean ?? null;
    s.zscore[k] = p.zscore;
    s.signal[k] = p.signal;
    s.correlation[k] = p.correlation;
  }
  return s;
}

/** Points where the signal differs from the one before (the warm-up's last signal for the first). */
export function signalEvents(points: readonly AnalyticsPoint[], before: AnalyticsPoint['signal']): SignalEvent[] {
  const out: SignalEvent[] = [];
  let prev = before;
  for (const p of points) {
    if (p.signal !== null && p.signal !== prev) {
      const z = p.zscore === null ? 'null' : p.zscore.toFixed(2);
      out.push({ ts: p.ts, signal: p.signal, previous: prev, zscore: p.zscore, text: `${p.signal} (z = ${z})` });
    }
    prev = p.signal;
  }
  return out;
}

export function mount(r: Router, ctx: Ctx): void {
  r.get('/api/analytics', async (req, res) => {
    const q = readQuery(req.query, analyticsRequest);
    const s = await runSeries(ctx, q);
    const z = s.points.map((p) => p.zscore);
    const idx = q.maxDataPoints !== undefined && s.points.length > q.maxDataPoints ? thinIndices(z, q.maxDataPoints) : null;
    const body: AnalyticsResponse = {
      pair: q.pair.id,
      hedge: s.hedge.hedge,
      ...(s.kalman ? { kalman: s.kalman } : {}),
      tf: q.tf,
      window: q.window,
      from: s.from,
      to: s.to,
      points: s.points.length,
      thinned: idx !== null,
      provisional: s.provisional,
      series: columns(s.points, idx),
    };
    res.json(body);
  });

  r.get('/api/signals', async (req, res) => {
    const q = readQuery(req.query, signalsRequest);
    const s = await runSeries(ctx, q);
    const body: SignalsResponse = { pair: q.pair.id, tf: q.tf, window: q.window, from: s.from, to: s.to, events: signalEvents(s.points, s.signalBefore) };
    res.json(body);
  });

  stats.mount(r, ctx);
}
