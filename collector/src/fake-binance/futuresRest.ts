/**
 * The fake USD-M futures REST answers (./futures.ts serves them), in the shapes of Binance's
 * derivatives docs (usds-margined-futures, market-data rest-api, 2026): aggTrades, klines,
 * fundingRate, fundingInfo, premiumIndex and exchangeInfo, with their errors and limits.
 */
import type { GeneratedTrade } from './generator';
import { tickOf } from './generator';
import { KLINE_INTERVALS, klinesOf } from './klines';
import type { Reply } from './rest';

type History = (symbol: string) => GeneratedTrade[] | undefined;

/** One settled funding of a symbol: `/fapi/v1/fundingRate`'s row. */
export interface FundingEvent {
  fundingTime: number;
  /** Plain decimal (0.0001 = 0.01 %). */
  fundingRate: number;
  markPrice: number;
}

/** What a symbol's mark stream says now. */
export interface MarkState {
  markPrice: number;
  indexPrice: number;
  /** The funding rate the next settlement would apply. */
  fundingRate: number;
  nextFundingTime: number;
}

const MISSING_SYMBOL = { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." };
const BAD_SYMBOL = { code: -1121, msg: 'Invalid symbol.' };

/** A whole-number parameter: undefined when absent, null when not a number. */
function whole(url: URL, name: string): number | undefined | null {
  const text = url.searchParams.get(name);
  if (text === null) return undefined;
  return /^\d{1,20}$/.test(text) ? Number(text) : null;
}

const illegal = (name: string) => ({ code: -1100, msg: `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.` });

/** Request weight of `/fapi/v1/klines` by `limit` (Binance's table: [1,100) 1, [100,500) 2, [500,1000] 5, > 1000 10). */
export function futuresKlinesWeight(limit: number): number {
  return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
}

/**
 * `GET /fapi/v1/aggTrades` (weight 20): by `fromId`, or by time (startTime and endTime less than
 * an hour apart), or the most recent; `limit` default 500, at most 1000. Rows carry no `M`.
 */
export function futuresAggTrades(url: URL, history: History, headers: Record<string, string>, reply: Reply): void {
  const symbol = (url.searchParams.get('symbol') ?? '').toUpperCase();
  if (!symbol) return reply(400, MISSING_SYMBOL, headers);
  const h = history(symbol);
  if (!h) return reply(400, BAD_SYMBOL, headers);
  const [limit, fromId, startTime, endTime] = ['limit', 'fromId', 'startTime', 'endTime'].map((n) => whole(url, n));
  for (const [name, v] of [
    ['limit', limit],
    ['fromId', fromId],
    ['startTime', startTime],
    ['endTime', endTime],
  ] as const)
    if (v === null) return reply(400, illegal(name), headers);
  const n = Math.min(1000, Math.max(1, limit ?? 500));
  if (startTime !== undefined && endTime !== undefined && endTime! - startTime! >= 3_600_000)
    return reply(400, { code: -1127, msg: 'More than 1 hours between startTime and endTime.' }, headers);
  let rows: GeneratedTrade[];
  if (fromId !== undefined) rows = h.slice(h.length ? Math.max(0, fromId! - h[0]!.id) : 0).slice(0, n);
  else if (startTime !== undefined || endTime !== undefined) {
    const from = startTime ?? endTime! - 3_599_999;
    const to = endTime ?? from + 3_599_999;
    rows = h.filter((t) => t.time >= from && t.time <= to).slice(0, n);
  } else rows = h.slice(Math.max(0, h.length - n));
  reply(
    200,
    rows.map((t) => ({ a: t.id, p: t.price, q: t.qty, f: t.firstId, l: t.lastId, T: t.time, m: t.isBuyerMaker })),
    headers,
  );
}

/** `GET /fapi/v1/klines`: as spot's, limit default 500 and at most 1500, and no `1s` interval (futures have none). */
export function futuresKlines(url: URL, history: History, headers: Record<string, string>, reply: Reply): void {
  const symbol = (url.searchParams.get('symbol') ?? '').toUpperCase();
  if (!symbol) return reply(400, MISSING_SYMBOL, headers);
  const interval = url.searchParams.get('interval');
  if (!interval) return reply(400, { code: -1102, msg: "Mandatory parameter 'interval' was not sent, was empty/null, or malformed." }, headers);
  const len = interval === '1s' ? undefined : KLINE_INTERVALS[interval];
  if (!len) return reply(400, { code: -1120, msg: 'Invalid interval.' }, headers);
  const h = history(symbol);
  if (!h) return reply(400, BAD_SYMBOL, headers);
  const [limit, startTime, endTime] = ['limit', 'startTime', 'endTime'].map((n) => whole(url, n));
  for (const [name, v] of [
    ['limit', limit],
    ['startTime', startTime],
    ['endTime', endTime],
  ] as const)
    if (v === null) return reply(400, illegal(name), headers);
  if (startTime !== undefined && endTime !== undefined && startTime! > endTime!)
    return reply(400, { code: -1023, msg: 'Start time is greater than end time.' }, headers);
  const q = { startTime: startTime ?? undefined, endTime: endTime ?? undefined, limit: Math.min(1500, Math.max(1, limit ?? 500)) };
  reply(200, klinesOf(h, len, q, Date.now()), headers);
}

/**
 * `GET /fapi/v1/fundingRate`: settled fundings ascending by time; by `startTime` (the first
 * `limit` from it), by `endTime` alone (the last `limit` up to it), neither (the most recent
 * `limit`); `limit` default 100, at most 1000; every symbol's when `symbol` is absent.
 */
export function fundingRatePage(url: URL, funding: ReadonlyMap<string, FundingEvent[]>, reply: Reply): void {
  const symbol = url.searchParams.get('symbol')?.toUpperCase();
  if (symbol !== undefined && !funding.has(symbol)) return reply(400, BAD_SYMBOL);
  const [limit, startTime, endTime] = ['limit', 'startTime', 'endTime'].map((n) => whole(url, n));
  for (const [name, v] of [
    ['limit', limit],
    ['startTime', startTime],
    ['endTime', endTime],
  ] as const)
    if (v === null) return reply(400, illegal(name));
  const n = Math.min(1000, Math.max(1, limit ?? 100));
  const rows = [...funding]
    .filter(([s]) => symbol === undefined || s === symbol)
    .flatMap(([s, events]) => events.map((e) => ({ s, e })))
    .filter(({ e }) => (startTime === undefined || e.fundingTime >= startTime!) && (endTime === undefined || e.fundingTime <= endTime!))
    .sort((a, b) => a.e.fundingTime - b.e.fundingTime);
  const page = startTime !== undefined ? rows.slice(0, n) : rows.slice(Math.max(0, rows.length - n));
  reply(
    200,
    page.map(({ s, e }) => ({ symbol: s, fundingRate: e.fundingRate.toFixed(8), fundingTime: e.fundingTime, markPrice: e.markPrice.toFixed(8) })),
  );
}

/** `GET /fapi/v1/fundingInfo`: only the symbols whose funding interval was adjusted (the others settle every 8 h). */
export function fundingInfoRows(intervalHours: ReadonlyMap<string, number>): unknown[] {
  return [...intervalHours].map(([symbol, hours]) => ({
    symbol,
    adjustedFundingRateCap: '0.02000000',
    adjustedFundingRateFloor: '-0.02000000',
    fundingIntervalHours: hours,
    disclaimer: false,
  }));
}

/**
 * `GET /fapi/v1/premiumIndex`: one symbol's object, or (no `symbol`) every symbol's in an array.
 * `lastFundingRate` is "the latest updated funding rate" (Binance's Mark-Price page): the rate the
 * next settlement would apply, as the mark stream's `r`, not the last settled one.
 */
export function premiumIndexBody(url: URL, marks: ReadonlyMap<string, MarkState>, reply: Reply): void {
  const row = (symbol: string, m: MarkState) => ({
    symbol,
    markPrice: m.markPrice.toFixed(8),
    indexPrice: m.indexPrice.toFixed(8),
    estimatedSettlePrice: m.markPrice.toFixed(8),
    lastFundingRate: m.fundingRate.toFixed(8),
    interestRate: '0.00010000',
    nextFundingTime: m.nextFundingTime,
    time: Date.now(),
  });
  const symbol = url.searchParams.get('symbol')?.toUpperCase();
  if (symbol === undefined)
    return reply(
      200,
      [...marks].map(([s, m]) => row(s, m)),
    );
  const m = marks.get(symbol);
  if (!m) return reply(400, BAD_SYMBOL);
  reply(200, row(symbol, m));
}

/** `GET /fapi/v1/exchangeInfo`: every symbol a TRADING PERPETUAL with its tick size. */
export function futuresExchangeInfo(symbols: readonly string[]): unknown {
  return {
    timezone: 'UTC',
    serverTime: Date.now(),
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    ],
    symbols: symbols.map((symbol) => ({
      symbol,
      pair: symbol,
      contractType: 'PERPETUAL',
      status: 'TRADING',
      baseAsset: symbol.slice(0, -4),
      quoteAsset: 'USDT',
      marginAsset: 'USDT',
      filters: [
        { filterType: 'PRICE_FILTER', tickSize: tickOf(symbol).toFixed(8), minPrice: tickOf(symbol).toFixed(8), maxPrice: '1000000' },
        { filterType: 'LOT_SIZE', stepSize: '0.00100000', minQty: '0.00100000', maxQty: '1000' },
      ],
    })),
  };
}

/** Requests in a sliding window: true (and counted) while fewer than `limit` came in the last `windowMs`. */
export class SlidingLimit {
  private readonly times: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(now: number): boolean {
    while (this.times.length && this.times[0]! <= now - this.windowMs) this.times.shift();
    if (this.times.length >= this.limit) return false;
    this.times.push(now);
    return true;
  }
}
