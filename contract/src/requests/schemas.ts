/**
 * One zod schema per request of the query API. Each gives
 * - the validation: the collector's routes read the query string through it (a bad value is
 *   a 400 naming the parameter with what was expected),
 * - the types: `RequestArgs<S>` the collector works with, `RequestParams<S>` a client sends,
 * - the OpenAPI entry: openapi.ts describes every parameter from it.
 *
 * Parameters arrive as text; `undefined` is an absent parameter (an empty one counts as absent).
 */
import { z } from 'zod';
import {
  ALERTS_LIST_DEFAULT,
  ALERTS_LIST_MAX,
  BARS_PAGE_MAX,
  DEFAULT_RANGE_BARS,
  HEDGES,
  KALMAN_DEFAULT_DELTA,
  KALMAN_DEFAULT_VE,
  KALMAN_MAX_VE,
  MAX_DATA_POINTS,
  MAX_WINDOW,
  MAX_Z_THRESHOLD,
  MIN_WINDOW,
  TICKS_PAGE_DEFAULT,
  TICKS_PAGE_MAX,
} from '../constants';
import { bool, int, num, oneOf, openNum, pair, symbol, time, timeframe, type Kind } from './kinds';

export { parseTime } from './kinds';

/** A required parameter. */
const req = <T>(kind: Kind<T>, description: string) => kind.meta({ description });
/** An optional parameter: `undefined` when absent, or `fallback`. */
function opt<T>(kind: Kind<T>, description: string): z.ZodOptional<Kind<T>>;
function opt<T>(kind: Kind<T>, description: string, fallback: NoInfer<T>): z.ZodDefault<Kind<T>>;
function opt<T>(kind: Kind<T>, description: string, fallback?: T) {
  return (fallback === undefined ? kind.optional() : kind.default(fallback as z.util.NoUndefined<T>)).meta({ description });
}

const windowKind = int(MIN_WINDOW, MAX_WINDOW);
const windowText = `rolling window in bars (any whole number ${MIN_WINDOW}..${MAX_WINDOW})`;
const threshold = num(0, MAX_Z_THRESHOLD);
const P = {
  symbol: req(symbol, 'Binance symbol, e.g. BTCUSDT'),
  pair: req(pair, 'pair Y/X, e.g. ETHUSDT/BTCUSDT (X is the hedge leg)'),
  tf: req(timeframe, 'bar timeframe: 1s, 1m or 5m'),
  window: req(windowKind, windowText),
  entryZ: opt(threshold, '|z| above which the signal is LONG / SHORT (default ENTRY_Z)'),
  exitZ: opt(threshold, 'hysteresis: back to NEUTRAL only when |z| < exitZ (default EXIT_Z)'),
  ddof: opt(oneOf(['0', '1']), 'z-score standard deviation: 1 = sample (pandas, default), 0 = population'),
  hedge: opt(oneOf(HEDGES), 'hedge ratio: ols = rolling OLS over window (default), kalman = Kalman filter (delta, ve or tune; z = normalised innovation)'),
  delta: opt(openNum(0, 1), `hedge=kalman: random-walk rate of the hedge, state noise delta/(1-delta) (default ${KALMAN_DEFAULT_DELTA}, Chan)`),
  ve: opt(
    openNum(0, KALMAN_MAX_VE),
    `hedge=kalman: observation noise variance, in squared price units (default ${KALMAN_DEFAULT_VE}, Chan: prices near 1; prefer tune)`,
  ),
  tune: opt(bool, 'hedge=kalman: fit delta and ve by maximum likelihood, each UTC day on the day before (never data after a point); not with delta / ve'),
};
/** The hedge parameters, in every request that computes analytics (hedgeRule checks them together). */
const HEDGE = { hedge: P.hedge, delta: P.delta, ve: P.ve, tune: P.tune };

/** GET /api/ticks */
export const ticksRequest = z.object({
  symbol: P.symbol,
  from: opt(time, 'start, inclusive: epoch ms or ISO-8601 (default 1 h before now)'),
  to: opt(time, 'end, exclusive: epoch ms or ISO-8601 (default: no end)'),
  limit: opt(int(1, TICKS_PAGE_MAX), 'page size', TICKS_PAGE_DEFAULT),
});

/** GET /api/bars */
export const barsRequest = z.object({
  symbol: P.symbol,
  tf: P.tf,
  from: opt(time, `start, inclusive: epoch ms or ISO-8601 (default ${DEFAULT_RANGE_BARS} bars before now)`),
  to: opt(time, 'end, exclusive: epoch ms or ISO-8601 (default: no end)'),
  limit: opt(int(1, BARS_PAGE_MAX), 'page size', BARS_PAGE_MAX),
});

/** GET /api/signals, and the shared part of /api/analytics and the analytics export. */
export const signalsRequest = z.object({
  pair: P.pair,
  tf: P.tf,
  window: P.window,
  from: opt(time, `start, inclusive: epoch ms or ISO-8601 (default ${DEFAULT_RANGE_BARS} bars before now)`),
  to: opt(time, 'end, exclusive: epoch ms or ISO-8601 (default now, the bar in progress included)'),
  entryZ: P.entryZ,
  exitZ: P.exitZ,
  ddof: P.ddof,
  ...HEDGE,
});

/** GET /api/analytics */
export const analyticsRequest = signalsRequest.extend({
  maxDataPoints: opt(int(1, MAX_DATA_POINTS), "thin to at most this many points, keeping each bucket's z extremes"),
});

/** GET /api/stats */
export const statsRequest = z.object({ pair: P.pair, tf: P.tf, window: P.window, entryZ: P.entryZ, exitZ: P.exitZ, ...HEDGE });

/** GET /export: ticks (symbol), bars (symbol + tf) or analytics (pair + tf + window). */
export const exportRequest = z.object({
  symbol: opt(symbol, 'ticks (or bars with tf) of this symbol; give symbol or pair'),
  pair: opt(pair, 'analytics of this pair Y/X (needs tf and window); give symbol or pair'),
  tf: opt(timeframe, 'bars of this timeframe (with symbol) or the analytics timeframe (with pair)'),
  window: opt(windowKind, 'analytics window in bars (with pair)'),
  from: opt(time, `start, inclusive: epoch ms or ISO-8601 (default: everything stored; analytics: ${DEFAULT_RANGE_BARS} bars before to)`),
  to: opt(time, 'end, exclusive: epoch ms or ISO-8601 (default: no end; analytics: now)'),
  entryZ: P.entryZ,
  exitZ: P.exitZ,
  ddof: P.ddof,
  ...HEDGE,
  format: opt(oneOf(['csv']), 'file format', 'csv'),
});

/**
 * POST /api/alerts: Grafana's alerting webhook payload (contact point type `webhook`). Stored as
 * sent; only what the collector reads is checked (`status`, and `alerts` being a list).
 */
export const alertWebhookBody = z.looseObject(
  {
    status: z.enum(['firing', 'resolved'], { error: 'expected "status": "firing" or "resolved" (Grafana webhook payload)' }),
    alerts: z.array(z.unknown(), { error: 'expected "alerts" to be an array' }).optional(),
  },
  { error: 'expected a JSON object: the Grafana webhook payload' },
);

/** GET /api/alerts */
export const alertsRequest = z.object({ limit: opt(int(1, ALERTS_LIST_MAX), 'how many, newest first', ALERTS_LIST_DEFAULT) });

export type RequestSchema = z.ZodObject<Record<string, z.ZodType<unknown, string | undefined>>>;

/** The validated arguments of a request, as the collector works with them. */
export type RequestArgs<S extends z.ZodType> = z.output<S>;

/** What a client sends: each parameter as text, a numeric one also as a number (sent as its decimal text). */
export type RequestParams<S extends z.ZodObject> = {
  [K in keyof z.input<S>]: K extends keyof z.output<S> ? (z.output<S>[K] extends number | undefined ? z.input<S>[K] | number : z.input<S>[K]) : never;
};

/** The description of a parameter, as the API's messages and its OpenAPI document give it. */
export function describeParam(schema: z.ZodType): string {
  return schema.meta()?.description ?? '';
}
