/**
 * Binance REST: pages of trades for gap backfill, `/api/v3/aggTrades` (weight 4) and
 * `/api/v3/historicalTrades` (weight 25), both by `fromId` (or the most recent) with `limit` up
 * to 1000; and candles, `/api/v3/klines` (weight 2, up to 1000 a request) for history.
 *
 * Rate limits (FORMATS.md): 6000 weight per minute per IP, reported in `X-MBX-USED-WEIGHT-1m`.
 * When the reported use would pass `weightBudget` with the next request, the client waits for
 * the next minute; on HTTP 429 it waits `Retry-After` seconds (ignoring it earns a 418 ban),
 * and on 418 it waits as long as told (at least a minute). HTTP 451 / 403 (Binance refuses the
 * caller's region on that host) is final: `RegionRefusedError` at once, no retry. Any other 4xx
 * cannot get better by asking again: `RestStatusError` (not transient) at once. 5xx and network
 * errors are retried with back-off (or, with `giveUpAfter`, thrown as transient after that many
 * failures, so a background job can say so and retry on its own schedule). The first failure of
 * a streak is one warning line (an unreachable host: what to try instead), the rest debug lines.
 */
import { instrumentOf, isUsdtSymbol } from '@quant-pairs/contract';
import type { Tick } from '../domain';
import { log } from '../log';
import type { Bar, Timeframe } from '../domain';
import { KLINE_INTERVAL, klineToBar } from './klines';
import { aggTradeToTick, historicalTradeToTick, type Rejection } from './parse';
import type { StreamKind } from './types';

export const PAGE_LIMIT = 1000;
const WEIGHT: Record<StreamKind, number> = { aggTrade: 4, trade: 25 };
/** Request weight of `/api/v3/klines` (any limit up to 1000). */
const KLINES_WEIGHT = 2;
/** `GET /api/v3/ticker/24hr` without a symbol: every symbol, weight 80 (Binance's REST docs). */
const TICKER_ALL_WEIGHT = 80;

export interface RestPage {
  ticks: Tick[];
  /** Elements of the answer (valid or not); fewer than the limit means the end was reached. */
  received: number;
  rejected: Rejection[];
}

export interface RestClientOptions {
  baseUrl: string;
  kind: StreamKind;
  /**
   * Which Binance API (default spot, /api/v3): `futures` is USD-M (/fapi/v1: aggTrades weight 20,
   * klines weighted by limit, 2400 weight a minute; aggregate trades only), for `.P` symbols,
   * asked by their Binance name.
   */
  api?: 'spot' | 'futures';
  /** Weight per minute to stay under (default 4800 of Binance's 6000). */
  weightBudget?: number;
  /** For tests: how to wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Abort to stop waiting and fetching (shutdown). */
  signal?: AbortSignal;
  /** Throw after this many network / 5xx failures in a row (default: retry for ever). */
  giveUpAfter?: number;
}

/**
 * Binance's market-data-only hosts: they serve trades, aggTrades and klines without keys, also
 * where the main hosts (api.binance.com, stream.binance.com) answer 451. The settings' defaults.
 */
export const BINANCE_HOSTS = {
  BINANCE_REST_URL: 'https://data-api.binance.vision',
  BINANCE_WS_URL: 'wss://data-stream.binance.vision',
  // USD-M futures (issue 25): REST on fapi; the WebSocket's routed path /market carries aggTrade
  // and markPrice (since 2026 an unrouted connection gets neither, silently)
  BINANCE_FUTURES_REST_URL: 'https://fapi.binance.com',
  BINANCE_FUTURES_WS_URL: 'wss://fstream.binance.com/market',
} as const;

/** The settings naming Binance's hosts (what a region refusal names). */
export type HostSetting = keyof typeof BINANCE_HOSTS;

/** `/fapi/v1/klines`' weight by limit (Binance's table: [1, 100) 1, [100, 500) 2, [500, 1000] 5, above 10). */
const futuresKlinesWeight = (limit: number): number => (limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10);

/** Binance refuses this host from here (HTTP 451 / 403): retrying cannot help, a setting must change. */
export class RegionRefusedError extends Error {
  constructor(setting: HostSetting, status: number, baseUrl: string) {
    super(`Binance refused ${baseUrl} from this region (HTTP ${status}); set ${setting} to a host that serves it ` + `(default ${BINANCE_HOSTS[setting]})`);
    this.name = 'RegionRefusedError';
  }
}

const refusalsLogged = new Set<string>();

/**
 * Logs a refusal once per process and message: the history, the ingest's backfill and the
 * perpetuals' funding job may all meet the same refused host, and one line names the setting.
 */
export function reportRefused(e: RegionRefusedError): void {
  if (refusalsLogged.has(e.message)) return log.debug('binance refusal again', { error: e.message });
  refusalsLogged.add(e.message);
  log.error(e.message);
}

/**
 * Binance answered a status that asking again will not change (a 4xx other than 418 / 429 /
 * 451 / 403: the endpoint is missing on this host, a bad symbol), or, `transient`, a 5xx that
 * went on for `giveUpAfter` attempts.
 */
export class RestStatusError extends Error {
  readonly transient: boolean;
  constructor(
    readonly status: number,
    path: string,
    body: string,
  ) {
    super(`binance REST ${status} for ${path}: ${body.slice(0, 200)}`);
    this.name = 'RestStatusError';
    this.transient = status >= 500;
  }
}

/** The REST host did not answer at all (refused, reset, DNS, timeout) for `giveUpAfter` attempts: transient. */
export class RestUnreachableError extends Error {
  readonly transient = true;
  constructor(baseUrl: string, cause: Error) {
    super(`cannot reach ${hostOf(baseUrl)}: ${causeText(cause)}`);
    this.name = 'RestUnreachableError';
  }
}

/** True for an error a later attempt may not see (network, 5xx); false for a refusal that stays. */
export const isTransient = (e: unknown): boolean => !(e instanceof RegionRefusedError) && !(e instanceof RestStatusError && !e.transient);

/** `host:port` of a URL, for messages (never its path, query or credentials). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED 127.0.0.1:9): the short form. */
function causeText(e: Error): string {
  const c = (e as Error & { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? (e as NodeJS.ErrnoException).code ?? e.message;
}

const hinted = new Set<string>();

/**
 * Logs once per host and process that Binance cannot be reached there, with what to try; later
 * failures (any client, REST or WebSocket) are debug lines with the stack.
 */
export function reportUnreachable(url: string, err: Error): void {
  const host = hostOf(url);
  if (hinted.has(host)) return log.debug('binance unreachable', { host, err });
  hinted.add(host);
  log.warn(
    `cannot reach Binance at ${host} (${causeText(err)}); the API serves what is stored and retries in the background. ` +
      'Offline or blocked? Try `npm run demo` (a fake Binance on this machine), HISTORY=0 to skip history, or BINANCE_REST_URL / BINANCE_WS_URL',
  );
}

/** Binance's answers for a region it does not serve (451 Unavailable For Legal Reasons; 403 on some hosts). */
export const isRegionRefusal = (status: number): boolean => status === 451 || status === 403;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** One `/api/v3/klines` answer: the bars of the klines with trades, and how many klines came. */
export interface KlinePage {
  bars: Bar[];
  /** Klines in the answer (with trades or not); fewer than the limit means the end was reached. */
  received: number;
  /** Open time of the last kline received, null when none. */
  lastOpen: number | null;
  rejected: Rejection[];
}

export class RestClient {
  /** 429/418 answers received. */
  rateLimited = 0;
  /** Requests answered (any status), and the weight they cost by Binance's table. */
  requests = 0;
  weightSpent = 0;
  /** Last `X-MBX-USED-WEIGHT-1m` seen. */
  usedWeight = 0;
  private readonly budget: number;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;

  private readonly futures: boolean;

  constructor(private readonly opts: RestClientOptions) {
    this.futures = opts.api === 'futures';
    if (this.futures && opts.kind !== 'aggTrade') throw new Error('the USD-M futures API serves aggregate trades only (kind aggTrade)');
    this.budget = opts.weightBudget ?? (this.futures ? 1900 : 4800);
    this.wait = opts.sleep ?? sleep;
  }

  /** The setting a refusal of this host names. */
  private get setting(): HostSetting {
    return this.futures ? 'BINANCE_FUTURES_REST_URL' : 'BINANCE_REST_URL';
  }

  /**
   * One page of trades of `symbol` (as stored: `BTCUSDT.P` asks the futures API for BTCUSDT) with
   * id >= fromId (the most recent ones when fromId is null), retrying through rate limits and network errors.
   */
  async page(symbol: string, fromId: number | null, limit = PAGE_LIMIT): Promise<RestPage> {
    const path = this.futures ? '/fapi/v1/aggTrades' : this.opts.kind === 'aggTrade' ? '/api/v3/aggTrades' : '/api/v3/historicalTrades';
    const from = fromId === null ? '' : `&fromId=${fromId}`;
    const body = await this.get(
      `${path}?symbol=${encodeURIComponent(instrumentOf(symbol).venueSymbol)}${from}&limit=${limit}`,
      this.futures ? 20 : WEIGHT[this.opts.kind],
    );
    return this.parse(body, symbol);
  }

  /** GET a futures path (`/fapi/v1/...`) of `weight`: the body, through the same limits and errors. */
  futuresGet(pathAndQuery: string, weight: number): Promise<string> {
    if (!this.futures) throw new Error('futuresGet needs a client of the futures API');
    return this.get(pathAndQuery, weight);
  }

  /** The `n` USDT symbols of largest 24 h quote volume (UNIVERSE=top:N), from one `GET /api/v3/ticker/24hr`. */
  async topUsdtSymbols(n: number): Promise<string[]> {
    return topUsdtSymbols(await this.get('/api/v3/ticker/24hr', TICKER_ALL_WEIGHT), n);
  }

  /** Every TRADING USDT spot symbol (UNIVERSE=all), from one `GET /api/v3/exchangeInfo?permissions=SPOT`. */
  async tradingUsdtSymbols(): Promise<string[]> {
    return tradingUsdtSymbols(await this.get('/api/v3/exchangeInfo?permissions=SPOT', EXCHANGE_INFO_WEIGHT));
  }

  /** UNIVERSE=top:N's or UNIVERSE=all's symbols now. */
  universe(top: number | 'all'): Promise<string[]> {
    return top === 'all' ? this.tradingUsdtSymbols() : this.topUsdtSymbols(top);
  }

  /** The klines of `tf` whose open time is in [startTime, endTime], at most `limit` (1000), as bars. */
  async klines(symbol: string, tf: Timeframe, startTime: number, endTime: number, limit = PAGE_LIMIT): Promise<KlinePage> {
    if (this.futures && tf === '1s') throw new Error('Binance USD-M futures have no 1s klines');
    const q = `symbol=${encodeURIComponent(instrumentOf(symbol).venueSymbol)}&interval=${KLINE_INTERVAL[tf]}&startTime=${startTime}&endTime=${endTime}&limit=${limit}`;
    const body = this.futures ? await this.get(`/fapi/v1/klines?${q}`, futuresKlinesWeight(limit)) : await this.get(`/api/v3/klines?${q}`, KLINES_WEIGHT);
    let rows: unknown;
    try {
      rows = JSON.parse(body);
    } catch {
      return { bars: [], received: 0, lastOpen: null, rejected: [{ type: 'rejected', kind: 'rest-not-json', detail: body.slice(0, 200) }] };
    }
    if (!Array.isArray(rows))
      return { bars: [], received: 0, lastOpen: null, rejected: [{ type: 'rejected', kind: 'rest-not-array', detail: body.slice(0, 200) }] };
    const bars: Bar[] = [];
    const rejected: Rejection[] = [];
    let lastOpen: number | null = null;
    for (const r of rows) {
      const b = klineToBar(r, symbol, tf);
      if (Array.isArray(r) && Number.isFinite(Number(r[0]))) lastOpen = Number(r[0]);
      if (b === null) continue;
      if ('type' in b) rejected.push(b);
      else bars.push(b);
    }
    return { bars, received: rows.length, lastOpen, rejected };
  }

  /** Network / 5xx failures since the last answer that was not one (a streak is logged once). */
  private failing = 0;

  /** GET `pathAndQuery`, costing `weight`: the body of the first 2xx answer, through rate limits, network errors and 5xx. */
  private async get(pathAndQuery: string, weight: number): Promise<string> {
    const url = `${this.opts.baseUrl}${pathAndQuery}`;
    const path = pathAndQuery.split('?')[0]!;
    let failures = 0;
    for (;;) {
      if (this.opts.signal?.aborted) throw new Error('backfill aborted');
      if (this.usedWeight + weight > this.budget) {
        const toNextMinute = 60_000 - (Date.now() % 60_000) + 250;
        log.warn('binance REST weight budget reached, waiting for the next minute', { usedWeight: this.usedWeight, waitMs: toNextMinute });
        await this.wait(toNextMinute, this.opts.signal);
        this.usedWeight = 0;
      }
      let res: Response;
      try {
        res = await fetch(url, { signal: this.opts.signal });
      } catch (e) {
        if (this.opts.signal?.aborted) throw new Error('backfill aborted');
        if (this.failing++ === 0) reportUnreachable(this.opts.baseUrl, e as Error);
        else log.debug('binance REST request failed', { url, err: e as Error });
        if (++failures >= (this.opts.giveUpAfter ?? Infinity)) throw new RestUnreachableError(this.opts.baseUrl, e as Error);
        await this.wait(Math.min(30_000, 250 * 2 ** failures), this.opts.signal);
        continue;
      }
      this.requests++;
      this.weightSpent += weight;
      const used = Number(res.headers.get('x-mbx-used-weight-1m'));
      if (Number.isFinite(used) && res.headers.has('x-mbx-used-weight-1m')) this.usedWeight = used;
      if (res.status === 429 || res.status === 418) {
        this.rateLimited++;
        const retryAfter = Number(res.headers.get('retry-after'));
        const ms = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : 60_000;
        log.warn('binance REST rate limit, honouring Retry-After', { status: res.status, retryAfterMs: ms });
        await res.body?.cancel();
        await this.wait(Math.max(ms, res.status === 418 ? 60_000 : 0), this.opts.signal);
        continue;
      }
      if (isRegionRefusal(res.status)) {
        await res.body?.cancel();
        throw new RegionRefusedError(this.setting, res.status, this.opts.baseUrl);
      }
      const body = await res.text();
      if (res.status >= 500) {
        const ms = Math.min(30_000, 250 * 2 ** ++failures);
        if (this.failing++ === 0)
          log.warn('binance REST error, retrying', { host: hostOf(url), path, status: res.status, body: body.slice(0, 200), retryInMs: ms });
        else log.debug('binance REST error', { path, status: res.status });
        if (failures >= (this.opts.giveUpAfter ?? Infinity)) throw new RestStatusError(res.status, path, body);
        await this.wait(ms, this.opts.signal);
        continue;
      }
      if (this.failing > 0) log.info('binance REST answers again', { host: hostOf(url), failures: this.failing });
      this.failing = 0;
      // Any other 4xx (404: no such endpoint on this host; 400: a bad symbol) stays as it is.
      if (!res.ok) throw new RestStatusError(res.status, path, body);
      return body;
    }
  }

  private parse(body: string, symbol: string): RestPage {
    let rows: unknown;
    try {
      rows = JSON.parse(body);
    } catch {
      return { ticks: [], received: 0, rejected: [{ type: 'rejected', kind: 'rest-not-json', detail: body.slice(0, 200) }] };
    }
    if (!Array.isArray(rows)) return { ticks: [], received: 0, rejected: [{ type: 'rejected', kind: 'rest-not-array', detail: body.slice(0, 200) }] };
    const ticks: Tick[] = [];
    const rejected: Rejection[] = [];
    for (const r of rows) {
      const t =
        typeof r !== 'object' || r === null
          ? ({ type: 'rejected', kind: 'rest-not-object', detail: JSON.stringify(r) } as Rejection)
          : this.opts.kind === 'aggTrade'
            ? aggTradeToTick(r as Record<string, unknown>, symbol)
            : historicalTradeToTick(r as Record<string, unknown>, symbol);
      if ('type' in t) rejected.push(t);
      else ticks.push(t);
    }
    return { ticks, received: rows.length, rejected };
  }
}

/**
 * The `n` symbols quoted in USDT with the largest `quoteVolume` in a `/api/v3/ticker/24hr` answer
 * (an array of {symbol, quoteVolume, ...}; quoteVolume a decimal string), largest first, ties by
 * symbol. Rows that are not such objects or whose volume is not a number are skipped. Throws when
 * the body is not a JSON array (the caller stops with that message).
 *
 * @example
 * topUsdtSymbols('[{"symbol":"ETHBTC","quoteVolume":"9e9"},{"symbol":"BTCUSDT","quoteVolume":"5e9"},{"symbol":"ETHUSDT","quoteVolume":"3e9"}]', 1);
 * // => ['BTCUSDT'] (ETHBTC is not quoted in USDT)
 */
export function topUsdtSymbols(body: string, n: number): string[] {
  let rows: unknown;
  try {
    rows = JSON.parse(body);
  } catch {
    throw new Error(`/api/v3/ticker/24hr did not answer JSON: ${body.slice(0, 200)}`);
  }
  if (!Array.isArray(rows)) throw new Error(`/api/v3/ticker/24hr did not answer an array: ${body.slice(0, 200)}`);
  const usdt: { symbol: string; volume: number }[] = [];
  for (const r of rows) {
    if (typeof r !== 'object' || r === null) continue;
    const { symbol, quoteVolume } = r as { symbol?: unknown; quoteVolume?: unknown };
    const volume = Number(quoteVolume);
    if (typeof symbol !== 'string' || !isUsdtSymbol(symbol) || !Number.isFinite(volume)) continue;
    usdt.push({ symbol, volume });
  }
  usdt.sort((a, b) => b.volume - a.volume || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return usdt.slice(0, n).map((u) => u.symbol);
}

/** `GET /api/v3/exchangeInfo`'s weight (Binance's table, 2026). */
const EXCHANGE_INFO_WEIGHT = 20;

/**
 * The symbols of an `/api/v3/exchangeInfo` answer ({symbols: [{symbol, status, quoteAsset,
 * isSpotTradingAllowed, ...}]}) that trade now (status TRADING, spot trading allowed) against
 * USDT, in symbol order. Rows that are not such objects are skipped. Throws when the body is not
 * such a JSON object (the caller says so).
 *
 * @example
 * tradingUsdtSymbols('{"symbols":[{"symbol":"ETHUSDT","status":"TRADING","quoteAsset":"USDT"},{"symbol":"LUNAUSDT","status":"BREAK","quoteAsset":"USDT"}]}');
 * // => ['ETHUSDT'] (LUNAUSDT does not trade)
 */
export function tradingUsdtSymbols(body: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new Error(`/api/v3/exchangeInfo did not answer JSON: ${body.slice(0, 200)}`);
  }
  const rows = (doc as { symbols?: unknown } | null)?.symbols;
  if (!Array.isArray(rows)) throw new Error(`/api/v3/exchangeInfo answered no symbols array: ${body.slice(0, 200)}`);
  const out: string[] = [];
  for (const r of rows) {
    if (typeof r !== 'object' || r === null) continue;
    const { symbol, status, quoteAsset, isSpotTradingAllowed } = r as Record<string, unknown>;
    if (typeof symbol !== 'string' || !isUsdtSymbol(symbol) || status !== 'TRADING' || quoteAsset !== 'USDT' || isSpotTradingAllowed === false) continue;
    out.push(symbol);
  }
  return [...new Set(out)].sort();
}
