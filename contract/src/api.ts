/**
 * The query API of the collector, described once: every request parameter and response body
 * as TypeScript types. The collector answers with these types, the Grafana data source's
 * backend reads them; `GET /api/openapi.json` describes the same endpoints as OpenAPI 3.
 *
 * Conventions
 * - Times in requests: epoch milliseconds (`1735689600000`, fractions allowed) or ISO-8601
 *   (`2025-01-01T00:00:00Z`; a date-time without an offset is UTC). `from` is inclusive,
 *   `to` exclusive. Times in responses are epoch milliseconds.
 * - Values that are undefined (warm-up, constant window) are `null`, never NaN.
 * - Errors: `{"error": "...", "param": "..."}` with 400 (bad parameter), 401 (token), 404
 *   (unknown symbol or pair), 413 (range or body too large). `param` is present when one
 *   parameter is to blame.
 * - With `API_TOKEN` set, every endpoint except `/api/health` needs `Authorization: Bearer <token>`.
 */
import type { BarSource, Hedge, HedgeChoice, Timeframe } from './constants';
import type {
  RequestParams,
  analyticsRequest,
  backtestRequest,
  barsRequest,
  scanHistoryRequest,
  scanRequest,
  signalsRequest,
  statsRequest,
  sweepRequest,
  ticksRequest,
} from './requests/schemas';

export type ApiTimeframe = Timeframe;
export type ApiSignal = 'LONG' | 'SHORT' | 'NEUTRAL';

export interface ApiError {
  error: string;
  /** The parameter at fault, when there is one. */
  param?: string;
}

// ---------------------------------------------------------------- /api/health
export interface HealthSymbol {
  symbol: string;
  /** Epoch ms of the newest tick seen (ingest or store), null if none. */
  lastTickTs: number | null;
  /** Seconds since that tick, null if none. */
  lastTickAgeSec: number | null;
}
/** A stretch of stored bars that came from Binance klines, not from ticks. */
export interface HealthKlineSpan {
  symbol: string;
  tf: Timeframe;
  /** Bars with start in [from, to), epoch ms. */
  from: number;
  to: number;
  /** `history`: loaded at start-up before the first tick; `outage`: the older part of a long outage. */
  reason: 'history' | 'outage';
  /** Bars stored from it (klines without trades make none). */
  bars: number;
}
/** loading (retried in the background while it fails for a transient reason), done, or failed for good. */
export type HistoryPartState = 'loading' | 'done' | 'failed';
/**
 * One part of a symbol's history loaded beside the live ingest: a timeframe's klines, the trades
 * since a fresh start's seam, or a restart's outage repair from klines.
 */
export interface HistoryPart {
  symbol: string;
  part: ApiTimeframe | 'seam' | 'outage';
  state: HistoryPartState;
  /** Attempts made so far. */
  attempts: number;
  /** Why the last attempt failed (while loading: it is retried), null when it did not. */
  lastError: string | null;
}
/** A background look-up (UNIVERSE=top:N) and how it goes. */
export interface HealthLookup {
  state: HistoryPartState;
  attempts: number;
  lastError: string | null;
}
/** The pair scanner and why it is not scanning yet. */
export interface HealthScanner {
  /** `waiting`: the last scan could not run (`reason` says why: too little history for SCAN_WINDOW). */
  state: 'waiting' | 'ok';
  reason: string | null;
  /** Close of the newest scan stored since start, epoch ms; null before the first. */
  lastScanTs: number | null;
  /** Scans stored since start, the backfilled ones (SCAN_BACKFILL) among them, and scans that failed. */
  scans: number;
  backfilled: number;
  failures: number;
}
export interface HealthResponse {
  status: 'ok' | 'degraded';
  /** Why the status is degraded; empty when ok. */
  problems: string[];
  version: string;
  uptimeSec: number;
  /** State of the Binance WebSocket connection, `unknown` without an ingestor. */
  websocket: string;
  reconnects: number;
  gapsBackfilled: number;
  backfilledTicks: number;
  rejectedMessages: number;
  symbols: HealthSymbol[];
  /** Which spans of bars came from klines (history, outage repair); empty when all came from ticks. */
  klineSpans: HealthKlineSpan[];
  /** History loaded beside the ingest, per symbol and part; empty without an ingest or history. */
  history: HistoryPart[];
  /** UNIVERSE=top:N's look-up of the top symbols (retried in the background), null for a listed universe. */
  universe: HealthLookup | null;
  /** The pair scanner (null without one: fewer than 2 symbols in the universe). */
  scanner: HealthScanner | null;
  database: { ok: boolean; kind: string; detail: string };
}

// ---------------------------------------------------------------- /api/symbols, /api/pairs
/** The stored bars of a symbol in one timeframe (from ticks or Binance klines): [from, to), epoch ms. */
export interface SymbolBarSpan {
  tf: ApiTimeframe;
  /** The first bar's start. */
  from: number;
  /** The last bar's end (its start + the timeframe). */
  to: number;
}
export interface SymbolInfo {
  symbol: string;
  /** Leg of a configured pair (or of the scanner's universe). */
  configured: boolean;
  /** Stored ticks, first and last tick time (null when no tick is stored). */
  ticks: number;
  firstTs: number | null;
  lastTs: number | null;
  /**
   * The timeframes with stored bars and the span each covers; a symbol loaded only from kline
   * history (no tick yet) is listed with ticks 0 and its bars here. Empty when nothing is stored.
   */
  bars: SymbolBarSpan[];
}
export interface SymbolsResponse {
  symbols: SymbolInfo[];
}
export interface PairInfo {
  /** `Y/X`, e.g. `ETHUSDT/BTCUSDT`; X is the hedge leg. */
  pair: string;
  y: string;
  x: string;
  /** In `PAIRS` (live engine running). */
  configured: boolean;
  /** Both legs have stored ticks or bars (bars from kline history count). */
  stored: boolean;
}
export interface PairsResponse {
  pairs: PairInfo[];
  timeframes: ApiTimeframe[];
  /** Windows the live engine maintains; any other window >= 2 also works in queries. */
  windows: number[];
  entryZ: number;
  exitZ: number | null;
}

// ---------------------------------------------------------------- /api/ticks
/** Query of GET /api/ticks (requests/schemas.ts `ticksRequest`). */
export type TicksParams = RequestParams<typeof ticksRequest>;
export interface TickDto {
  id: number;
  ts: number;
  price: number;
  qty: number;
  isBuyerMaker: boolean;
}
/** Paging: when `next` is set there is more in the range; ask again with `from=next`. */
export interface Page {
  from: number;
  to: number;
  next: number | null;
}
export interface TicksResponse extends Page {
  symbol: string;
  ticks: TickDto[];
}

// ---------------------------------------------------------------- /api/bars
/** Query of GET /api/bars. */
export type BarsParams = RequestParams<typeof barsRequest>;
/** An OHLCV bar over [start, start + length of its timeframe). */
export interface BarDto {
  /** Interval start, epoch ms, aligned to the timeframe (UTC, from the Unix epoch). */
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base-asset volume Σ qty. */
  volume: number;
  /** Quote volume Σ price·qty. */
  quoteVolume: number;
  trades: number;
  /** Σ price·qty / Σ qty; null when the volume is 0. */
  vwap: number | null;
  /** false for the bar still in progress. */
  final: boolean;
  /** Built from stored trades (`ticks`) or a Binance kline (`klines`: history, long-outage repair). */
  source: BarSource;
}
export interface BarsResponse extends Page {
  symbol: string;
  tf: ApiTimeframe;
  bars: BarDto[];
}

// ---------------------------------------------------------------- /api/backtest
/** Query of GET /api/backtest. */
export type BacktestParams = RequestParams<typeof backtestRequest>;
/** Query of GET /api/backtest/sweep. */
export type SweepParams = RequestParams<typeof sweepRequest>;
/**
 * The rules and costs of a backtest (the collector's analytics take them as BacktestOptions; an
 * answer reports the request's, defaults filled in: BACKTEST_DEFAULTS).
 */
export interface BacktestSettings {
  /** |z| above which a flat book enters (default 2). */
  entry: number;
  /** Exit band: a LONG exits once z >= -exit, a SHORT once z <= exit (default 0, the mean). */
  exit: number;
  /** Stop-loss level of |z| beyond the entry (null: none, the default). */
  stop: number | null;
  /** Time stop after this many bars held (null: none, the default). */
  maxHold: number | null;
  /** Bars without entry after a stop (default 0). */
  cooldown: number;
  /** Bars from decision to fill (default 1). */
  lag: number;
  /** Fee in basis points of each leg's traded notional per fill (default 10). */
  feeBps: number;
  /** Slippage in basis points of the close, against the trade (default 0). */
  slippageBps: number;
  /** Capital, and the |y| notional of each trade (default 1000). */
  notional: number;
  /** Bars a year, for the annualised Sharpe (default 525600: 1-minute bars, 24/7 markets; the API: 365 days of the timeframe). */
  barsPerYear: number;
}
export interface BacktestMetricsDto {
  /** E_end / notional - 1. */
  totalReturn: number;
  /** mean / std (ddof 1) of the per-bar returns x sqrt(barsPerYear); null with fewer than 2 bars or no variation. */
  sharpe: number | null;
  /** Largest (peak - E) / peak. */
  maxDrawdown: number;
  /** Trades, the one open at the end included. */
  trades: number;
  /** Share of trades with pnl > 0; null without trades. */
  winRate: number | null;
  avgBars: number | null;
  fees: number;
}
export interface BacktestTradeDto {
  /** Bar times of the entry and exit fills (exit: the last bar for a trade still open). */
  entryTs: number;
  exitTs: number;
  entryIndex: number;
  exitIndex: number;
  side: 'LONG' | 'SHORT';
  reason: 'exit' | 'stop' | 'time' | 'open';
  beta: number;
  qy: number;
  qx: number;
  /** Both legs' P&L net of the trade's fees (an open trade marked at the last closes). */
  pnl: number;
  fees: number;
  bars: number;
}
export interface BacktestResponse {
  pair: string;
  tf: ApiTimeframe;
  window: number;
  /** Where beta and z come from (the request's hedge). */
  hedge: Hedge;
  from: number;
  to: number;
  /** Bars backtested (final bars in the range, aligned). */
  bars: number;
  settings: BacktestSettings;
  metrics: BacktestMetricsDto;
  trades: BacktestTradeDto[];
  /** Equity at each bar's close (thinned to maxDataPoints when asked). */
  equity: { ts: number[]; equity: number[] };
  thinned: boolean;
}
export interface SweepRowDto {
  window: number;
  entry: number;
  exit: number;
  metrics: BacktestMetricsDto;
}
export interface SweepResponse {
  pair: string;
  tf: ApiTimeframe;
  hedge: Hedge;
  from: number;
  to: number;
  bars: number;
  settings: Omit<BacktestSettings, 'entry' | 'exit'>;
  /** One row per valid combination, in window, entry, exit order. */
  rows: SweepRowDto[];
}

// ---------------------------------------------------------------- /api/analytics
/** Query of GET /api/analytics. */
export type AnalyticsParams = RequestParams<typeof analyticsRequest>;
/** Query of GET /api/signals. */
export type SignalsParams = RequestParams<typeof signalsRequest>;
/** Column-major series (one array per field, same length), like a Grafana data frame. */
export interface AnalyticsSeries {
  ts: number[];
  beta: (number | null)[];
  alpha: (number | null)[];
  spread: (number | null)[];
  /** Rolling mean of the spread over the window, the level z is measured from (null where those spreads are not all defined; see AnalyticsPoint). */
  spreadMean: (number | null)[];
  zscore: (number | null)[];
  signal: (ApiSignal | null)[];
  correlation: (number | null)[];
}
/** One period (UTC day) of the Kalman hedge: a fresh filter warmed on the day before, with these parameters. */
export interface KalmanPeriodDto {
  /** Start of the period (epoch ms). */
  at: number;
  /** First and last point of the previous period (warm-up, and the training span with tune); null when none. */
  trainFrom: number | null;
  trainTo: number | null;
  /** Parameters in force (null: none, the period's points are null). */
  delta: number | null;
  ve: number | null;
  /** tune: the maximum-likelihood fit on the previous period, or why there is none; null with fixed parameters. */
  fit: { logLik: number; converged: boolean; nobs: number } | { error: string } | null;
}
/** How the response's beta and z were estimated (hedge=kalman): its periods, oldest first. */
export interface KalmanReport {
  tune: boolean;
  periods: KalmanPeriodDto[];
}
export interface AnalyticsResponse {
  pair: string;
  /** ols (rolling OLS over window) or kalman (see kalman). */
  hedge: Hedge;
  /** hedge=kalman: the periods serving the response's points. */
  kalman?: KalmanReport;
  tf: ApiTimeframe;
  window: number;
  from: number;
  to: number;
  /** Aligned points in the range before thinning. */
  points: number;
  /** True when maxDataPoints thinned the series. */
  thinned: boolean;
  /** The last point comes from a bar still in progress (it moves until the bar completes). */
  provisional: boolean;
  series: AnalyticsSeries;
}

// ---------------------------------------------------------------- /api/stats
/** Query of GET /api/stats. */
export type StatsParams = RequestParams<typeof statsRequest>;
export type Crit = { '1%': number; '5%': number; '10%': number };
export type Maybe<T> = T | { error: string } | null;
export interface AdfDto {
  stat: number;
  pvalue: number;
  usedlag: number;
  nobs: number;
  crit: Crit;
}
export interface CointDto {
  stat: number;
  pvalue: number;
  crit: Crit;
}
export interface HalfLifeDto {
  b: number;
  /** In bars; null when the spread does not mean-revert (b >= 0). */
  halfLife: number | null;
}
export interface LatestPoint {
  ts: number;
  beta: number | null;
  alpha: number | null;
  spread: number | null;
  zscore: number | null;
  signal: ApiSignal | null;
  correlation: number | null;
}
/**
 * The rules and costs a live paper position runs under: the backtest's (BacktestSettings) but
 * barsPerYear (no Sharpe ratio is computed live). entry is the collector's ENTRY_Z, the others its
 * PAPER_* settings (PAPER_EXIT defaulting to EXIT_Z when set), BACKTEST_DEFAULTS where unset.
 */
export type PaperRulesDto = Omit<BacktestSettings, 'barsPerYear'>;
/**
 * The paper position a configured pair / timeframe / window keeps live (issue 16): the backtest's
 * rules (`rules`: entry at the configured ENTRY_Z, the rest the PAPER_* settings) stepped on each
 * committed bar since the engine started (its warm-up bars included), fills `lag` bars after the
 * decision.
 */
export interface PaperPositionDto {
  side: 'LONG' | 'SHORT' | 'FLAT';
  /** Bar time of the entry fill and the legs' fill prices; null when flat. */
  entryTs: number | null;
  entryY: number | null;
  entryX: number | null;
  /** Held quantities (y leg, x leg = -beta * qy), 0 when flat; the beta frozen at entry. */
  qy: number;
  qx: number;
  beta: number | null;
  /** The held trade's P&L marked at the last committed bar's closes, net of its entry fees; 0 when flat. */
  unrealisedPnl: number;
  /** notional + realised P&L + unrealisedPnl, net of every fee, at the last committed bar. */
  equity: number;
  /** Trades closed since the engine started. */
  closedTrades: number;
  /** The rules and costs it runs under (the same for every pair / timeframe / window of a collector). */
  rules: PaperRulesDto;
}

export interface StatsResponse {
  pair: string;
  /** ols (rolling OLS over window) or kalman (see kalman). */
  hedge: Hedge;
  /** hedge=kalman: the periods serving the response's sample. */
  kalman?: KalmanReport;
  tf: ApiTimeframe;
  window: number;
  /** Point of the last completed bar. */
  committed: LatestPoint | null;
  /** Point of the bar in progress (moves with every tick), null when there is none. */
  provisional: LatestPoint | null;
  /** Latest prices of the two legs. */
  prices: { y: PriceDto | null; x: PriceDto | null };
  adf: Maybe<AdfDto>;
  coint: Maybe<CointDto>;
  halfLife: Maybe<HalfLifeDto>;
  /**
   * Rolling correlation of the two legs' closes over the last `window` aligned points up to the
   * latest point (`provisional`, else `committed`): that point's `correlation`, on both sources.
   */
  correlation: number | null;
  /** Epoch ms of the last update of these values. */
  updatedAt: number | null;
  /** The live paper position (source live, rolling OLS); null when computed and for the Kalman hedge. */
  position: PaperPositionDto | null;
  /**
   * `live` from the running engine (rolling OLS of a configured window) or, for hedge=kalman, from
   * the Kalman filter the Live push continues bar by bar; `computed` from stored bars.
   */
  source: 'live' | 'computed';
}
export interface PriceDto {
  price: number;
  ts: number;
}

// ---------------------------------------------------------------- /api/signals
export interface SignalEvent {
  /** Epoch ms of the bar where the signal changed. */
  ts: number;
  signal: ApiSignal;
  previous: ApiSignal | null;
  zscore: number | null;
  /** Human words for an annotation, e.g. `SHORT (z = 2.31)`. */
  text: string;
}
export interface SignalsResponse {
  pair: string;
  tf: ApiTimeframe;
  window: number;
  from: number;
  to: number;
  events: SignalEvent[];
}

// ---------------------------------------------------------------- /api/alerts
export interface AlertDto {
  id: number;
  receivedAt: number;
  status: string;
  payload: unknown;
}
export interface AlertsResponse {
  alerts: AlertDto[];
}

// ---------------------------------------------------------------- live push (WebSocket /api/live)
/** Client -> server: `subscribe` adds to, `unsubscribe` removes from the connection's set (requests/live.ts). */
export type { LiveSubscribe } from './requests/live';
/** Server -> client, every 500 ms while anything subscribed changed. */
export interface LiveUpdate {
  type: 'update';
  /** Server time, epoch ms. */
  ts: number;
  prices: Record<string, PriceDto>;
  analytics: {
    pair: string;
    tf: ApiTimeframe;
    window: number;
    /** The subscription's hedge (absent: ols). */
    hedge?: HedgeChoice;
    /** Provisional point of the bar in progress, or the last committed point. */
    point: LatestPoint | null;
    provisional: boolean;
    /** The live paper position, for a window the live engine keeps (absent otherwise). */
    position?: PaperPositionDto;
  }[];
}
/** Server -> client when a 1m or 5m bar of a subscribed symbol completes. */
export interface LiveBar {
  type: 'bar';
  symbol: string;
  tf: ApiTimeframe;
  bar: BarDto;
}
export interface LiveAck {
  type: 'subscribed';
  symbols: string[];
  pairs: { pair: string; tf: ApiTimeframe; window: number; hedge?: HedgeChoice }[];
}
export interface LiveErrorMsg extends ApiError {
  type: 'error';
}
export type LiveServerMessage = LiveUpdate | LiveBar | LiveAck | LiveErrorMsg;

// ---------------------------------------------------------------- /api/scan, /api/scan/history
/** One direction's Engle-Granger test (statsmodels coint: constant, AIC lags, MacKinnon N = 2). */
export interface ScanCointDto {
  stat: number;
  pvalue: number;
  usedlag: number;
}
/** One pair {a, b} of a scan (collector/src/analytics/scan); null where undefined (a constant leg, a degenerate fit). */
export interface ScanRow {
  a: string;
  b: string;
  /** OLS a = alpha + beta·b over the window; the spread is a - alpha - beta·b. */
  beta: number | null;
  alpha: number | null;
  /** Engle-Granger coint(a, b) and coint(b, a) (constant, AIC lags, MacKinnon N = 2). */
  coint: ScanCointDto | null;
  cointReverse: ScanCointDto | null;
  /** The larger of the two p-values; null unless both tests are defined. */
  pvalue: number | null;
  /** Benjamini-Hochberg q-value among the scan's pairs with a p-value. */
  qvalue: number | null;
  /** Of the spread, in bars. */
  halfLife: number | null;
  hurst: number | null;
  meanCrossings: number | null;
  correlation: number | null;
  selected: boolean;
  /**
   * Why a test or statistic is null: a constant leg, an (almost) perfect fit whose spread is
   * rounding (statsmodels' collinearity rule), a window too short for the residual ADF; null when
   * every number is there.
   */
  note: string | null;
}
export interface ScanResponse {
  tf: ApiTimeframe;
  window: number;
  /** Close of the last bar scanned (epoch ms): the scan used bars that ended by then only. */
  ts: number;
  /** The symbols scanned, in universe order. */
  symbols: string[];
  /** Pairs with a p-value (the m of the correction). */
  tested: number;
  selected: number;
  /** Sorted by q-value, undefined last. */
  pairs: ScanRow[];
}
export interface ScanHistoryPoint {
  ts: number;
  pvalue: number | null;
  qvalue: number | null;
  cointPvalue: number | null;
  cointReversePvalue: number | null;
  halfLife: number | null;
  hurst: number | null;
  selected: boolean;
}
export interface ScanHistoryResponse {
  pair: string;
  tf: ApiTimeframe;
  window: number;
  points: ScanHistoryPoint[];
}
export type ScanParams = RequestParams<typeof scanRequest>;
export type ScanHistoryParams = RequestParams<typeof scanHistoryRequest>;
