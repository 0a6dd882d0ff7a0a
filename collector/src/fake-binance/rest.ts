/**
 * The fake Binance's REST answers (./index.ts serves them): trade pages of
 * `/api/v3/historicalTrades` and `/api/v3/aggTrades`, `/api/v3/klines`, `/api/v3/ticker/24hr` and
 * `/api/v3/exchangeInfo`, in Binance's shapes and with its error codes. The weight budget and
 * the injected faults stay with the server.
 */
import type { GeneratedTrade } from './generator';
import { KLINE_INTERVALS, klinesOf } from './klines';

export type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;
type History = (symbol: string) => GeneratedTrade[] | undefined;

/** A page of trades from `fromId` (default: the latest `limit`), of the stream kind the server runs (`served`), else none. */
export function tradesPage(url: URL, history: History, served: boolean, kind: 'trade' | 'aggTrade', used: string, reply: Reply): void {
  const symbol = (url.searchParams.get('symbol') ?? '').toUpperCase();
  if (!symbol)
    return reply(400, { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." }, { 'x-mbx-used-weight-1m': used });
  const h = history(symbol);
  if (!h) return reply(400, { code: -1121, msg: 'Invalid symbol.' }, { 'x-mbx-used-weight-1m': used });
  const limitText = url.searchParams.get('limit');
  const limit = Math.min(1000, limitText ? Number(limitText) : 500);
  if (!Number.isInteger(limit) || limit < 1)
    return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'limit'." }, { 'x-mbx-used-weight-1m': used });
  const rows = served ? h : [];
  const fromText = url.searchParams.get('fromId');
  let start: number;
  if (fromText === null) start = Math.max(0, rows.length - limit);
  else {
    const fromId = Number(fromText);
    if (!Number.isInteger(fromId) || fromId < 0)
      return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'fromId'." }, { 'x-mbx-used-weight-1m': used });
    start = rows.length ? Math.max(0, fromId - rows[0]!.id) : 0;
  }
  const page = rows.slice(start, start + limit);
  const body =
    kind === 'aggTrade'
      ? page.map((t) => ({ a: t.id, p: t.price, q: t.qty, f: t.firstId, l: t.lastId, T: t.time, m: t.isBuyerMaker, M: true }))
      : page.map((t) => ({
          id: t.id,
          price: t.price,
          qty: t.qty,
          quoteQty: (Number(t.price) * Number(t.qty)).toFixed(8),
          time: t.time,
          isBuyerMaker: t.isBuyerMaker,
          isBestMatch: true,
        }));
  reply(200, body, { 'x-mbx-used-weight-1m': used });
}

/** `/api/v3/ticker/24hr` rows: symbol, last price, volume and quote volume of the last 24 hours' trades (or the quote volume set). */
export function tickerRows(history: ReadonlyMap<string, GeneratedTrade[]>, quoteVolumes: ReadonlyMap<string, number>): unknown[] {
  const since = Date.now() - 86_400_000;
  return [...history].map(([symbol, trades]) => {
    let volume = 0;
    let quoteVolume = 0;
    let count = 0;
    for (const t of trades) {
      if (t.time < since) continue;
      volume += Number(t.qty);
      quoteVolume += Number(t.price) * Number(t.qty);
      count++;
    }
    quoteVolume = quoteVolumes.get(symbol) ?? quoteVolume;
    return { symbol, lastPrice: trades.at(-1)?.price ?? '0', volume: volume.toFixed(8), quoteVolume: quoteVolume.toFixed(8), count };
  });
}

/** `/api/v3/exchangeInfo`'s body: every symbol, TRADING unless `statuses` says otherwise. */
export function exchangeInfoBody(names: readonly string[], statuses: ReadonlyMap<string, string>): unknown {
  const symbols = names.map((symbol) => {
    const quoteAsset = ['USDT', 'FDUSD', 'BTC', 'ETH'].find((q) => symbol.endsWith(q) && symbol.length > q.length) ?? 'USDT';
    return {
      symbol,
      status: statuses.get(symbol) ?? 'TRADING',
      baseAsset: symbol.slice(0, -quoteAsset.length),
      quoteAsset,
      isSpotTradingAllowed: true,
      permissionSets: [['SPOT']],
    };
  });
  return { timezone: 'UTC', serverTime: Date.now(), rateLimits: [], exchangeFilters: [], symbols };
}

/** `/api/v3/klines`: the klines of the symbol's trades, or Binance's error for a bad parameter. */
export function klinesPage(url: URL, history: History, headers: Record<string, string>, reply: Reply): void {
  const symbol = (url.searchParams.get('symbol') ?? '').toUpperCase();
  if (!symbol) return reply(400, { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." }, headers);
  const interval = url.searchParams.get('interval');
  if (!interval) return reply(400, { code: -1102, msg: "Mandatory parameter 'interval' was not sent, was empty/null, or malformed." }, headers);
  const len = KLINE_INTERVALS[interval];
  if (!len) return reply(400, { code: -1120, msg: 'Invalid interval.' }, headers);
  const h = history(symbol);
  if (!h) return reply(400, { code: -1121, msg: 'Invalid symbol.' }, headers);
  const num = (name: string): number | undefined | null => {
    const text = url.searchParams.get(name);
    if (text === null) return undefined;
    return /^\d+$/.test(text) ? Number(text) : null;
  };
  const limit = num('limit');
  const startTime = num('startTime');
  const endTime = num('endTime');
  for (const [name, v] of [
    ['limit', limit],
    ['startTime', startTime],
    ['endTime', endTime],
  ] as const)
    if (v === null) return reply(400, { code: -1100, msg: `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.` }, headers);
  if (startTime !== undefined && endTime !== undefined && startTime! > endTime!)
    return reply(400, { code: -1023, msg: 'Start time is greater than end time.' }, headers);
  const rows = klinesOf(
    h,
    len,
    { startTime: startTime ?? undefined, endTime: endTime ?? undefined, limit: Math.min(1000, Math.max(1, limit ?? 500)) },
    Date.now(),
  );
  reply(200, rows, headers);
}

/** Binance's REST weight per minute: past `limit`, requests get 429 with Retry-After until the next minute. */
export class WeightBudget {
  private weight = { minute: 0, used: 0 };

  constructor(
    private readonly limit: number,
    private readonly onRefused: () => void,
  ) {}

  /** A 429 answer when `w` more weight would pass `weightLimit` this minute, else null. */
  over(w: number): { body: unknown; headers: Record<string, string> } | null {
    const limit = this.limit;
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    const used = minute === this.weight.minute ? this.weight.used : 0;
    if (used + w <= limit) return null;
    this.onRefused();
    return {
      body: {
        code: -1003,
        msg: `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
      },
      headers: { 'retry-after': String(Math.ceil(((minute + 1) * 60_000 - now) / 1000)), 'x-mbx-used-weight-1m': String(used) },
    };
  }

  use(w: number): number {
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== this.weight.minute) this.weight = { minute, used: 0 };
    this.weight.used += w;
    return this.weight.used;
  }
}
