/**
 * The read side every store engine shares: the row shapes of the `symbols`, `ticks` and `bars`
 * tables (the same columns in SQLite and PostgreSQL), their mapping to domain values, the
 * keyset-paged reads of ticks and bars, and the migration version check. Each engine supplies
 * only its SQL (how a page is fetched); what is done with the rows is written once here, so the
 * engines cannot drift apart on bar finality, paging limits or the summary of a symbol.
 *
 * @example
 *   // in an engine's bars (collectPages) and iterateBars (eachRow):
 *   pageBars(query, { chunk: 8192, now: Date.now, graceMs: 2000, isClosed: () => false },
 *     (from, to, limit) => fetchBarRows(sid, TIMEFRAME_MS[query.tf], from, to, limit),
 *     () => fetchSymbolRow(query.symbol)?.last_ts ?? null);
 *   // rows [{ tf: 60000, start: 0, ... }] -> Bar { tf: '1m', start: 0, ..., final }
 */
import type { BarSource } from '@quant-pairs/contract';
import { TIMEFRAMES, TIMEFRAME_MS, type Bar, type Tick, type Timeframe } from '../domain';
import { DEFAULT_FINAL_GRACE_MS, isFinal, toBar, type PartialBar } from './bars';
import type { BarCloses, BarQuery, BarSpan, CommonStoreOptions, KlineSpan, SymbolSummary, TickQuery } from './store';

/** Bounds of an open-ended time range (ms; ±8.64e15 is the range of a JS Date). */
const MIN_TS = -8.64e15;
const MAX_TS = 8.64e15;

/** A bar row's tf column (its length in ms) back to the timeframe. */
const TF_BY_MS = new Map<number, Timeframe>(TIMEFRAMES.map((tf) => [TIMEFRAME_MS[tf], tf]));

/** A row of `ticks` as read; `buyer_maker` is a boolean in PostgreSQL and 0/1 in SQLite. */
export interface TickRow<BuyerMaker> {
  ts: number;
  id: number;
  price: number;
  qty: number;
  buyer_maker: BuyerMaker;
}

/** A row of `bars` as read. */
export interface BarRow {
  tf: number;
  start: number;
  open: number;
  open_ts: number;
  open_id: number;
  high: number;
  low: number;
  close: number;
  close_ts: number;
  close_id: number;
  volume: number;
  quote_volume: number;
  trades: number;
  /** 0: built from ticks, 1: a Binance kline (BAR_SOURCE_CODE). */
  source: number;
}

/** The bars table's `source` column of each BarSource. */
const BAR_SOURCE_CODE: Record<BarSource, number> = { ticks: 0, klines: 1 };

/** A row of `symbols` as read. */
export interface SymbolRow {
  sid: number;
  symbol: string;
  ticks: number;
  first_ts: number | null;
  last_ts: number | null;
  last_id: number | null;
}

function barRowToPartial(symbol: string, r: BarRow): PartialBar {
  return {
    symbol,
    tf: TF_BY_MS.get(r.tf)!,
    start: r.start,
    open: r.open,
    openTs: r.open_ts,
    openId: r.open_id,
    high: r.high,
    low: r.low,
    close: r.close,
    closeTs: r.close_ts,
    closeId: r.close_id,
    volume: r.volume,
    quoteVolume: r.quote_volume,
    trades: r.trades,
  };
}

export function symbolSummary(r: SymbolRow): SymbolSummary {
  return { symbol: r.symbol, ticks: r.ticks, firstTs: r.first_ts, lastTs: r.last_ts, lastId: r.last_id };
}

/**
 * The first and last bar start of every symbol and timeframe, the same SQL in both engines: two
 * index lookups per (symbol, timeframe) on the bars' primary key (sid, tf, start), never a scan
 * (`ORDER BY start LIMIT 1` rather than min/max, which SQLite would not answer from the index
 * for both at once). Rows without bars have first = last = null.
 */
export const BAR_SPANS_SQL = `
  SELECT s.symbol, t.tf,
    (SELECT start FROM bars b WHERE b.sid = s.sid AND b.tf = t.tf ORDER BY start LIMIT 1) AS first,
    (SELECT start FROM bars b WHERE b.sid = s.sid AND b.tf = t.tf ORDER BY start DESC LIMIT 1) AS last
  FROM symbols s, (${TIMEFRAMES.map((tf, i) => `SELECT ${TIMEFRAME_MS[tf]}${i === 0 ? ' AS tf' : ''}`).join(' UNION ALL ')}) t
  ORDER BY s.symbol, t.tf`;

/** A row of BAR_SPANS_SQL as read (PostgreSQL's bigint comes back as text). */
export interface BarSpanRow {
  symbol: string;
  tf: number | string;
  first: number | string | null;
  last: number | string | null;
}

/** The rows of BAR_SPANS_SQL with bars, as spans [first start, last start + the timeframe). */
export function barSpansOf(rows: readonly BarSpanRow[]): BarSpan[] {
  const out: BarSpan[] = [];
  for (const r of rows) {
    if (r.first === null || r.last === null) continue;
    const tf = TF_BY_MS.get(Number(r.tf))!;
    out.push({ symbol: r.symbol, tf, from: Number(r.first), to: Number(r.last) + TIMEFRAME_MS[tf] });
  }
  return out;
}

/**
 * Every row of a paged read (pageTicks, pageBars) in one array: one await per page. Collecting
 * the row by row iterator instead (`eachRow`) awaits once per row: a 60-bar read cost 11 % more.
 */
export async function collectPages<T>(pages: AsyncIterable<readonly T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) for (const x of page) out.push(x);
  return out;
}

/** The rows of a paged read one by one (the stores' iterateTicks / iterateBars, for streaming). */
export async function* eachRow<T>(pages: AsyncIterable<readonly T[]>): AsyncIterable<T> {
  for await (const page of pages) yield* page;
}

/** What a paged read needs besides its SQL. */
export interface PageOptions {
  /** Rows per query. */
  chunk: number;
  /** True once the store is closed: the read stops after the page in hand. */
  isClosed: () => boolean;
}

/** What a paged read of bars needs besides its SQL. */
export interface BarPageOptions extends PageOptions {
  /** Clock for bar finality, epoch ms. */
  now: () => number;
  /** See CommonStoreOptions.finalGraceMs. */
  graceMs: number;
}

/** The paging settings of a store opened with `opts` (defaults: Date.now, 2 s grace, 8192 rows). */
export function readPaging(opts: CommonStoreOptions, isClosed: () => boolean): BarPageOptions {
  return { chunk: opts.chunkSize ?? 8192, now: opts.now ?? Date.now, graceMs: opts.finalGraceMs ?? DEFAULT_FINAL_GRACE_MS, isClosed };
}

type Rows<R> = R[] | Promise<R[]>;

/**
 * The ticks of `query`'s time range in (ts, id) order, a page of `chunk` at a time: the first page by time,
 * each next one after the (ts, id) of the last row read (keyset paging, so a page costs the same
 * however deep it is), until `query.limit` rows, a short page or the store closes.
 */
export async function* pageTicks<R extends { ts: number; id: number }>(
  query: TickQuery,
  opts: PageOptions,
  first: (from: number, to: number, limit: number) => Rows<R>,
  after: (lastTs: number, lastId: number, to: number, limit: number) => Rows<R>,
  toTick: (r: R) => Tick,
): AsyncIterable<Tick[]> {
  const to = query.to ?? MAX_TS;
  let left = Math.max(0, query.limit ?? Infinity);
  let rows = await first(query.from ?? MIN_TS, to, Math.min(left, opts.chunk));
  while (rows.length > 0) {
    yield rows.map(toTick);
    left -= rows.length;
    if (left <= 0 || rows.length < opts.chunk || opts.isClosed()) return;
    const last = rows[rows.length - 1]!;
    rows = await after(last.ts, last.id, to, Math.min(left, opts.chunk));
  }
}

/**
 * The bars of `query` in start order, a page of `chunk` at a time, each fetched from the start after
 * the last one read. Finality is judged against the symbol's newest tick as of each page
 * (`lastTickTs`) and the clock.
 */
export async function* pageBars(
  query: BarQuery,
  opts: BarPageOptions,
  page: (from: number, to: number, limit: number) => Rows<BarRow>,
  lastTickTs: () => number | null | Promise<number | null>,
): AsyncIterable<Bar[]> {
  let from = query.from ?? MIN_TS;
  const to = query.to ?? MAX_TS;
  let left = Math.max(0, query.limit ?? Infinity);
  for (;;) {
    const rows = await page(from, to, Math.min(left, opts.chunk));
    if (rows.length === 0) return;
    const lastTs = await lastTickTs();
    const now = opts.now();
    const bars: Bar[] = new Array<Bar>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const p = barRowToPartial(query.symbol, r);
      bars[i] = toBar(p, isFinal(p.tf, p.start, lastTs, now, opts.graceMs), r.source === BAR_SOURCE_CODE.klines ? 'klines' : 'ticks');
    }
    yield bars;
    left -= rows.length;
    if (left <= 0 || rows.length < opts.chunk || opts.isClosed()) return;
    from = rows[rows.length - 1]!.start + 1;
  }
}

/**
 * The same bars as `pageBars`, as columns: each page is rows of [start, close] (array rows, no
 * object per row), finality judged per page exactly as `pageBars` does.
 */
export async function pageCloses(
  query: BarQuery,
  opts: BarPageOptions,
  page: (from: number, to: number, limit: number) => Rows<readonly [number, number]>,
  lastTickTs: () => number | null | Promise<number | null>,
): Promise<BarCloses> {
  const tfMs = TIMEFRAME_MS[query.tf];
  let out: BarCloses = { n: 0, start: new Float64Array(256), close: new Float64Array(256), final: new Uint8Array(256) };
  let from = query.from ?? MIN_TS;
  const to = query.to ?? MAX_TS;
  let left = Math.max(0, query.limit ?? Infinity);
  for (;;) {
    const rows = await page(from, to, Math.min(left, opts.chunk));
    if (rows.length === 0) return out;
    const lastTs = await lastTickTs();
    const now = opts.now();
    if (out.n + rows.length > out.start.length) {
      const cap = Math.max(2 * out.start.length, out.n + rows.length);
      const g: BarCloses = { n: out.n, start: new Float64Array(cap), close: new Float64Array(cap), final: new Uint8Array(cap) };
      g.start.set(out.start.subarray(0, out.n));
      g.close.set(out.close.subarray(0, out.n));
      g.final.set(out.final.subarray(0, out.n));
      out = g;
    }
    for (const r of rows) {
      const start = r[0];
      out.start[out.n] = start;
      out.close[out.n] = r[1];
      // isFinal (bars.ts) inlined: the bar's end is reached by the symbol's stream or the clock.
      const end = start + tfMs;
      out.final[out.n] = (lastTs !== null && lastTs >= end) || now >= end + opts.graceMs ? 1 : 0;
      out.n++;
    }
    left -= rows.length;
    if (left <= 0 || rows.length < opts.chunk || opts.isClosed()) return out;
    from = rows[rows.length - 1]![0] + 1;
  }
}

/** One numbered schema migration; each engine lists its own SQL. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The migrations still to apply over schema version `current`, and the version in force after
 * them. A database newer than this collector is refused: its schema may mean something this
 * code does not know.
 */
export function pendingMigrations(migrations: readonly Migration[], current: number): { pending: Migration[]; latest: number } {
  const latest = migrations[migrations.length - 1]!.version;
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this collector knows (${latest}); upgrade the collector`);
  }
  return { pending: migrations.filter((m) => m.version > current), latest };
}

/** A row of `kline_spans` as read (with its symbol joined in). */
export interface KlineSpanRow {
  symbol: string;
  tf: number;
  from_ts: number;
  to_ts: number;
  first_id: number | null;
  last_id: number | null;
  reason: string;
  bars: number;
  loaded_at: number;
}

export function klineSpanOf(r: KlineSpanRow): KlineSpan {
  return {
    symbol: r.symbol,
    tf: TF_BY_MS.get(Number(r.tf))!,
    from: Number(r.from_ts),
    to: Number(r.to_ts),
    firstId: r.first_id === null ? null : Number(r.first_id),
    lastId: r.last_id === null ? null : Number(r.last_id),
    reason: r.reason === 'outage' ? 'outage' : 'history',
    bars: Number(r.bars),
    loadedAt: Number(r.loaded_at),
  };
}

/**
 * The columns of a bar made from a kline, in the bars table's order (sid and source apart):
 * tf, start, open, open_ts, open_id, high, low, close, close_ts, close_id, volume, quote_volume,
 * trades. A kline has no trade ids: its open is at the interval's start and its close at its
 * last millisecond, with id -1 (no tick of the interval is ever merged into it: the kline spans
 * are kept out of tick backfill).
 */
export function klineBarColumns(b: Bar): number[] {
  const len = TIMEFRAME_MS[b.tf];
  return [len, b.start, b.open, b.start, -1, b.high, b.low, b.close, b.start + len - 1, -1, b.volume, b.quoteVolume, b.trades];
}

/** Id ranges `gaps` (inclusive, ascending) without the ids of `covered` (inclusive ranges). */
export function withoutCovered(gaps: ReadonlyArray<[number, number]>, covered: ReadonlyArray<[number, number]>): Array<[number, number]> {
  let out: Array<[number, number]> = gaps.map(([a, b]) => [a, b]);
  for (const [c0, c1] of covered) {
    const next: Array<[number, number]> = [];
    for (const [a, b] of out) {
      if (c1 < a || c0 > b) next.push([a, b]);
      else {
        if (a < c0) next.push([a, c0 - 1]);
        if (c1 < b) next.push([c1 + 1, b]);
      }
    }
    out = next;
  }
  return out;
}
