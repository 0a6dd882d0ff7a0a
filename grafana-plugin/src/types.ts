/**
 * The query model of the quant-pairs data source, shared by the frontend (editors, DataSource)
 * and the TypeScript backend (QueryData, alert rules). A discriminated union on `queryType`,
 * with a `version` so that saved queries can be upgraded by `migrate.ts`.
 *
 * Text fields may hold template variables (`$pair`, `$tf`, `$window`); the frontend
 * interpolates them before a query reaches the backend. `window` is a string for that reason
 * and must be a whole number of points (>= 2) after interpolation.
 */
import type { DataQuery } from '@grafana/schema';

export const QUERY_MODEL_VERSION = 1;

export const QUERY_TYPES = ['analytics', 'bars', 'ticks', 'stats', 'signals'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export const TIMEFRAMES = ['1s', '1m', '5m'] as const;

interface QueryBase extends DataQuery {
  version: number;
  queryType: QueryType;
  /** Stream updates through Grafana Live every 500 ms. */
  live?: boolean;
}

/** Raw trades of one symbol. */
export interface TicksQuery extends QueryBase {
  queryType: 'ticks';
  symbol: string;
  /** At most this many ticks (newest kept). */
  limit?: number;
}

/** OHLCV bars of one symbol: a candlestick-ready frame. */
export interface BarsQuery extends QueryBase {
  queryType: 'bars';
  symbol: string;
  timeframe: string;
}

interface PairQueryBase extends QueryBase {
  /** `Y/X`, e.g. `ETHUSDT/BTCUSDT`; X is the hedge leg. */
  pair: string;
  timeframe: string;
  /** Rolling window in bars. */
  window: string;
  /** |z| above which the signal is LONG / SHORT (default 2). */
  entryZ?: number;
  /** Optional hysteresis: back to NEUTRAL only when |z| < exitZ. */
  exitZ?: number;
}

/**
 * The columns of an analytics frame besides time. `spreadMean` is the rolling mean of the
 * spread over the window, the level z is measured from (z = (spread - spreadMean) / sd);
 * the pair-overview dashboard draws it over the spread.
 */
export const ANALYTICS_FIELDS = ['beta', 'alpha', 'spread', 'spreadMean', 'zscore', 'signal', 'correlation'] as const;
export type AnalyticsField = (typeof ANALYTICS_FIELDS)[number];

/** Time series of beta, alpha, spread, z-score, signal and correlation. */
export interface AnalyticsQuery extends PairQueryBase {
  queryType: 'analytics';
  /**
   * Only these columns besides time, in this order; all when absent. A Grafana alert rule
   * needs a frame with exactly one numeric field (each numeric field is a series, and so an
   * alert instance), so the provisioned |z| > 2 rules ask for `['zscore']`.
   */
  fields?: AnalyticsField[];
}

/** The latest values of a pair: beta, z, signal, ADF, Engle-Granger, half-life, correlation. */
export interface StatsQuery extends PairQueryBase {
  queryType: 'stats';
}

/** Signal changes as events (annotations). */
export interface SignalsQuery extends PairQueryBase {
  queryType: 'signals';
}

export type PairsQuery = TicksQuery | BarsQuery | AnalyticsQuery | StatsQuery | SignalsQuery;

export const DEFAULT_WINDOW = '100';
export const DEFAULT_ENTRY_Z = 2;

export const DEFAULT_QUERY: Partial<AnalyticsQuery> = {
  version: QUERY_MODEL_VERSION,
  queryType: 'analytics',
  pair: 'ETHUSDT/BTCUSDT',
  timeframe: '1m',
  window: DEFAULT_WINDOW,
  entryZ: DEFAULT_ENTRY_Z,
};

/** Data source settings (jsonData). */
export interface PairsDataSourceOptions {
  /** Base URL of the collector's query API, e.g. http://collector:8080 */
  collectorUrl?: string;
  /** Request timeout for collector calls, seconds. */
  timeoutSeconds?: number;
}

/** Secure settings (secureJsonData): never sent to the browser. */
export interface PairsSecureJsonData {
  apiToken?: string;
}
