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
  BACKTEST_DEFAULTS,
  BACKTEST_MAX_BARS,
  BACKTEST_MAX_BPS,
  BACKTEST_MAX_NOTIONAL,
  BARS_PAGE_MAX,
  DEFAULT_RANGE_BARS,
  HEDGES,
  KALMAN_DEFAULT_DELTA,
  KALMAN_DEFAULT_VE,
  KALMAN_MAX_VE,
  MAX_DATA_POINTS,
  MARKS_PAGE_DEFAULT,
  MARKS_PAGE_MAX,
  MAX_SCAN_ROWS,
  SCAN_SORTS,
  MAX_WINDOW,
  MAX_Z_THRESHOLD,
  MIN_WINDOW,
  PBO_DEFAULT_BLOCKS,
  PBO_MAX_BLOCKS,
  SWEEP_MAX_COMBINATIONS,
  SWEEP_MAX_WINDOWS,
  TICKS_PAGE_DEFAULT,
  TICKS_PAGE_MAX,
  WALKFORWARD_DEFAULT_OBJECTIVE,
  WALKFORWARD_OBJECTIVES,
} from '../constants';
import { bool, int, num, numList, oneOf, openNum, pair, perpSymbol, symbol, time, timeframe, type Kind } from './kinds';

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

/** GET /api/funding (issue 25): a perpetual's settlements over [from, to) (default the last 30 days) and its state now. */
export const fundingRequest = z.object({
  symbol: req(perpSymbol, 'a USD-M perpetual, e.g. BTCUSDT.P'),
  from: opt(time, 'start, inclusive: epoch ms or ISO-8601 (default 30 days before now)'),
  to: opt(time, 'end, exclusive: epoch ms or ISO-8601 (default: no end)'),
});

/** GET /api/marks (issue 25): a perpetual's 1 s mark stream over [from, to) (default the last hour), paged. */
export const marksRequest = z.object({
  symbol: req(perpSymbol, 'a USD-M perpetual, e.g. BTCUSDT.P'),
  from: opt(time, 'start, inclusive: epoch ms or ISO-8601 (default 1 h before now)'),
  to: opt(time, 'end, exclusive: epoch ms or ISO-8601 (default: no end)'),
  limit: opt(int(1, MARKS_PAGE_MAX), 'page size (one row a second)', MARKS_PAGE_DEFAULT),
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

const D = BACKTEST_DEFAULTS;
/** The backtest's rules and costs other than entry and exit (issue 16), shared by the backtest and the sweep. */
const backtestCosts = {
  stop: opt(num(0, MAX_Z_THRESHOLD), 'stop-loss: a LONG stops once z <= -stop, a SHORT once z >= stop; above entry (default: none)'),
  maxHold: opt(int(1, BACKTEST_MAX_BARS), 'time stop: exit after this many bars held (default: none)'),
  cooldown: opt(int(0, BACKTEST_MAX_BARS), 'bars without entry after a stop', D.cooldown),
  lag: opt(int(0, BACKTEST_MAX_BARS), "bars from a decision to its fill at that bar's closes", D.lag),
  feeBps: opt(num(0, BACKTEST_MAX_BPS), "fee in basis points of each leg's traded notional, on every fill", D.feeBps),
  slippageBps: opt(num(0, BACKTEST_MAX_BPS), 'slippage in basis points of the close, against the trade', D.slippageBps),
  notional: opt(num(0, BACKTEST_MAX_NOTIONAL), "capital, and each trade's y-leg notional (above 0)", D.notional),
};
const backtestRange = {
  from: opt(time, `start, inclusive: epoch ms or ISO-8601 (default ${DEFAULT_RANGE_BARS} bars before now)`),
  to: opt(time, 'end, exclusive: epoch ms or ISO-8601 (default now; a bar in progress is not traded)'),
};

/** GET /api/backtest: the z signal's trades, equity and metrics over stored bars. */
export const backtestRequest = z.object({
  pair: P.pair,
  tf: P.tf,
  window: P.window,
  ...backtestRange,
  ...HEDGE,
  entry: opt(num(0, MAX_Z_THRESHOLD), 'a flat book enters LONG spread when z < -entry, SHORT when z > entry (above 0)', D.entry),
  exit: opt(num(-MAX_Z_THRESHOLD, MAX_Z_THRESHOLD), 'a LONG exits once z >= -exit, a SHORT once z <= exit; below entry', D.exit),
  ...backtestCosts,
  maxDataPoints: opt(int(1, MAX_DATA_POINTS), "thin the equity curve to at most this many points, keeping each bucket's extremes"),
});

/** PBO's S: an even whole number (every split in halves). */
const evenBlocks = int(2, PBO_MAX_BLOCKS)
  .refine((v) => v % 2 === 0, `expected an even whole number from 2 to ${PBO_MAX_BLOCKS}`)
  .meta({ openapi: { type: 'integer', minimum: 2, maximum: PBO_MAX_BLOCKS, multipleOf: 2 } });

/** GET /api/backtest/sweep: the backtest's metrics for every combination of window x entry x exit. */
export const sweepRequest = z.object({
  pair: P.pair,
  tf: P.tf,
  ...backtestRange,
  ...HEDGE,
  window: req(
    numList(MIN_WINDOW, MAX_WINDOW, SWEEP_MAX_WINDOWS, true),
    `rolling windows in bars, comma-separated (${MIN_WINDOW}..${MAX_WINDOW}, at most ${SWEEP_MAX_WINDOWS})`,
  ),
  entry: req(numList(0, MAX_Z_THRESHOLD, SWEEP_MAX_COMBINATIONS), 'entry levels |z|, comma-separated (above 0)'),
  exit: req(
    numList(-MAX_Z_THRESHOLD, MAX_Z_THRESHOLD, SWEEP_MAX_COMBINATIONS),
    `exit levels, comma-separated; a combination whose exit is not below its entry is left out; at most ${SWEEP_MAX_COMBINATIONS} combinations in all`,
  ),
  ...backtestCosts,
  blocks: opt(
    evenBlocks,
    `PBO: the per-bar returns cut in this many blocks, even (default ${PBO_DEFAULT_BLOCKS}; with fewer than 2 bars a block, no PBO unless asked for)`,
  ),
});

/** GET and POST /api/backtest/walkforward: the sweep's grid chosen on each train part, run on the test part after it (issue 26). */
export const walkForwardRequest = sweepRequest.omit({ blocks: true }).extend({
  train: req(int(2, BACKTEST_MAX_BARS), 'bars in each train part (anchored: in the first), at least 2'),
  test: req(int(1, BACKTEST_MAX_BARS), 'bars in each test part, and the step from one fold to the next'),
  anchored: opt(bool, 'true: every train part starts at the first bar (default false: a rolling train part)'),
  objective: opt(
    oneOf(WALKFORWARD_OBJECTIVES),
    `what picks each fold's combination on its train part: ${WALKFORWARD_OBJECTIVES.join(', ')}`,
    WALKFORWARD_DEFAULT_OBJECTIVE,
  ),
});

const exportFormat = opt(oneOf(['csv']), 'file format', 'csv');

/** GET /export of a symbol: its ticks, or its bars with tf. */
export const exportSymbolRequest = z.object({
  symbol: req(symbol, 'ticks (or bars with tf) of this symbol'),
  tf: opt(timeframe, 'bars of this timeframe (default: ticks)'),
  from: opt(time, 'start, inclusive: epoch ms or ISO-8601 (default: everything stored)'),
  to: opt(time, 'end, exclusive: epoch ms or ISO-8601 (default: no end)'),
  format: exportFormat,
});

/** GET /export of a pair: its analytics. */
export const exportPairRequest = z.object({
  pair: req(pair, 'analytics of this pair Y/X'),
  tf: req(timeframe, 'the analytics timeframe: 1s, 1m or 5m'),
  window: req(windowKind, 'analytics window in bars'),
  from: opt(time, `start, inclusive: epoch ms or ISO-8601 (default ${DEFAULT_RANGE_BARS} bars before to)`),
  to: opt(time, 'end, exclusive: epoch ms or ISO-8601 (default now)'),
  entryZ: P.entryZ,
  exitZ: P.exitZ,
  ddof: P.ddof,
  ...HEDGE,
  format: exportFormat,
});

/**
 * One of the parameter sets a request takes, chosen by the one parameter (`key`) that only it
 * has and requires; `what` says what it asks for, `label` names the requests it makes.
 */
export interface RequestVariant {
  key: string;
  what: string;
  label: string;
  schema: RequestSchema;
  /** A request of this set that finds data on a collector with the default pairs (the OpenAPI example). */
  example: Record<string, string | number>;
}

/**
 * GET /export: ticks or bars of a symbol, or analytics of a pair. The collector reads the query
 * through the variant its key names (readVariant) and the OpenAPI document describes the query as
 * one of the two sets, so the document states the rules the route applies (schemathesis found
 * the flat list of optional parameters let it send mostly refused combinations).
 */
export const exportRequest = [
  { key: 'symbol', what: 'ticks, or bars with tf', label: 'symbol exports', schema: exportSymbolRequest, example: { symbol: 'BTCUSDT', tf: '1m' } },
  { key: 'pair', what: 'analytics', label: 'pair exports', schema: exportPairRequest, example: { pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 30 } },
] as const satisfies readonly RequestVariant[];

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

/** GET /api/scan: the stored scan of a universe at a bar close. */
export const scanRequest = z.object({
  tf: req(timeframe, 'timeframe of the scanned bars (the collector scans SCAN_TF)'),
  window: req(windowKind, 'bars a scan covers (the collector scans SCAN_WINDOW)'),
  at: opt(time, 'the latest scan at or before this time: epoch ms or ISO-8601 (default: the latest)'),
  symbol: opt(symbol, 'only the pairs with this symbol as a leg (default: every pair)'),
  selected: opt(bool, 'true: only the selected pairs'),
  limit: opt(int(1, MAX_SCAN_ROWS), 'at most this many pairs, the first in the order of sort (default: all; 400 symbols make 79,800)'),
  sort: opt(
    oneOf(SCAN_SORTS),
    'qvalue: lowest q-values first (default); carryAdjusted: highest carry-adjusted expected return first (funding of perpetual legs, spot legs 0), each pair then carrying `expected`',
  ),
  minCarryAdjusted: opt(
    openNum(-1e6, 1e6),
    'only the pairs whose carry-adjusted expected return (a fraction of the y notional over the hold) is at least this; pairs then carry `expected`',
  ),
});

/** GET /api/scan/history: one pair's numbers in every stored scan. */
export const scanHistoryRequest = z.object({
  pair: req(pair, 'pair A/B of the scan, A first in universe order, e.g. ETHUSDT/BTCUSDT'),
  tf: req(timeframe, 'timeframe of the scanned bars (the collector scans SCAN_TF)'),
  window: req(windowKind, 'bars a scan covers (the collector scans SCAN_WINDOW)'),
  from: opt(time, 'scans at or after: epoch ms or ISO-8601 (default: the first)'),
  to: opt(time, 'scans before: epoch ms or ISO-8601 (default: no end)'),
});

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
