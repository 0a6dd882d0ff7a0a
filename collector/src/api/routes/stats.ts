/**
 * GET /api/stats: the latest values of a pair. For a window the live engine maintains, its
 * numbers (updated with every tick); for any other window, computed from the stored bars of
 * the last STATS_SAMPLE(window) aligned points: the same series as /api/analytics, ADF and
 * half-life on its defined spreads, Engle-Granger on its two legs. hedge=kalman (with the close
 * cache, i.e. an ingestor in the process): the Kalman filter the Live push continues
 * (query/kalman-live.ts, source `live`), the statistics on its last STATS_SAMPLE(window) final
 * points; the values are /api/analytics' (test/api/kalmanLive.test.ts).
 *
 * `correlation` is that of the latest point, the bar in progress if there is one, else the last
 * committed bar (`latestCorrelation`), on both paths: the rolling correlation of the two legs'
 * aligned closes over the last `window` points up to that bar (PairEngine's definition, pandas'
 * `y.rolling(window).corr(x)` there). It is the point the plugin's stat row shows beta and z of.
 */
import type { Router } from 'express';
import { adfuller, coint, halfLife } from '../../analytics';
import type { AnalyticsPoint } from '../../domain';
import { DEFAULT_STATS_SAMPLE } from '../../live';
import { TIMEFRAME_MS } from '../../domain/timeframe';
import type { Ctx } from '../deps';
import { statsRequest } from '@quant-pairs/contract/requests';
import { readHedge, readQuery } from '../http/params';
import { assertPair } from '../query/known';
import { computeSeries } from '../query/series';
import type { AdfDto, CointDto, HalfLifeDto, LatestPoint, Maybe, StatsResponse } from '@quant-pairs/contract';

/** Aligned points the computed statistics use: the live engine's sample (5 windows, 200..5000). */
export const STATS_SAMPLE = DEFAULT_STATS_SAMPLE;

const point = (p: AnalyticsPoint | null | undefined): LatestPoint | null =>
  p ? { ts: p.ts, beta: p.beta, alpha: p.alpha, spread: p.spread, zscore: p.zscore, signal: p.signal, correlation: p.correlation } : null;

/** Keeps only the fields of the wire type (and `{error}` as is). */
function pick<T>(r: unknown, keys: (keyof T)[]): Maybe<T> {
  if (r === null || r === undefined) return null;
  const o = r as Record<string, unknown>;
  if (typeof o.error === 'string') return { error: o.error };
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k as string] = o[k as string] ?? null;
  return out as T;
}
/** The response's `correlation`: the latest point's (provisional, else committed), one rule for the live and the computed path. */
function latestCorrelation(provisional: LatestPoint | null, committed: LatestPoint | null): number | null {
  return (provisional ?? committed)?.correlation ?? null;
}

const adfDto = (r: unknown): Maybe<AdfDto> => pick<AdfDto>(r, ['stat', 'pvalue', 'usedlag', 'nobs', 'crit']);
const cointDto = (r: unknown): Maybe<CointDto> => pick<CointDto>(r, ['stat', 'pvalue', 'crit']);
const halfLifeDto = (r: unknown): Maybe<HalfLifeDto> => pick<HalfLifeDto>(r, ['b', 'halfLife']);

/** ADF and half-life of the defined spreads, Engle-Granger of the legs (y on x): null without points. */
function sampleStats(spreads: number[], ys: number[], xs: number[]): Pick<StatsResponse, 'adf' | 'coint' | 'halfLife'> {
  const n = ys.length;
  return {
    adf: n ? adfDto(adfuller(spreads)) : null,
    coint: n ? cointDto(coint(ys, xs)) : null,
    halfLife: n ? halfLifeDto(halfLife(spreads)) : null,
  };
}

/** The response from its points and statistics: the fields every path fills the same way, then `rest`. */
function statsBody(
  q: { pair: { id: string }; tf: StatsResponse['tf']; window: number },
  prices: StatsResponse['prices'],
  committed: LatestPoint | null,
  provisional: LatestPoint | null,
  rest: Omit<StatsResponse, 'pair' | 'tf' | 'window' | 'committed' | 'provisional' | 'prices' | 'correlation' | 'updatedAt'> & { updatedAt?: number | null },
): StatsResponse {
  const { hedge, kalman, updatedAt, ...others } = rest;
  return {
    pair: q.pair.id,
    hedge,
    ...(kalman ? { kalman } : {}),
    tf: q.tf,
    window: q.window,
    committed,
    provisional,
    prices,
    ...others,
    correlation: latestCorrelation(provisional, committed),
    updatedAt: updatedAt !== undefined ? updatedAt : prices.y || prices.x ? Math.max(prices.y?.ts ?? 0, prices.x?.ts ?? 0) : null,
  };
}

export function mount(r: Router, ctx: Ctx): void {
  r.get('/api/stats', async (req, res) => {
    const q = readQuery(req.query, statsRequest);
    const hedge = readHedge(q);
    await assertPair(ctx, q.pair);
    const prices = { y: await ctx.prices.get(q.pair.y, ctx.store), x: await ctx.prices.get(q.pair.x, ctx.store) };
    // the live engine keeps the rolling OLS with the configured thresholds
    const sameRule = q.entryZ === undefined && q.exitZ === undefined && hedge.hedge === 'ols';
    const live = sameRule ? ctx.live?.latest(q.pair.id, q.tf, q.window) : undefined;
    if (live) {
      const body = statsBody(q, prices, point(live.committed), point(live.provisional), {
        hedge: 'ols',
        adf: adfDto(live.adf),
        coint: cointDto(live.coint),
        halfLife: halfLifeDto(live.halfLife),
        updatedAt: live.updatedAt,
        position: live.position,
        source: 'live',
      });
      res.json(body);
      return;
    }
    if (hedge.hedge === 'kalman' && ctx.kalman) {
      // the Kalman filter the Live push continues (query/kalman-live.ts), its last STATS_SAMPLE final points
      const k = await ctx.kalman.latest(ctx, { pair: q.pair, tf: q.tf, hedge, entryZ: q.entryZ, exitZ: q.exitZ }, STATS_SAMPLE(q.window));
      const spreads: number[] = [];
      for (const p of k.sample) if (p.point.spread !== null) spreads.push(p.point.spread);
      const stats = sampleStats(
        spreads,
        k.sample.map((p) => p.y),
        k.sample.map((p) => p.x),
      );
      const body = statsBody(q, prices, point(k.committed), point(k.provisional), {
        hedge: 'kalman',
        kalman: { tune: hedge.tune === true, periods: k.periods },
        ...stats,
        position: null,
        source: 'live',
      });
      res.json(body);
      return;
    }
    const tfMs = TIMEFRAME_MS[q.tf];
    const to = ctx.now() + tfMs;
    const s = await computeSeries(ctx, {
      pair: q.pair,
      tf: q.tf,
      window: q.window,
      from: to - STATS_SAMPLE(q.window) * tfMs,
      to,
      entryZ: q.entryZ,
      exitZ: q.exitZ,
      hedge,
    });
    const n = s.points.length - (s.provisional ? 1 : 0);
    const spreads: number[] = [];
    for (let i = 0; i < n; i++) if (s.points[i]!.spread !== null) spreads.push(s.points[i]!.spread!);
    const body = statsBody(q, prices, point(n > 0 ? s.points[n - 1] : null), s.provisional ? point(s.points[s.points.length - 1]) : null, {
      hedge: hedge.hedge,
      ...(s.kalman ? { kalman: s.kalman } : {}),
      ...sampleStats(spreads, Array.from(s.y.subarray(0, n)), Array.from(s.x.subarray(0, n))),
      position: null,
      source: 'computed',
    });
    res.json(body);
  });
}
