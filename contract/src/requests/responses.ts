/**
 * The response bodies of api.ts as zod schemas, for the OpenAPI document only: openapi.ts turns
 * each into the JSON schema of its route's 200 answer, so a fuzzer (schemathesis, in the
 * collector's tests) checks every answer against what api.ts promises. The interfaces in api.ts
 * stay the types everyone imports; `Same<...>` below makes the compiler refuse a schema that
 * differs from its interface in either direction, so the two cannot drift apart.
 *
 * Objects are strict (no property the interface lacks): the document says exactly what comes back.
 */
import { z } from 'zod';
import type * as Api from '../api';
import { BAR_SOURCES, HEDGES, TIMEFRAMES } from '../constants';

const num = z.number();
const nullableNum = num.nullable();
const signal = z.enum(['LONG', 'SHORT', 'NEUTRAL']);
const timeframe = z.enum(TIMEFRAMES);
const obj = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape);

const historyState = z.enum(['loading', 'done', 'failed']);
const healthSymbol = obj({ symbol: z.string(), lastTickTs: nullableNum, lastTickAgeSec: nullableNum });
const healthResponse = obj({
  status: z.enum(['ok', 'degraded']),
  problems: z.array(z.string()),
  version: z.string(),
  uptimeSec: num,
  websocket: z.string(),
  reconnects: num,
  gapsBackfilled: num,
  backfilledTicks: num,
  rejectedMessages: num,
  symbols: z.array(healthSymbol),
  klineSpans: z.array(obj({ symbol: z.string(), tf: timeframe, from: num, to: num, reason: z.enum(['history', 'outage']), bars: num })),
  history: z.array(
    obj({ symbol: z.string(), part: z.enum([...TIMEFRAMES, 'seam', 'outage']), state: historyState, attempts: num, lastError: z.string().nullable() }),
  ),
  universe: obj({ state: historyState, attempts: num, lastError: z.string().nullable() }).nullable(),
  scanner: obj({
    state: z.enum(['waiting', 'ok']),
    reason: z.string().nullable(),
    lastScanTs: nullableNum,
    scans: num,
    backfilled: num,
    failures: num,
  }).nullable(),
  database: obj({ ok: z.boolean(), kind: z.string(), detail: z.string() }),
});

const symbolsResponse = obj({
  symbols: z.array(
    obj({
      symbol: z.string(),
      configured: z.boolean(),
      ticks: num,
      firstTs: nullableNum,
      lastTs: nullableNum,
      bars: z.array(obj({ tf: timeframe, from: num, to: num })),
    }),
  ),
});
const pairsResponse = obj({
  pairs: z.array(obj({ pair: z.string(), y: z.string(), x: z.string(), configured: z.boolean(), stored: z.boolean() })),
  timeframes: z.array(timeframe),
  windows: z.array(num),
  entryZ: num,
  exitZ: nullableNum,
});

const page = { from: num, to: num, next: nullableNum };
const tick = obj({ id: num, ts: num, price: num, qty: num, isBuyerMaker: z.boolean() });
const ticksResponse = obj({ ...page, symbol: z.string(), ticks: z.array(tick) });
const bar = obj({
  start: num,
  open: num,
  high: num,
  low: num,
  close: num,
  volume: num,
  quoteVolume: num,
  trades: num,
  vwap: nullableNum,
  final: z.boolean(),
  source: z.enum(BAR_SOURCES),
});
const barsResponse = obj({ ...page, symbol: z.string(), tf: timeframe, bars: z.array(bar) });

const column = z.array(nullableNum);
const hedge = z.enum(HEDGES);
const kalmanReport = obj({
  tune: z.boolean(),
  periods: z.array(
    obj({
      at: num,
      trainFrom: nullableNum,
      trainTo: nullableNum,
      delta: nullableNum,
      ve: nullableNum,
      fit: z.union([obj({ logLik: num, converged: z.boolean(), nobs: num }), obj({ error: z.string() })]).nullable(),
    }),
  ),
});
const analyticsResponse = obj({
  pair: z.string(),
  hedge,
  kalman: kalmanReport.optional(),
  tf: timeframe,
  window: num,
  from: num,
  to: num,
  points: num,
  thinned: z.boolean(),
  provisional: z.boolean(),
  series: obj({
    ts: z.array(num),
    beta: column,
    alpha: column,
    spread: column,
    spreadMean: column,
    zscore: column,
    signal: z.array(signal.nullable()),
    correlation: column,
  }),
});

const crit = obj({ '1%': num, '5%': num, '10%': num });
/** `Maybe<T>`: the value, `{error}` when it could not be computed, or null. */
const maybe = <T extends z.ZodType>(t: T) => z.union([t, obj({ error: z.string() })]).nullable();
const latestPoint = obj({
  ts: num,
  beta: nullableNum,
  alpha: nullableNum,
  spread: nullableNum,
  zscore: nullableNum,
  signal: signal.nullable(),
  correlation: nullableNum,
});
const price = obj({ price: num, ts: num });
const backtestSettings = obj({
  entry: num,
  exit: num,
  stop: nullableNum,
  maxHold: nullableNum,
  cooldown: num,
  lag: num,
  feeBps: num,
  slippageBps: num,
  notional: num,
  barsPerYear: num,
});
const paperPosition = obj({
  side: z.enum(['LONG', 'SHORT', 'FLAT']),
  entryTs: nullableNum,
  entryY: nullableNum,
  entryX: nullableNum,
  qy: num,
  qx: num,
  beta: nullableNum,
  unrealisedPnl: num,
  equity: num,
  closedTrades: num,
  rules: backtestSettings.omit({ barsPerYear: true }),
});
const statsResponse = obj({
  pair: z.string(),
  hedge,
  kalman: kalmanReport.optional(),
  tf: timeframe,
  window: num,
  committed: latestPoint.nullable(),
  provisional: latestPoint.nullable(),
  prices: obj({ y: price.nullable(), x: price.nullable() }),
  adf: maybe(obj({ stat: num, pvalue: num, usedlag: num, nobs: num, crit })),
  coint: maybe(obj({ stat: num, pvalue: num, crit })),
  halfLife: maybe(obj({ b: num, halfLife: nullableNum })),
  correlation: nullableNum,
  updatedAt: nullableNum,
  position: paperPosition.nullable(),
  source: z.enum(['live', 'computed']),
});

const signalsResponse = obj({
  pair: z.string(),
  tf: timeframe,
  window: num,
  from: num,
  to: num,
  events: z.array(obj({ ts: num, signal, previous: signal.nullable(), zscore: nullableNum, text: z.string() })),
});

const alertDto = obj({ id: num, receivedAt: num, status: z.string(), payload: z.unknown() });
const alertsResponse = obj({ alerts: z.array(alertDto) });

const backtestMetrics = obj({
  totalReturn: num,
  sharpe: nullableNum,
  maxDrawdown: num,
  trades: num,
  winRate: nullableNum,
  avgBars: nullableNum,
  fees: num,
});
const backtestTrade = obj({
  entryTs: num,
  exitTs: num,
  entryIndex: num,
  exitIndex: num,
  side: z.enum(['LONG', 'SHORT']),
  reason: z.enum(['exit', 'stop', 'time', 'open']),
  beta: num,
  qy: num,
  qx: num,
  pnl: num,
  fees: num,
  bars: num,
});
const backtestResponse = obj({
  pair: z.string(),
  tf: timeframe,
  window: num,
  hedge,
  from: num,
  to: num,
  bars: num,
  settings: backtestSettings,
  metrics: backtestMetrics,
  trades: z.array(backtestTrade),
  equity: obj({ ts: z.array(num), equity: z.array(num) }),
  thinned: z.boolean(),
});
const sweepResponse = obj({
  pair: z.string(),
  tf: timeframe,
  hedge,
  from: num,
  to: num,
  bars: num,
  settings: backtestSettings.omit({ entry: true, exit: true }),
  rows: z.array(obj({ window: num, entry: num, exit: num, metrics: backtestMetrics })),
});
const scanCoint = obj({ stat: num, pvalue: num, usedlag: num }).nullable();
const scanResponse = obj({
  tf: timeframe,
  window: num,
  ts: num,
  symbols: z.array(z.string()),
  tested: num,
  selected: num,
  pairs: z.array(
    obj({
      a: z.string(),
      b: z.string(),
      beta: nullableNum,
      alpha: nullableNum,
      coint: scanCoint,
      cointReverse: scanCoint,
      pvalue: nullableNum,
      qvalue: nullableNum,
      halfLife: nullableNum,
      hurst: nullableNum,
      meanCrossings: nullableNum,
      correlation: nullableNum,
      selected: z.boolean(),
      note: z.string().nullable(),
    }),
  ),
});
const scanHistoryResponse = obj({
  pair: z.string(),
  tf: timeframe,
  window: num,
  points: z.array(
    obj({
      ts: num,
      pvalue: nullableNum,
      qvalue: nullableNum,
      cointPvalue: nullableNum,
      cointReversePvalue: nullableNum,
      halfLife: nullableNum,
      hurst: nullableNum,
      selected: z.boolean(),
    }),
  ),
});

/** The response schemas by the name of their type in api.ts (Route.response). */
export const RESPONSE_SCHEMAS = {
  HealthResponse: healthResponse,
  SymbolsResponse: symbolsResponse,
  PairsResponse: pairsResponse,
  TicksResponse: ticksResponse,
  BarsResponse: barsResponse,
  AnalyticsResponse: analyticsResponse,
  StatsResponse: statsResponse,
  SignalsResponse: signalsResponse,
  BacktestResponse: backtestResponse,
  SweepResponse: sweepResponse,
  ScanResponse: scanResponse,
  ScanHistoryResponse: scanHistoryResponse,
  AlertDto: alertDto,
  AlertsResponse: alertsResponse,
} satisfies Record<keyof Types, z.ZodType>;

/** The interface of api.ts each schema describes. */
interface Types {
  HealthResponse: Api.HealthResponse;
  SymbolsResponse: Api.SymbolsResponse;
  PairsResponse: Api.PairsResponse;
  TicksResponse: Api.TicksResponse;
  BarsResponse: Api.BarsResponse;
  AnalyticsResponse: Api.AnalyticsResponse;
  StatsResponse: Api.StatsResponse;
  SignalsResponse: Api.SignalsResponse;
  BacktestResponse: Api.BacktestResponse;
  SweepResponse: Api.SweepResponse;
  ScanResponse: Api.ScanResponse;
  ScanHistoryResponse: Api.ScanHistoryResponse;
  AlertDto: Api.AlertDto;
  AlertsResponse: Api.AlertsResponse;
}
/** true when A and B are the same type (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only while every schema is exactly its interface in api.ts. */
const agree: { [K in keyof Types]: Same<z.output<(typeof RESPONSE_SCHEMAS)[K]>, Types[K]> } = {
  HealthResponse: true,
  SymbolsResponse: true,
  PairsResponse: true,
  TicksResponse: true,
  BarsResponse: true,
  AnalyticsResponse: true,
  StatsResponse: true,
  SignalsResponse: true,
  BacktestResponse: true,
  SweepResponse: true,
  ScanResponse: true,
  ScanHistoryResponse: true,
  AlertDto: true,
  AlertsResponse: true,
};
void agree;
