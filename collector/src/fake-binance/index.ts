/**
 * Our loopback Binance: a real WebSocket + HTTP server on 127.0.0.1 that speaks Binance's spot
 * market-data formats (test/fixtures/binance/FORMATS.md), for tests, the demo and soak tests.
 *
 *   const fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 50, stream: 'trade' });
 *   // point the collector at fake.wsUrl / fake.restUrl
 *   fake.dropConnections(); fake.serverShutdown(); fake.skipIds('BTCUSDT', 20); fake.fail429(1, 1);
 *   fake.expectedTicks('BTCUSDT'); // the ground truth: every trade it generated, sent or skipped
 *   await fake.stop();
 *
 * WebSocket: `/stream?streams=a@trade/b@trade` (combined, events wrapped as {stream, data}),
 * `/ws/<stream>` (raw) and `/ws`; SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS with Binance's
 * replies and errors; more than 5 incoming messages per second closes the connection; a ping
 * every `pingIntervalMs`, and a client that does not pong within `pongTimeoutMs` is dropped.
 *
 * REST: `/api/v3/aggTrades` (weight 4) and `/api/v3/historicalTrades` (weight 25) with
 * `fromId` and `limit` (default 500, max 1000); `/api/v3/klines` (weight 2; intervals 1s, 1m,
 * 5m; startTime / endTime / limit, default 500, max 1000) computed from the same trades
 * (./klines.ts); `X-MBX-USED-WEIGHT-1m`; a weight budget per minute (`weightLimit`, Binance's
 * 6000) past which requests get 429 with `Retry-After` until the next minute, and injectable
 * 429s; `/api/v3/ticker/24hr` (every symbol, weight 80; `setQuoteVolume` re-ranks); `/api/v3/exchangeInfo`
 * (every symbol TRADING unless `setStatus` says otherwise, weight 20); `/api/v3/ping`, `/api/v3/time`.
 *
 * History: `past` generates trades before the server starts (e.g. 48 hours at one trade every
 * 10 s, then the last hour at two a second), so REST (klines and trades) has hours to serve at once.
 *
 * Faults: drop every connection, `serverShutdown`, stall (no data, no pings), malformed frames,
 * skipped ids (not sent live, still served over REST), a refused region (`refuseRegion`: every
 * REST request and WebSocket handshake answered 451 or 403, as Binance's main hosts do in some
 * regions), `/api/v3/klines` answered with a chosen status (`refuseKlines`: a proxy or partial
 * mirror without it, an outage), and REST down altogether (`restDown`: every request's
 * connection is dropped unanswered, while the WebSocket goes on), each switchable at run time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Tick } from '../domain';
import { CointegratedGenerator, type GeneratedTrade } from './generator';
import { WeightBudget, exchangeInfoBody, klinesPage, tickerRows, tradesPage, type Reply } from './rest';

export type FakeStreamKind = 'trade' | 'aggTrade';

export interface FakeBinanceOptions {
  /** Default BTCUSDT, ETHUSDT, SOLUSDT; the first is the hedge leg of the cointegrated stream. */
  symbols?: string[];
  /** What the generator produces. Default 'trade'. */
  stream?: FakeStreamKind;
  /** Trades per second per symbol; 0 (default) generates only on `generate(n)`. */
  rate?: number;
  seed?: number;
  startIds?: Record<string, number>;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  /** Keep at most this many trades per symbol for REST (older ones are forgotten). Default: all. */
  historyLimit?: number;
  /** Listen port; default 0 (chosen by the OS). */
  port?: number;
  /**
   * Trades generated before the server starts, oldest segment first: each segment lasts `ms`
   * and has one trade per symbol every `everyMs`; the last segment ends at the start time.
   */
  past?: ReadonlyArray<{ ms: number; everyMs: number }>;
  /** REST weight per minute before requests get 429 (Binance's 6000). */
  weightLimit?: number;
}

export interface FakeStats {
  connectionAttempts: number;
  openConnections: number;
  pingsSent: number;
  pongsReceived: number;
  clientMessages: number;
  framesSent: number;
  /** Every REST request with its answer's status (0: dropped unanswered, `restDown`) and the time it arrived (epoch ms). */
  restRequests: Array<{ path: string; query: string; status: number; at: number }>;
  /** Requests answered 429 because the minute's weight budget (`weightLimit`) was spent. */
  weightRefused: number;
}

interface Client {
  ws: WebSocket;
  combined: boolean;
  subs: Set<string>;
  stalled: boolean;
  awaitingPong: number | null;
  msgTimes: number[];
}

export class FakeBinance {
  readonly stats: FakeStats = {
    connectionAttempts: 0,
    openConnections: 0,
    pingsSent: 0,
    pongsReceived: 0,
    clientMessages: 0,
    framesSent: 0,
    restRequests: [],
    weightRefused: 0,
  };
  readonly wsUrl: string;
  readonly restUrl: string;
  readonly symbols: string[];
  readonly stream: FakeStreamKind;
  private readonly gen: CointegratedGenerator;
  private readonly history = new Map<string, GeneratedTrade[]>();
  private readonly skip = new Map<string, number>();
  private readonly quoteVolumes = new Map<string, number>();
  private readonly clients = new Set<Client>();
  private fail429Left = 0;
  /** HTTP status every request and handshake gets while the region is refused (0: served). */
  private readonly refused: { status: number };
  private retryAfterSec = 1;
  /** Status `/api/v3/klines` answers (0: served). */
  private klinesStatus = 0;
  private restOff = false;
  private readonly budget: WeightBudget;
  private rate: number;
  private genTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout;
  private lastGen = 0;
  private owed = 0;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly opts: FakeBinanceOptions,
    refused: { status: number },
  ) {
    this.refused = refused;
    this.budget = new WeightBudget(opts.weightLimit ?? 6000, () => this.stats.weightRefused++);
    const port = (http.address() as AddressInfo).port;
    this.wsUrl = `ws://127.0.0.1:${port}`;
    this.restUrl = `http://127.0.0.1:${port}`;
    this.symbols = (opts.symbols ?? ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']).map((s) => s.toUpperCase());
    this.stream = opts.stream ?? 'trade';
    this.gen = new CointegratedGenerator(this.symbols, { seed: opts.seed, startIds: opts.startIds });
    for (const s of this.symbols) {
      this.history.set(s, []);
    }
    this.rate = opts.rate ?? 0;
    this.generatePast(opts.past ?? []);
    wss.on('connection', (ws, req) => this.onConnection(ws, req));
    http.on('request', (req, res) => this.onRequest(req, res));
    this.pingTimer = setInterval(() => this.pingAll(), opts.pingIntervalMs ?? 20_000);
    this.setRate(this.rate);
  }

  static async start(opts: FakeBinanceOptions = {}): Promise<FakeBinance> {
    const http = createServer();
    const refused = { status: 0 };
    const wss = new WebSocketServer({
      server: http,
      perMessageDeflate: false,
      verifyClient: (_info, done) => (refused.status ? done(false, refused.status, 'Service unavailable from a restricted location') : done(true)),
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    return new FakeBinance(http, wss, opts, refused);
  }

  /** The trades of `past`, ending now (generated quietly: nobody is connected yet). */
  private generatePast(past: ReadonlyArray<{ ms: number; everyMs: number }>): void {
    const now = Date.now();
    let t = now - past.reduce((a, p) => a + p.ms, 0);
    for (const p of past) {
      const end = t + p.ms;
      for (; t < end; t += p.everyMs) for (const { symbol, trade } of this.gen.step(Math.floor(t), this.stream)) this.record(symbol, trade);
      t = end;
    }
  }

  /** Changes the generation rate (trades per second per symbol); 0 pauses. */
  setRate(rate: number): void {
    this.rate = rate;
    if (this.genTimer) clearInterval(this.genTimer);
    this.genTimer = null;
    if (rate > 0) {
      this.lastGen = Date.now();
      this.owed = 0;
      this.genTimer = setInterval(() => {
        const now = Date.now();
        this.owed += ((now - this.lastGen) / 1000) * this.rate;
        this.lastGen = now;
        const n = Math.floor(this.owed);
        this.owed -= n;
        this.generate(n);
      }, 10);
    }
  }

  /** Generates `n` trades per symbol now and sends them to subscribers (unless skipped). */
  generate(n = 1): void {
    for (let i = 0; i < n; i++) {
      const now = Date.now();
      for (const { symbol, trade } of this.gen.step(now, this.stream)) {
        this.record(symbol, trade);
        const left = this.skip.get(symbol) ?? 0;
        if (left > 0) {
          this.skip.set(symbol, left - 1);
          continue;
        }
        const name = `${symbol.toLowerCase()}@${this.stream}`;
        const data =
          this.stream === 'trade'
            ? { e: 'trade', E: now + 1, s: symbol, t: trade.id, p: trade.price, q: trade.qty, T: trade.time, m: trade.isBuyerMaker, M: true }
            : {
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
                M: true,
              };
        const raw = JSON.stringify(data);
        const key = name.toLowerCase();
        const wrapped = `{"stream":"${name}","data":${raw}}`;
        for (const c of this.clients) if (!c.stalled && c.subs.has(key)) this.send(c, c.combined ? wrapped : raw);
      }
    }
  }

  private record(symbol: string, trade: GeneratedTrade): void {
    const h = this.history.get(symbol)!;
    h.push(trade);
    const limit = this.opts.historyLimit;
    if (limit && h.length > limit * 1.5) h.splice(0, h.length - limit);
  }

  /** Every trade generated for `symbol` (sent or skipped), as the collector should store it. */
  expectedTicks(symbol: string): Tick[] {
    return (this.history.get(symbol.toUpperCase()) ?? []).map((t) => ({
      symbol: symbol.toUpperCase(),
      id: t.id,
      ts: t.time,
      price: Number(t.price),
      qty: Number(t.qty),
      isBuyerMaker: t.isBuyerMaker,
    }));
  }

  /** The raw generated trades of `symbol`. */
  trades(symbol: string): readonly GeneratedTrade[] {
    return this.history.get(symbol.toUpperCase()) ?? [];
  }

  // ---- faults ----

  /** Terminates every WebSocket connection (like a network drop); returns how many. */
  dropConnections(): number {
    const n = this.clients.size;
    for (const c of this.clients) c.ws.terminate();
    return n;
  }

  /** Sends `{"e":"serverShutdown","E":now}` on every connection (and keeps them open). */
  serverShutdown(): void {
    const msg = JSON.stringify({ e: 'serverShutdown', E: Date.now() });
    for (const c of this.clients) this.send(c, msg);
  }

  /** Current connections stop receiving data and pings (they stay open); new ones are normal. */
  stall(): void {
    for (const c of this.clients) c.stalled = true;
  }

  /** Sends each frame as-is on every connection (default: a few kinds of garbage). */
  sendMalformed(
    frames: string[] = [
      '{not json',
      '[1,2,3]',
      '{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":"x","p":"abc","q":"1","T":1,"m":true}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate"}}',
    ],
  ): void {
    for (const c of this.clients) for (const f of frames) this.send(c, f);
  }

  /** The next `n` trades of `symbol` are not sent live (REST still serves them). */
  skipIds(symbol: string, n: number): void {
    this.skip.set(symbol.toUpperCase(), (this.skip.get(symbol.toUpperCase()) ?? 0) + n);
  }

  /**
   * `/api/v3/ticker/24hr` answers `quoteVolume` for `symbol` instead of its trades' (null: its
   * trades' again), so a test can change the top-N ranking.
   */
  setQuoteVolume(symbol: string, quoteVolume: number | null): void {
    if (quoteVolume === null) this.quoteVolumes.delete(symbol.toUpperCase());
    else this.quoteVolumes.set(symbol.toUpperCase(), quoteVolume);
  }

  /** `/api/v3/exchangeInfo` lists `symbol` with this status (BREAK, HALT, ...; null: TRADING again), as a delisting would. */
  setStatus(symbol: string, status: string | null): void {
    if (status === null) this.statuses.delete(symbol.toUpperCase());
    else this.statuses.set(symbol.toUpperCase(), status);
  }
  private readonly statuses = new Map<string, string>();

  /** The next `n` REST requests get HTTP 429 with `Retry-After: retryAfterSec`. */
  fail429(n: number, retryAfterSec = 1): void {
    this.fail429Left = n;
    this.retryAfterSec = retryAfterSec;
  }

  /** From now on `/api/v3/klines` is answered `status` with Binance's error body (0: served again). */
  refuseKlines(status: number): void {
    this.klinesStatus = status;
  }

  /** From now on (true) every REST request's connection is dropped unanswered, as by a dead host; false serves again. */
  restDown(down: boolean): void {
    this.restOff = down;
  }

  /** From now on every REST request and WebSocket handshake is answered `status` (451 or 403); 0 serves again. */
  refuseRegion(status: 451 | 403 | 0 = 451): void {
    this.refused.status = status;
  }

  async stop(): Promise<void> {
    if (this.genTimer) clearInterval(this.genTimer);
    clearInterval(this.pingTimer);
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
    const c: Client = { ws, combined: false, subs: new Set(), stalled: false, awaitingPong: null, msgTimes: [] };
    if (url.pathname === '/stream') {
      c.combined = true;
      for (const s of (url.searchParams.get('streams') ?? '').split('/')) if (s) c.subs.add(s.toLowerCase());
    } else if (url.pathname.startsWith('/ws/')) {
      for (const s of url.pathname.slice(4).split('/')) if (s) c.subs.add(s.toLowerCase());
    } else if (url.pathname !== '/ws') {
      ws.close(1008, 'unknown path');
      return;
    }
    this.clients.add(c);
    this.stats.openConnections = this.clients.size;
    ws.on('pong', () => {
      this.stats.pongsReceived++;
      c.awaitingPong = null;
    });
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
    if (c.msgTimes.length > 5) {
      c.ws.close(1008, 'Too many messages');
      return;
    }
    let req: { method?: unknown; params?: unknown; id?: unknown };
    try {
      req = JSON.parse(text);
    } catch {
      this.send(c, JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }, id: null }));
      return;
    }
    const id = req.id ?? null;
    const params = Array.isArray(req.params) ? (req.params as unknown[]).map((p) => String(p).toLowerCase()) : [];
    switch (req.method) {
      case 'SUBSCRIBE':
        for (const p of params) c.subs.add(p);
        this.send(c, JSON.stringify({ result: null, id }));
        return;
      case 'UNSUBSCRIBE':
        for (const p of params) c.subs.delete(p);
        this.send(c, JSON.stringify({ result: null, id }));
        return;
      case 'LIST_SUBSCRIPTIONS':
        this.send(c, JSON.stringify({ result: [...c.subs], id }));
        return;
      default:
        this.send(c, JSON.stringify({ error: { code: 2, msg: `Invalid request: unknown variant \`${String(req.method)}\`` }, id }));
    }
  }

  private pingAll(): void {
    const now = Date.now();
    const timeout = this.opts.pongTimeoutMs ?? 60_000;
    for (const c of this.clients) {
      if (c.stalled) continue;
      if (c.awaitingPong !== null && now - c.awaitingPong > timeout) {
        c.ws.terminate();
        continue;
      }
      if (c.awaitingPong === null) c.awaitingPong = now;
      c.ws.ping(String(now));
      this.stats.pingsSent++;
    }
  }

  // ---- REST ----

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
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
    if (url.pathname === '/api/v3/ping') return reply(200, {});
    if (url.pathname === '/api/v3/time') return reply(200, { serverTime: Date.now() });
    if (url.pathname === '/api/v3/klines' && this.klinesStatus)
      return reply(this.klinesStatus, { code: this.klinesStatus === 404 ? -1 : -1001, msg: `klines refused by the test (HTTP ${this.klinesStatus})` });
    if (url.pathname === '/api/v3/klines') return this.klines(url, reply);
    // every symbol's last 24 hours (weight 80); the symbols traded (weight 20)
    if (url.pathname === '/api/v3/ticker/24hr') return this.weighted(80, reply, () => tickerRows(this.history, this.quoteVolumes));
    if (url.pathname === '/api/v3/exchangeInfo') return this.weighted(20, reply, () => exchangeInfoBody([...this.history.keys()], this.statuses));
    const kind: FakeStreamKind | null = url.pathname === '/api/v3/aggTrades' ? 'aggTrade' : url.pathname === '/api/v3/historicalTrades' ? 'trade' : null;
    if (!kind) return reply(404, { code: -1, msg: 'Not found' });

    if (this.injected429(reply)) return;
    const budget = this.budget.over(kind === 'aggTrade' ? 4 : 25);
    if (budget) return reply(429, budget.body, budget.headers);
    const used = String(this.budget.use(kind === 'aggTrade' ? 4 : 25));
    tradesPage(url, (symbol) => this.history.get(symbol), kind === this.stream, kind, used, reply);
  }

  /** A request of weight `w` answered with `body()` (./rest.ts), or 429 past the minute's budget. */
  private weighted(w: number, reply: Reply, body: () => unknown): void {
    const budget = this.budget.over(w);
    if (budget) return reply(429, budget.body, budget.headers);
    reply(200, body(), { 'x-mbx-used-weight-1m': String(this.budget.use(w)) });
  }

  /** Answers one of the 429s `fail429` asked for, if any are left; true when it did. */
  private injected429(reply: Reply): boolean {
    if (this.fail429Left <= 0) return false;
    this.fail429Left--;
    reply(
      429,
      { code: -1003, msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE.' },
      { 'retry-after': String(this.retryAfterSec), 'x-mbx-used-weight-1m': String(this.budget.use(0)) },
    );
    return true;
  }

  /** `GET /api/v3/klines` (weight 2), answered as Binance does (errors included). */
  private klines(url: URL, reply: Reply): void {
    if (this.injected429(reply)) return;
    const budget = this.budget.over(2);
    if (budget) return reply(429, budget.body, budget.headers);
    const headers = { 'x-mbx-used-weight-1m': String(this.budget.use(2)) };
    klinesPage(url, (symbol) => this.history.get(symbol), headers, reply);
  }
}

/** USD-M futures are served by a server of their own (./futures.ts), as Binance serves them from other hosts. */
export { startFakeFutures, FakeFutures } from './futures';

/** Starts a fake Binance on 127.0.0.1 (port chosen by the OS unless given). */
export function startFakeBinance(opts: FakeBinanceOptions = {}): Promise<FakeBinance> {
  return FakeBinance.start(opts);
}
