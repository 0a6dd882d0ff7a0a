/**
 * Our loopback Binance USD-M futures (issue 25): a WebSocket + HTTP server of its own on
 * 127.0.0.1 (Binance serves futures from other hosts than spot: fstream / fapi), speaking the
 * formats of Binance's derivatives docs (usds-margined-futures, 2026).
 *
 *   const fut = await startFakeFutures({ symbols: ['BTCUSDT', 'ETHUSDT', '1000PEPEUSDT'], rate: 20, fundingIntervalMs: 60_000 });
 *   // BINANCE_FUTURES_WS_URL=fut.wsUrl (…/market), BINANCE_FUTURES_REST_URL=fut.restUrl
 *   fut.expectedTicks('BTCUSDT'); fut.funding('BTCUSDT'); fut.marks('BTCUSDT');
 *
 * WebSocket, routed by path as Binance has done since 2026: `/market/stream?streams=a/b`
 * (combined) and `/market/ws/<stream>` carry `<symbol>@aggTrade` (aggregate id `a`, no `M`) and
 * `<symbol>@markPrice@1s` (a `markPriceUpdate` every second: mark `p`, index `i`, estimated
 * settle price `P`, funding rate `r`, next funding time `T`). A connection on an unrouted path
 * (`/stream`, `/ws/...`) or on `/public` is accepted and gets none of those: it stays silent,
 * as Binance documents. More than 10 incoming messages a second closes the connection.
 *
 * REST (./futuresRest.ts): `/fapi/v1/aggTrades` (weight 20), `/fapi/v1/klines` (weight by
 * limit; no 1s), `/fapi/v1/fundingRate` and `/fapi/v1/fundingInfo` (sharing 500 requests per
 * 5 minutes), `/fapi/v1/premiumIndex`, `/fapi/v1/exchangeInfo`, `/fapi/v1/ping`, `/fapi/v1/time`;
 * 2400 weight a minute.
 *
 * Funding: each symbol settles every `fundingIntervalHours[symbol]` hours (8 unless adjusted;
 * `/fapi/v1/fundingInfo` lists only the adjusted ones), at multiples of its interval since the
 * epoch, or every `fundingIntervalMs` for all (the demo: a minute). `pastFundingMs` of settled
 * fundings exist at start (default 30 days). Rates follow a seeded AR(1) around 0.01 %, some negative.
 *
 * Faults as the spot fake's (429 or 418; 451 / 403 on REST and the handshake).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Tick } from '../domain';
import { CointegratedGenerator, type GeneratedTrade } from './generator';
import { WeightBudget, type Reply } from './rest';
import { PerpPrices, type SpotPrice } from './futuresPrices';
import {
  fundingInfoRows,
  fundingRatePage,
  futuresAggTrades,
  futuresExchangeInfo,
  futuresKlines,
  futuresKlinesWeight,
  premiumIndexBody,
  SlidingLimit,
  type FundingEvent,
  type MarkState,
} from './futuresRest';

export type { FundingEvent, MarkState } from './futuresRest';

export interface FakeFuturesOptions {
  /** Binance's names (no `.P`); default BTCUSDT, ETHUSDT, 1000PEPEUSDT. The first is the hedge leg of the generated stream. */
  symbols?: string[];
  /** Aggregate trades per second per symbol; 0 (default) only on `generate(n)`. */
  rate?: number;
  seed?: number;
  startIds?: Record<string, number>;
  port?: number;
  pingIntervalMs?: number;
  /** Trades generated before start, as the spot fake's `past`. */
  past?: ReadonlyArray<{ ms: number; everyMs: number }>;
  /** Funding interval in hours of symbols whose interval was adjusted (e.g. { '1000PEPEUSDT': 4 }). */
  fundingIntervalHours?: Record<string, number>;
  /** Every symbol settles this often instead (the demo: 60_000). */
  fundingIntervalMs?: number;
  /** Settled fundings before start (default 30 days). */
  pastFundingMs?: number;
  /** How often the mark stream sends (default 1000, `@markPrice@1s`); 0 sends only on `sendMarks()`. */
  markIntervalMs?: number;
  /** REST weight a minute (Binance's 2400). */
  weightLimit?: number;
  /** Perpetual prices follow spot's plus a basis (the demo's basis pairs; ./futuresPrices.ts spotPriceOf). */
  followSpot?: SpotPrice;
}

interface Client {
  ws: WebSocket;
  combined: boolean;
  /** On `/market`: gets market streams; elsewhere none. */
  routed: boolean;
  subs: Set<string>;
  stalled: boolean;
  msgTimes: number[];
}

const HOUR = 3_600_000;
/** Binance's name of a symbol given with or without `.P`. */
const venue = (symbol: string): string => symbol.toUpperCase().replace(/\.P$/, '');

export class FakeFutures {
  readonly wsUrl: string;
  readonly restUrl: string;
  readonly symbols: string[];
  readonly stats = {
    connectionAttempts: 0,
    openConnections: 0,
    framesSent: 0,
    pongsReceived: 0,
    clientMessages: 0,
    restRequests: [] as Array<{ path: string; query: string; status: number; at: number }>,
  };
  private readonly gen: CointegratedGenerator;
  private readonly history = new Map<string, GeneratedTrade[]>();
  private readonly fundings = new Map<string, FundingEvent[]>();
  private readonly sentMarks = new Map<string, Array<MarkState & { time: number }>>();
  private readonly state = new Map<string, MarkState>();
  private readonly intervalHours = new Map<string, number>();
  private readonly clients = new Set<Client>();
  private readonly skip = new Map<string, number>();
  private readonly prices: PerpPrices;
  private readonly budget: WeightBudget;
  private readonly fundingWindow = new SlidingLimit(500, 300_000);
  private fail = { left: 0, status: 429, retryAfterSec: 1 };
  private restOff = false;
  private klinesStatus = 0;
  private timers: NodeJS.Timeout[] = [];
  private genTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly opts: FakeFuturesOptions,
    private readonly refused: { status: number },
  ) {
    const port = (http.address() as AddressInfo).port;
    this.wsUrl = `ws://127.0.0.1:${port}/market`;
    this.restUrl = `http://127.0.0.1:${port}`;
    this.symbols = (opts.symbols ?? ['BTCUSDT', 'ETHUSDT', '1000PEPEUSDT']).map((s) => s.toUpperCase());
    this.gen = new CointegratedGenerator(this.symbols, { seed: opts.seed ?? 7, startIds: opts.startIds });
    this.prices = new PerpPrices((opts.seed ?? 7) + 1, opts.followSpot);
    this.budget = new WeightBudget(opts.weightLimit ?? 2400, () => undefined);
    for (const [s, h] of Object.entries(opts.fundingIntervalHours ?? {})) this.intervalHours.set(s.toUpperCase(), h);
    for (const s of this.symbols) {
      this.history.set(s, []);
      this.fundings.set(s, []);
      this.sentMarks.set(s, []);
    }
    this.generatePast();
    wss.on('connection', (ws, req) => this.onConnection(ws, req));
    http.on('request', (req, res) => this.onRequest(req, res));
    this.setRate(opts.rate ?? 0);
    const every = opts.markIntervalMs ?? 1000;
    if (every > 0) this.timers.push(setInterval(() => this.sendMarks(), every));
    this.timers.push(setInterval(() => this.ping(), opts.pingIntervalMs ?? 20_000));
  }

  static async start(opts: FakeFuturesOptions = {}): Promise<FakeFutures> {
    const http = createServer();
    const refused = { status: 0 };
    const wss = new WebSocketServer({
      server: http,
      perMessageDeflate: false,
      verifyClient: (_i, done) => (refused.status ? done(false, refused.status, 'Service unavailable from a restricted location') : done(true)),
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    return new FakeFutures(http, wss, opts, refused);
  }

  /** The funding interval of `symbol` in ms. */
  intervalMs(symbol: string): number {
    return this.opts.fundingIntervalMs ?? (this.intervalHours.get(symbol) ?? 8) * HOUR;
  }

  private nextFundingTime(symbol: string, now: number): number {
    const every = this.intervalMs(symbol);
    return Math.floor(now / every) * every + every;
  }

  private generatePast(): void {
    const now = Date.now();
    const past = this.opts.past ?? [];
    let t = now - past.reduce((a, p) => a + p.ms, 0);
    for (const p of past) {
      const end = t + p.ms;
      for (; t < end; t += p.everyMs)
        for (const { symbol, trade } of this.gen.step(Math.floor(t), 'aggTrade')) {
          this.prices.follow(symbol, trade);
          this.history.get(symbol)!.push(trade);
        }
      t = end;
    }
    const last = (s: string) => Number(this.history.get(s)!.at(-1)?.price ?? this.prices.round(s, this.gen.level(s)));
    for (const s of this.symbols) {
      const mark = last(s);
      const every = this.intervalMs(s);
      let rate = 0.0001;
      for (let T = this.nextFundingTime(s, now - (this.opts.pastFundingMs ?? 30 * 24 * HOUR)); T <= now; T += every) {
        rate = this.prices.nextRate(rate);
        this.fundings.get(s)!.push({ fundingTime: T, fundingRate: rate, markPrice: this.prices.mark(s, mark, 0.001) });
      }
      this.state.set(s, { markPrice: mark, indexPrice: mark, fundingRate: this.prices.nextRate(rate), nextFundingTime: this.nextFundingTime(s, now) });
    }
  }

  /** Changes the generation rate (aggregate trades per second per symbol); 0 pauses. */
  setRate(rate: number): void {
    if (this.genTimer) clearInterval(this.genTimer);
    this.genTimer = null;
    if (rate <= 0) return;
    let last = Date.now();
    let owed = 0;
    this.genTimer = setInterval(() => {
      const now = Date.now();
      owed += ((now - last) / 1000) * rate;
      last = now;
      const n = Math.floor(owed);
      owed -= n;
      this.generate(n);
    }, 10);
  }

  /** Generates `n` aggregate trades per symbol now and sends them on `/market` subscriptions (unless skipped). */
  generate(n = 1): void {
    for (let i = 0; i < n; i++) {
      const now = Date.now();
      for (const { symbol, trade } of this.gen.step(now, 'aggTrade')) {
        this.prices.follow(symbol, trade);
        this.history.get(symbol)!.push(trade);
        const left = this.skip.get(symbol) ?? 0;
        if (left > 0) {
          this.skip.set(symbol, left - 1);
          continue;
        }
        const data = {
          e: 'aggTrade',
          E: now + 1,
          s: symbol,
          a: trade.id,
          p: trade.price,
          q: trade.qty,
          f: trade.firstId,
          l: trade.lastId,
          T: trade.time,
          m: trade.isBuyerMaker,
        };
        this.publish(`${symbol.toLowerCase()}@aggTrade`, data);
      }
    }
  }

  /** Settles what is due, then sends one `markPriceUpdate` per symbol (the 1 s mark stream). */
  sendMarks(): void {
    const now = Date.now();
    for (const s of this.symbols) {
      const st = this.state.get(s)!;
      const last = this.history.get(s)!.at(-1);
      if (last) {
        st.indexPrice = this.prices.round(s, Number(last.price));
        st.markPrice = this.prices.mark(s, Number(last.price));
      }
      while (st.nextFundingTime <= now) {
        this.fundings.get(s)!.push({ fundingTime: st.nextFundingTime, fundingRate: st.fundingRate, markPrice: st.markPrice });
        st.fundingRate = this.prices.nextRate(st.fundingRate);
        st.nextFundingTime = this.nextFundingTime(s, Math.max(now, st.nextFundingTime));
      }
      const sent = this.sentMarks.get(s)!;
      sent.push({ ...st, time: now });
      if (sent.length > 100_000) sent.splice(0, sent.length - 50_000);
      this.publish(`${s.toLowerCase()}@markPrice@1s`, {
        e: 'markPriceUpdate',
        E: now,
        s,
        p: st.markPrice.toFixed(8),
        i: st.indexPrice.toFixed(8),
        P: st.markPrice.toFixed(8),
        r: st.fundingRate.toFixed(8),
        T: st.nextFundingTime,
      });
    }
  }

  private publish(stream: string, data: unknown): void {
    const raw = JSON.stringify(data);
    const key = stream.toLowerCase();
    const wrapped = `{"stream":"${stream}","data":${raw}}`;
    for (const c of this.clients) if (c.routed && !c.stalled && c.subs.has(key)) this.send(c, c.combined ? wrapped : raw);
  }

  /** Every aggregate trade of `symbol` (Binance's name, or with `.P`), as the collector should store it under `<symbol>.P`. */
  expectedTicks(symbol: string): Tick[] {
    return this.trades(symbol).map((t) => ({
      symbol: `${venue(symbol)}.P`,
      id: t.id,
      ts: t.time,
      price: Number(t.price),
      qty: Number(t.qty),
      isBuyerMaker: t.isBuyerMaker,
    }));
  }

  /** The raw generated aggregate trades of `symbol`. */
  trades(symbol: string): readonly GeneratedTrade[] {
    return this.history.get(venue(symbol)) ?? [];
  }

  /** Settled fundings of `symbol`, oldest first. */
  funding(symbol: string): readonly FundingEvent[] {
    return this.fundings.get(venue(symbol)) ?? [];
  }

  /** Mark updates sent (or due while nobody listened) for `symbol`, oldest first. */
  marks(symbol: string): ReadonlyArray<MarkState & { time: number }> {
    return this.sentMarks.get(venue(symbol)) ?? [];
  }

  // ---- faults ----

  dropConnections(): number {
    const n = this.clients.size;
    for (const c of this.clients) c.ws.terminate();
    return n;
  }

  /** Sends `{"e":"serverShutdown","E":now}` on every connection (and keeps them open). */
  serverShutdown(): void {
    for (const c of this.clients) this.send(c, JSON.stringify({ e: 'serverShutdown', E: Date.now() }));
  }

  /** Sends each frame as-is on every connection (default: garbage, and an aggTrade with a bad id). */
  sendMalformed(
    frames: string[] = [
      '{not json',
      '[1,2,3]',
      '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","s":"BTCUSDT","a":"x","p":"abc","q":"1","T":1,"m":true}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate"}}',
    ],
  ): void {
    for (const c of this.clients) for (const f of frames) this.send(c, f);
  }

  stall(): void {
    for (const c of this.clients) c.stalled = true;
  }

  /** The next `n` aggregate trades of `symbol` are not sent live (REST still serves them). */
  skipIds(symbol: string, n: number): void {
    this.skip.set(venue(symbol), (this.skip.get(venue(symbol)) ?? 0) + n);
  }

  /** The next `n` REST requests get `status` (429, or 418 as after ignoring one) with `Retry-After`. */
  fail429(n: number, retryAfterSec = 1, status: 429 | 418 = 429): void {
    this.fail = { left: n, status, retryAfterSec };
  }

  /** Every REST request and WebSocket handshake is answered `status` (451 or 403); 0 serves again. */
  refuseRegion(status: 451 | 403 | 0 = 451): void {
    this.refused.status = status;
  }

  /** `/fapi/v1/klines` answered `status` with Binance's error body (a mirror without it, an outage); 0 serves again. */
  refuseKlines(status: number): void {
    this.klinesStatus = status;
  }

  /** REST connections dropped unanswered (true) or served (false). */
  restDown(down: boolean): void {
    this.restOff = down;
  }

  async stop(): Promise<void> {
    this.setRate(0);
    for (const t of this.timers) clearInterval(t);
    for (const c of this.clients) c.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }

  // ---- WebSocket ----

  private send(c: Client, text: string): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    c.ws.send(text);
    this.stats.framesSent++;
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    this.stats.connectionAttempts++;
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^(\/market|\/public)?(\/stream|\/ws(?:\/(.*))?)$/.exec(url.pathname);
    if (!m) return ws.close(1008, 'unknown path');
    const c: Client = { ws, combined: m[2] === '/stream', routed: m[1] === '/market', subs: new Set(), stalled: false, msgTimes: [] };
    const streams = c.combined ? (url.searchParams.get('streams') ?? '') : (m[3] ?? '');
    for (const s of streams.split('/')) if (s) c.subs.add(s.toLowerCase());
    this.clients.add(c);
    this.stats.openConnections = this.clients.size;
    ws.on('pong', () => this.stats.pongsReceived++);
    ws.on('message', (data) => this.onClientMessage(c, data.toString()));
    ws.on('close', () => {
      this.clients.delete(c);
      this.stats.openConnections = this.clients.size;
    });
    ws.on('error', () => undefined);
  }

  private onClientMessage(c: Client, text: string): void {
    this.stats.clientMessages++;
    const now = Date.now();
    c.msgTimes.push(now);
    while (c.msgTimes[0]! <= now - 1000) c.msgTimes.shift();
    if (c.msgTimes.length > 10) return c.ws.close(1008, 'Too many messages');
    let req: { method?: unknown; params?: unknown; id?: unknown };
    try {
      req = JSON.parse(text);
    } catch {
      return this.send(c, JSON.stringify({ error: { code: 3, msg: 'Invalid JSON' }, id: null }));
    }
    const params = Array.isArray(req.params) ? (req.params as unknown[]).map((p) => String(p).toLowerCase()) : [];
    if (req.method === 'SUBSCRIBE') for (const p of params) c.subs.add(p);
    else if (req.method === 'UNSUBSCRIBE') for (const p of params) c.subs.delete(p);
    else if (req.method === 'LIST_SUBSCRIPTIONS') return this.send(c, JSON.stringify({ result: [...c.subs], id: req.id ?? null }));
    else return this.send(c, JSON.stringify({ error: { code: 2, msg: `Invalid request: unknown variant \`${String(req.method)}\`` }, id: req.id ?? null }));
    this.send(c, JSON.stringify({ result: null, id: req.id ?? null }));
  }

  private ping(): void {
    for (const c of this.clients) if (!c.stalled) c.ws.ping(String(Date.now()));
  }

  // ---- REST ----

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const reply: Reply = (status, body, headers = {}) => {
      this.stats.restRequests.push({ path: url.pathname, query: url.search, status, at: Date.now() });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.upgrade) return;
    if (this.restOff) {
      this.stats.restRequests.push({ path: url.pathname, query: url.search, status: 0, at: Date.now() });
      req.socket.destroy();
      return;
    }
    if (this.refused.status)
      return reply(this.refused.status, {
        code: 0,
        msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms.",
      });
    if (this.fail.left > 0) {
      this.fail.left--;
      return reply(
        this.fail.status,
        { code: -1003, msg: 'Too many requests; current limit of IP is 2400 requests per minute.' },
        { 'retry-after': String(this.fail.retryAfterSec) },
      );
    }
    const history = (s: string) => this.history.get(s);
    switch (url.pathname) {
      case '/fapi/v1/ping':
        return reply(200, {});
      case '/fapi/v1/time':
        return reply(200, { serverTime: Date.now() });
      case '/fapi/v1/aggTrades':
        return this.weighted(20, reply, (h) => futuresAggTrades(url, history, h, reply));
      case '/fapi/v1/klines':
        if (this.klinesStatus) return reply(this.klinesStatus, { code: -1, msg: `klines refused by the test (HTTP ${this.klinesStatus})` });
        return this.weighted(futuresKlinesWeight(Number(url.searchParams.get('limit') ?? 500) || 500), reply, (h) => futuresKlines(url, history, h, reply));
      case '/fapi/v1/fundingRate':
      case '/fapi/v1/fundingInfo':
        return this.fundingLimited(reply, () =>
          url.pathname === '/fapi/v1/fundingInfo' ? reply(200, fundingInfoRows(this.adjusted())) : fundingRatePage(url, this.fundings, reply),
        );
      case '/fapi/v1/premiumIndex':
        return this.weighted(url.searchParams.has('symbol') ? 1 : 10, reply, () => premiumIndexBody(url, this.state, reply));
      case '/fapi/v1/exchangeInfo':
        return this.weighted(1, reply, () => reply(200, futuresExchangeInfo(this.symbols)));
      default:
        return reply(404, { code: -1, msg: 'Not found' });
    }
  }

  /** The symbols whose interval differs from 8 h (with `fundingIntervalMs`, every symbol's). */
  private adjusted(): Map<string, number> {
    if (this.opts.fundingIntervalMs === undefined) return this.intervalHours;
    return new Map(this.symbols.map((s) => [s, this.opts.fundingIntervalMs! / HOUR]));
  }

  private weighted(w: number, reply: Reply, answer: (headers: Record<string, string>) => void): void {
    const over = this.budget.over(w);
    if (over) return reply(429, over.body, over.headers);
    answer({ 'x-mbx-used-weight-1m': String(this.budget.use(w)) });
  }

  /** fundingRate and fundingInfo share 500 requests per 5 minutes per IP. */
  private fundingLimited(reply: Reply, answer: () => void): void {
    if (this.fundingWindow.take(Date.now())) return answer();
    reply(429, { code: -1003, msg: 'Too many requests: 500 per 5 minutes for fundingRate and fundingInfo.' }, { 'retry-after': '60' });
  }
}

/** Starts a fake Binance USD-M futures server on 127.0.0.1. */
export function startFakeFutures(opts: FakeFuturesOptions = {}): Promise<FakeFutures> {
  return FakeFutures.start(opts);
}
