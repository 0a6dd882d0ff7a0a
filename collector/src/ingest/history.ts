/**
 * Bar history from Binance klines: at start-up (so every window has numbers at once) and for the
 * older part of a long outage (so a collector down for a day is whole in seconds, not hours of
 * trade paging).
 *
 * The seam rule: klines fill only whole 5-minute intervals; everything else comes from ticks.
 * 5 minutes is the longest timeframe, so an interval [a, a + 5m) is a whole number of bars of
 * every timeframe, and no bar is ever made of klines and ticks at once (nothing counted twice,
 * nothing missing):
 *
 * - Fresh start (no stored ticks): seam B = the start of the 5-minute interval of now. Bars
 *   before B come from klines of each timeframe (as far back as HISTORY and the windows need);
 *   the trades from B on are fetched by id (the most recent page, then pages further back until
 *   a trade before B) and stored as ticks; the ingest's catch-up continues from the newest.
 * - Restart after a long outage (last stored tick at L, id I): longer than `outageKlinesAfterMs`,
 *   or more than `outageKlinesAfterTrades` trades missed (the newest id REST serves minus I;
 *   asked only when the outage spans a whole 5-minute interval, and that most recent page is
 *   the first of the trades fetched from B2 on): trades from the last stored id up to B1 = the
 *   end of L's 5-minute interval (ticks), klines for [B1, B2), and trades from B2 on (ticks).
 *   B2 is the later of the 5-minute interval starts of now - outageKlinesAfterMs and of the
 *   time of the `outageKlinesAfterTrades`-th newest trade: the part repaired by trades is at
 *   most that long and about that many trades (up to the 5-minute boundary before them).
 *   The span [B1, B2) is recorded with the trade ids it stands for, so the
 *   ingest's restart scan (Store.idGaps) does not backfill them as ticks. 1s klines only reach
 *   back as far as HISTORY's 1s span (older 1s bars serve nothing configured).
 * - Any restart: history reaching back less far than wanted is extended before the earliest
 *   stored bar (again on a 5-minute boundary).
 *
 * - Beside a running ingest (./historyJob.ts, the collector's way): a fresh start's seam is at
 *   or before the 5-minute interval of the first live tick and of now - LATE_TRADE_MS, and the
 *   trades from it up to the first live one are fetched by id, so no trade the ingest stores lies
 *   in a kline bar; a restart's B2 has the same bound, and the ingest's backfill of that symbol
 *   waits until the repair is decided.
 *
 * A kline without trades is no bar (./klines.ts). Requests go through RestClient: its weight
 * budget per minute and 429 / Retry-After handling are the trade backfill's.
 *
 *   const report = await loadHistory({ rest, store, symbols: ['BTCUSDT'], history: { '1s': 7_200_000, '1m': 259_200_000, '5m': 1_209_600_000 }, outageKlinesAfterMs: 600_000, outageKlinesAfterTrades: 200_000 });
 *   // { requests: 23, weight: 46, klineBars: 15552, ticks: 812, spans: [...], ms: 1840 }
 */
import { TIMEFRAMES, TIMEFRAME_MS, bucketStart, type Tick, type Timeframe } from '../domain';
import { log } from '../log';
import type { KlineSpan, Store } from '../store/store';
import { PAGE_LIMIT, RestClient } from './rest';
import type { StreamKind } from './types';

/** What history needs of the store. */
export type HistoryStore = Pick<Store, 'insertTicks' | 'insertKlineBars' | 'addKlineSpan' | 'bars' | 'symbols'>;

export interface HistoryOptions {
  rest: RestClient;
  store: HistoryStore;
  symbols: readonly string[];
  /** How far back each timeframe's bars should reach, ms (0: none). */
  history: Readonly<Record<Timeframe, number>>;
  /** An outage longer than this (ms) has its older part filled from klines. */
  outageKlinesAfterMs: number;
  /** So has an outage that missed more trades than this (trade ids; aggregate trade ids with STREAM=aggTrade). */
  outageKlinesAfterTrades: number;
  /** Symbols loaded at once (default 4). */
  concurrency?: number;
  now?: () => number;
}

export interface HistoryReport {
  /** REST requests made and the weight they cost (Binance's table). */
  requests: number;
  weight: number;
  /** Bars stored from klines, ticks stored from REST. */
  klineBars: number;
  ticks: number;
  spans: KlineSpan[];
  /** Wall time, ms. */
  ms: number;
}

const FIVE_MIN = TIMEFRAME_MS['5m'];
const down5m = (t: number): number => bucketStart(t, '5m');

/**
 * Loads the klines of one symbol and timeframe whose open time is in [from, to) into the store
 * (1000 a request, within the client's weight budget); returns the bars stored (new ones) and
 * the requests made. The building block of start-up history, outage repair and a scan over many
 * symbols.
 */
async function loadKlineBars(
  rest: RestClient,
  store: Pick<Store, 'insertKlineBars'>,
  symbol: string,
  tf: Timeframe,
  from: number,
  to: number,
): Promise<{ bars: number; requests: number }> {
  const len = TIMEFRAME_MS[tf];
  let start = Math.ceil(from / len) * len;
  let bars = 0;
  let requests = 0;
  while (start < to) {
    const page = await rest.klines(symbol, tf, start, to - 1, PAGE_LIMIT);
    requests++;
    for (const r of page.rejected) log.warn('binance kline rejected', { symbol, tf, detail: r.detail });
    const inRange = page.bars.filter((b) => b.start >= from && b.start < to);
    if (inRange.length) bars += await store.insertKlineBars(inRange);
    if (page.lastOpen === null || page.received < PAGE_LIMIT) break;
    start = page.lastOpen + len;
  }
  log.debug('klines loaded', { symbol, tf, from: new Date(from).toISOString(), to: new Date(to).toISOString(), bars, requests });
  return { bars, requests };
}

/**
 * Loads the klines of [from, to) for many symbols and timeframes into the store, a few symbols
 * at a time, through one RestClient (its weight budget and 429 handling); records each as a
 * history span. For a scan over a universe of symbols:
 *
 *   const rest = new RestClient({ baseUrl: config.binanceRestUrl, kind: 'aggTrade' });
 *   await loadKlineHistory({ rest, store, symbols, timeframes: ['5m'], from: Date.now() - 14 * 86_400_000, to: Date.now() });
 */
export async function loadKlineHistory(opts: {
  rest: RestClient;
  store: Pick<Store, 'insertKlineBars' | 'addKlineSpan'>;
  symbols: readonly string[];
  timeframes: readonly Timeframe[];
  from: number;
  to: number;
  concurrency?: number;
}): Promise<KlineSpan[]> {
  const spans: KlineSpan[] = [];
  await eachLimited(opts.symbols, opts.concurrency ?? 4, async (symbol) => {
    for (const tf of opts.timeframes) {
      const r = await loadKlineBars(opts.rest, opts.store, symbol, tf, opts.from, opts.to);
      const span: KlineSpan = { symbol, tf, from: opts.from, to: opts.to, firstId: null, lastId: null, reason: 'history', bars: r.bars, loadedAt: Date.now() };
      await opts.store.addKlineSpan(span);
      spans.push(span);
    }
  });
  return spans;
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}

/** The most recent page of trades of `symbol` REST serves, ascending by id. */
async function newestTrades(rest: RestClient, symbol: string): Promise<Tick[]> {
  return (await rest.page(symbol, null, PAGE_LIMIT)).ticks.sort((a, b) => a.id - b.id);
}

/** The time of trade `id`: from `newest` (the most recent page) when it is there, else one request. */
async function tradeTime(rest: RestClient, symbol: string, newest: readonly Tick[], id: number): Promise<number> {
  const known = newest.find((t) => t.id === id);
  if (known) return known.ts;
  const t = (await rest.page(symbol, id, 1)).ticks.find((x) => x.id === id);
  // REST without that id: the oldest trade of the newest page (later, so klines cover a little more)
  return t?.ts ?? newest[0]!.ts;
}

/**
 * The trades of `symbol` with time >= since, up to the newest REST serves: the most recent
 * page (`newest`, when already fetched), then pages further back by id until one holds a trade
 * before `since`. Ascending by id.
 */
async function tradesSince(rest: RestClient, symbol: string, since: number, newest?: Tick[]): Promise<Tick[]> {
  let all = newest ? [...newest] : await newestTrades(rest, symbol);
  while (all.length > 0 && all[0]!.ts >= since && all[0]!.id > 0) {
    const lowest = all[0]!.id;
    const fromId = Math.max(0, lowest - PAGE_LIMIT);
    const older = (await rest.page(symbol, fromId, lowest - fromId)).ticks.filter((t) => t.id < lowest).sort((a, b) => a.id - b.id);
    if (older.length === 0) break;
    all = older.concat(all);
  }
  return all.filter((t) => t.ts >= since);
}

/**
 * The trades of `symbol` with time >= since and id < beforeId (the first one a running ingest
 * delivered): pages back by id from there until one holds a trade before `since`. Ascending.
 */
async function tradesBetween(rest: RestClient, symbol: string, since: number, beforeId: number): Promise<Tick[]> {
  let all: Tick[] = [];
  let below = beforeId;
  while (below > 0) {
    const fromId = Math.max(0, below - PAGE_LIMIT);
    const older = (await rest.page(symbol, fromId, below - fromId)).ticks.filter((t) => t.id < below).sort((a, b) => a.id - b.id);
    if (older.length === 0) break;
    all = older.concat(all);
    if (older[0]!.ts < since) break;
    below = older[0]!.id;
  }
  return all.filter((t) => t.ts >= since);
}

/**
 * The trades of `symbol` from id `fromId` up to (not including) the first one at or after
 * `until`, and that first id (null when REST has none that late).
 */
async function tradesUntil(rest: RestClient, symbol: string, fromId: number, until: number): Promise<{ ticks: Tick[]; firstAfter: number | null }> {
  const ticks: Tick[] = [];
  let id = fromId;
  for (;;) {
    const page = await rest.page(symbol, id, PAGE_LIMIT);
    const got = page.ticks.filter((t) => t.id >= id).sort((a, b) => a.id - b.id);
    for (const t of got) {
      if (t.ts >= until) return { ticks, firstAfter: t.id };
      ticks.push(t);
    }
    if (got.length === 0 || page.received < PAGE_LIMIT) return { ticks, firstAfter: null };
    id = got[got.length - 1]!.id + 1;
  }
}

/** Stores ticks in batches of 5000 (one transaction each); returns how many were new. */
async function storeTicks(store: HistoryStore, ticks: readonly Tick[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ticks.length; i += 5000) n += (await store.insertTicks(ticks.slice(i, i + 5000))).inserted;
  return n;
}

/** Start-up history and long-outage repair for every symbol (see the module comment). */
export async function loadHistory(opts: HistoryOptions): Promise<HistoryReport> {
  const report: HistoryReport = { requests: 0, weight: 0, klineBars: 0, ticks: 0, spans: [], ms: 0 };
  await loadAll(opts, opts.store, report);
  return report;
}

/** loadHistory's work, symbol by symbol, through `store` (the writes reported). */
async function loadAll(opts: HistoryOptions, store: HistoryStore, report: HistoryReport): Promise<void> {
  const t0 = Date.now();
  const before = { requests: opts.rest.requests, weight: opts.rest.weightSpent };
  const summaries = new Map((await opts.store.symbols()).map((s) => [s.symbol, s]));
  await eachLimited(opts.symbols, opts.concurrency ?? 4, (symbol) => loadSymbolHistory(opts, store, report, symbol, summaries.get(symbol)));
  report.requests = opts.rest.requests - before.requests;
  report.weight = opts.rest.weightSpent - before.weight;
  report.ms = Date.now() - t0;
  log.info('history ready', {
    symbols: opts.symbols.length,
    requests: report.requests,
    weight: report.weight,
    klineBars: report.klineBars,
    ticks: report.ticks,
    ms: report.ms,
  });
}

/** What a symbol's stored ticks were when history began (Store.symbols()), undefined when none. */
export type StoredSummary = Awaited<ReturnType<Store['symbols']>>[number] | undefined;

/**
 * How history loaded beside a running ingest (HistoryJob) steps in: each part is run through a
 * hook that skips what is done and says how it went, and the seams keep clear of the live ticks.
 */
export interface SymbolHistoryHooks {
  /** Runs the klines of one timeframe, or skips them (done before, failed for good). */
  klines(tf: Timeframe, load: () => Promise<void>): Promise<void>;
  /** Runs the trades by id (since the seam of a fresh start, or an outage's repair), or skips them. */
  trades(kind: 'seam' | 'outage', load: () => Promise<void>): Promise<void>;
  /** The seam of a fresh start: the same one on every attempt, at or before the first live tick. */
  seam(proposed: number): number;
  /** The first tick the ingest delivered for the symbol (it stores every later one), or null. */
  live(): { ts: number; id: number } | null;
  /** History stored every trade up to this id (ticks, or klines standing for them). */
  stored(throughId: number): void;
}

/** A trade with an earlier time can still reach the ingest this long after it happened. */
const LATE_TRADE_MS = 10_000;

const direct: SymbolHistoryHooks = {
  klines: (_tf, load) => load(),
  trades: (_kind, load) => load(),
  seam: (proposed) => proposed,
  live: () => null,
  stored: () => undefined,
};

/**
 * Start-up history and long-outage repair of one symbol (see the module comment), `s` being what
 * was stored of it before the ingest began. With `hooks` (history beside a running ingest) the
 * seams never pass the first live tick, nor a moment a late trade may still arrive for, so no
 * kline bar ever lies where the ingest stores ticks.
 */
export async function loadSymbolHistory(
  opts: Omit<HistoryOptions, 'store' | 'symbols'>,
  store: HistoryStore,
  report: HistoryReport,
  symbol: string,
  s: StoredSummary,
  hooks: SymbolHistoryHooks = direct,
): Promise<void> {
  const at = (opts.now ?? Date.now)();
  const timeframes = TIMEFRAMES.filter((tf) => opts.history[tf] > 0);
  const live = hooks.live();
  const late = hooks === direct ? 0 : LATE_TRADE_MS;
  const clamp = (t: number): number => Math.min(t, down5m(at - late), live ? down5m(live.ts) : Infinity);
  const klines = async (tf: Timeframe, from: number, to: number, span: Omit<KlineSpan, 'symbol' | 'tf' | 'from' | 'to' | 'bars' | 'loadedAt'>) => {
    if (from >= to) return;
    const r = await loadKlineBars(opts.rest, store, symbol, tf, from, to);
    const k: KlineSpan = { symbol, tf, from, to, bars: r.bars, loadedAt: Date.now(), ...span };
    await store.addKlineSpan(k);
    report.klineBars += r.bars;
    report.spans.push(k);
  };
  // Trades from `since` on: up to the first live one when the ingest has one, else the newest.
  const since = async (from: number, newest?: Tick[]): Promise<Tick[]> =>
    live ? tradesBetween(opts.rest, symbol, from, live.id) : tradesSince(opts.rest, symbol, from, newest);

  if (!s || s.lastTs === null || s.firstTs === null) {
    if (timeframes.length === 0) return; // HISTORY=0: a fresh start begins with the first live tick
    // Fresh: klines before the seam, ticks from it.
    const seam = hooks.seam(clamp(down5m(at)));
    for (const tf of timeframes)
      await hooks.klines(tf, () => klines(tf, down5m(seam - opts.history[tf]), seam, { firstId: null, lastId: null, reason: 'history' }));
    await hooks.trades('seam', async () => {
      const tail = await since(seam);
      report.ticks += await storeTicks(store, tail);
      if (tail.length > 0) hooks.stored(tail.at(-1)!.id);
      log.info('history loaded', { symbol, seam: new Date(seam).toISOString(), ticksSinceSeam: tail.length });
    });
    return;
  }
  // History reaching back less far than wanted: extend it before the earliest stored bar.
  for (const tf of timeframes)
    await hooks.klines(tf, async () => {
      const earliest = (await store.bars({ symbol, tf, limit: 1 }))[0]?.start ?? Infinity;
      const to = Math.min(down5m(earliest), down5m(s.firstTs!));
      await klines(tf, down5m(at - opts.history[tf]), to, { firstId: null, lastId: null, reason: 'history' });
    });
  await hooks.trades('outage', () => repairOutage(opts, store, report, symbol, { lastTs: s.lastTs!, lastId: s.lastId }, at, clamp, since, klines, hooks));
}

/** The older part of a long outage (in time or in trades missed) from klines: see the module comment. */
async function repairOutage(
  opts: Omit<HistoryOptions, 'store' | 'symbols'>,
  store: HistoryStore,
  report: HistoryReport,
  symbol: string,
  s: { lastTs: number; lastId: number | null },
  at: number,
  clamp: (t: number) => number,
  since: (from: number, newest?: Tick[]) => Promise<Tick[]>,
  klines: (tf: Timeframe, from: number, to: number, span: Omit<KlineSpan, 'symbol' | 'tf' | 'from' | 'to' | 'bars' | 'loadedAt'>) => Promise<void>,
  hooks: SymbolHistoryHooks,
): Promise<void> {
  const b1 = down5m(s.lastTs) + FIVE_MIN;
  // no whole 5-minute interval missed (nothing klines could fill), or no id to count from: trades only
  if (s.lastId === null || down5m(at) <= b1) return;
  const newest = await newestTrades(opts.rest, symbol);
  const newestId = newest.at(-1)?.id ?? s.lastId;
  const missed = newestId - s.lastId;
  const longInTime = at - s.lastTs > opts.outageKlinesAfterMs;
  const longInTrades = missed > opts.outageKlinesAfterTrades;
  if (!longInTime && !longInTrades) return;
  // the trades repaired by id: at most outageKlinesAfterMs and about outageKlinesAfterTrades of them
  let b2 = down5m(at - opts.outageKlinesAfterMs);
  if (longInTrades) b2 = Math.max(b2, down5m(await tradeTime(opts.rest, symbol, newest, newestId - opts.outageKlinesAfterTrades + 1)));
  b2 = clamp(b2);
  if (b2 <= b1) return;
  const head = await tradesUntil(opts.rest, symbol, s.lastId + 1, b1);
  report.ticks += await storeTicks(store, head.ticks);
  if (head.ticks.length > 0) hooks.stored(head.ticks.at(-1)!.id);
  if (head.firstAfter === null) return; // nothing traded since: no outage to repair
  const tail = await since(b2, newest);
  // The ids the klines stand for: from the first trade at B1 to the last before B2.
  const lastId = tail.length > 0 ? tail[0]!.id - 1 : null;
  if (lastId === null || lastId < head.firstAfter) return;
  try {
    for (const tf of TIMEFRAMES) {
      // 1s bars older than HISTORY's 1s span serve nothing configured, and they are most of the
      // requests (87 a day against 2 for 1m): the 1s klines start there. 1m and 5m stay whole;
      // their spans stand for the trade ids, a shortened 1s span claims none.
      const from = tf === '1s' ? Math.max(b1, down5m(at - opts.history['1s'])) : b1;
      const whole = from === b1;
      await klines(tf, from, b2, { firstId: whole ? head.firstAfter : null, lastId: whole ? lastId : null, reason: 'outage' });
    }
  } catch (e) {
    // Kline bars of [B1, B2) stored (by this attempt or one before; no tick is stored there
    // while the ingest's backfill waits): those trades must never come as ticks too. A bar
    // missing in a timeframe whose klines failed is the lesser harm.
    for (const tf of TIMEFRAMES) if ((await store.bars({ symbol, tf, from: b1, to: b2, limit: 1 })).length > 0) hooks.stored(lastId);
    throw e;
  }
  report.ticks += await storeTicks(store, tail);
  hooks.stored(tail.at(-1)!.id);
  log.info('outage repaired from klines', {
    symbol,
    klinesFrom: new Date(b1).toISOString(),
    klinesTo: new Date(b2).toISOString(),
    ids: lastId - head.firstAfter + 1,
    ticks: head.ticks.length + tail.length,
    missedTrades: missed,
    why: longInTime ? 'time' : 'trades',
  });
}

/**
 * How far back each timeframe's history must reach: HISTORY, and at least what the live
 * engines read at warm-up for the largest window (`barsNeeded` bars, see LiveAnalytics.warmUp).
 */
export function historySpans(history: Partial<Record<Timeframe, number>>, barsNeeded: number): Record<Timeframe, number> {
  const out = {} as Record<Timeframe, number>;
  for (const tf of TIMEFRAMES) out[tf] = Math.max(history[tf] ?? 0, barsNeeded * TIMEFRAME_MS[tf]);
  return out;
}

/** A RestClient for history (the same host and limits as the trade backfill). */
export function historyClient(baseUrl: string, kind: StreamKind, signal?: AbortSignal): RestClient {
  return new RestClient({ baseUrl: baseUrl.replace(/\/+$/, ''), kind, signal });
}
