/**
 * The live ingest: one combined-stream WebSocket for all symbols, gap detection by trade id,
 * REST backfill of every gap, and fan-out of new ticks to listeners and to the store's writer.
 *
 *   const ingestor = new Ingestor({ wsUrl, restUrl, symbols: ['BTCUSDT', 'ETHUSDT'], stream: 'trade',
 *                                   sink: writer, lastTradeId: (s) => store.lastTradeId(s) });
 *   ingestor.onTicks((ticks, source) => analytics.push(ticks));
 *   await ingestor.start();
 *   ...
 *   await ingestor.stop();
 *
 * No lost, no duplicated ticks: every symbol has an `IdTracker` (high-water mark + holes). A
 * live id that jumps opens a gap; after a reconnect, symbols whose last id is known are caught
 * up through REST from that id until the server has nothing newer (or live data shows the gap's
 * end). A single backfill worker closes gaps one REST page at a time (`rest.ts` keeps it inside
 * Binance's weight limits). Ids already seen are dropped before listeners and the store see
 * them; the store additionally rejects duplicates by (symbol, id).
 */
import { instrumentOf, isPerp, symbolOf, type Market } from '@quant-pairs/contract';
import type { Tick } from '../domain';
import { log, OnceLogger } from '../log';
import { StreamConnection, type ConnectionOptions } from './connection';
import { IdTracker } from './gaps';
import { parseStreamMessage, type MarkUpdate, type Rejection } from './parse';
import { PAGE_LIMIT, RegionRefusedError, RestClient, reportRefused, type RestClientOptions } from './rest';
import type { IngestSource, IngestStatus, StreamKind, SymbolIngestStatus, TickSource, TicksListener } from './types';

/** Where new ticks go to be stored: the store's batching writer (it flushes on its own). */
interface TickSink {
  write(ticks: readonly Tick[]): void;
}

export interface IngestorOptions {
  /** Base URL, e.g. wss://data-stream.binance.vision */
  wsUrl: string;
  /** Base URL, e.g. https://data-api.binance.vision */
  restUrl: string;
  symbols: readonly string[];
  stream: StreamKind;
  /**
   * The market of every symbol (default spot). `perp`: Binance USD-M, symbols written `BTCUSDT.P`,
   * asked of the futures hosts by their Binance name; `aggTrade` only (futures have no public
   * trade stream), ticks stored under the `.P` name with the aggregate id as their id.
   */
  market?: Market;
  /** perp: every `markPriceUpdate` of `<symbol>@markPrice@1s` (symbol as stored, `.P`); without it the mark streams are not subscribed. */
  onMark?: (symbol: string, mark: MarkUpdate) => void;
  sink: TickSink;
  /** Highest stored id of a symbol (Store.lastTradeId), so a restart backfills what it missed. */
  lastTradeId?: (symbol: string) => Promise<number | null>;
  /**
   * Holes in the stored ids of a symbol from an id up (Store.idGaps), so a restart also
   * backfills a gap whose backfill a crash interrupted; looked at over the last
   * RESUME_SCAN_IDS ids below the last stored one.
   */
  idGaps?: (symbol: string, fromId: number) => Promise<Array<[number, number]>>;
  connection?: Partial<Omit<ConnectionOptions, 'url' | 'onMessage' | 'onOpen'>>;
  rest?: Partial<Omit<RestClientOptions, 'baseUrl' | 'kind' | 'signal'>>;
}

/** How far below the last stored id a restart looks for holes to backfill (200 REST pages). */
const RESUME_SCAN_IDS = 200_000;

/**
 * Streams one connection may carry: Binance spot allows 1024, USD-M futures 200 (a perpetual
 * with marks takes two: aggTrade and markPrice@1s).
 */
const MAX_STREAMS: Readonly<Record<Market, number>> = { spot: 1024, perp: 200 };

/**
 * The combined-stream URL for `symbols` (as stored; Binance's names in the URL):
 * `${base}/stream?streams=btcusdt@trade/ethusdt@trade`; perpetuals with marks add `btcusdt@markPrice@1s`.
 * @throws {Error} naming the setting to change when the streams pass the connection's limit
 */
function combinedStreamUrl(base: string, symbols: readonly string[], stream: StreamKind, market: Market, marks: boolean): string {
  const names = symbols.flatMap((s) => {
    const v = instrumentOf(s).venueSymbol.toLowerCase();
    return market === 'perp' && marks ? [`${v}@${stream}`, `${v}@markPrice@1s`] : [`${v}@${stream}`];
  });
  if (names.length > MAX_STREAMS[market])
    throw new Error(
      `${symbols.length} ${market === 'perp' ? 'perpetuals' : 'symbols'} need ${names.length} streams; one Binance ${market === 'perp' ? 'USD-M futures' : 'spot'} connection carries at most ${MAX_STREAMS[market]}: ingest fewer (PAIRS / UNIVERSE / SYMBOLS)`,
    );
  return `${base.replace(/\/+$/, '')}/stream?streams=${names.join('/')}`;
}

interface SymbolState extends SymbolIngestStatus {
  tracker: IdTracker;
  /** After a reconnect, until live data or REST shows what was missed. */
  catchUp: boolean;
  /** Backfill delivered ticks since the symbol was last complete. */
  backfilling: boolean;
  /** The first tick delivered since start, and whether the symbol had a stored id then. */
  first: { ts: number; id: number } | null;
  resumed: boolean;
}

function newSymbolState(): SymbolState {
  return {
    tracker: new IdTracker(),
    catchUp: false,
    backfilling: false,
    first: null,
    resumed: false,
    ticks: 0,
    lastTickTs: null,
    lastReceivedAt: null,
    lastId: null,
  };
}

export class Ingestor implements IngestSource {
  /** Ticks dropped because their id had been seen already (reconnect overlap, backfill overlap). */
  duplicatesDropped = 0;
  private readonly listeners = new Set<TicksListener>();
  private readonly once = new OnceLogger();
  private readonly state = new Map<string, SymbolState>();
  private readonly conn: StreamConnection;
  private readonly rest: RestClient;
  /** Set when Binance refused the REST host (451 / 403): backfill stops for good. */
  private restRefused: RegionRefusedError | null = null;
  /** Symbols whose REST backfill waits for history's outage repair (see hold). */
  private readonly held = new Set<string>();
  private readonly abort = new AbortController();
  private gapsBackfilled = 0;
  private backfilledTicks = 0;
  private worker: Promise<void> | null = null;
  private stopped = false;

  private readonly market: Market;

  constructor(private readonly opts: IngestorOptions) {
    if (opts.symbols.length === 0) throw new Error('Ingestor needs at least one symbol');
    this.market = opts.market ?? 'spot';
    if (this.market === 'perp' && opts.stream !== 'aggTrade')
      throw new Error('perpetuals are ingested from aggTrade (USD-M futures have no public trade stream)');
    for (const s of opts.symbols) {
      const sym = s.toUpperCase();
      if (instrumentOf(sym).market !== this.market) throw new Error(`${sym} is not a ${this.market} symbol; this ingestor reads the ${this.market} market`);
      this.state.set(sym, newSymbolState());
    }
    this.conn = new StreamConnection({
      ...opts.connection,
      url: this.streamUrl(),
      onMessage: (text) => this.onMessage(text),
      onOpen: (reconnect) => this.onOpen(reconnect),
      ...(this.market === 'perp' ? { setting: 'BINANCE_FUTURES_WS_URL' as const } : {}),
    });
    this.rest = new RestClient({
      ...opts.rest,
      baseUrl: opts.restUrl.replace(/\/+$/, ''),
      kind: opts.stream,
      signal: this.abort.signal,
      api: this.market === 'perp' ? 'futures' : 'spot',
    });
  }

  private streamUrl(): string {
    return combinedStreamUrl(this.opts.wsUrl, [...this.state.keys()], this.opts.stream, this.market, this.opts.onMark !== undefined);
  }

  /** Registers a listener for new ticks (live, backfill); returns a function that removes it. */
  onTicks(listener: TicksListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads each symbol's last stored id, then connects. */
  async start(): Promise<void> {
    if (this.opts.lastTradeId) {
      for (const [symbol, st] of this.state) {
        const id = await this.opts.lastTradeId(symbol);
        if (id !== null) {
          st.tracker.high = id;
          st.lastId = id;
          st.resumed = true;
          if (this.opts.idGaps) {
            const holes = await this.opts.idGaps(symbol, Math.max(0, id - RESUME_SCAN_IDS));
            for (const [a, b] of holes) if (a <= b && b < id) st.tracker.gaps.push([a, b]);
            if (holes.length) log.info('stored ids have holes; backfilling them', { symbol, holes: holes.length, ids: st.tracker.missing() });
          }
        }
      }
    }
    this.conn.start();
  }

  /**
   * Changes the ingested symbols at run time (UNIVERSE=top:N refreshed): symbols no longer
   * wanted are dropped, new ones start from their last stored id (so what history stored for
   * them is continued, not repeated), and the combined stream is re-opened with the new list.
   * The re-open is a reconnect: every kept symbol is caught up through REST from its last id,
   * so no tick of a kept symbol is lost across the switch.
   */
  async setSymbols(symbols: readonly string[]): Promise<{ added: string[]; removed: string[] }> {
    const want = [...new Set(symbols.map((s) => s.toUpperCase()))];
    if (want.length === 0) throw new Error('Ingestor needs at least one symbol');
    const removed = [...this.state.keys()].filter((s) => !want.includes(s));
    const added = want.filter((s) => !this.state.has(s));
    const fresh = new Map<string, SymbolState>();
    for (const s of added) {
      const st = newSymbolState();
      const id = this.opts.lastTradeId ? await this.opts.lastTradeId(s) : null;
      if (id !== null) st.tracker.high = st.lastId = id;
      fresh.set(s, st);
    }
    for (const s of removed) this.state.delete(s);
    for (const [s, st] of fresh) this.state.set(s, st);
    this.conn.setUrl(this.streamUrl());
    return { added, removed };
  }

  /**
   * History loaded beside the ingest: `hold` keeps the REST backfill of `symbols` waiting (live
   * ticks go on) while history decides whether part of their outage comes from klines, so no
   * trade the klines stand for is also stored as a tick; `release` lets it go on.
   */
  hold(symbols: readonly string[]): void {
    for (const s of symbols) if (this.state.has(s.toUpperCase())) this.held.add(s.toUpperCase());
  }

  release(symbol: string): void {
    if (this.held.delete(symbol.toUpperCase())) this.kick();
  }

  /** The first tick delivered for `symbol` since start (live ticks from there on are the ingest's), or null. */
  firstDelivered(symbol: string): { ts: number; id: number } | null {
    return this.state.get(symbol.toUpperCase())?.first ?? null;
  }

  /**
   * History stored every trade of `symbol` up to id `throughId` (ticks, or klines standing for
   * them): the backfill does not fetch those again, and continues from there; a symbol started
   * fresh whose live ticks begin further up gets the ids in between backfilled.
   */
  historyStored(symbol: string, throughId: number): void {
    const st = this.state.get(symbol.toUpperCase());
    if (!st) return;
    const wasFresh = st.tracker.high === null;
    st.tracker.coverThrough(throughId);
    if (wasFresh) st.catchUp = true;
    else if (!st.resumed && st.first && throughId + 1 < st.first.id) st.tracker.missBelow(throughId + 1, st.first.id - 1);
    st.lastId = st.tracker.high;
    this.kick();
  }

  /** Closes the connection and stops backfill; the sink still holds what it was given. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.conn.stop();
    await this.worker?.catch(() => undefined);
  }

  status(): IngestStatus {
    const symbols: Record<string, SymbolIngestStatus> = {};
    for (const [s, st] of this.state) symbols[s] = { ticks: st.ticks, lastTickTs: st.lastTickTs, lastReceivedAt: st.lastReceivedAt, lastId: st.tracker.high };
    return {
      wsState: this.conn.state,
      connectedSince: this.conn.connectedSince,
      reconnects: this.conn.reconnects,
      gapsBackfilled: this.gapsBackfilled,
      backfilledTicks: this.backfilledTicks,
      rejected: Object.fromEntries(this.once.counts),
      symbols,
    };
  }

  /** Ids still missing across all symbols (gaps known but not yet backfilled). */
  missing(): number {
    let n = 0;
    for (const st of this.state.values()) n += st.tracker.missing();
    return n;
  }

  /** True when no gap is open and no catch-up or backfill is pending. */
  isComplete(): boolean {
    for (const st of this.state.values()) if (st.catchUp || st.tracker.gaps.length > 0) return false;
    return true;
  }

  private onOpen(reconnect: boolean): void {
    // After a reconnect (or a restart with stored data) ticks may have been missed that no
    // later live tick will reveal: catch up from the last known id.
    if (!reconnect && !this.opts.lastTradeId) return;
    for (const st of this.state.values()) if (st.tracker.high !== null) st.catchUp = true;
    this.kick();
  }

  private onMessage(text: string): void {
    const m = parseStreamMessage(text);
    switch (m.type) {
      case 'tick': {
        // a perpetual's events name it as Binance does (BTCUSDT): stored as BTCUSDT.P
        if (this.market === 'perp') {
          if (isPerp(m.tick.symbol)) return this.reject({ type: 'rejected', kind: 'unexpected-symbol', detail: m.tick.symbol });
          m.tick.symbol = symbolOf(m.tick.symbol, 'perp');
        }
        const st = this.state.get(m.tick.symbol);
        if (!st) return this.reject({ type: 'rejected', kind: 'unexpected-symbol', detail: m.tick.symbol });
        if (m.kind !== this.opts.stream) return this.reject({ type: 'rejected', kind: `unexpected-stream-${m.kind}`, detail: m.stream ?? '' });
        st.catchUp = false;
        if (!st.tracker.accept(m.tick.id)) {
          this.duplicatesDropped++;
          return;
        }
        const batch = [m.tick];
        this.deliver(st, batch, 'live');
        if (st.tracker.gaps.length > 0) this.kick();
        return;
      }
      case 'mark': {
        const symbol = this.market === 'perp' ? symbolOf(m.mark.symbol, 'perp') : m.mark.symbol;
        if (!this.state.has(symbol) || !this.opts.onMark) return this.reject({ type: 'rejected', kind: 'unexpected-markPrice', detail: symbol });
        return this.opts.onMark(symbol, m.mark);
      }
      case 'serverShutdown':
        log.info('binance announced serverShutdown', { eventTime: m.eventTime });
        this.conn.reconnectNow('serverShutdown');
        return;
      case 'result':
        log.debug('ws request answered', { id: m.id as number, result: m.result });
        return;
      case 'error':
        return this.reject({ type: 'rejected', kind: 'request-error', detail: `${String(m.code)} ${m.msg}` });
      case 'rejected':
        return this.reject(m);
    }
  }

  private reject(r: Rejection): void {
    this.once.warn(r.kind, 'binance message rejected', { detail: r.detail });
  }

  private deliver(st: SymbolState, ticks: readonly Tick[], source: TickSource): void {
    const now = Date.now();
    st.ticks += ticks.length;
    st.lastReceivedAt = now;
    for (const t of ticks) if (st.lastTickTs === null || t.ts > st.lastTickTs) st.lastTickTs = t.ts;
    st.lastId = st.tracker.high;
    if (st.first === null && ticks.length > 0) st.first = { ts: ticks[0]!.ts, id: ticks[0]!.id };
    for (const l of this.listeners) {
      try {
        l(ticks, source);
      } catch (e) {
        this.once.warn('listener-error', 'a tick listener threw; the ingest goes on', { err: e as Error });
      }
    }
    this.opts.sink.write(ticks);
  }

  private kick(): void {
    if (this.worker || this.stopped || this.restRefused) return;
    this.worker = this.backfill()
      .catch((e: unknown) => {
        if (e instanceof RegionRefusedError) {
          // Final: one error line naming the setting, and no more REST requests.
          if (!this.restRefused) reportRefused(e);
          this.restRefused = e;
          return;
        }
        // Counted in status().rejected['backfill-failed']; logged once, then retried every 5 s.
        if (!this.stopped) this.once.warn('backfill-failed', 'gap backfill failed; retrying', { error: (e as Error).message });
        log.debug('gap backfill failed', { err: e as Error });
      })
      .finally(() => {
        this.worker = null;
        if (!this.stopped && !this.restRefused && !this.isComplete()) setTimeout(() => this.kick(), 5_000).unref();
      });
  }

  private async backfill(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const next = [...this.state].find(([s, st]) => !this.held.has(s) && (st.tracker.gaps.length > 0 || st.catchUp));
      if (!next) return;
      const [symbol, st] = next;
      const gap = st.tracker.gaps[0];
      const fromId = gap ? gap[0] : st.tracker.high! + 1;
      const page = await this.rest.page(symbol, fromId, PAGE_LIMIT);
      for (const r of page.rejected) this.reject(r);
      const fresh = page.ticks.filter((t) => t.id >= fromId && st.tracker.accept(t.id));
      this.duplicatesDropped += page.ticks.length - fresh.length;
      if (gap) {
        // The server starts its answer at the lowest id it still has: ids before that are gone.
        const first = page.ticks.length ? Math.min(...page.ticks.map((t) => t.id)) : gap[1] + 1;
        const gone = st.tracker.abandonBelow(first);
        if (gone > 0) this.once.warn('gap-unfillable', 'binance REST does not serve these trade ids; they are lost', { symbol, fromId, ids: gone });
      } else if (page.received < PAGE_LIMIT) {
        st.catchUp = false;
      }
      if (fresh.length) {
        st.backfilling = true;
        this.backfilledTicks += fresh.length;
        this.deliver(st, fresh, 'backfill');
      }
      if (st.tracker.gaps.length === 0 && !st.catchUp && st.backfilling) {
        st.backfilling = false;
        this.gapsBackfilled++;
        log.info('gap backfilled', { symbol, upToId: st.tracker.high });
      }
    }
  }
}
