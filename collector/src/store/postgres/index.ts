/**
 * The scale-out store: PostgreSQL through `pg` (a pool of connections). Several collectors,
 * each ingesting its own share of the symbols, write to one database, and any number of API
 * instances read from it; bars of a pair whose legs come from different collectors are in the
 * same tables, so analytics work unchanged.
 *
 *   const store = await openPostgresStore({ url: process.env.DATABASE_URL! });
 *
 * One batch = one transaction: ticks go in as one `INSERT ... SELECT FROM unnest(arrays)
 * ON CONFLICT (sid, id) DO NOTHING RETURNING` (one round trip, whatever the batch size; the
 * RETURNING rows say exactly which ticks were new), then one upsert of every touched bar, then
 * the per-symbol counters. Bars merge by the same exact rule as SQLite (../bars.ts), so two
 * collectors writing the same symbol by mistake still produce correct bars. Rows are written
 * in key order so concurrent batches do not deadlock; if the server still aborts one, the
 * TickWriter retries it.
 *
 * Schema: ./migrations.ts. Every query is a named (server-side prepared) statement.
 */
import pg from 'pg';
import { TIMEFRAME_MS, type Bar, type Tick, type Timeframe } from '../../domain';
import { log } from '../../log';
import { BatchGrouper, firstOfEachId, tickSpan } from '../batch';
import { accumulateBars, retentionCut, type PartialBar } from '../bars';
import {
  barSpansOf,
  collect,
  klineBarColumns,
  klineSpanOf,
  withoutCovered,
  pageBars,
  pageCloses,
  pageTicks,
  readPaging,
  symbolSummary,
  type BarPageOptions,
  type BarRow,
  type BarSpanRow,
  type KlineSpanRow,
  type SymbolRow,
  type TickRow,
} from '../rows';
import type { ScanHistoryPoint } from '@quant-pairs/contract';
import { historyPointOf, scanPairValues, scanRowOf, sortScanRows, SCAN_DELETE_CHUNK, SCAN_PAIR_COLUMNS, type ScanPairRow } from '../scans';
import type {
  BarCloses,
  BarQuery,
  BarSpan,
  CommonStoreOptions,
  FundingEvent,
  InsertResult,
  KlineSpan,
  MarkPoint,
  PerpQuery,
  ScanHistoryQuery,
  Store,
  StoredAlert,
  StoredScan,
  StoreHealth,
  SymbolSummary,
  TickQuery,
} from '../store';
import { postgresPerp } from './perp';
import { lost, migrate, redactUrl, watchConnections } from './connection';
import { CLOSES_RANGE_SQL, arr, q, types, type Queryable } from './sql';

export interface PostgresStoreOptions extends CommonStoreOptions {
  /** Connection string, e.g. postgres://user:pass@host:5432/quant (DATABASE_URL). */
  url: string;
  /** Connections in the pool. Default 4. */
  poolSize?: number;
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store & { readonly url: string }> {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 4, types, application_name: 'quant-pairs collector' });
  watchConnections(pool);
  try {
    const version = await migrate(pool);
    const server = (await q<{ v: string }>(pool, 'ping', ['server_version'])).rows[0]!.v;
    return new PostgresStore(pool, opts, version, server);
  } catch (e) {
    await pool.end();
    throw new Error(`PostgreSQL store at ${redactUrl(opts.url)}: ${(e as Error).message}`);
  }
}

class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly url: string;
  private readonly paging: BarPageOptions;
  private readonly grouper = new BatchGrouper('postgres');
  private readonly sidBySymbol = new Map<string, number>();
  private closed = false;
  private readonly perp: ReturnType<typeof postgresPerp>;

  constructor(
    private readonly pool: pg.Pool,
    opts: PostgresStoreOptions,
    private readonly schemaVersion: number,
    private readonly serverVersion: string,
  ) {
    this.url = redactUrl(opts.url);
    this.paging = readPaging(opts, () => this.closed);
    this.perp = postgresPerp(pool);
  }

  private open(): void {
    if (this.closed) throw new Error('the PostgreSQL store is closed');
  }

  /** sids of the given symbols, registering new ones (outside the batch transaction: a symbol row is harmless on its own). */
  private async sids(symbols: readonly string[]): Promise<void> {
    const missing = symbols.filter((s) => !this.sidBySymbol.has(s));
    if (missing.length === 0) return;
    await q(this.pool, 'addSymbols', [missing]);
    for (const r of (await q<{ sid: number; symbol: string }>(this.pool, 'sidsOf', [missing])).rows) this.sidBySymbol.set(r.symbol, r.sid);
  }

  /** The sid of a symbol other processes may have added; undefined if unknown. */
  private async knownSid(symbol: string): Promise<number | undefined> {
    if (!this.sidBySymbol.has(symbol)) {
      for (const r of (await q<{ sid: number; symbol: string }>(this.pool, 'sidsOf', [[symbol]])).rows) this.sidBySymbol.set(r.symbol, r.sid);
    }
    return this.sidBySymbol.get(symbol);
  }

  private async tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    // Its 'error' events go to the listener every connection has (watchConnections).
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const r = await work(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      try {
        await c.query('ROLLBACK');
      } catch (e2) {
        broken = e2 as Error; // the connection itself failed: do not return it to the pool
      }
      throw e;
    } finally {
      c.release(broken ?? (lost.has(c) ? new Error('connection lost') : undefined));
    }
  }

  async insertTicks(ticks: readonly Tick[]): Promise<InsertResult> {
    this.open();
    if (ticks.length === 0) return { inserted: 0, duplicates: 0, invalid: 0 };
    const { groups, invalid } = this.grouper.group(ticks);
    if (groups.size === 0) return { inserted: 0, duplicates: 0, invalid };
    await this.sids([...groups.keys()]);
    // Repeats inside the batch are dropped here, so the database sees each (sid, id) once and
    // RETURNING identifies the stored tick unambiguously. Rows go in (sid, id) order.
    let duplicates = 0;
    const bySid: [number, Tick[]][] = [];
    for (const [symbol, g] of groups) {
      const { unique, repeats } = firstOfEachId(g);
      duplicates += repeats;
      bySid.push([this.sidBySymbol.get(symbol)!, unique.sort((a, b) => a.id - b.id)]);
    }
    bySid.sort((a, b) => a[0] - b[0]);
    const cols = { sid: [] as number[], id: [] as number[], ts: [] as number[], price: [] as number[], qty: [] as number[], bm: [] as boolean[] };
    for (const [sid, g] of bySid) {
      for (const t of g) {
        cols.sid.push(sid);
        cols.id.push(t.id);
        cols.ts.push(t.ts);
        cols.price.push(t.price);
        cols.qty.push(t.qty);
        cols.bm.push(t.isBuyerMaker);
      }
    }
    const sent = cols.sid.length;
    return this.tx(async (c) => {
      const res = await q<{ sid: number; id: number }>(c, 'insertTicks', [
        arr(cols.sid),
        arr(cols.id),
        arr(cols.ts),
        arr(cols.price),
        arr(cols.qty),
        arr(cols.bm),
      ]);
      const newIds = new Map<number, Set<number>>();
      for (const r of res.rows) {
        let s = newIds.get(r.sid);
        if (!s) newIds.set(r.sid, (s = new Set()));
        s.add(r.id);
      }
      const stored: Tick[] = [];
      const stats: (number | null)[][] = [[], [], [], [], []];
      for (const [sid, g] of bySid) {
        const ids = newIds.get(sid);
        if (!ids) continue;
        const fresh = g.filter((t) => ids.has(t.id));
        for (const t of fresh) stored.push(t);
        const { minTs, maxTs, maxId } = tickSpan(fresh);
        stats[0]!.push(sid);
        stats[1]!.push(fresh.length);
        stats[2]!.push(minTs);
        stats[3]!.push(maxTs);
        stats[4]!.push(maxId);
      }
      if (stored.length > 0) {
        await this.upsertBars(c, accumulateBars(stored));
        await q(
          c,
          'bumpSymbols',
          stats.map((s) => arr(s as number[])),
        );
      }
      return { inserted: stored.length, duplicates: duplicates + (sent - stored.length), invalid };
    });
  }

  private async upsertBars(c: Queryable, partials: PartialBar[]): Promise<void> {
    const rows = partials
      .map((b) => [this.sidBySymbol.get(b.symbol)!, TIMEFRAME_MS[b.tf], b] as const)
      .sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2].start - y[2].start);
    const cols: number[][] = Array.from({ length: 14 }, () => []);
    for (const [sid, tf, b] of rows) {
      const v = [sid, tf, b.start, b.open, b.openTs, b.openId, b.high, b.low, b.close, b.closeTs, b.closeId, b.volume, b.quoteVolume, b.trades];
      for (let i = 0; i < 14; i++) cols[i]!.push(v[i]!);
    }
    if (rows.length > 0) await q(c, 'upsertBars', cols.map(arr));
  }

  async insertKlineBars(bars: readonly Bar[]): Promise<number> {
    this.open();
    if (bars.length === 0) return 0;
    await this.sids([...new Set(bars.map((b) => b.symbol))]);
    const cols: number[][] = Array.from({ length: 14 }, () => []);
    for (const b of bars) {
      const v = [this.sidBySymbol.get(b.symbol)!, ...klineBarColumns(b)];
      for (let i = 0; i < 14; i++) cols[i]!.push(v[i]!);
    }
    return (await q(this.pool, 'insertKlineBars', cols.map(arr))).rowCount ?? 0;
  }

  async addKlineSpan(k: KlineSpan): Promise<void> {
    this.open();
    await this.sids([k.symbol]);
    await q(this.pool, 'addKlineSpan', [this.sidBySymbol.get(k.symbol)!, TIMEFRAME_MS[k.tf], k.from, k.to, k.firstId, k.lastId, k.reason, k.bars, k.loadedAt]);
  }

  async klineSpans(symbol?: string): Promise<KlineSpan[]> {
    this.open();
    return (await q<KlineSpanRow>(this.pool, 'klineSpans', [symbol ?? null])).rows.map(klineSpanOf);
  }

  async lastTradeId(symbol: string): Promise<number | null> {
    this.open();
    return (await q<SymbolRow>(this.pool, 'symbolRow', [symbol])).rows[0]?.last_id ?? null;
  }

  async idGaps(symbol: string, fromId: number): Promise<Array<[number, number]>> {
    this.open();
    const row = (await q<SymbolRow>(this.pool, 'symbolRow', [symbol])).rows[0];
    if (!row) return [];
    const r = await q<{ id: number | string; next: number | string }>(this.pool, 'idGaps', [row.sid, fromId]);
    const covered = (await this.klineSpans(symbol)).flatMap((k) =>
      k.firstId !== null && k.lastId !== null ? [[k.firstId, k.lastId] as [number, number]] : [],
    );
    return withoutCovered(
      r.rows.map((g) => [Number(g.id) + 1, Number(g.next) - 1]),
      covered,
    );
  }

  private toTick(symbol: string, r: TickRow<boolean>): Tick {
    return { symbol, id: r.id, ts: r.ts, price: r.price, qty: r.qty, isBuyerMaker: r.buyer_maker };
  }

  async ticks(query: TickQuery): Promise<Tick[]> {
    return collect(this.iterateTicks(query));
  }

  async *iterateTicks(query: TickQuery): AsyncIterable<Tick> {
    this.open();
    const sid = await this.knownSid(query.symbol);
    if (sid === undefined) return;
    yield* pageTicks(
      query,
      this.paging,
      async (from, to, limit) => (await q<TickRow<boolean>>(this.pool, 'ticksFirst', [sid, from, to, limit])).rows,
      async (ts, id, to, limit) => (await q<TickRow<boolean>>(this.pool, 'ticksAfter', [sid, ts, id, to, limit])).rows,
      (r) => this.toTick(query.symbol, r),
    );
  }

  async bars(query: BarQuery): Promise<Bar[]> {
    return collect(this.iterateBars(query));
  }

  async *iterateBars(query: BarQuery): AsyncIterable<Bar> {
    this.open();
    const sid = await this.knownSid(query.symbol);
    if (sid === undefined) return;
    const tfMs = TIMEFRAME_MS[query.tf];
    yield* pageBars(
      query,
      this.paging,
      async (from, to, limit) => (await q<BarRow>(this.pool, 'barsRange', [sid, tfMs, from, to, limit])).rows,
      async () => (await q<SymbolRow>(this.pool, 'symbolRow', [query.symbol])).rows[0]?.last_ts ?? null,
    );
  }

  async barCloses(query: BarQuery): Promise<BarCloses> {
    this.open();
    const sid = await this.knownSid(query.symbol);
    if (sid === undefined) return { n: 0, start: new Float64Array(0), close: new Float64Array(0), final: new Uint8Array(0) };
    const tfMs = TIMEFRAME_MS[query.tf];
    return pageCloses(
      query,
      this.paging,
      // rowMode 'array': rows as [start, close] instead of an object per row.
      async (from, to, limit) =>
        (await this.pool.query<[number, number]>({ name: 'closesRange', text: CLOSES_RANGE_SQL, values: [sid, tfMs, from, to, limit], rowMode: 'array' })).rows,
      async () => (await q<SymbolRow>(this.pool, 'symbolRow', [query.symbol])).rows[0]?.last_ts ?? null,
    );
  }

  async symbols(): Promise<SymbolSummary[]> {
    this.open();
    return (await q<SymbolRow>(this.pool, 'symbolRows', [])).rows.map(symbolSummary);
  }

  async barSpans(): Promise<BarSpan[]> {
    this.open();
    return barSpansOf((await q<BarSpanRow>(this.pool, 'barSpans', [])).rows);
  }

  async deleteBefore(beforeMs: number): Promise<number> {
    this.open();
    const cut = retentionCut(beforeMs);
    let deleted = 0;
    for (const { sid } of (await q<{ sid: number }>(this.pool, 'allSids', [])).rows) {
      // One transaction per symbol keeps each one short.
      deleted += await this.tx(async (c) => {
        const n = (await q(c, 'deleteTicks', [sid, cut])).rowCount ?? 0;
        await q(c, 'deleteBars', [sid, cut]);
        if (n > 0) await q(c, 'refreshSymbol', [sid, n]);
        return n;
      });
    }
    // Bars from klines have no ticks: cut them (and their spans) too.
    await q(this.pool, 'deleteOldBars', [cut]);
    await q(this.pool, 'deleteOldSpans', [cut]);
    await this.perp.deleteMarksBefore(cut);
    await this.deleteScansBefore(cut);
    if (deleted > 0) log.info('retention deleted ticks', { engine: 'postgres', before: new Date(cut).toISOString(), ticks: deleted });
    return deleted;
  }

  /** SCAN_DELETE_CHUNK scans a statement (each its own transaction), until none is left before `beforeMs`. */
  async deleteScansBefore(beforeMs: number): Promise<number> {
    this.open();
    let deleted = 0;
    for (;;) {
      const n = (await q(this.pool, 'deleteScans', [beforeMs, SCAN_DELETE_CHUNK])).rowCount ?? 0;
      deleted += n;
      if (n < SCAN_DELETE_CHUNK) return deleted;
    }
  }

  async rebuildBars(symbol: string, from: number, to: number): Promise<number> {
    this.open();
    const sid = await this.knownSid(symbol);
    if (sid === undefined) return 0;
    const a = retentionCut(from);
    const b = -retentionCut(-to);
    return this.tx(async (c) => {
      await q(c, 'deleteBarsRange', [sid, a, b]);
      // Chunks merge exactly (see ../bars.ts), so the range never sits in memory at once.
      let read = 0;
      let rows = (await q<TickRow<boolean>>(c, 'ticksFirst', [sid, a, b, this.paging.chunk])).rows;
      while (rows.length > 0) {
        read += rows.length;
        await this.upsertBars(c, accumulateBars(rows.map((r) => this.toTick(symbol, r))));
        if (rows.length < this.paging.chunk) break;
        const last = rows[rows.length - 1]!;
        rows = (await q<TickRow<boolean>>(c, 'ticksAfter', [sid, last.ts, last.id, b, this.paging.chunk])).rows;
      }
      return read;
    });
  }

  async insertScan(scan: StoredScan): Promise<void> {
    this.open();
    // one row of arrays: every pair in one statement, column by column
    const columns: unknown[][] = SCAN_PAIR_COLUMNS.map(() => []);
    for (const r of scan.pairs) scanPairValues(r).forEach((v, i) => columns[i]!.push(v));
    const selected = SCAN_PAIR_COLUMNS.indexOf('selected');
    columns[selected] = columns[selected]!.map((v) => v === 1);
    await this.tx(async (c) => {
      const id = (await q<{ id: number }>(c, 'insertScan', [scan.tf, scan.window, scan.ts, JSON.stringify(scan.symbols), scan.tested, scan.selected])).rows[0]!
        .id;
      await q(c, 'clearScanPairs', [id]);
      await q(c, 'insertScanPairs', [id, ...columns]);
    });
  }

  async scanAt(tf: Timeframe, window: number, at?: number): Promise<StoredScan | null> {
    this.open();
    const head = (
      await q<{ id: number; ts: number; symbols: string[]; tested: number; selected: number }>(this.pool, 'scanAt', [tf, window, at ?? Number.MAX_SAFE_INTEGER])
    ).rows[0];
    if (!head) return null;
    const rows = (await q<ScanPairRow>(this.pool, 'scanPairs', [head.id])).rows.map(scanRowOf);
    const order = new Map(head.symbols.map((s, i) => [s, i]));
    return { tf, window, ts: Number(head.ts), symbols: head.symbols, tested: head.tested, selected: head.selected, pairs: sortScanRows(rows, order) };
  }

  async scanHistory(h: ScanHistoryQuery): Promise<ScanHistoryPoint[]> {
    this.open();
    const rows = await q<ScanPairRow & { ts: number }>(this.pool, 'scanHistory', [
      h.a,
      h.b,
      h.tf,
      h.window,
      h.from ?? -Number.MAX_SAFE_INTEGER,
      h.to ?? Number.MAX_SAFE_INTEGER,
    ]);
    return rows.rows.map(historyPointOf);
  }

  async insertAlert(receivedAt: number, status: string, payload: unknown): Promise<StoredAlert> {
    this.open();
    const r = await q<{ id: number }>(this.pool, 'insertAlert', [receivedAt, status, JSON.stringify(payload ?? null)]);
    return { id: r.rows[0]!.id, receivedAt, status, payload: payload ?? null };
  }

  async alerts(limit: number): Promise<StoredAlert[]> {
    this.open();
    const rows = (await q<{ id: number; received_at: number; status: string; payload: unknown }>(this.pool, 'alerts', [Math.max(0, Math.floor(limit))])).rows;
    return rows.map((r) => ({ id: r.id, receivedAt: r.received_at, status: r.status, payload: r.payload }));
  }

  insertMarks = (points: readonly MarkPoint[]) => (this.open(), this.perp.insertMarks(points));
  marks = (q: PerpQuery) => (this.open(), this.perp.marks(q));
  insertFunding = (events: readonly FundingEvent[]) => (this.open(), this.perp.insertFunding(events));
  funding = (q: PerpQuery) => (this.open(), this.perp.funding(q));

  async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, kind: 'postgres', detail: 'closed' };
    try {
      await q(this.pool, 'ping', ['server_version']);
      return { ok: true, kind: 'postgres', detail: `${this.url} (schema v${this.schemaVersion}, PostgreSQL ${this.serverVersion})` };
    } catch (e) {
      return { ok: false, kind: 'postgres', detail: `${this.url}: ${(e as Error).message}` };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
