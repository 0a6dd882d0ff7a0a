import type { ScanHistoryPoint, ScanResponse } from '@quant-pairs/contract';
import type { Bar, Tick, Timeframe } from '../domain';

/** What one `insertTicks` call did. Duplicates by (symbol, id) are skipped, never stored twice. */
export interface InsertResult {
  inserted: number;
  duplicates: number;
  /** Ticks that failed `tickProblem` (domain/tick.ts): counted, logged once per batch, skipped. */
  invalid?: number;
}

export interface SymbolSummary {
  symbol: string;
  ticks: number;
  firstTs: number | null;
  lastTs: number | null;
  lastId: number | null;
}

/** The stored bars of one symbol and timeframe (from ticks or klines): [from, to) = the first bar's start to the last bar's end. */
export interface BarSpan {
  symbol: string;
  tf: Timeframe;
  from: number;
  to: number;
}

export interface TickQuery {
  symbol: string;
  /** Inclusive lower bound, epoch ms. */
  from?: number;
  /** Exclusive upper bound, epoch ms. */
  to?: number;
  limit?: number;
}

export interface BarQuery {
  symbol: string;
  tf: Timeframe;
  /** Bars whose start is >= from (epoch ms). */
  from?: number;
  /** Bars whose start is < to (epoch ms). */
  to?: number;
  limit?: number;
}

/**
 * The start, close and finality of bars as columns (what a cache of closes needs), without a
 * Bar object per row: entries [0, n) are valid, ordered by start.
 */
export interface BarCloses {
  n: number;
  start: Float64Array;
  close: Float64Array;
  /** 1 if the bar is final, 0 if in progress (same rule as `bars`). */
  final: Uint8Array;
}

/**
 * A stretch of bars of one symbol and timeframe that came from Binance klines, not from ticks:
 * the history loaded at start-up, or the older part of a long outage. Bars [from, to).
 */
export interface KlineSpan {
  symbol: string;
  tf: Timeframe;
  from: number;
  to: number;
  /** The trade ids the span stands for (an outage: never backfilled as ticks); null for history before the first tick. */
  firstId: number | null;
  lastId: number | null;
  reason: 'history' | 'outage';
  /** Bars stored from the span's klines (klines without trades make none). */
  bars: number;
  /** When it was loaded, epoch ms. */
  loadedAt: number;
}

/** A notification Grafana's alerting sent to the collector's webhook (`POST /api/alerts`). */
export interface StoredAlert {
  id: number;
  /** When the collector received it, epoch ms. */
  receivedAt: number;
  /** Grafana's `status`: firing | resolved. */
  status: string;
  /** The whole webhook payload as Grafana sent it. */
  payload: unknown;
}

/** One stored scan of the universe (live/scanner.ts): the API's ScanResponse. */
export type StoredScan = ScanResponse;

/** A pair's numbers in the stored scans of one timeframe and window. */
export interface ScanHistoryQuery {
  a: string;
  b: string;
  tf: Timeframe;
  window: number;
  /** Scans at or after (epoch ms). */
  from?: number;
  /** Scans before (epoch ms). */
  to?: number;
}

/**
 * One second of a USD-M perpetual's mark stream (`<symbol>@markPrice@1s`, issue 25): the mark
 * and index prices, the funding rate the next settlement would apply, and when it settles. One
 * row per symbol and second (`ts` the second's start, epoch ms); a later update of the same
 * second replaces it. Mark and index 1s "bars" are these rows: the stream sends one value a
 * second, so open = high = low = close.
 */
export interface MarkPoint {
  symbol: string;
  ts: number;
  mark: number;
  index: number;
  rate: number;
  nextFundingTime: number;
}

/** A settled funding of a perpetual (`/fapi/v1/fundingRate`, or the mark stream crossing `nextFundingTime`): one per symbol and time. */
export interface FundingEvent {
  symbol: string;
  /** The funding time, epoch ms. */
  ts: number;
  /** Plain decimal: 0.0001 = 0.01 %; a long pays q * mark * rate when positive. */
  rate: number;
  mark: number;
}

/** A time range of one symbol's marks or fundings: [from, to), oldest first, at most `limit`. */
export interface PerpQuery {
  symbol: string;
  from?: number;
  to?: number;
  limit?: number;
}

/**
 * What a store keeps of perpetuals besides their trades (which are ticks like spot's, under
 * `BTCUSDT.P`). Kept in tables of their own, not as bars: a mark "bar" has no trades or volume,
 * and the bar tables' rules (seams of klines and ticks, finality by a later tick, retention to
 * 5-minute boundaries) are about trades.
 */
export interface PerpStore {
  /** Stores mark points (a later one of the same symbol and second replaces the earlier); returns how many rows were written. */
  insertMarks(points: readonly MarkPoint[]): Promise<number>;
  marks(q: PerpQuery): Promise<MarkPoint[]>;
  /** Stores funding events, each once by (symbol, ts) (a repeat keeps the first); returns how many were new. */
  insertFunding(events: readonly FundingEvent[]): Promise<number>;
  funding(q: PerpQuery): Promise<FundingEvent[]>;
}

/** Options every store engine accepts (besides where its database is). */
export interface CommonStoreOptions {
  /** Clock for bar finality, epoch ms. Default Date.now (tests pass a fixed one). */
  now?: () => number;
  /** How long after its end a bar with no later tick of its symbol becomes final by the clock. Default 2000 ms. */
  finalGraceMs?: number;
  /** Rows fetched per round trip by iterateTicks / iterateBars. Default 8192. */
  chunkSize?: number;
}

export interface StoreHealth {
  ok: boolean;
  kind: 'sqlite' | 'postgres';
  detail: string;
}

/**
 * The tick and bar store. SQLite (embedded default) and PostgreSQL (scale-out) implement it.
 * All methods are async so that both engines fit; the SQLite one does its work synchronously
 * inside them.
 *
 * Bars (1s, 1m, 5m) are maintained by the store as ticks are inserted, including ticks that
 * arrive late (backfill): a bar always equals what its interval's stored ticks give.
 */
export interface Store extends PerpStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Inserts a batch in one transaction, updating bars; duplicates by (symbol, id) are skipped. */
  insertTicks(ticks: readonly Tick[]): Promise<InsertResult>;
  /** Highest stored trade id of a symbol, or null if none. */
  lastTradeId(symbol: string): Promise<number | null>;
  /**
   * Holes in the stored trade ids of `symbol` from `fromId` up to the highest stored id, as
   * inclusive [first, last] ranges, ascending. A restart backfills them: a crash while a gap
   * backfill was pending leaves the ticks above the hole stored and the hole itself unfilled,
   * below `lastTradeId`, where the catch-up from the last id never looks. Ids a kline span
   * stands for (KlineSpan.firstId..lastId) are not holes.
   */
  idGaps?(symbol: string, fromId: number): Promise<Array<[number, number]>>;
  /**
   * Stores bars made from Binance klines (marked so: source = klines), each only where no bar of
   * its (symbol, tf, start) exists yet, so ticks are never counted twice; returns how many were new.
   */
  insertKlineBars(bars: readonly Bar[]): Promise<number>;
  /** Records a span of kline bars (after its bars are stored). */
  addKlineSpan(span: KlineSpan): Promise<void>;
  /** The kline spans, oldest first (of one symbol, or all). */
  klineSpans(symbol?: string): Promise<KlineSpan[]>;
  /** Ticks ordered by (ts, id). */
  ticks(q: TickQuery): Promise<Tick[]>;
  /** Streams ticks ordered by (ts, id) without holding the whole range in memory. */
  iterateTicks(q: TickQuery): AsyncIterable<Tick>;
  /** Bars ordered by start; the bar in progress has final = false. */
  bars(q: BarQuery): Promise<Bar[]>;
  /** Streams bars ordered by start. */
  iterateBars(q: BarQuery): AsyncIterable<Bar>;
  /**
   * The start, close and final of the bars `bars(q)` returns, as columns (optional: a caller
   * falls back to `iterateBars`). Much cheaper per row than Bar objects for long ranges.
   */
  barCloses?(q: BarQuery): Promise<BarCloses>;
  /** Symbols with stored ticks. */
  symbols(): Promise<SymbolSummary[]>;
  /**
   * Each symbol and timeframe with stored bars, ticks' or klines' (a symbol loaded only from
   * kline history has bars and no ticks): the span they cover, by symbol, then timeframe.
   */
  barSpans(): Promise<BarSpan[]>;
  /**
   * Deletes ticks, bars and scans older than `beforeMs`; returns the number of ticks deleted. The cut is
   * rounded down to a 5-minute boundary so that every remaining bar still equals its stored ticks.
   */
  deleteBefore(beforeMs: number): Promise<number>;
  /**
   * Recomputes the bars of `symbol` from its stored ticks over [from, to) (widened to 5-minute
   * boundaries); returns the number of ticks read. Bars are already kept right on insert, late
   * ticks included: this is a repair tool (and the canonical in-order float sums). Bars from
   * klines are kept (they have no ticks to be rebuilt from).
   */
  rebuildBars(symbol: string, from: number, to: number): Promise<number>;
  /**
   * Deletes the stored scans (every timeframe and window) of closes before `beforeMs`, exactly
   * (SCAN_RETENTION: scans may go sooner than the bars); returns how many scans went.
   */
  deleteScansBefore(beforeMs: number): Promise<number>;
  /** Stores a scan (replacing one of the same tf, window and ts). */
  insertScan(scan: StoredScan): Promise<void>;
  /** The latest scan of `tf` and `window` at or before `at` (default: the latest), or null. */
  scanAt(tf: Timeframe, window: number, at?: number): Promise<StoredScan | null>;
  /** One pair's numbers in every stored scan of `tf` and `window` in [from, to), oldest first. */
  scanHistory(q: ScanHistoryQuery): Promise<ScanHistoryPoint[]>;
  /** Stores one alert webhook payload; returns it with its id. */
  insertAlert(receivedAt: number, status: string, payload: unknown): Promise<StoredAlert>;
  /** The newest alerts first. */
  alerts(limit: number): Promise<StoredAlert[]>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
