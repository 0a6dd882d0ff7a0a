/**
 * /api/stats' answer from a pair's latest source (latest.ts): the latest committed and
 * provisional point, ADF and half-life on the defined spreads of the sample, Engle-Granger on its
 * two legs (y on x), the OU fit of those spreads with Bertram's band (`ou`, net of the paper position's
 * round trip at the latest prices). The live engine computes its own statistics (updated with every bar close);
 * the Kalman state its last STATS_SAMPLE(window) final points; a computed series the final
 * points of its last STATS_SAMPLE(window) bars.
 *
 * `correlation` is that of the latest point, the bar in progress if there is one, else the last
 * committed bar (`latestCorrelation`), on every path: the rolling correlation of the two legs'
 * aligned closes over the last `window` points up to that bar (PairEngine's definition, pandas'
 * `y.rolling(window).corr(x)` there). It is the point the plugin's stat row shows beta and z of.
 */
import type { AdfDto, CointDto, HalfLifeDto, LatestPoint, Maybe, OuDto, StatsResponse } from '@quant-pairs/contract';
import { adfuller, coint, halfLife, ouFitOf, ouStats, roundTripCost, type OuFit } from '../analytics';
import type { AnalyticsPoint } from '../domain';
import type { LatestQuery, LatestSource } from './latest';

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

const adfDto = (r: unknown): Maybe<AdfDto> => pick<AdfDto>(r, ['stat', 'pvalue', 'usedlag', 'nobs', 'crit']);
const cointDto = (r: unknown): Maybe<CointDto> => pick<CointDto>(r, ['stat', 'pvalue', 'crit']);
const halfLifeDto = (r: unknown): Maybe<HalfLifeDto> => pick<HalfLifeDto>(r, ['b', 'halfLife']);

/** ADF, half-life and the OU fit of the defined spreads, Engle-Granger of the legs (y on x): null without points. */
function sampleStats(spreads: number[], ys: number[], xs: number[]): Pick<StatsResponse, 'adf' | 'coint' | 'halfLife'> & { ou: OuFitOr } {
  const n = ys.length;
  return {
    adf: n ? adfDto(adfuller(spreads)) : null,
    coint: n ? cointDto(coint(ys, xs)) : null,
    halfLife: n ? halfLifeDto(halfLife(spreads)) : null,
    ou: n ? ouFitOf(spreads) : null,
  };
}

export type OuFitOr = OuFit | { error: string } | null;

/** The fees and slippage whose round trip the OU band is net of (the paper position's). */
export type RoundTripCosts = { feeBps: number; slippageBps: number };

/**
 * The OU fit with Bertram's band (analytics/honest/ouStats.ts) for the round trip of `costs` on
 * both legs at the latest prices and the latest point's beta.
 */
export function ouDto(fit: OuFitOr, costs: RoundTripCosts, prices: StatsResponse['prices'], latest: LatestPoint | null): Maybe<OuDto> {
  if (fit === null || 'error' in fit) return fit;
  const y = prices.y?.price;
  const x = prices.x?.price;
  const beta = latest?.beta;
  if (y === undefined || x === undefined || beta === null || beta === undefined) return { error: 'no latest prices and beta to cost the round trip at' };
  const cost = roundTripCost(costs, y, x, beta);
  // Bertram's band is a root search (6 µs, a sixth of a live /api/stats): every panel and push
  // asking between two ticks gets the answer of the same fit at the same cost
  const last = bands.get(fit);
  if (last?.cost === cost) return last.dto;
  const dto = ouStats(fit, cost);
  bands.set(fit, { cost, dto });
  return dto;
}

/** The last band of each fit (a fit is replaced at each bar close, and its entry goes with it). */
const bands = new WeakMap<OuFit, { cost: number; dto: Maybe<OuDto> }>();

type Rest = Omit<StatsResponse, 'pair' | 'tf' | 'window' | 'committed' | 'provisional' | 'prices' | 'correlation' | 'updatedAt' | 'ou'> & {
  updatedAt?: number | null;
  ou: OuFitOr;
  costs: RoundTripCosts;
};

/** The response from its points and statistics: the fields every path fills the same way, then `rest`. */
function statsBody(q: LatestQuery, prices: StatsResponse['prices'], committed: LatestPoint | null, provisional: LatestPoint | null, rest: Rest): StatsResponse {
  const { hedge, kalman, updatedAt, ou, costs, ...others } = rest;
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
    ou: ouDto(ou, costs, prices, provisional ?? committed),
    correlation: (provisional ?? committed)?.correlation ?? null,
    updatedAt: updatedAt !== undefined ? updatedAt : prices.y || prices.x ? Math.max(prices.y?.ts ?? 0, prices.x?.ts ?? 0) : null,
  };
}

/** `costs`: the fees and slippage of the OU band's round trip where the live paper position does not say (its rules do). */
export function statsResponse(q: LatestQuery, prices: StatsResponse['prices'], src: LatestSource, costs: RoundTripCosts): StatsResponse {
  if (src.source === 'live') {
    const live = src.live;
    return statsBody(q, prices, point(live.committed), point(live.provisional), {
      hedge: 'ols',
      adf: adfDto(live.adf),
      coint: cointDto(live.coint),
      halfLife: halfLifeDto(live.halfLife),
      ou: live.ou ?? null,
      costs: live.position.rules,
      updatedAt: live.updatedAt,
      position: live.position,
      source: 'live',
    });
  }
  if (src.source === 'kalman') {
    const k = src.kalman;
    const spreads: number[] = [];
    for (const p of k.sample) if (p.point.spread !== null) spreads.push(p.point.spread);
    const stats = sampleStats(
      spreads,
      k.sample.map((p) => p.y),
      k.sample.map((p) => p.x),
    );
    const tune = q.hedge.hedge === 'kalman' && q.hedge.tune === true;
    return statsBody(q, prices, point(k.committed), point(k.provisional), {
      hedge: 'kalman',
      kalman: { tune, periods: k.periods },
      ...stats,
      costs,
      position: null,
      source: 'live',
    });
  }
  const s = src.series;
  const n = s.points.length - (s.provisional ? 1 : 0);
  const spreads: number[] = [];
  for (let i = 0; i < n; i++) if (s.points[i]!.spread !== null) spreads.push(s.points[i]!.spread!);
  return statsBody(q, prices, point(n > 0 ? s.points[n - 1] : null), s.provisional ? point(s.points[s.points.length - 1]) : null, {
    hedge: q.hedge.hedge,
    ...(s.kalman ? { kalman: s.kalman } : {}),
    ...sampleStats(spreads, Array.from(s.y.subarray(0, n)), Array.from(s.x.subarray(0, n))),
    costs,
    position: null,
    source: 'computed',
  });
}
