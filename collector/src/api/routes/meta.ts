/** GET /api/health, /api/symbols, /api/pairs: what runs, what is configured, what is stored. */
import type { Router } from 'express';
import { TIMEFRAMES } from '../../domain/timeframe';
import type { Ctx } from '../deps';
import type { HealthKlineSpan, HealthResponse, HealthSymbol, PairInfo, PairsResponse, SymbolBarSpan, SymbolInfo, SymbolsResponse } from '@quant-pairs/contract';
import { storedSymbols } from '../http/known';

/** A tick older than this (seconds) makes the health degraded. */
const STALE_SEC = 60;

export async function health(ctx: Ctx): Promise<HealthResponse> {
  const now = ctx.now();
  const problems: string[] = [];
  let database: HealthResponse['database'];
  try {
    database = await ctx.store.health();
  } catch (e) {
    database = { ok: false, kind: ctx.store.kind, detail: e instanceof Error ? e.message : String(e) };
  }
  if (!database.ok) problems.push(`database: ${database.detail}`);
  const st = ctx.ingest?.status();
  const symbols: HealthSymbol[] = ctx.symbols.map((symbol) => {
    const s = st?.symbols[symbol];
    const seen = s ? (s.lastReceivedAt ?? s.lastTickTs) : null;
    const age = seen === null ? null : Math.max(0, (now - seen) / 1000);
    if (st && (age === null || age > STALE_SEC)) problems.push(`${symbol}: ${age === null ? 'no tick yet' : `last tick ${Math.round(age)} s ago`}`);
    return { symbol, lastTickTs: s?.lastTickTs ?? null, lastTickAgeSec: age };
  });
  if (st && st.wsState !== 'open') problems.push(`websocket ${st.wsState}`);
  if (st?.perp && st.perp.wsState !== 'open') problems.push(`perpetuals' websocket (BINANCE_FUTURES_WS_URL) ${st.perp.wsState}`);
  let klineSpans: HealthKlineSpan[] = [];
  try {
    klineSpans = (await ctx.store.klineSpans()).map((k) => ({ symbol: k.symbol, tf: k.tf, from: k.from, to: k.to, reason: k.reason, bars: k.bars }));
  } catch {
    /* the database problem is reported above */
  }
  const history = ctx.background?.history() ?? [];
  const universe = ctx.background?.universe() ?? null;
  const scanner = ctx.background?.scanner?.() ?? null;
  // Loading is no problem (the API serves what is stored); failing, or failing for now, is.
  for (const h of history)
    if (h.lastError !== null) problems.push(`history ${h.symbol} ${h.part} ${h.state === 'failed' ? 'failed' : 'retrying'}: ${h.lastError}`);
  if (universe?.lastError) problems.push(`universe look-up ${universe.state === 'failed' ? 'failed' : 'retrying'}: ${universe.lastError}`);
  return {
    status: problems.length ? 'degraded' : 'ok',
    problems,
    version: ctx.version,
    uptimeSec: (now - ctx.startedAt) / 1000,
    websocket: st?.wsState ?? 'unknown',
    ...(st?.perp ? { perpWebsocket: st.perp.wsState } : {}),
    reconnects: st?.reconnects ?? 0,
    gapsBackfilled: st?.gapsBackfilled ?? 0,
    backfilledTicks: st?.backfilledTicks ?? 0,
    rejectedMessages: st ? Object.values(st.rejected).reduce((a, b) => a + b, 0) : 0,
    symbols,
    klineSpans,
    history,
    universe,
    scanner,
    database,
  };
}

export function mount(r: Router, ctx: Ctx): void {
  r.get('/api/health', async (_req, res) => {
    const h = await health(ctx);
    res.status(h.database.ok ? 200 : 503).json(h);
  });

  r.get('/api/symbols', async (_req, res) => {
    const [stored, spans] = await Promise.all([ctx.store.symbols(), ctx.store.barSpans()]);
    const out = new Map<string, SymbolInfo>();
    const info = (symbol: string): SymbolInfo => {
      let s = out.get(symbol);
      if (!s) out.set(symbol, (s = { symbol, configured: ctx.symbols.includes(symbol), ticks: 0, firstTs: null, lastTs: null, bars: [] }));
      return s;
    };
    for (const s of ctx.symbols) info(s);
    for (const s of stored) Object.assign(info(s.symbol), { ticks: s.ticks, firstTs: s.firstTs, lastTs: s.lastTs });
    // a symbol loaded only from kline history has bars and no tick: listed all the same
    for (const b of spans) info(b.symbol).bars.push({ tf: b.tf, from: b.from, to: b.to } satisfies SymbolBarSpan);
    const body: SymbolsResponse = { symbols: [...out.values()] };
    res.json(body);
  });

  r.get('/api/pairs', async (_req, res) => {
    const stored = await storedSymbols(ctx);
    const pairs: PairInfo[] = ctx.pairs.map((p) => ({ pair: p.id, y: p.y, x: p.x, configured: true, stored: stored.has(p.y) && stored.has(p.x) }));
    const body: PairsResponse = { pairs, timeframes: [...TIMEFRAMES], windows: [...ctx.windows], entryZ: ctx.entryZ, exitZ: ctx.exitZ };
    res.json(body);
  });
}
