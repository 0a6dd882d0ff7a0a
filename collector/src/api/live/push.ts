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
import { log } from '../../log';
import { barDto } from '../routes/market';
import { assertPair, assertSymbol } from '../query/known';
import { computeSeries } from '../query/series';
import { LIVE_BAR_TIMEFRAMES, type LatestPoint, type LiveServerMessage, type LiveUpdate } from '@quant-pairs/contract';
import { MAX_SUBSCRIPTIONS, MessageError, parseMessage, type PairSub } from './messages';

export const LIVE_PATH = '/api/live';
const MAX_BUFFERED = 1 << 20;

interface Conn {
  ws: WebSocket;
  symbols: Set<string>;
  pairs: Map<string, PairSub>;
  lastSent: string;
  alive: boolean;
}

export interface LivePush {
  /** Connected clients. */
  clients(): number;
  close(): Promise<void>;
}

export function attachLive(server: Server, app: Api, opts: { intervalMs?: number; token?: string | null } = {}): LivePush {
  const ctx: Ctx = app.locals.ctx;
  const check = opts.token ? tokenChecker(opts.token) : null;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const conns = new Set<Conn>();
  const barCursor = new Map<string, number>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== LIVE_PATH) {
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":"no WebSocket endpoint here; use ${LIVE_PATH}"}`);
      return;
    }
    if (check && !check(req.headers.authorization)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":"missing or invalid bearer token"}');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => open(ws));
  };
  server.on('upgrade', onUpgrade);

  const send = (c: Conn, m: LiveServerMessage): void => {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(m));
  };

  function open(ws: WebSocket): void {
    const c: Conn = { ws, symbols: new Set(), pairs: new Map(), lastSent: '', alive: true };
    conns.add(c);
    ws.on('pong', () => (c.alive = true));
    ws.on('message', (data) => void onMessage(c, String(data)));
    ws.on('close', () => conns.delete(c));
    ws.on('error', () => conns.delete(c));
  }

  async function onMessage(c: Conn, text: string): Promise<void> {
    try {
      const m = parseMessage(text);
      for (const s of m.symbols) await assertSymbol(ctx, s, 'symbols');
      for (const p of m.pairs) await assertPair(ctx, p.pair);
      if (m.type === 'subscribe') {
        if (c.symbols.size + c.pairs.size + m.symbols.length + m.pairs.length > MAX_SUBSCRIPTIONS) throw new MessageError(`at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`, 'message');
        for (const s of m.symbols) c.symbols.add(s);
        for (const p of m.pairs) c.pairs.set(p.key, p);
        for (const s of symbolsOf(c)) for (const tf of LIVE_BAR_TIMEFRAMES) if (!barCursor.has(`${s}|${tf}`)) barCursor.set(`${s}|${tf}`, await lastFinalStart(s, tf));
      } else {
        for (const s of m.symbols) c.symbols.delete(s);
        for (const p of m.pairs) c.pairs.delete(p.key);
      }
      c.lastSent = '';
      send(c, { type: 'subscribed', symbols: [...c.symbols], pairs: [...c.pairs.values()].map((p) => ({ pair: p.pair.id, tf: p.tf, window: p.window })) });
    } catch (e) {
      const err = e as Error & { param?: string; status?: number };
      if (!(e instanceof MessageError) && err.status === undefined) log.warn('live message failed', { error: err });
      send(c, { type: 'error', error: err.status === undefined && !(e instanceof MessageError) ? 'internal error' : err.message, param: err.param ?? 'message' });
    }
  }

  const symbolsOf = (c: Conn): Set<string> => {
    const s = new Set(c.symbols);
    for (const p of c.pairs.values()) s.add(p.pair.y).add(p.pair.x);
    return s;
  };

  async function lastFinalStart(symbol: string, tf: Timeframe): Promise<number> {
    const from = ctx.now() - 3 * TIMEFRAME_MS[tf];
    const bars = await ctx.store.bars({ symbol, tf, from });
    const fin = bars.filter((b) => b.final);
    return fin.length ? fin[fin.length - 1]!.start : from;
  }

  async function analyticsPoint(p: PairSub): Promise<{ point: LatestPoint | null; provisional: boolean }> {
    const live = ctx.live?.latest(p.pair.id, p.tf, p.window);
    if (live) return live.provisional ? { point: live.provisional, provisional: true } : { point: live.committed, provisional: false };
    const tfMs = TIMEFRAME_MS[p.tf];
    const to = ctx.now() + tfMs;
    const s = await computeSeries(ctx, { pair: p.pair, tf: p.tf, window: p.window, from: to - 2 * tfMs, to });
    const last = s.points[s.points.length - 1];
    return { point: last ?? null, provisional: s.provisional };
  }

  let running = false;
  async function tick(): Promise<void> {
    if (running || conns.size === 0) return;
    running = true;
    try {
      const memo = new Map<string, Promise<{ point: LatestPoint | null; provisional: boolean }>>();
      for (const c of conns) {
        if (c.ws.bufferedAmount > MAX_BUFFERED) continue;
        const prices: LiveUpdate['prices'] = {};
        for (const s of symbolsOf(c)) {
          const p = await ctx.prices.get(s, ctx.store);
          if (p) prices[s] = p;
        }
        const analytics: LiveUpdate['analytics'] = [];
        for (const p of c.pairs.values()) {
          if (!memo.has(p.key)) memo.set(p.key, analyticsPoint(p));
          const a = await memo.get(p.key)!;
          analytics.push({ pair: p.pair.id, tf: p.tf, window: p.window, point: a.point, provisional: a.provisional });
        }
        const body = JSON.stringify({ prices, analytics });
        if (body === c.lastSent || (Object.keys(prices).length === 0 && analytics.length === 0)) continue;
        c.lastSent = body;
        send(c, { type: 'update', ts: ctx.now(), prices, analytics });
      }
      await pushBars();
    } catch (e) {
      log.warn('live push failed', { error: e as Error });
    } finally {
      running = false;
    }
  }

  /** Pushes 1m / 5m bars that completed since the last push to the subscribers of their symbol. */
  async function pushBars(): Promise<void> {
    const wanted = new Set<string>();
    for (const c of conns) for (const s of symbolsOf(c)) wanted.add(s);
    for (const s of wanted) {
      for (const tf of LIVE_BAR_TIMEFRAMES) {
        const key = `${s}|${tf}`;
        const cursor = barCursor.get(key);
        if (cursor === undefined) continue;
        const done = (await ctx.store.bars({ symbol: s, tf, from: cursor + 1 })).filter((b) => b.final);
        if (!done.length) continue;
        barCursor.set(key, done[done.length - 1]!.start);
        for (const c of conns) if (symbolsOf(c).has(s)) for (const b of done) send(c, { type: 'bar', symbol: s, tf, bar: barDto(b) });
      }
    }
  }

  const timer = setInterval(() => void tick(), opts.intervalMs ?? 500);
  const pinger = setInterval(() => {
    for (const c of conns) {
      if (!c.alive) c.ws.terminate();
      else (c.alive = false), c.ws.ping();
    }
  }, 30_000);

  return {
    clients: () => conns.size,
    async close() {
      clearInterval(timer);
      clearInterval(pinger);
      server.off('upgrade', onUpgrade);
      for (const c of conns) c.ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
