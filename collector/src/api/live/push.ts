/**
 * Live push over WebSocket at `/api/live` (attach with `attachLive(server, app)`).
 *
 *   -> {"type":"subscribe","symbols":["BTCUSDT"],"pairs":[{"pair":"ETHUSDT/BTCUSDT","tf":"1m","window":100}]}
 *   <- {"type":"subscribed","symbols":[...],"pairs":[...]}                  (the connection's whole set)
 *   <- {"type":"update","ts":...,"prices":{"BTCUSDT":{"price","ts"}},"analytics":[{pair,tf,window,point,provisional}]}
 *   <- {"type":"bar","symbol":"BTCUSDT","tf":"1m","bar":{...}}            (a 1m / 5m bar completed)
 *   <- {"type":"error","error":"...","param":"..."}                        (bad message; nothing changed)
 *
 * Every 500 ms each connection gets one `update` with the latest price of every subscribed
 * symbol (and of both legs of every subscribed pair) and the latest analytics point of every
 * subscribed pair / tf / window, when any of it changed since its last update. Updates are
 * snapshots: a client whose socket buffer is full skips one rather than queueing. With
 * API_TOKEN set the upgrade request needs `Authorization: Bearer <token>` (401 otherwise).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { TIMEFRAME_MS, type Timeframe } from '../../domain/timeframe';
import type { Api } from '../app';
import type { Ctx } from '../deps';
import { tokenChecker } from '../http/auth';
import { clientAddress, type TrustFn } from '../http/client-address';
import { log } from '../../log';
import { barDto } from '../routes/market';
import { assertPair, assertSymbol } from '../http/known';
import type { LivePoint as PointOf } from '../../serving';
import { LIVE_BAR_TIMEFRAMES, type LiveServerMessage, type LiveUpdate } from '@quant-pairs/contract';
import { MAX_SUBSCRIPTIONS } from '@quant-pairs/contract/requests';
import { MessageError, parseMessage, type PairSub, type ParsedMessage } from './messages';

const LIVE_PATH = '/api/live';
const MAX_BUFFERED = 1 << 20;

interface Conn {
  ws: WebSocket;
  symbols: Set<string>;
  pairs: Map<string, PairSub>;
  lastSent: string;
  alive: boolean;
  /** Subscriptions whose point could not be computed, with the error last logged for each (logged once, not every push). */
  failing: Map<string, string>;
}

export interface LivePush {
  /** Connected clients. */
  clients(): number;
  close(): Promise<void>;
}

/** Wires the push to `server`: the upgrade gate, the update timer and the keep-alive pings. */
export function attachLive(
  server: Server,
  app: Api,
  opts: { intervalMs?: number; token?: string | null; connectionsPerClient?: number | null } = {},
): LivePush {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const hub = new LiveHub(app.locals.ctx, app.locals.metrics.liveRound);
  const onUpgrade = upgradeGate(opts.token ? tokenChecker(opts.token) : null, opts.connectionsPerClient ?? null, app.locals.trust, (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => hub.open(ws)),
  );
  server.on('upgrade', onUpgrade);
  const timer = setInterval(() => void hub.tick(), opts.intervalMs ?? 500);
  const pinger = setInterval(() => hub.ping(), 30_000);
  return {
    clients: () => hub.conns.size,
    async close() {
      clearInterval(timer);
      clearInterval(pinger);
      server.off('upgrade', onUpgrade);
      hub.terminateAll();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

/**
 * The HTTP upgrade handler: 404 off LIVE_PATH, 401 without the token, 429 when the client address
 * already holds `perClient` connections (LIVE_CONNECTIONS; counted until each socket closes; the
 * client as http/client-address.ts reads it, behind TRUST_PROXY's proxies too), else `accept`.
 */
function upgradeGate(
  check: ((header: string | undefined) => boolean) | null,
  perClient: number | null,
  trust: TrustFn | null,
  accept: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
) {
  const held = new Map<string, number>();
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Node's HTTP server stops handling an upgraded socket's errors: without this, a client that
    // resets the connection while we refuse it (a wrong token, then RST) was an uncaught
    // ECONNRESET, which ends the process
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== LIVE_PATH) {
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":"no WebSocket endpoint here; use ${LIVE_PATH}"}`,
      );
      return;
    }
    if (check && !check(req.headers.authorization)) {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":"missing or invalid bearer token"}',
      );
      return;
    }
    if (perClient !== null) {
      const client = clientAddress(req, trust);
      const n = held.get(client) ?? 0;
      if (n >= perClient) {
        const body = JSON.stringify({ error: `too many live connections: this address holds ${n} (LIVE_CONNECTIONS=${perClient}); close one first` });
        socket.end(
          `HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      held.set(client, n + 1);
      socket.once('close', () => {
        const left = (held.get(client) ?? 1) - 1;
        if (left > 0) held.set(client, left);
        else held.delete(client);
      });
    }
    accept(req, socket, head);
  };
}

function send(c: Conn, m: LiveServerMessage): void {
  if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(m));
}

/** Every symbol a connection follows: its own and both legs of each of its pairs. */
function symbolsOf(c: Conn): Set<string> {
  const s = new Set(c.symbols);
  for (const p of c.pairs.values()) s.add(p.pair.y).add(p.pair.x);
  return s;
}

/** The start of the last final bar of `symbol` / `tf` (or a few bars back): where bar pushes begin. */
async function lastFinalStart(ctx: Ctx, symbol: string, tf: Timeframe): Promise<number> {
  const from = ctx.now() - 3 * TIMEFRAME_MS[tf];
  const bars = await ctx.store.bars({ symbol, tf, from });
  const fin = bars.filter((b) => b.final);
  return fin.length ? fin[fin.length - 1]!.start : from;
}

/** The hedge of a subscription in what is sent back: absent for ols, so those messages stay as they were. */
const hedgeOf = (p: PairSub) => (p.hedge.hedge === 'ols' ? {} : { hedge: p.hedge });

/** The connections, their subscriptions and the bar cursors; answers messages and pushes updates and bars. */
class LiveHub {
  readonly conns = new Set<Conn>();
  private readonly barCursor = new Map<string, number>();
  private running = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly roundTime: { observe(seconds: number): void },
  ) {}

  open(ws: WebSocket): void {
    const c: Conn = { ws, symbols: new Set(), pairs: new Map(), lastSent: '', alive: true, failing: new Map() };
    this.conns.add(c);
    ws.on('pong', () => (c.alive = true));
    ws.on('message', (data) => void this.onMessage(c, String(data)));
    ws.on('close', () => this.conns.delete(c));
    ws.on('error', () => this.conns.delete(c));
  }

  /** A subscribe / unsubscribe message: applied whole and answered with the connection's set, or an error changing nothing. */
  private async onMessage(c: Conn, text: string): Promise<void> {
    // A client that sends but does not read: its answers would queue here without bound (the
    // Live fuzzer's slow readers); it is dropped once a MAX_BUFFERED backlog waits for it.
    if (c.ws.bufferedAmount > MAX_BUFFERED) {
      c.ws.terminate();
      return;
    }
    try {
      const m = parseMessage(text);
      for (const s of m.symbols) await assertSymbol(this.ctx, s, 'symbols');
      for (const p of m.pairs) await assertPair(this.ctx, p.pair);
      if (m.type === 'subscribe') await this.subscribe(c, m);
      else this.unsubscribe(c, m);
      c.lastSent = '';
      send(c, {
        type: 'subscribed',
        symbols: [...c.symbols],
        pairs: [...c.pairs.values()].map((p) => ({ pair: p.pair.id, tf: p.tf, window: p.window, ...hedgeOf(p) })),
      });
    } catch (e) {
      const err = e as Error & { param?: string; status?: number };
      if (!(e instanceof MessageError) && err.status === undefined) log.warn('live message failed', { error: err });
      send(c, {
        type: 'error',
        error: err.status === undefined && !(e instanceof MessageError) ? 'internal error' : err.message,
        param: err.param ?? 'message',
      });
    }
  }

  private async subscribe(c: Conn, m: ParsedMessage): Promise<void> {
    if (c.symbols.size + c.pairs.size + m.symbols.length + m.pairs.length > MAX_SUBSCRIPTIONS)
      throw new MessageError(`at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`, 'message');
    for (const s of m.symbols) c.symbols.add(s);
    for (const p of m.pairs) c.pairs.set(p.key, p);
    for (const s of symbolsOf(c))
      for (const tf of LIVE_BAR_TIMEFRAMES) if (!this.barCursor.has(`${s}|${tf}`)) this.barCursor.set(`${s}|${tf}`, await lastFinalStart(this.ctx, s, tf));
  }

  private unsubscribe(c: Conn, m: ParsedMessage): void {
    for (const s of m.symbols) c.symbols.delete(s);
    for (const p of m.pairs) c.pairs.delete(p.key);
  }

  /** One push round: an update to every connection whose numbers changed, then completed bars. */
  async tick(): Promise<void> {
    if (this.running || this.conns.size === 0) return;
    this.running = true;
    const t0 = process.hrtime.bigint();
    try {
      const memo = new Map<string, Promise<PointOf>>();
      // Each connection on its own: one that fails (its store read, its send) does not stop the
      // updates of the connections after it.
      for (const c of this.conns) {
        if (c.ws.bufferedAmount > MAX_BUFFERED) continue;
        try {
          await this.update(c, memo);
          c.failing.delete('');
        } catch (e) {
          this.failed(c, '', e);
        }
      }
      await this.pushBars();
    } catch (e) {
      log.warn('live push failed', { error: e as Error });
    } finally {
      this.running = false;
      this.roundTime.observe(Number(process.hrtime.bigint() - t0) / 1e9);
    }
  }

  /** Sends `c` its prices and analytics points unless nothing changed since its last update. */
  private async update(c: Conn, memo: Map<string, Promise<PointOf>>): Promise<void> {
    const prices: LiveUpdate['prices'] = {};
    for (const s of symbolsOf(c)) {
      const p = await this.ctx.serving.price(s);
      if (p) prices[s] = p;
    }
    const analytics: LiveUpdate['analytics'] = [];
    for (const p of c.pairs.values()) {
      if (!memo.has(p.key)) memo.set(p.key, this.ctx.serving.latest({ pair: p.pair, tf: p.tf, window: p.window, hedge: p.hedge }));
      let a: PointOf;
      try {
        a = await memo.get(p.key)!;
        c.failing.delete(p.key);
      } catch (e) {
        // This subscription's point is unknown this round (null); the others still go out.
        this.failed(c, p.key, e);
        a = { point: null, provisional: false };
      }
      analytics.push({
        pair: p.pair.id,
        tf: p.tf,
        window: p.window,
        ...hedgeOf(p),
        point: a.point,
        provisional: a.provisional,
        ...(a.position ? { position: a.position } : {}),
        ...(a.ou !== undefined ? { ou: a.ou } : {}),
      });
    }
    const body = JSON.stringify({ prices, analytics });
    if (body === c.lastSent || (Object.keys(prices).length === 0 && analytics.length === 0)) return;
    c.lastSent = body;
    send(c, { type: 'update', ts: this.ctx.now(), prices, analytics });
  }

  /** Logs a failed update of `c` (`key`: the subscription, '' for the whole connection) once until its error changes. */
  private failed(c: Conn, key: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    if (c.failing.get(key) === message) return;
    c.failing.set(key, message);
    log.warn('live update failed', { subscription: key || undefined, error: e as Error });
  }

  /** Pushes 1m / 5m bars that completed since the last push to the subscribers of their symbol. */
  private async pushBars(): Promise<void> {
    const wanted = new Set<string>();
    for (const c of this.conns) for (const s of symbolsOf(c)) wanted.add(s);
    for (const s of wanted) {
      for (const tf of LIVE_BAR_TIMEFRAMES) {
        const key = `${s}|${tf}`;
        const cursor = this.barCursor.get(key);
        if (cursor === undefined) continue;
        const done = (await this.ctx.store.bars({ symbol: s, tf, from: cursor + 1 })).filter((b) => b.final);
        if (!done.length) continue;
        this.barCursor.set(key, done[done.length - 1]!.start);
        for (const c of this.conns) if (symbolsOf(c).has(s)) for (const b of done) send(c, { type: 'bar', symbol: s, tf, bar: barDto(b) });
      }
    }
  }

  /** Keep-alive: a connection that did not answer the last ping is dropped, the others pinged. */
  ping(): void {
    for (const c of this.conns) {
      if (!c.alive) c.ws.terminate();
      else {
        c.alive = false;
        c.ws.ping();
      }
    }
  }

  terminateAll(): void {
    for (const c of this.conns) c.ws.terminate();
  }
}
