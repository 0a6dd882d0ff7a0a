/** Response schemas of /api/health, /api/symbols, /api/pairs, /api/ticks and /api/bars. */
import { z } from 'zod';
import { BAR_SOURCES, TIMEFRAMES } from '../../constants';
import { nullableNum, num, obj, timeframe } from './common';

export const healthSymbol = obj({
  symbol: z.string(),
  /** Epoch ms of the newest tick seen (ingest or store), null if none. */
  lastTickTs: nullableNum,
  /** Seconds since that tick, null if none. */
  lastTickAgeSec: nullableNum,
});
/** A stretch of stored bars that came from Binance klines, not from ticks. */
export const healthKlineSpan = obj({
  symbol: z.string(),
  tf: timeframe,
  /** Bars with start in [from, to), epoch ms. */
  from: num,
  to: num,
  /** `history`: loaded at start-up before the first tick; `outage`: the older part of a long outage. */
  reason: z.enum(['history', 'outage']),
  /** Bars stored from it (klines without trades make none). */
  bars: num,
});
/** loading (retried in the background while it fails for a transient reason), done, or failed for good. */
export const historyPartState = z.enum(['loading', 'done', 'failed']);
/**
 * One part of a symbol's history loaded beside the live ingest: a timeframe's klines, the trades
 * since a fresh start's seam, or a restart's outage repair from klines.
 */
export const historyPart = obj({
  symbol: z.string(),
  part: z.enum([...TIMEFRAMES, 'seam', 'outage']),
  state: historyPartState,
  /** Attempts made so far. */
  attempts: num,
  /** Why the last attempt failed (while loading: it is retried), null when it did not. */
  lastError: z.string().nullable(),
});
/** A background look-up (UNIVERSE=top:N) and how it goes. */
export const healthLookup = obj({ state: historyPartState, attempts: num, lastError: z.string().nullable() });
/** The pair scanner and why it is not scanning yet. */
export const healthScanner = obj({
  /** `waiting`: the last scan could not run (`reason` says why: too little history for SCAN_WINDOW). */
  state: z.enum(['waiting', 'ok']),
  reason: z.string().nullable(),
  /** Close of the newest scan stored since start, epoch ms; null before the first. */
  lastScanTs: nullableNum,
  /** Scans stored since start, the backfilled ones (SCAN_BACKFILL) among them, and scans that failed. */
  scans: num,
  backfilled: num,
  failures: num,
});
export const healthResponse = obj({
  status: z.enum(['ok', 'degraded']),
  /** Why the status is degraded; empty when ok. */
  problems: z.array(z.string()),
  version: z.string(),
  uptimeSec: num,
  /** State of the Binance WebSocket connection, `unknown` without an ingestor. */
  websocket: z.string(),
  /** State of the perpetuals' own WebSocket (Binance USD-M futures), when perpetuals are ingested beside spot (issue 25). */
  perpWebsocket: z.string().optional(),
  reconnects: num,
  gapsBackfilled: num,
  backfilledTicks: num,
  rejectedMessages: num,
  symbols: z.array(healthSymbol),
  /** Which spans of bars came from klines (history, outage repair); empty when all came from ticks. */
  klineSpans: z.array(healthKlineSpan),
  /** History loaded beside the ingest, per symbol and part; empty without an ingest or history. */
  history: z.array(historyPart),
  /** UNIVERSE=top:N's look-up of the top symbols (retried in the background), null for a listed universe. */
  universe: healthLookup.nullable(),
  /** The pair scanner (null without one: fewer than 2 symbols in the universe). */
  scanner: healthScanner.nullable(),
  database: obj({ ok: z.boolean(), kind: z.string(), detail: z.string() }),
});

/** The stored bars of a symbol in one timeframe (from ticks or Binance klines): [from, to), epoch ms. */
export const symbolBarSpan = obj({
  tf: timeframe,
  /** The first bar's start. */
  from: num,
  /** The last bar's end (its start + the timeframe). */
  to: num,
});
export const symbolInfo = obj({
  symbol: z.string(),
  /** Leg of a configured pair (or of the scanner's universe). */
  configured: z.boolean(),
  /** Stored ticks, first and last tick time (null when no tick is stored). */
  ticks: num,
  firstTs: nullableNum,
  lastTs: nullableNum,
  /**
   * The timeframes with stored bars and the span each covers; a symbol loaded only from kline
   * history (no tick yet) is listed with ticks 0 and its bars here. Empty when nothing is stored.
   */
  bars: z.array(symbolBarSpan),
});
export const symbolsResponse = obj({ symbols: z.array(symbolInfo) });
export const pairInfo = obj({
  /** `Y/X`, e.g. `ETHUSDT/BTCUSDT`; X is the hedge leg. */
  pair: z.string(),
  y: z.string(),
  x: z.string(),
  /** In `PAIRS` (live engine running). */
  configured: z.boolean(),
  /** Both legs have stored ticks or bars (bars from kline history count). */
  stored: z.boolean(),
});
export const pairsResponse = obj({
  pairs: z.array(pairInfo),
  timeframes: z.array(timeframe),
  /** Windows the live engine maintains; any other window >= 2 also works in queries. */
  windows: z.array(num),
  entryZ: num,
  exitZ: nullableNum,
});

/** Paging: when `next` is set there is more in the range; ask again with `from=next`. */
export const page = obj({ from: num, to: num, next: nullableNum });
export const tickDto = obj({ id: num, ts: num, price: num, qty: num, isBuyerMaker: z.boolean() });
export const ticksResponse = obj({ ...page.shape, symbol: z.string(), ticks: z.array(tickDto) });
/** An OHLCV bar over [start, start + length of its timeframe). */
export const barDto = obj({
  /** Interval start, epoch ms, aligned to the timeframe (UTC, from the Unix epoch). */
  start: num,
  open: num,
  high: num,
  low: num,
  close: num,
  /** Base-asset volume Σ qty. */
  volume: num,
  /** Quote volume Σ price·qty. */
  quoteVolume: num,
  trades: num,
  /** Σ price·qty / Σ qty; null when the volume is 0. */
  vwap: nullableNum,
  /** false for the bar still in progress. */
  final: z.boolean(),
  /** Built from stored trades (`ticks`) or a Binance kline (`klines`: history, long-outage repair). */
  source: z.enum(BAR_SOURCES),
});
export const barsResponse = obj({ ...page.shape, symbol: z.string(), tf: timeframe, bars: z.array(barDto) });
