/**
 * Reads a DataQuery's JSON (the panel's or the alert rule's saved query model, types.ts
 * `PairsQuery`) into a validated query, or throws a `QueryError` saying which parameter is
 * wrong and why. Alert rules send the raw saved model (no frontend ran), so numbers written as
 * strings (`window: "100"`) are accepted, and an uninterpolated `$variable` gets its own message.
 */
import type { AnalyticsField, QueryType } from '../../../src/types';
import { ANALYTICS_FIELDS, DEFAULT_TICKS_LIMIT, QUERY_TYPES } from '../../../src/types';
import type { ApiTimeframe } from '../../../../collector/src/api/types';

export class QueryError extends Error {
  constructor(
    message: string,
    readonly param?: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const TIMEFRAMES: readonly ApiTimeframe[] = ['1s', '1m', '5m'];
export const TIMEFRAME_SECONDS: Record<ApiTimeframe, number> = { '1s': 1, '1m': 60, '5m': 300 };

interface Common {
  refId: string;
  live: boolean;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  maxDataPoints: number;
  intervalMs: number;
}
export interface TicksQ extends Common {
  queryType: 'ticks';
  symbol: string;
  limit: number;
}
export interface BarsQ extends Common {
  queryType: 'bars';
  symbol: string;
  tf: ApiTimeframe;
}
export interface PairQ extends Common {
  queryType: 'analytics' | 'stats' | 'signals';
  pair: string;
  y: string;
  x: string;
  tf: ApiTimeframe;
  window: number;
  entryZ: number | undefined;
  exitZ: number | undefined;
  fields: AnalyticsField[] | undefined;
}
export type Query = TicksQ | BarsQ | PairQ;

/** Default (the frontend's DEFAULT_TICKS_LIMIT) and largest number of ticks a ticks query returns. */
export const DEFAULT_TICK_LIMIT = DEFAULT_TICKS_LIMIT;
export const MAX_TICK_LIMIT = 100_000;

function text(model: Record<string, unknown>, key: string, label: string): string {
  const v = model[key];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) throw new QueryError(`${label} is missing`, key);
  if (typeof v !== 'string') throw new QueryError(`${label} must be text, got ${JSON.stringify(v)}`, key);
  const s = v.trim();
  if (s.includes('$')) {
    throw new QueryError(`${label} ${JSON.stringify(s)} still holds a template variable; alert rules and API calls need a literal value`, key);
  }
  return s;
}

function symbolOf(model: Record<string, unknown>): string {
  const s = text(model, 'symbol', 'symbol').toUpperCase();
  if (!/^[A-Z0-9]{2,20}$/.test(s)) throw new QueryError(`symbol ${JSON.stringify(s)} is not a Binance symbol such as BTCUSDT`, 'symbol');
  return s;
}

function timeframeOf(model: Record<string, unknown>): ApiTimeframe {
  const raw = model.timeframe ?? model.tf;
  const tf = text({ timeframe: raw }, 'timeframe', 'timeframe');
  if (!(TIMEFRAMES as readonly string[]).includes(tf)) {
    throw new QueryError(`timeframe ${JSON.stringify(tf)} is not one of ${TIMEFRAMES.join(', ')}`, 'timeframe');
  }
  return tf as ApiTimeframe;
}

function optNumber(model: Record<string, unknown>, key: string, label: string, ok: (n: number) => boolean, rule: string): number | undefined {
  const v = model[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string' && v.includes('$')) throw new QueryError(`${label} ${JSON.stringify(v)} still holds a template variable`, key);
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
  if (!Number.isFinite(n) || !ok(n)) throw new QueryError(`${label} must be ${rule}, got ${JSON.stringify(v)}`, key);
  return n;
}

function pairOf(model: Record<string, unknown>): { pair: string; y: string; x: string } {
  const raw = text(model, 'pair', 'pair').toUpperCase();
  const parts = raw.split(/[/\-]/);
  if (parts.length !== 2 || parts.some((p) => !/^[A-Z0-9]{2,20}$/.test(p))) {
    throw new QueryError(`pair ${JSON.stringify(raw)} must look like ETHUSDT/BTCUSDT (y/x)`, 'pair');
  }
  const [y, x] = parts as [string, string];
  if (y === x) throw new QueryError(`pair ${JSON.stringify(raw)}: the two legs must differ`, 'pair');
  return { pair: `${y}/${x}`, y, x };
}

export interface RawQuery {
  refId: string;
  json: Buffer | Uint8Array;
  queryType?: string;
  maxDataPoints?: number;
  intervalMS?: number;
  timeRange?: { fromEpochMS: number; toEpochMS: number } | null;
}

/** Validates one DataQuery. Throws QueryError. */
export function parseQuery(q: RawQuery): Query {
  let model: Record<string, unknown>;
  try {
    const parsed = JSON.parse(Buffer.from(q.json).toString('utf8') || '{}') as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    model = parsed as Record<string, unknown>;
  } catch {
    throw new QueryError('the query is not a JSON object');
  }
  const queryType = (typeof model.queryType === 'string' && model.queryType) || q.queryType || 'analytics';
  if (!(QUERY_TYPES as readonly string[]).includes(queryType)) {
    throw new QueryError(`query type ${JSON.stringify(queryType)} is not one of ${QUERY_TYPES.join(', ')}`, 'queryType');
  }
  const from = Number(q.timeRange?.fromEpochMS ?? 0);
  const to = Number(q.timeRange?.toEpochMS ?? 0);
  if (!(to > from)) throw new QueryError(`the time range is empty (from ${from} to ${to})`, 'timeRange');
  const common: Common = {
    refId: q.refId,
    live: model.live === true,
    from,
    to,
    maxDataPoints: Number(q.maxDataPoints) > 0 ? Number(q.maxDataPoints) : 0,
    intervalMs: Number(q.intervalMS) > 0 ? Number(q.intervalMS) : 0,
  };
  switch (queryType as QueryType) {
    case 'ticks': {
      const limit = optNumber(model, 'limit', 'limit', (n) => Number.isInteger(n) && n >= 1 && n <= MAX_TICK_LIMIT, `a whole number from 1 to ${MAX_TICK_LIMIT}`);
      return { ...common, queryType: 'ticks', symbol: symbolOf(model), limit: limit ?? DEFAULT_TICK_LIMIT };
    }
    case 'bars':
      return { ...common, queryType: 'bars', symbol: symbolOf(model), tf: timeframeOf(model) };
    default: {
      const { pair, y, x } = pairOf(model);
      const tf = timeframeOf(model);
      const window = optNumber(model, 'window', 'window', (n) => Number.isInteger(n) && n >= 2 && n <= 10_000, 'a whole number of bars from 2 to 10000');
      if (window === undefined) throw new QueryError('window is missing', 'window');
      const entryZ = optNumber(model, 'entryZ', 'entryZ', (n) => n > 0, 'a positive number');
      const exitZ = optNumber(model, 'exitZ', 'exitZ', (n) => n >= 0, 'zero or a positive number');
      if (entryZ !== undefined && exitZ !== undefined && exitZ >= entryZ) {
        throw new QueryError(`exitZ (${exitZ}) must be below entryZ (${entryZ})`, 'exitZ');
      }
      let fields: AnalyticsField[] | undefined;
      if (model.fields !== undefined && model.fields !== null) {
        if (!Array.isArray(model.fields) || model.fields.some((f) => !(ANALYTICS_FIELDS as readonly unknown[]).includes(f))) {
          throw new QueryError(`fields must be a list of ${ANALYTICS_FIELDS.join(', ')}, got ${JSON.stringify(model.fields)}`, 'fields');
        }
        fields = model.fields.length > 0 ? (model.fields as AnalyticsField[]) : undefined;
      }
      return { ...common, queryType: queryType as PairQ['queryType'], pair, y, x, tf, window, entryZ, exitZ, fields };
    }
  }
}
