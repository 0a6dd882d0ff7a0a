/**
 * The embedded store: SQLite through better-sqlite3 (synchronous; each async method does its
 * work at once). WAL journal with synchronous=NORMAL: a committed batch survives a process
 * crash, and the last few batches may be lost only if the machine loses power. Readers in other
 * processes (an API replica) never block the writer.
 *
 *   const store = await openSqliteStore({ path: './data/collector.db' });
 *   await store.insertTicks(ticks);              // one transaction: ticks + bars + counters
 *   for await (const t of store.iterateTicks({ symbol: 'BTCUSDT', from, to })) ...
 *
 * Schema and why it is laid out so: ./migrations.ts. Bar merging and finality: ../bars.ts.
 */
import type Database from 'better-sqlite3';
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
  type BarSpanRow,
  type KlineSpanRow,
  type SymbolRow,
  type TickRow,
} from '../rows';
import type { ScanHistoryPoint } from '@quant-pairs/contract';
import { historyPointOf, scanPairValues, scanRowOf, sortScanRows, SCAN_DELETE_CHUNK, type ScanPairRow } from '../scans';
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
import { sqlitePerp } from './perp';
import { openDatabase } from './database';
import { barRowOf, prepareStatements, type BarArrayRow, type Statements } from './statements';

export interface SqliteStoreOptions extends CommonStoreOptions {
  /** Database file (its directory is created), or ':memory:'. */
  path: string;
  /**
   * How long a write waits for another connection's lock before failing (SQLITE_BUSY), ms.
   * better-sqlite3 waits synchronously, so keep it short in a live process. Default 2000.
   */
  busyTimeoutMs?: number;
}

/** Rows per multi-row INSERT, largest first (the last must be 1). */
const MULTI_ROWS = [64, 8, 1];
/** Data deleted per retention transaction (a multiple of the longest bar). */
const RETENTION_STEP_MS = 15 * 60_000;

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<Store & { readonly path: string }> {
  return new SqliteStore(opts);
}

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly paging: BarPageOptions;
  private readonly schemaVersion: number;
  private readonly settings: string;
  private closed = false;
  private readonly sidBySymbol = new Map<string, number>();
  private readonly st: Statements;
  private readonly perp: ReturnType<typeof sqlitePerp>;

  constructor(opts: SqliteStoreOptions) {
    this.path = opts.path;
    this.paging = readPaging(opts, () => this.closed);
    const { db, schemaVersion, settings } = openDatabase(opts.path, opts.busyTimeoutMs ?? 2000);
    this.db = db;
    this.schemaVersion = schemaVersion;
    this.settings = settings;
    this.st = prepareStatements(db);
    this.perp = sqlitePerp(db);
    for (const r of this.st.allSymbols.all() as { sid: number; symbol: string }[]) this.remember(r.sid, r.symbol);
    const tx = db.transaction((ticks: readonly Tick[]) => this.insertSync(ticks));
    this.insertTx = (ticks) => tx.immediate(ticks);
    this.multi = MULTI_ROWS.map((rows) => [
      rows,
      db.prepare(`INSERT OR IGNORE INTO ticks (sid, ts, id, price, qty, buyer_maker) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`),
    ]);
  }

  private readonly insertTx: (ticks: readonly Tick[]) => InsertResult;
  private readonly multi: [number, Database.Statement][];
  private readonly grouper = new BatchGrouper('sqlite');

  private remember(sid: number, symbol: string): void {
    this.sidBySymbol.set(symbol, sid);
  }

  private open(): void {
    if (this.closed) throw new Error('the SQLite store is closed');
  }

  /** The sid of a symbol, registering it if new (inside the insert transaction). */
  private sidFor(symbol: string): number {
    let sid = this.sidBySymbol.get(symbol);
    if (sid === undefined) {
      this.st.addSymbol.run(symbol);
      sid = this.st.sidOf.get(symbol) as number;
      this.remember(sid, symbol);
    }
    return sid;
  }

  /** Looks a symbol up without registering it; re-reads the table for symbols another process added. */
  private knownSid(symbol: string): number | undefined {
    let sid = this.sidBySymbol.get(symbol);
    if (sid === undefined) {
      sid = this.st.sidOf.get(symbol) as number | undefined;
      if (sid !== undefined) this.remember(sid, symbol);
    }
    return sid;
  }

  /**
   * One batch, inside an IMMEDIATE transaction (so what it reads cannot change before it writes):
   * 1. validate and group by symbol;
   * 2. per symbol, read the ids already stored in the batch's id range (one index range scan,
   *    empty for live data) and drop those and repeats within the batch;
   * 3. insert the rest with multi-row INSERTs (the per-statement cost dominates single-row ones);
   * 4. fold them into 1s/1m/5m partial bars in memory and upsert each touched bar once;
   * 5. bump the per-symbol counters.
   * A batch whose ids of one symbol are scattered over a range much wider than the batch
   * (an odd backfill) takes the plain path: INSERT OR IGNORE row by row.
   */
  private insertSync(ticks: readonly Tick[]): InsertResult {
    const { groups, invalid } = this.grouper.group(ticks);
    const stored: Tick[] = [];
    let duplicates = 0;
    for (const [symbol, g] of groups) {
      const sid = this.sidFor(symbol);
      let minId = Infinity;
      let maxId = -Infinity;
      for (const t of g) {
        if (t.id < minId) minId = t.id;
        if (t.id > maxId) maxId = t.id;
      }
      let fresh: Tick[];
      if (maxId - minId < 8 * g.length + 1024) {
        const existing = this.st.idsInRange.all(sid, minId, maxId) as number[];
        const have = existing.length > 0 ? new Set(existing) : null;
        const notStored = have ? g.filter((t) => !have.has(t.id)) : g;
        const { unique, repeats } = firstOfEachId(notStored);
        duplicates += g.length - notStored.length + repeats;
        fresh = unique;
        const n = this.insertMany(sid, fresh);
        if (n !== fresh.length) throw new Error(`store invariant broken: ${fresh.length - n} ticks of ${symbol} were already stored`);
      } else {
        fresh = [];
        for (const t of g) {
          if (this.st.insertTick.run(sid, t.ts, t.id, t.price, t.qty, t.isBuyerMaker ? 1 : 0).changes === 0) duplicates++;
          else fresh.push(t);
        }
      }
      if (fresh.length === 0) continue;
      for (const t of fresh) stored.push(t);
      const { minTs, maxTs, maxId: maxFresh } = tickSpan(fresh);
      this.st.bumpSymbol.run(fresh.length, minTs, minTs, maxTs, maxTs, maxFresh, maxFresh, sid);
    }
    this.upsertBars(accumulateBars(stored));
    return { inserted: stored.length, duplicates, invalid };
  }

  /** Inserts with statements of MULTI_ROWS rows, then smaller ones; returns the rows inserted. */
  private insertMany(sid: number, ticks: readonly Tick[]): number {
    let changes = 0;
    let i = 0;
    for (const [rows, stmt] of this.multi) {
      const args: (number | string)[] = new Array(rows * 6);
      for (; i + rows <= ticks.length; i += rows) {
        let a = 0;
        for (let j = i; j < i + rows; j++) {
          const t = ticks[j]!;
          args[a++] = sid;
          args[a++] = t.ts;
          args[a++] = t.id;
          args[a++] = t.price;
          args[a++] = t.qty;
          args[a++] = t.isBuyerMaker ? 1 : 0;
        }
        changes += stmt.run(args).changes;
      }
    }
    return changes;
  }

  private upsertBars(partials: readonly PartialBar[]): void {
    const up = this.st.upsertBar;
    for (const b of partials) {
      up.run(
        this.sidBySymbol.get(b.symbol)!,
        TIMEFRAME_MS[b.tf],
        b.start,
        b.open,
        b.openTs,
        b.openId,
        b.high,
        b.low,
        b.close,
        b.closeTs,
        b.closeId,
        b.volume,
        b.quoteVolume,
        b.trades,
      );
    }
  }

  async insertTicks(ticks: readonly Tick[]): Promise<InsertResult> {
    this.open();
    if (ticks.length === 0) return { inserted: 0, duplicates: 0, invalid: 0 };
    return this.insertTx(ticks);
  }

  async insertKlineBars(bars: readonly Bar[]): Promise<number> {
    this.open();
    let n = 0;
    this.db.transaction(() => {
      for (const b of bars) n += this.st.insertKlineBar.run(this.sidFor(b.symbol), ...klineBarColumns(b)).changes;
    })();
    return n;
  }

  async addKlineSpan(k: KlineSpan): Promise<void> {
    this.open();
    this.st.addKlineSpan.run(this.sidFor(k.symbol), TIMEFRAME_MS[k.tf], k.from, k.to, k.firstId, k.lastId, k.reason, k.bars, k.loadedAt);
  }

  async klineSpans(symbol?: string): Promise<KlineSpan[]> {
    this.open();
    return (this.st.klineSpans.all(symbol ?? null) as KlineSpanRow[]).map(klineSpanOf);
  }

  async lastTradeId(symbol: string): Promise<number | null> {
    this.open();
    const row = this.st.symbolRow.get(symbol) as SymbolRow | undefined;
    return row?.last_id ?? null;
  }

  async idGaps(symbol: string, fromId: number): Promise<Array<[number, number]>> {
    this.open();
    const row = this.st.symbolRow.get(symbol) as SymbolRow | undefined;
    if (!row) return [];
    // One pass over the (sid, id) index from fromId: each id whose successor is not id + 1.
    const rows = this.st.idGaps.all(row.sid, fromId) as Array<{ id: number; next: number }>;
    const covered = (await this.klineSpans(symbol)).flatMap((k) =>
      k.firstId !== null && k.lastId !== null ? [[k.firstId, k.lastId] as [number, number]] : [],
    );
    return withoutCovered(
      rows.map((r) => [r.id + 1, r.next - 1]),
      covered,
    );
  }

  private toTick(symbol: string, r: TickRow<number>): Tick {
    return { symbol, id: r.id, ts: r.ts, price: r.price, qty: r.qty, isBuyerMaker: r.buyer_maker === 1 };
  }

  async ticks(q: TickQuery): Promise<Tick[]> {
    return collect(this.iterateTicks(q));
  }

  async *iterateTicks(q: TickQuery): AsyncIterable<Tick> {
    this.open();
    const sid = this.knownSid(q.symbol);
    if (sid === undefined) return;
    yield* pageTicks(
      q,
      this.paging,
      (from, to, limit) => this.st.ticksFirst.all(sid, from, to, limit) as TickRow<number>[],
      (ts, id, to, limit) => this.st.ticksAfter.all(sid, ts, ts, id, to, limit) as TickRow<number>[],
      (r) => this.toTick(q.symbol, r),
    );
  }

  async bars(q: BarQuery): Promise<Bar[]> {
    return collect(this.iterateBars(q));
  }

  async *iterateBars(q: BarQuery): AsyncIterable<Bar> {
    this.open();
    const sid = this.knownSid(q.symbol);
    if (sid === undefined) return;
    const tfMs = TIMEFRAME_MS[q.tf];
    yield* pageBars(
      q,
      this.paging,
      (from, to, limit) => (this.st.barsRange.all(sid, tfMs, from, to, limit) as BarArrayRow[]).map(barRowOf),
      () => (this.st.symbolRow.get(q.symbol) as SymbolRow | undefined)?.last_ts ?? null,
    );
  }

  async barCloses(q: BarQuery): Promise<BarCloses> {
    this.open();
    const sid = this.knownSid(q.symbol);
    if (sid === undefined) return { n: 0, start: new Float64Array(0), close: new Float64Array(0), final: new Uint8Array(0) };
    const tfMs = TIMEFRAME_MS[q.tf];
    return pageCloses(
      q,
      this.paging,
      (from, to, limit) => this.st.closesRange.all(sid, tfMs, from, to, limit) as [number, number][],
      () => (this.st.symbolRow.get(q.symbol) as SymbolRow | undefined)?.last_ts ?? null,
    );
  }

  async symbols(): Promise<SymbolSummary[]> {
    this.open();
    return (this.st.symbolRows.all() as SymbolRow[]).map(symbolSummary);
  }

  async barSpans(): Promise<BarSpan[]> {
    this.open();
    return barSpansOf(this.st.barSpans.all() as BarSpanRow[]);
  }

  /**
   * Deletes in steps of 15 minutes of data per symbol, each its own transaction, yielding to the
   * event loop between steps: better-sqlite3 blocks while it works, and a live collector must keep
   * flushing ticks and answering requests while a day of old ticks goes.
   */
  async deleteBefore(beforeMs: number): Promise<number> {
    this.open();
    const cut = retentionCut(beforeMs);
    let deleted = 0;
    for (const r of this.st.allSymbols.all() as { sid: number; symbol: string }[]) {
      for (;;) {
        if (this.closed) return deleted;
        const first = (this.st.symbolRow.get(r.symbol) as SymbolRow | undefined)?.first_ts ?? null;
        if (first === null || first >= cut) break;
        const upTo = Math.min(cut, retentionCut(first) + RETENTION_STEP_MS);
        this.db.transaction(() => {
          const n = this.st.deleteTicks.run(r.sid, upTo).changes;
          this.st.deleteBars.run(r.sid, upTo);
          this.st.refreshSymbol.run({ sid: r.sid, n });
          deleted += n;
        })();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    // Bars from klines have no ticks, so the loop above (which follows the first tick) may not reach them.
    this.st.deleteOldBars.run(cut);
    this.st.deleteOldSpans.run(cut);
    this.perp.deleteMarksBefore(cut);
    await this.deleteScansBefore(cut);
    if (deleted > 0) log.info('retention deleted ticks', { engine: 'sqlite', before: new Date(cut).toISOString(), ticks: deleted });
    return deleted;
  }

  /**
   * A few scans per transaction (a 100-symbol scan is 4,950 rows), yielding to the event loop
   * between them as deleteBefore does.
   */
  async deleteScansBefore(beforeMs: number): Promise<number> {
    this.open();
    let deleted = 0;
    for (;;) {
      if (this.closed) return deleted;
      const ids = this.st.oldScanIds.all(beforeMs, SCAN_DELETE_CHUNK) as number[];
      if (ids.length === 0) return deleted;
      this.db.transaction(() => {
        for (const id of ids) {
          this.st.deleteScanPairsOf.run(id);
          deleted += this.st.deleteScan.run(id).changes;
        }
      })();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async rebuildBars(symbol: string, from: number, to: number): Promise<number> {
    this.open();
    const sid = this.knownSid(symbol);
    if (sid === undefined) return 0;
    const a = retentionCut(from);
    const b = -retentionCut(-to);
    let read = 0;
    this.db.transaction(() => {
      this.st.deleteBarsRange.run(sid, a, b);
      // Chunks merge exactly (see ../bars.ts), so the range never sits in memory at once.
      let rows = this.st.ticksFirst.all(sid, a, b, this.paging.chunk) as TickRow<number>[];
      while (rows.length > 0) {
        read += rows.length;
        this.upsertBars(accumulateBars(rows.map((r) => this.toTick(symbol, r))));
        if (rows.length < this.paging.chunk) break;
        const last = rows[rows.length - 1]!;
        rows = this.st.ticksAfter.all(sid, last.ts, last.ts, last.id, b, this.paging.chunk) as TickRow<number>[];
      }
    })();
    return read;
  }

  async insertScan(scan: StoredScan): Promise<void> {
    this.open();
    this.db.transaction(() => {
      const old = this.st.scanId.get(scan.tf, scan.window, scan.ts) as number | undefined;
      if (old !== undefined) {
        this.st.deleteScanPairsOf.run(old);
        this.st.deleteScan.run(old);
      }
      const id = Number(this.st.insertScan.run(scan.tf, scan.window, scan.ts, JSON.stringify(scan.symbols), scan.tested, scan.selected).lastInsertRowid);
      for (const r of scan.pairs) this.st.insertScanPair.run(id, ...scanPairValues(r));
    })();
  }

  async scanAt(tf: Timeframe, window: number, at?: number): Promise<StoredScan | null> {
    this.open();
    const head = this.st.scanAt.get(tf, window, at ?? Number.MAX_SAFE_INTEGER) as
      { id: number; ts: number; symbols: string; tested: number; selected: number } | undefined;
    if (!head) return null;
    const symbols = JSON.parse(head.symbols) as string[];
    const rows = (this.st.scanPairs.all(head.id) as ScanPairRow[]).map(scanRowOf);
    return {
      tf,
      window,
      ts: head.ts,
      symbols,
      tested: head.tested,
      selected: head.selected,
      pairs: sortScanRows(rows, new Map(symbols.map((s, i) => [s, i]))),
    };
  }

  async scanHistory(h: ScanHistoryQuery): Promise<ScanHistoryPoint[]> {
    this.open();
    const rows = this.st.scanHistory.all(h.a, h.b, h.tf, h.window, h.from ?? -Number.MAX_SAFE_INTEGER, h.to ?? Number.MAX_SAFE_INTEGER) as (ScanPairRow & {
      ts: number;
    })[];
    return rows.map(historyPointOf);
  }

  async insertAlert(receivedAt: number, status: string, payload: unknown): Promise<StoredAlert> {
    this.open();
    const r = this.st.insertAlert.run(receivedAt, status, JSON.stringify(payload ?? null));
    return { id: Number(r.lastInsertRowid), receivedAt, status, payload: payload ?? null };
  }

  async alerts(limit: number): Promise<StoredAlert[]> {
    this.open();
    const rows = this.st.alerts.all(Math.max(0, Math.floor(limit))) as { id: number; received_at: number; status: string; payload: string }[];
    return rows.map((r) => ({ id: r.id, receivedAt: r.received_at, status: r.status, payload: JSON.parse(r.payload) as unknown }));
  }

  insertMarks = (points: readonly MarkPoint[]) => (this.open(), this.perp.insertMarks(points));
  marks = (q: PerpQuery) => (this.open(), this.perp.marks(q));
  insertFunding = (events: readonly FundingEvent[]) => (this.open(), this.perp.insertFunding(events));
  funding = (q: PerpQuery) => (this.open(), this.perp.funding(q));

  async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, kind: 'sqlite', detail: 'closed' };
    try {
      this.st.ping.get();
      return { ok: true, kind: 'sqlite', detail: `${this.path} (schema v${this.schemaVersion}, ${this.settings})` };
    } catch (e) {
      return { ok: false, kind: 'sqlite', detail: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
