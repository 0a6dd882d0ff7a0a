/**
 * Parsing of Binance market-data messages (see test/fixtures/binance/FORMATS.md) into `Tick`s.
 *
 * Nothing here throws on bad input: every function returns either a tick or a rejection whose
 * `kind` names the problem, so the caller can count it (per kind) and go on.
 *
 *   parseStreamMessage('{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":5,"p":"87012.34000000","q":"0.0015","T":1764075600121,"m":true}}')
 *   // { type: 'tick', stream: 'btcusdt@trade', kind: 'trade',
 *   //   tick: { symbol: 'BTCUSDT', id: 5, ts: 1764075600121, price: 87012.34, qty: 0.0015, isBuyerMaker: true } }
 *
 * Times: Binance gives ms by default and µs with `timeUnit=MICROSECOND` or in archive files
 * since 2025. A value above 1e14 is µs and becomes fractional ms (`ts = µs / 1000`), so
 * `Math.round(ts * 1000)` gives back the exact µs count (doubles are exact far beyond that).
 */
import { VENUE_SYMBOL_PATTERN } from '@quant-pairs/contract';
import { tickProblem, type Tick } from '../domain';
import type { StreamKind } from './types';

export type Rejection = { type: 'rejected'; kind: string; detail: string };

/** A USD-M `markPriceUpdate` (issue 25): `symbol` as Binance writes it (no `.P`), `eventTime` epoch ms. */
export interface MarkUpdate {
  symbol: string;
  eventTime: number;
  mark: number;
  index: number;
  rate: number;
  nextFundingTime: number;
}

export type StreamMessage =
  | { type: 'tick'; stream: string | null; kind: StreamKind; tick: Tick }
  | { type: 'mark'; mark: MarkUpdate }
  | { type: 'serverShutdown'; eventTime: number }
  | { type: 'result'; id: unknown; result: unknown }
  | { type: 'error'; id: unknown; code: unknown; msg: string }
  | Rejection;

const reject = (kind: string, detail: string): Rejection => ({ type: 'rejected', kind, detail });

/** Binance time (ms or µs) to epoch ms; µs keep their fraction. NaN when not a time. */
export function toEpochMs(value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(n) || n <= 0 || !Number.isInteger(n)) return NaN;
  return n > 1e14 ? n / 1000 : n;
}

/** A decimal string (or number) to a number; NaN when it is not one. */
function decimal(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim())) return NaN;
  return Number(value);
}

function integerId(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : NaN;
}

function finish(tick: Tick, what: string): Tick | Rejection {
  const problem = tickProblem(tick);
  return problem === null ? tick : reject(`invalid-${what}`, problem);
}

/** A `trade` event's `data` object. */
function tradeEventToTick(d: Record<string, unknown>): Tick | Rejection {
  if (typeof d.m !== 'boolean') return reject('invalid-trade', `m ${JSON.stringify(d.m)} is not a boolean`);
  return finish({ symbol: String(d.s), id: integerId(d.t), ts: toEpochMs(d.T), price: decimal(d.p), qty: decimal(d.q), isBuyerMaker: d.m }, 'trade');
}

/** An `aggTrade` event's `data` object, or one element of REST `/api/v3/aggTrades` (with the symbol). */
export function aggTradeToTick(d: Record<string, unknown>, symbol?: string): Tick | Rejection {
  if (typeof d.m !== 'boolean') return reject('invalid-aggTrade', `m ${JSON.stringify(d.m)} is not a boolean`);
  return finish(
    { symbol: symbol ?? String(d.s), id: integerId(d.a), ts: toEpochMs(d.T), price: decimal(d.p), qty: decimal(d.q), isBuyerMaker: d.m },
    'aggTrade',
  );
}

/** One element of REST `/api/v3/historicalTrades`. */
export function historicalTradeToTick(d: Record<string, unknown>, symbol: string): Tick | Rejection {
  if (typeof d.isBuyerMaker !== 'boolean') return reject('invalid-trade', `isBuyerMaker ${JSON.stringify(d.isBuyerMaker)} is not a boolean`);
  return finish({ symbol, id: integerId(d.id), ts: toEpochMs(d.time), price: decimal(d.price), qty: decimal(d.qty), isBuyerMaker: d.isBuyerMaker }, 'trade');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One WebSocket text frame: a combined-stream wrapper, a raw event, or a reply to a request. */
export function parseStreamMessage(text: string): StreamMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return reject('not-json', text.length > 200 ? text.slice(0, 200) + '…' : text);
  }
  if (!isObject(msg)) return reject('not-an-object', text.slice(0, 200));
  let stream: string | null = null;
  let data: Record<string, unknown> = msg;
  if ('stream' in msg || 'data' in msg) {
    if (typeof msg.stream !== 'string' || !isObject(msg.data)) return reject('bad-wrapper', text.slice(0, 200));
    stream = msg.stream;
    data = msg.data;
  } else if ('result' in msg && 'id' in msg) {
    return { type: 'result', id: msg.id, result: msg.result };
  } else if (isObject(msg.error)) {
    return { type: 'error', id: msg.id, code: msg.error.code, msg: String(msg.error.msg) };
  }
  switch (data.e) {
    case 'trade': {
      const t = tradeEventToTick(data);
      return 'type' in t ? t : { type: 'tick', stream, kind: 'trade', tick: t };
    }
    case 'aggTrade': {
      const t = aggTradeToTick(data);
      return 'type' in t ? t : { type: 'tick', stream, kind: 'aggTrade', tick: t };
    }
    case 'markPriceUpdate':
      return markUpdateOf(data);
    case 'serverShutdown':
      return { type: 'serverShutdown', eventTime: toEpochMs(data.E) };
    default:
      return reject(typeof data.e === 'string' ? `unexpected-event-${data.e}` : 'no-event-type', text.slice(0, 200));
  }
}

/** A `markPriceUpdate` event's `data`: mark `p`, index `i`, funding rate `r`, next funding time `T` (FUTURES.md). */
function markUpdateOf(d: Record<string, unknown>): { type: 'mark'; mark: MarkUpdate } | Rejection {
  const m: MarkUpdate = {
    symbol: String(d.s),
    eventTime: toEpochMs(d.E),
    mark: decimal(d.p),
    index: decimal(d.i),
    rate: decimal(d.r),
    nextFundingTime: toEpochMs(d.T),
  };
  if (!new RegExp(`^${VENUE_SYMBOL_PATTERN}$`).test(m.symbol)) return reject('invalid-markPrice', `s ${JSON.stringify(d.s)} is not a Binance symbol`);
  for (const k of ['eventTime', 'mark', 'index', 'rate', 'nextFundingTime'] as const)
    if (!Number.isFinite(m[k]) || (k !== 'rate' && m[k] <= 0)) return reject('invalid-markPrice', `${k} of ${m.symbol} is ${String(m[k])}`);
  return { type: 'mark', mark: m };
}

/**
 * One line of an archive CSV (no header). aggTrades: aggId, price, qty, firstId, lastId,
 * timestamp, isBuyerMaker, isBestMatch (spot; USD-M futures files stop at isBuyerMaker); trades: id, price, qty, quoteQty, time, isBuyerMaker,
 * isBestMatch. Booleans are `True`/`False`.
 */
export function parseArchiveLine(line: string, kind: StreamKind, symbol: string): Tick | Rejection {
  const c = line.trim().split(',');
  // spot aggTrades have 8 columns, USD-M futures' 7 (no best-match column)
  const ok = kind === 'aggTrade' ? c.length === 8 || c.length === 7 : c.length === 7;
  if (!ok)
    return reject(`csv-${kind}-columns`, `${c.length} columns, expected ${kind === 'aggTrade' ? '8 (spot) or 7 (USD-M futures)' : 7}: ${line.slice(0, 200)}`);
  const boolCol = kind === 'aggTrade' ? c[6]! : c[5]!;
  const b = boolCol.toLowerCase();
  if (b !== 'true' && b !== 'false') return reject(`csv-${kind}-boolean`, `isBuyerMaker ${JSON.stringify(boolCol)} is not True/False`);
  const tsCol = kind === 'aggTrade' ? c[5] : c[4];
  return finish({ symbol, id: integerId(c[0]), ts: toEpochMs(tsCol), price: decimal(c[1]), qty: decimal(c[2]), isBuyerMaker: b === 'true' }, `csv-${kind}`);
}

const ARCHIVE_FILE = new RegExp(`(?:^|[\\\\/])(${VENUE_SYMBOL_PATTERN})-(aggTrades|trades)-[^\\\\/]*$`, 'i');

/** Guesses kind and symbol from a Binance archive file name such as `BTCUSDT-aggTrades-2025-11-24.zip`. */
export function archiveFileInfo(fileName: string): { symbol: string; kind: StreamKind } | null {
  const m = ARCHIVE_FILE.exec(fileName);
  if (!m) return null;
  return { symbol: m[1]!.toUpperCase(), kind: m[2]!.toLowerCase() === 'aggtrades' ? 'aggTrade' : 'trade' };
}
