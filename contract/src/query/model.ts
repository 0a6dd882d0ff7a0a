/**
 * The query model of the quant-pairs data source, shared by the frontend (editors, DataSource),
 * the TypeScript backend (QueryData, alert rules) and provisioning (generated dashboards and
 * alert rules). A discriminated union on `queryType`, with a `version` so that saved queries
 * are upgraded by the one `migrateQuery` (migrate.ts) both the frontend and the backend run.
 *
 * Text fields may hold template variables (`$pair`, `$tf`, `$window`); the frontend
 * interpolates them before a query reaches the backend. `window` is a string for that reason
 * and must be a whole number of points (>= 2) after interpolation.
 */
import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import { DEFAULT_ENTRY_Z, type Hedge, type WalkForwardObjective } from '../constants';

export const QUERY_MODEL_VERSION = 1;

export const QUERY_TYPES = ['analytics', 'bars', 'ticks', 'stats', 'signals', 'scan', 'backtest', 'summary', 'funding'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

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
  /**
   * One field, each close over the first close of the time range (1 at the start), so that two
   * legs of any price level (BTC ~1e5, PEPE ~1e-5) overlay on one axis. Not streamed: the Live
   * channel carries raw prices.
   */
  normalize?: boolean;
}

/** A number, or text that holds one or a template variable (`$stop`, `$fee`) the frontend replaces. */
type NumberOrVariable = number | string;

interface PairQueryBase extends QueryBase {
  /** `Y/X`, e.g. `ETHUSDT/BTCUSDT`; X is the hedge leg. */
  pair: string;
  timeframe: string;
  /** Rolling window in bars. */
  window: string;
  /** |z| above which the signal is LONG / SHORT (default 2); a dashboard variable such as `$entry` too. */
  entryZ?: NumberOrVariable;
  /** Optional hysteresis: back to NEUTRAL only when |z| < exitZ; `$exit` too (empty: none). */
  exitZ?: NumberOrVariable;
  /** How beta (and so the spread and z) is estimated: rolling OLS over window (default) or the Kalman filter. */
  hedge?: Hedge;
  /** hedge kalman: the state's random-walk rate (default 1e-4, Chan). */
  delta?: number;
  /** hedge kalman: the observation noise variance (default 1e-3, Chan: prices near 1). */
  ve?: number;
  /** hedge kalman: fit delta and ve by maximum likelihood each UTC day on the day before. */
  tune?: boolean;
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

/**
 * The pair scanner (collector /api/scan): the stored scan of the universe at the end of the time
 * range as a table sorted by q-value; with `pair`, that pair's numbers in every scan of the
 * range as time series (p-value, q-value, half-life, Hurst: what the "cointegration lost" rules
 * and the p-value history panels read).
 */
export interface ScanQuery extends QueryBase {
  queryType: 'scan';
  /** The scanner's timeframe and window (SCAN_TF, SCAN_WINDOW). */
  timeframe: string;
  window: string;
  /** `A/B` (either order): this pair's history instead of the table. */
  pair?: string;
  /** The table's first rows only (lowest q-values). */
  limit?: number;
  /** The table's selected pairs only. */
  selectedOnly?: boolean;
  /** The table's pairs with this symbol as a leg only (a search in a 400-symbol universe; empty = every pair). */
  symbol?: string;
  /** History: only these columns besides time (an alert rule needs one: `['pvalue']`). */
  scanFields?: ScanField[];
}

/** The numeric columns of a scan-history frame. */
export const SCAN_FIELDS = ['pvalue', 'qvalue', 'cointPvalue', 'cointReversePvalue', 'halfLife', 'hurst', 'selected'] as const;
export type ScanField = (typeof SCAN_FIELDS)[number];

/**
 * What a backtest query returns: the equity curve, the trades, one row of metrics, or the sweep's
 * grid; of the grid (issue 26): its verdict (one row: the best's PSR and DSR, PBO), the walk-forward's
 * out-of-sample equity, or its folds (a row each); or the OU band (issue 26: the latest fit's
 * Bertram entry levels and mean from /api/stats, as lines over the time range).
 */
export const BACKTEST_OUTPUTS = ['equity', 'trades', 'metrics', 'sweep', 'verdict', 'walkforward', 'folds', 'ouband'] as const;
export type BacktestOutput = (typeof BACKTEST_OUTPUTS)[number];
/** The outputs that run the sweep's grid (the sweep, its verdict, the walk-forward and its folds); the rest run one backtest. */
export const GRID_OUTPUTS: readonly BacktestOutput[] = ['sweep', 'verdict', 'walkforward', 'folds'];

/** A sweep grid: numbers, or text with comma-separated numbers or a template variable. */
type GridOrVariable = number[] | string;

/**
 * The z signal's two-leg backtest over the time range (collector /api/backtest and
 * /api/backtest/sweep, issue 16): enter at |z| > entryZ, exit at exitZ (may be negative: past
 * the mean), optional stop and time stop, costs. Absent fields take BACKTEST_DEFAULTS. Output
 * `sweep` runs every window x entry x exit of the grids (each defaults to the query's own value).
 */
export interface BacktestQuery extends Omit<PairQueryBase, 'entryZ' | 'exitZ'> {
  queryType: 'backtest';
  /** Entry |z| (default BACKTEST_DEFAULTS.entry); a dashboard variable such as `$entry` too. */
  entryZ?: NumberOrVariable;
  /** Exit level, below entry (default BACKTEST_DEFAULTS.exit). */
  exitZ?: NumberOrVariable;
  /** Default equity. */
  output?: BacktestOutput;
  /** Stop-loss |z| (above entry): a LONG stops once z <= -stop, a SHORT once z >= stop. */
  stop?: NumberOrVariable;
  /** Time stop: exit after this many bars held. */
  maxHold?: NumberOrVariable;
  /** Bars without entry after a stop. */
  cooldown?: NumberOrVariable;
  /** Bars from a decision to its fill. */
  lag?: NumberOrVariable;
  feeBps?: NumberOrVariable;
  slippageBps?: NumberOrVariable;
  /** Capital, and each trade's y-leg notional. */
  notional?: NumberOrVariable;
  /** Outputs sweep, verdict, walkforward and folds: the windows, entry and exit levels of the grid. */
  sweepWindows?: GridOrVariable;
  sweepEntries?: GridOrVariable;
  sweepExits?: GridOrVariable;
  /** Outputs walkforward and folds: bars in each train part (default WALKFORWARD_DEFAULT_TRAIN) and test part (WALKFORWARD_DEFAULT_TEST). */
  wfTrain?: NumberOrVariable;
  wfTest?: NumberOrVariable;
  /** Every train part from the range's first bar (default false: rolling). */
  wfAnchored?: boolean;
  /** What picks each fold's combination on its train part (default sharpe). */
  wfObjective?: WalkForwardObjective;
}

/**
 * Every configured pair of the collector at one timeframe and window, one row each (the desk's
 * first look, issue 28): z, signal and the live paper position (side, unrealised P&L) as the
 * collector's live engine has them (its ENTRY_Z and PAPER_* rules), ADF and Engle-Granger
 * p-values, half-life, correlation and beta; from /api/stats of each pair.
 */
export interface SummaryQuery extends QueryBase {
  queryType: 'summary';
  timeframe: string;
  /** One of the collector's WINDOWS: the live engine keeps the paper position for those only. */
  window: string;
}

/** What a funding query draws: a perpetual's settled rates, its state now, or a pair's paper position's funding. */
export const FUNDING_OUTPUTS = ['rates', 'state', 'position', 'carry'] as const;
export type FundingOutput = (typeof FUNDING_OUTPUTS)[number];

/**
 * Funding of USD-M perpetuals (issue 25, collector /api/funding and /api/stats): `rates` (the
 * default) is `symbol`'s settled funding rates over the range as a time series; `state` its state
 * now (the rate the next settlement would apply, the next funding time, mark, index and the
 * mark-index premium); `position` the funding received by the live paper position of `pair` at
 * `timeframe` and `window`; `carry` that pair's funding carry and basis (/api/stats `carry`: each
 * perp leg's 30-day annualised rate, the LONG / SHORT spread's, the basis of a perp / spot pair).
 * A spot symbol or pair gives an empty frame with a notice (a spot leg
 * has no funding), so a dashboard's leg variable may name either.
 */
export interface FundingQuery extends QueryBase {
  queryType: 'funding';
  fundingOutput?: FundingOutput;
  /** rates, state: the perpetual, `BTCUSDT.P` (or a variable such as `$y`). */
  symbol?: string;
  /** position, carry: the pair, its timeframe and one of the collector's WINDOWS. */
  pair?: string;
  timeframe?: string;
  window?: string;
}

export type PairsQuery = TicksQuery | BarsQuery | AnalyticsQuery | StatsQuery | SignalsQuery | ScanQuery | BacktestQuery | SummaryQuery | FundingQuery;

/** The window of a new pair query, as the model writes it (text, so that it can hold `$window`). */
export const DEFAULT_WINDOW = '100';

export const DEFAULT_QUERY: Partial<AnalyticsQuery> = {
  version: QUERY_MODEL_VERSION,
  queryType: 'analytics',
  pair: 'ETHUSDT/BTCUSDT',
  timeframe: '1m',
  window: DEFAULT_WINDOW,
  entryZ: DEFAULT_ENTRY_Z,
};

/** Data source settings (jsonData). */
export interface PairsDataSourceOptions extends DataSourceJsonData {
  /** Base URL of the collector's query API, e.g. http://collector:8080 */
  collectorUrl?: string;
  /** Request timeout for collector calls, seconds. */
  timeoutSeconds?: number;
}

/** Secure settings (secureJsonData): never sent to the browser. */
export interface PairsSecureJsonData {
  apiToken?: string;
}

/** Query types that name a pair (`Y/X`), a timeframe and a window. */
export const PAIR_QUERY_TYPES = ['analytics', 'stats', 'signals'] as const;
export type PairQueryType = (typeof PAIR_QUERY_TYPES)[number];
export type PairQuery = AnalyticsQuery | StatsQuery | SignalsQuery;

export function isPairQuery(q: PairsQuery): q is PairQuery {
  return (PAIR_QUERY_TYPES as readonly string[]).includes(q.queryType);
}

/**
 * Query types the backend streams through Grafana Live (backend/src/stream/channel.ts): with
 * `live: true` their frame carries `meta.channel`, so the panel updates without a dashboard
 * refresh (bars at 1m and 5m only, LIVE_BAR_TIMEFRAMES).
 */
export const LIVE_QUERY_TYPES = ['analytics', 'bars', 'ticks', 'stats'] as const;

export function supportsLive(type: QueryType): boolean {
  return (LIVE_QUERY_TYPES as readonly string[]).includes(type);
}

/**
 * Default and largest number of ticks a ticks query returns (the newest of its time range).
 * Larger than the API's page (TICKS_PAGE_MAX): the backend pages through the range.
 */
export const DEFAULT_TICKS_LIMIT = 1_000;
export const MAX_TICKS_LIMIT = 100_000;

/**
 * Resource paths the backend serves through CallResource
 * (`GET /api/datasources/uid/<uid>/resources/<path>`), used by the editors and by variables.
 * Each answers JSON; the frontend accepts either the collector's own response body
 * (`SymbolsResponse`, `PairsResponse`) or a plain array of strings / numbers.
 */
export const RESOURCE_PATHS = {
  symbols: 'symbols',
  pairs: 'pairs',
  timeframes: 'timeframes',
  windows: 'windows',
  topPairs: 'topPairs',
} as const;
/**
 * The CSV export resource (`GET /api/datasources/uid/<uid>/resources/export?queryType=...&from=<ms>&to=<ms>`):
 * any query of the model as URL parameters (lists comma-separated), run by the backend as a panel's
 * query and answered as CSV, the collector's token added server-side; the provisioned dashboards link
 * every panel of our data source to it.
 */
export const EXPORT_RESOURCE = 'export';
/** Pairs the `topPairs` resource lists: the latest scan's (SCAN_TF, SCAN_WINDOW) lowest q-values. */
export const TOP_PAIRS = 5;
export type ResourceKind = keyof typeof RESOURCE_PATHS;

/** The model of a template-variable query (CustomVariableSupport): which list to offer. */
export interface PairsVariableQuery extends DataQuery {
  version: number;
  kind: ResourceKind;
}
export const DEFAULT_VARIABLE_QUERY: Omit<PairsVariableQuery, 'refId'> = {
  version: QUERY_MODEL_VERSION,
  kind: 'pairs',
};
