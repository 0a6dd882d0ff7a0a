/**
 * The query API of the collector, described once: every request parameter and response body
 * as TypeScript types. The collector answers with these types, the Grafana data source's
 * backend reads them; `GET /api/openapi.json` describes the same endpoints as OpenAPI 3.
 * Each response type is `z.output` of its zod schema (requests/responses/), the one declaration
 * the OpenAPI document is made from too; the field comments live there.
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
import type { z } from 'zod';
import type { HedgeChoice, Timeframe } from './constants';
import type * as A from './requests/responses/analytics';
import type * as K from './requests/responses/carry';
import type * as B from './requests/responses/backtest';
import type * as C from './requests/responses/catalog';
import type * as H from './requests/responses/honest';
import type * as F from './requests/responses/funding';
import type { signal } from './requests/responses/common';
import type * as S from './requests/responses/scan';
import type {
  RequestParams,
  analyticsRequest,
  backtestRequest,
  barsRequest,
  fundingRequest,
  marksRequest,
  scanHistoryRequest,
  scanRequest,
  signalsRequest,
  statsRequest,
  sweepRequest,
  ticksRequest,
  walkForwardRequest,
} from './requests/schemas';

type Out<T extends z.ZodType> = z.output<T>;

export type ApiTimeframe = Timeframe;
export type ApiSignal = Out<typeof signal>;

export interface ApiError {
  error: string;
  /** The parameter at fault, when there is one. */
  param?: string;
}

// ---------------------------------------------------------------- /api/health
export type HealthSymbol = Out<typeof C.healthSymbol>;
/** A stretch of stored bars that came from Binance klines, not from ticks. */
export type HealthKlineSpan = Out<typeof C.healthKlineSpan>;
/** loading (retried in the background while it fails for a transient reason), done, or failed for good. */
export type HistoryPartState = Out<typeof C.historyPartState>;
/** One part of a symbol's history loaded beside the live ingest: a timeframe's klines, the seam's trades, an outage repair. */
export type HistoryPart = Out<typeof C.historyPart>;
/** A background look-up (UNIVERSE=top:N) and how it goes. */
export type HealthLookup = Out<typeof C.healthLookup>;
/** The pair scanner and why it is not scanning yet. */
export type HealthScanner = Out<typeof C.healthScanner>;
export type HealthResponse = Out<typeof C.healthResponse>;

// ---------------------------------------------------------------- /api/symbols, /api/pairs
/** The stored bars of a symbol in one timeframe (from ticks or Binance klines): [from, to), epoch ms. */
export type SymbolBarSpan = Out<typeof C.symbolBarSpan>;
export type SymbolInfo = Out<typeof C.symbolInfo>;
export type SymbolsResponse = Out<typeof C.symbolsResponse>;
export type PairInfo = Out<typeof C.pairInfo>;
export type PairsResponse = Out<typeof C.pairsResponse>;

// ---------------------------------------------------------------- /api/ticks, /api/bars
/** Query of GET /api/ticks (requests/schemas.ts `ticksRequest`). */
export type TicksParams = RequestParams<typeof ticksRequest>;
export type TickDto = Out<typeof C.tickDto>;
/** Paging: when `next` is set there is more in the range; ask again with `from=next`. */
export type Page = Out<typeof C.page>;
export type TicksResponse = Out<typeof C.ticksResponse>;
/** Query of GET /api/bars. */
export type BarsParams = RequestParams<typeof barsRequest>;
/** An OHLCV bar over [start, start + length of its timeframe). */
export type BarDto = Out<typeof C.barDto>;
export type BarsResponse = Out<typeof C.barsResponse>;

// ---------------------------------------------------------------- /api/funding (issue 25)
/** Query of GET /api/funding. */
export type FundingParams = RequestParams<typeof fundingRequest>;
export type FundingEventDto = Out<typeof F.fundingEventDto>;
export type FundingStateDto = Out<typeof F.fundingStateDto>;
export type FundingResponse = Out<typeof F.fundingResponse>;
/** Query of GET /api/marks. */
export type MarksParams = RequestParams<typeof marksRequest>;
export type MarkDto = Out<typeof F.markDto>;
export type MarksResponse = Out<typeof F.marksResponse>;
/** /api/stats' `carry` of a pair with a perpetual leg. */
export type PairCarryDto = Out<typeof K.pairCarryDto>;
export type LegCarryDto = Out<typeof K.legCarryDto>;

// ---------------------------------------------------------------- /api/backtest
/** Query of GET /api/backtest. */
export type BacktestParams = RequestParams<typeof backtestRequest>;
/** Query of GET /api/backtest/sweep. */
export type SweepParams = RequestParams<typeof sweepRequest>;
/** The rules and costs of a backtest (an answer reports the request's, defaults filled in: BACKTEST_DEFAULTS). */
export type BacktestSettings = Out<typeof A.backtestSettings>;
export type BacktestMetricsDto = Out<typeof B.backtestMetricsDto>;
export type BacktestTradeDto = Out<typeof B.backtestTradeDto>;
export type BacktestResponse = Out<typeof B.backtestResponse>;
export type SweepRowDto = Out<typeof B.sweepRowDto>;
export type SweepResponse = Out<typeof B.sweepResponse>;
export type PboDto = Out<typeof B.pboDto>;
/** Query of GET / POST /api/backtest/walkforward. */
export type WalkForwardParams = RequestParams<typeof walkForwardRequest>;
export type WalkForwardResponse = Out<typeof H.walkForwardResponse>;

// ---------------------------------------------------------------- /api/analytics
/** Query of GET /api/analytics. */
export type AnalyticsParams = RequestParams<typeof analyticsRequest>;
/** Query of GET /api/signals. */
export type SignalsParams = RequestParams<typeof signalsRequest>;
/** Column-major series (one array per field, same length), like a Grafana data frame. */
export type AnalyticsSeries = Out<typeof A.analyticsSeries>;
/** One period (UTC day) of the Kalman hedge: a fresh filter warmed on the day before, with these parameters. */
export type KalmanPeriodDto = Out<typeof A.kalmanPeriodDto>;
/** How the response's beta and z were estimated (hedge=kalman): its periods, oldest first. */
export type KalmanReport = Out<typeof A.kalmanReport>;
export type AnalyticsResponse = Out<typeof A.analyticsResponse>;

// ---------------------------------------------------------------- /api/stats
/** Query of GET /api/stats. */
export type StatsParams = RequestParams<typeof statsRequest>;
export type Crit = Out<typeof A.crit>;
/** The value, `{error}` when it could not be computed, or null. */
export type Maybe<T> = T | { error: string } | null;
export type AdfDto = Out<typeof A.adfDto>;
export type CointDto = Out<typeof A.cointDto>;
export type HalfLifeDto = Out<typeof A.halfLifeDto>;
/** OU fit and Bertram's band of the statistics' spreads (issue 26). */
export type OuDto = Out<typeof A.ouDto>;
export type LatestPoint = Out<typeof A.latestPoint>;
/** The rules and costs a live paper position runs under: the backtest's but barsPerYear. */
export type PaperRulesDto = Out<typeof A.paperRules>;
/** The paper position a configured pair / timeframe / window keeps live (issue 16). */
export type PaperPositionDto = Out<typeof A.paperPosition>;
export type StatsResponse = Out<typeof A.statsResponse>;
export type PriceDto = Out<typeof A.priceDto>;

// ---------------------------------------------------------------- /api/signals, /api/alerts
export type SignalEvent = Out<typeof A.signalEvent>;
export type SignalsResponse = Out<typeof A.signalsResponse>;
export type AlertDto = Out<typeof A.alertDto>;
export type AlertsResponse = Out<typeof A.alertsResponse>;

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
    /** The OU fit and Bertram's band /api/stats gives, for a window the live engine keeps (absent otherwise). */
    ou?: Maybe<OuDto>;
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
export type ScanCointDto = Out<typeof S.scanCointDto>;
/** One pair {a, b} of a scan (collector/src/analytics/scan); null where undefined (a constant leg, a degenerate fit). */
export type ScanRow = Out<typeof S.scanRow>;
export type ScanResponse = Out<typeof S.scanResponse>;
export type ScanHistoryPoint = Out<typeof S.scanHistoryPoint>;
export type ScanHistoryResponse = Out<typeof S.scanHistoryResponse>;
export type ScanParams = RequestParams<typeof scanRequest>;
export type ScanHistoryParams = RequestParams<typeof scanHistoryRequest>;
