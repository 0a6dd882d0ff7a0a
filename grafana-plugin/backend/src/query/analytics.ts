/**
 * Pair queries' shared parts (the collector parameters, labels, the analytics columns) and the
 * analytics query: rolling beta, spread, z, signal, correlation over time (/api/analytics).
 */
import { ANALYTICS_FIELDS, DEFAULT_ENTRY_Z, TIMEFRAME_MS, type AnalyticsField, type AnalyticsResponse, type ApiSignal } from '@quant-pairs/contract';
import type { CollectorClient } from '../collector/client';
import type { Field, Frame, Notice } from '../frame/frame';
import { channelId, queryPath } from '../stream/channel';
import { plainConfig, priceConfig, signalConfig, zscoreConfig } from './display';
import { labelsOf, meta, timeField } from './frameParts';
import type { PairQ } from './model';

type PairParams = {
  pair: string;
  tf: PairQ['tf'];
  window: number;
  entryZ?: number;
  exitZ?: number;
  hedge?: 'kalman';
  delta?: number;
  ve?: number;
  tune?: 'true';
};

export function pairParams(q: PairQ): PairParams {
  const p: PairParams = { pair: q.pair, tf: q.tf, window: q.window };
  if (q.entryZ !== undefined) p.entryZ = q.entryZ;
  if (q.exitZ !== undefined) p.exitZ = q.exitZ;
  return withHedge(p, q.hedge);
}

type HedgeParams = Pick<PairParams, 'hedge' | 'delta' | 've' | 'tune'>;

/** The request's parameters with the query's hedge. */
export function withHedge<P extends object>(p: P, hedge: PairQ['hedge']): P & HedgeParams {
  const h: HedgeParams = {};
  // ols is the collector's default: not sent, so OLS requests stay as they were
  if (hedge.hedge === 'kalman') {
    h.hedge = 'kalman';
    if (hedge.tune) h.tune = 'true';
    else {
      if (hedge.delta !== undefined) h.delta = hedge.delta;
      if (hedge.ve !== undefined) h.ve = hedge.ve;
    }
  }
  return { ...p, ...h };
}

function signalCodes(values: ReadonlyArray<ApiSignal | null>): Array<number | null> {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = values[i];
    // Plain comparisons: an object lookup per row costs more than the rest of the row.
    out[i] = s === 'NEUTRAL' ? 0 : s === 'LONG' ? 1 : s === 'SHORT' ? -1 : null;
  }
  return out;
}

/** Labels of a pair query's fields; a Kalman query's carry hedge=kalman (and no window, which it does not use). */
export function pairLabels(q: PairQ): Record<string, string> {
  return q.hedge.hedge === 'kalman' ? { pair: q.pair, tf: q.tf, hedge: 'kalman' } : { pair: q.pair, tf: q.tf, window: String(q.window) };
}

/** How a Kalman query's hedge is described: its parameters, or that they are tuned. */
function kalmanText(q: PairQ): string {
  const h = q.hedge;
  if (h.hedge !== 'kalman') return '';
  return h.tune ? 'Kalman filter, delta and Ve fitted each UTC day on the day before' : `Kalman filter, delta ${h.delta}, Ve ${h.ve}`;
}

/** The analytics columns, each with its display config; `values` come from the caller. */
export function analyticsField(q: PairQ, name: AnalyticsField, values: ReadonlyArray<number | null>): Field {
  const labels = labelsOf(pairLabels(q), name);
  const kalman = q.hedge.hedge === 'kalman';
  const k = kalman ? ' (Kalman)' : '';
  const label = `${q.pair} ${name === 'zscore' ? 'z-score' : name}${k}`;
  const entryZ = q.entryZ ?? DEFAULT_ENTRY_Z;
  const configs: Record<AnalyticsField, Field['config']> = {
    beta: plainConfig(`${q.pair} β${k}`, 4, {
      description: `Hedge ratio: ${q.y} = α + β·${q.x} (${kalman ? kalmanText(q) : `rolling OLS over ${q.window} bars`})`,
    }),
    alpha: { ...priceConfig(q.y, `${q.pair} α`), description: 'Intercept of the rolling OLS' },
    spread: { ...priceConfig(q.y, `${q.pair} spread`), description: `${q.y} − (α + β·${q.x})` },
    spreadMean: { ...priceConfig(q.y, `${q.pair} spread mean`), description: `Rolling mean of the spread over ${q.window} bars` },
    zscore: zscoreConfig(label, entryZ),
    signal: signalConfig(`${q.pair} signal`),
    correlation: plainConfig(`${q.pair} correlation`, 3, { min: -1, max: 1, unit: 'none' }),
  };
  return { name, type: 'float64', nullable: true, labels, values, config: configs[name] };
}

export function analyticsFrame(
  q: PairQ,
  res: Pick<AnalyticsResponse, 'series' | 'points' | 'thinned'> & { provisional?: boolean },
  notices: Notice[],
  channel?: string,
): Frame {
  const s = res.series as Omit<AnalyticsResponse['series'], 'spreadMean'> & { spreadMean?: Array<number | null> };
  const fields: Field[] = [timeField(s.ts, TIMEFRAME_MS[q.tf])];
  // All columns by default, in the order of ANALYTICS_FIELDS: the pair channel of Grafana Live
  // sends the same columns, so a live panel keeps its history when packets arrive.
  const wanted = q.fields ?? ANALYTICS_FIELDS;
  for (const name of wanted) {
    let values: ReadonlyArray<number | null>;
    if (name === 'signal') values = signalCodes(s.signal);
    else if (name === 'spreadMean') values = s.spreadMean ?? new Array<null>(s.ts.length).fill(null);
    else values = s[name];
    fields.push(analyticsField(q, name, values));
  }
  if (res.thinned)
    notices.push({ severity: 'info', text: `${res.points} points thinned to ${s.ts.length} (max data points), keeping each bucket's z extremes` });
  return {
    name: `${q.pair} ${q.tf} ${q.hedge.hedge === 'kalman' ? 'kalman' : `w${q.window}`}`,
    refId: q.refId,
    meta: meta(
      {
        executedQueryString: `analytics ${q.pair} tf=${q.tf} ${q.hedge.hedge === 'kalman' ? `hedge=kalman (${kalmanText(q)})` : `window=${q.window}`}`,
        custom: { points: res.points, thinned: res.thinned, provisional: res.provisional ?? false },
        ...(channel ? { channel } : {}),
      },
      notices,
    ),
    fields,
  };
}

export async function runAnalytics(q: PairQ, client: CollectorClient, uid: string, signal?: AbortSignal): Promise<Frame> {
  const res = await client.analytics({ ...pairParams(q), from: q.from, to: q.to, maxDataPoints: q.maxDataPoints || undefined }, signal);
  // a Kalman query streams on its own pair channel (the hedge is part of the path)
  return analyticsFrame(q, res, [], q.live ? channelId(uid, queryPath(q)) : undefined);
}
