/**
 * Live analytics: for every configured pair, timeframe and window, a PairEngine fed by ticks
 * as they arrive (ingest calls `onTicks`), with ADF / Engle-Granger / half-life recomputed on a
 * cadence of closed bars rather than per tick. Not pure (it holds state, reads the store at
 * start-up and calls listeners); all the arithmetic is in ../analytics.
 *
 * Alignment: the same rule as `alignBars`, applied to ticks. Each symbol's price is its last
 * trade. An interval of a timeframe is committed as one aligned point (ts = interval start,
 * each leg's last price at the interval's end, forward-filled for a leg without a trade in it)
 * when the first tick of either leg at or after its end arrives, provided either leg traded in
 * it and both legs have had a price. Until then `peek` gives the provisional point of the
 * interval in progress. Ticks are processed in time order within a batch; a tick older than its
 * symbol's last seen tick, or belonging to an interval already committed, is counted in
 * `counters` and does not move the committed numbers (it is in the store, and the HTTP API's
 * numbers from stored bars include it).
 *
 *   const live = new LiveAnalytics({ pairs, windows: [30, 100] });
 *   await live.warmUp(store);
 *   ingestor.onTicks((ticks) => live.onTicks(ticks));
 *   live.onUpdate((u) => push(u));
 *   live.latest('ETHUSDT/BTCUSDT', '1m', 30); // => { point, provisional, committed, adf, coint, halfLife, correlation, updatedAt, position }
 *
 * Paper positions (issue 16): each pair / timeframe / window steps a PositionBook, the backtest's
 * rules and fills (src/analytics/backtest: entry at the configured entryZ, the other rules and
 * costs `paper`, BACKTEST_DEFAULTS where not given), on every committed point, the warm-up's
 * included: the same numbers as `backtest` with those options over those points
 * (test/live/paperPosition.test.ts). The position reports the rules it runs under.
 *
 * Funding (issue 25): a pair with a perpetual leg queues that leg's settlements (the store's at
 * warm-up, then `onFunding` as the ingest settles them) and its position pays each on the first
 * committed bar at or after its time (fundingQueue.ts), as `backtest` does with the same events.
 */
import { DEFAULT_ENTRY_Z, isPerp, statsSample, type PaperPositionDto, type PaperRulesDto } from '@quant-pairs/contract';
import {
  BACKTEST_DEFAULTS,
  PairEngine,
  backtestOptionsProblem,
  PositionBook,
  adfuller,
  alignBars,
  coint,
  engineOptionsProblem,
  halfLife,
  ouFitOf,
  type AdfResult,
  type BacktestOptions,
  type CointResult,
  type OuFit,
} from '../analytics';
import { TIMEFRAMES, TIMEFRAME_MS, bucketStart, type AnalyticsPoint, type Bar, type Pair, type Tick, type Timeframe } from '../domain';
import { OnceLogger } from '../log';
import { allFunding } from '../store/fundingPages';
import type { FundingEvent, Store } from '../store/store';
import { FundingQueue, type Settlement } from './fundingQueue';
import { ouSignal, paperPosition } from './paper';

type StatOrError<T> = T | { error: string } | null;

export interface LiveLatest {
  /** The point to show: the provisional one of the interval in progress, else the last committed. */
  point: AnalyticsPoint | null;
  /** The interval in progress, as if it closed now (PairEngine.peek); null when no interval is open. */
  provisional: AnalyticsPoint | null;
  /** The last closed interval's point. */
  committed: AnalyticsPoint | null;
  /** ADF (c, AIC) on the defined spreads of the last `statsSample(window)` committed points. */
  adf: StatOrError<AdfResult>;
  /** Engle-Granger coint(y, x) on the last `statsSample(window)` committed points. */
  coint: StatOrError<CointResult>;
  halfLife: StatOrError<{ a: number; b: number; halfLife: number | null }>;
  /** The OU fit (honest/ouStats.ts) of the same spreads as adf and halfLife; the band is costed when read (serving/stats.ts). */
  ou: StatOrError<OuFit>;
  correlation: number | null;
  /** Clock time (epoch ms) of the last change, null before any. */
  updatedAt: number | null;
  /** The paper position after the last committed point. */
  position: PaperPositionDto;
}

export interface LiveUpdate {
  pair: string;
  tf: Timeframe;
  window: number;
  point: AnalyticsPoint;
  /** True for the interval in progress (peek), false for a committed (closed) interval. */
  provisional: boolean;
}

export interface LiveOptions {
  pairs: readonly Pair[];
  /** Rolling windows in bars (each gets its own engine). */
  windows: readonly number[];
  /** Default all of TIMEFRAMES ('1s', '1m', '5m'). */
  timeframes?: readonly Timeframe[];
  ddof?: 0 | 1;
  entryZ?: number;
  exitZ?: number | null;
  /**
   * The paper positions' rules and costs but the entry (entryZ): the collector's PAPER_* settings.
   * What is not given is BACKTEST_DEFAULTS' (exit too: exitZ is the signal's, not the position's).
   */
  paper?: Partial<Omit<PaperRulesDto, 'entry'>>;
  /**
   * z (default): the paper positions enter at |z| > entryZ. ou (PAPER_ENTRY=ou, issue 26): at
   * Bertram's band of an OU fit of the window's last spreads up to each decision, net of the
   * paper fees and slippage at that bar's prices (backtest/ouEntry.ts: the backtest's entry=ou
   * with fitWindow = window); entry 1 and exit -1 in units of the band's half-width. Default: the
   * paper rules' entryRule (PAPER_ENTRY, as loadConfig reads it), else z.
   */
  paperEntry?: 'z' | 'ou';
  /** Recompute ADF / coint / half-life every this many committed bars (default 1: each bar close). */
  statsEvery?: number;
  /** Committed points the statistics use; default the contract's statsSample (min(5000, max(200, 5·window))), as the HTTP API's STATS_SAMPLE. */
  statsSample?: (window: number) => number;
  /** Clock, epoch ms (tests pass a fixed one). */
  now?: () => number;
}

export const DEFAULT_STATS_SAMPLE = statsSample;

/**
 * Closed bars the engines of `windows` need at warm-up for z (2·window - 1 points) and the
 * statistics' sample: how much history start-up loads at least, per timeframe.
 */
export function warmUpBars(windows: readonly number[], statsSample: (window: number) => number = DEFAULT_STATS_SAMPLE): number {
  let need = 0;
  for (const w of windows) need = Math.max(need, 2 * w - 1, Math.max(3, statsSample(w)));
  return need + 1;
}

interface WindowState {
  window: number;
  engine: PairEngine;
  /** Last statsSample committed points (x, y, spread); trimmed in chunks. */
  xs: number[];
  ys: number[];
  spreads: (number | null)[];
  sample: number;
  barsSinceStats: number;
  committed: AnalyticsPoint | null;
  provisional: AnalyticsPoint | null;
  adf: StatOrError<AdfResult>;
  coint: StatOrError<CointResult>;
  halfLife: StatOrError<{ a: number; b: number; halfLife: number | null }>;
  ou: StatOrError<OuFit>;
  updatedAt: number | null;
  /** The paper position: the backtest's book stepped on each committed point; its entry fill's bar time and the last equity. */
  book: PositionBook;
  entryTs: number | null;
  equity: number;
  /** A leg is a perpetual: the position reports its funding. */
  funded: boolean;
}

interface SeriesState {
  pair: Pair;
  tf: Timeframe;
  /** Start of the interval with trades not yet committed, or null. */
  openStart: number | null;
  /** Start of the last committed interval (-Infinity before any). */
  lastCommitted: number;
  windows: WindowState[];
  /** Settlements of the perpetual legs not yet paid. */
  funding: FundingQueue;
}

export class LiveAnalytics {
  /** Ticks that could not move the live numbers (see the class comment), by reason. */
  readonly counters = { outOfOrder: 0, late: 0 };
  private readonly series: SeriesState[] = [];
  private readonly bySymbol = new Map<string, SeriesState[]>();
  private readonly byKey = new Map<string, WindowState>();
  private readonly price = new Map<string, { price: number; ts: number }>();
  private readonly listeners = new Set<(u: LiveUpdate) => void>();
  private readonly statsEvery: number;
  private readonly now: () => number;
  private readonly listenerErrors = new OnceLogger();
  /** What every paper position runs under (reported with it). */
  private readonly paperRules: Readonly<PaperRulesDto>;
  /** PAPER_ENTRY=ou: the book steps on the OU band's u instead of z. */
  private readonly paperOu: boolean;
  /** A window's state as before its first bar. */
  private readonly newWindow: (window: number, funded: boolean) => WindowState;

  constructor(opts: LiveOptions) {
    const tfs = opts.timeframes ?? TIMEFRAMES;
    const statsEvery = opts.statsEvery ?? 1;
    if (!Number.isInteger(statsEvery) || statsEvery < 1) throw new RangeError(`statsEvery must be an integer >= 1, got ${statsEvery}`);
    for (const w of opts.windows) {
      const problem = engineOptionsProblem({ window: w, ddof: opts.ddof, entryZ: opts.entryZ, exitZ: opts.exitZ });
      if (problem) throw new RangeError(problem);
    }
    this.statsEvery = statsEvery;
    this.now = opts.now ?? Date.now;
    this.paperOu = (opts.paperEntry ?? opts.paper?.entryRule) === 'ou';
    const band = this.paperOu ? { entry: 1, exit: -1 } : { entry: opts.entryZ ?? DEFAULT_ENTRY_Z };
    const paper: BacktestOptions = { ...BACKTEST_DEFAULTS, ...opts.paper, ...band };
    const paperProblem = backtestOptionsProblem(paper);
    if (paperProblem) throw new RangeError(`paper position: ${paperProblem}${this.paperOu ? ' (PAPER_ENTRY=ou: in units of the band)' : ''}`);
    const { barsPerYear: _unused, ...rules } = paper;
    this.paperRules = Object.freeze(this.paperOu ? { ...rules, entryRule: 'ou' as const } : rules);
    const sampleOf = opts.statsSample ?? DEFAULT_STATS_SAMPLE;
    this.newWindow = (window, funded) => ({
      window,
      engine: new PairEngine({ window, ddof: opts.ddof, entryZ: opts.entryZ, exitZ: opts.exitZ }),
      xs: [],
      ys: [],
      spreads: [],
      sample: Math.max(3, sampleOf(window)),
      barsSinceStats: 0,
      committed: null,
      provisional: null,
      adf: null,
      coint: null,
      halfLife: null,
      ou: null,
      updatedAt: null,
      book: new PositionBook(paper),
      entryTs: null,
      equity: paper.notional,
      funded,
    });
    for (const pair of opts.pairs) {
      for (const tf of tfs) {
        const funding = new FundingQueue(isPerp(pair.y), isPerp(pair.x));
        const s: SeriesState = { pair, tf, openStart: null, lastCommitted: -Infinity, windows: [], funding };
        for (const window of opts.windows) {
          const ws = this.newWindow(window, funding.perpY || funding.perpX);
          s.windows.push(ws);
          this.byKey.set(key(pair.id, tf, window), ws);
        }
        this.series.push(s);
        for (const sym of [pair.y, pair.x]) {
          const list = this.bySymbol.get(sym) ?? [];
          list.push(s);
          this.bySymbol.set(sym, list);
        }
      }
    }
  }

  /**
   * Subscribes to new points (committed and provisional); returns the unsubscribe function.
   * (Generic only so that it also fits the API's structural `LiveSource.onUpdate`, whose
   * listener is typed `(...args: never[]) => void`.)
   */
  onUpdate<L extends (u: LiveUpdate) => void>(listener: L): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest numbers of a configured pair / timeframe / window, or undefined if not configured. */
  latest(pairId: string, tf: Timeframe, window: number): LiveLatest | undefined {
    const ws = this.byKey.get(key(pairId, tf, window));
    if (!ws) return undefined;
    const point = ws.provisional ?? ws.committed;
    return {
      point,
      provisional: ws.provisional,
      committed: ws.committed,
      adf: ws.adf,
      coint: ws.coint,
      halfLife: ws.halfLife,
      ou: ws.ou,
      correlation: point?.correlation ?? null,
      updatedAt: ws.updatedAt,
      position: paperPosition(ws, this.paperRules),
    };
  }

  /** Last trade price of a symbol seen by the live engine, or null. */
  lastPrice(symbol: string): number | null {
    return this.price.get(symbol)?.price ?? null;
  }

  /**
   * Settlements of perpetuals as the ingest makes them (any symbols; each paid once, on the first
   * committed bar at or after its time; one that belonged to the last committed bar, a moment late,
   * on the next). Returns the symbols with a settlement older than that (the funding history loaded
   * after the warm-up): their series must be warmed up again from the store (`rewarm`), which holds it.
   */
  onFunding(events: readonly FundingEvent[]): string[] {
    const stale = new Set<string>();
    for (const e of events) {
      for (const s of this.bySymbol.get(e.symbol) ?? []) {
        if (e.ts <= s.lastCommitted - TIMEFRAME_MS[s.tf]) stale.add(e.symbol);
        else s.funding.add(s.pair.y === e.symbol ? 'y' : 'x', [e]);
      }
    }
    return [...stale];
  }

  /** Feeds trades as they arrive (any symbols; those of no configured pair are ignored). */
  onTicks(ticks: readonly Tick[]): void {
    let sorted = true;
    for (let i = 1; i < ticks.length; i++) if (ticks[i]!.ts < ticks[i - 1]!.ts) sorted = false;
    const list = sorted ? ticks : [...ticks].sort((a, b) => a.ts - b.ts);
    const touched = new Set<SeriesState>();
    for (const t of list) {
      const states = this.bySymbol.get(t.symbol);
      if (!states) continue;
      const last = this.price.get(t.symbol);
      if (last && t.ts < last.ts) {
        this.counters.outOfOrder++;
        continue;
      }
      for (const s of states) {
        const start = bucketStart(t.ts, s.tf);
        // case: the tick is past the open interval -> that interval closed with the prices before this tick
        if (s.openStart !== null && start > s.openStart) this.commit(s);
        // case: the tick belongs to an interval already committed (or older than the open one)
        if (start <= s.lastCommitted || (s.openStart !== null && start < s.openStart)) this.counters.late++;
        else s.openStart = start;
        touched.add(s);
      }
      this.price.set(t.symbol, { price: t.price, ts: t.ts });
    }
    for (const s of touched) this.refreshProvisional(s);
  }

  /**
   * Loads recent bars from the store so that every engine starts warm: enough aligned points for
   * z (2·window - 1) and the statistics sample, then the bar in progress as the open interval.
   * Call before feeding ticks.
   */
  async warmUp(store: Store): Promise<void> {
    for (const s of this.series) this.applyWarmUp(s, await this.readWarmUp(store, s));
  }

  /**
   * Warms the series of the pairs with a leg in `symbols` up again from the store, from scratch
   * (history that landed after the start: their numbers appear without waiting for a window of
   * live bars). Each series is swapped at once after its read, between two batches of ticks.
   */
  async rewarm(store: Store, symbols: readonly string[]): Promise<void> {
    const want = new Set(symbols);
    for (const s of this.series) {
      if (!want.has(s.pair.y) && !want.has(s.pair.x)) continue;
      const read = await this.readWarmUp(store, s);
      // settlements announced while the read ran, not yet paid: the new books pay them too (each once)
      read.yFunding.push(...s.funding.queued('y'));
      read.xFunding.push(...s.funding.queued('x'));
      s.windows = s.windows.map((old) => {
        const ws = this.newWindow(old.window, old.funded);
        this.byKey.set(key(s.pair.id, s.tf, ws.window), ws);
        return ws;
      });
      s.openStart = null;
      s.lastCommitted = -Infinity;
      s.funding = new FundingQueue(s.funding.perpY, s.funding.perpX);
      this.applyWarmUp(s, read);
    }
  }

  /** The stored bars a series warms up on: enough aligned points for z (2·window - 1) and the statistics sample. */
  private async readWarmUp(store: Store, s: SeriesState): Promise<WarmUpRead> {
    const tfMs = TIMEFRAME_MS[s.tf];
    const open = bucketStart(this.now(), s.tf);
    let need = 0;
    for (const ws of s.windows) need = Math.max(need, 2 * ws.window - 1, ws.sample);
    const from = open - 2 * (need + 1) * tfMs;
    const [yBars, xBars] = await Promise.all([store.bars({ symbol: s.pair.y, tf: s.tf, from }), store.bars({ symbol: s.pair.x, tf: s.tf, from })]);
    const settled = (on: boolean, symbol: string) => (on ? allFunding(store, symbol, from, Number.MAX_SAFE_INTEGER) : Promise.resolve([]));
    const [yFunding, xFunding] = await Promise.all([settled(s.funding.perpY, s.pair.y), settled(s.funding.perpX, s.pair.x)]);
    return { open, yBars, xBars, yFunding, xFunding };
  }

  /** Feeds the closed bars of a read to the series' windows, then the bar in progress as the open interval. */
  private applyWarmUp(s: SeriesState, { open, yBars, xBars, yFunding, xFunding }: WarmUpRead): void {
    let need = 0;
    for (const ws of s.windows) need = Math.max(need, 2 * ws.window - 1, ws.sample);
    const closedY = yBars.filter((b) => b.start < open);
    const closedX = xBars.filter((b) => b.start < open);
    const a = alignBars(closedY, closedX);
    const skip = Math.max(0, a.ts.length - 2 * (need + 1));
    s.funding.add('y', yFunding);
    s.funding.add('x', xFunding);
    // what lands on the bars before the first one stepped finds the books flat: dropped
    if (skip > 0) s.funding.take(a.ts[skip - 1]!);
    const fund = a.ts.map((t, i) => (i < skip ? null : s.funding.take(t)));
    for (const ws of s.windows) {
      for (let i = skip; i < a.ts.length; i++) this.pushPoint(ws, a.ts[i]!, a.x[i]!, a.y[i]!, fund[i]!);
      if (a.ts.length > 0) this.computeStats(ws);
    }
    if (a.ts.length > 0) s.lastCommitted = a.ts[a.ts.length - 1]!;
    for (const [sym, bars] of [
      [s.pair.y, yBars],
      [s.pair.x, xBars],
    ] as const) {
      const b = bars[bars.length - 1];
      if (!b) continue;
      const known = this.price.get(sym);
      if (!known || known.ts <= b.start) this.price.set(sym, { price: b.close, ts: b.start });
      if (b.start >= open) s.openStart = b.start;
    }
    this.refreshProvisional(s);
  }

  private commit(s: SeriesState): void {
    const start = s.openStart!;
    s.openStart = null;
    const py = this.price.get(s.pair.y);
    const px = this.price.get(s.pair.x);
    if (!py || !px) return; // case: one leg has never traded -> no point yet (alignBars starts once both have a price)
    s.lastCommitted = start;
    const fund = s.funding.take(start);
    for (const ws of s.windows) {
      const p = this.pushPoint(ws, start, px.price, py.price, fund);
      ws.provisional = null;
      if (++ws.barsSinceStats >= this.statsEvery) this.computeStats(ws);
      ws.updatedAt = this.now();
      this.emit({ pair: s.pair.id, tf: s.tf, window: ws.window, point: p, provisional: false });
    }
  }

  /** Steps a window on a committed point, paying first the funding `fund` landing on it ([per unit of y, of x]). */
  private pushPoint(ws: WindowState, ts: number, x: number, y: number, fund: readonly [number, number] | null): AnalyticsPoint {
    const p = ws.engine.push(ts, x, y);
    ws.committed = p;
    ws.xs.push(x);
    ws.ys.push(y);
    ws.spreads.push(p.spread);
    const book = ws.book;
    if (fund !== null) book.fund(fund[0], fund[1]);
    const signal = this.paperOu ? ouSignal(ws.spreads, ws.window, this.paperRules, x, y, p.beta) : (p.zscore ?? NaN);
    ws.equity = book.step(y, x, signal, p.beta ?? NaN, true);
    ws.entryTs = book.entryIndex < 0 ? null : book.entryIndex === book.t - 1 ? ts : ws.entryTs;
    if (ws.xs.length >= 2 * ws.sample) {
      // amortised O(1): drop the oldest half once the buffer has doubled
      const cut = ws.xs.length - ws.sample;
      ws.xs.splice(0, cut);
      ws.ys.splice(0, cut);
      ws.spreads.splice(0, cut);
    }
    return p;
  }

  private computeStats(ws: WindowState): void {
    ws.barsSinceStats = 0;
    const from = Math.max(0, ws.xs.length - ws.sample);
    const defined: number[] = [];
    for (let i = from; i < ws.spreads.length; i++) if (ws.spreads[i] !== null) defined.push(ws.spreads[i]!);
    ws.adf = defined.length > 0 ? adfuller(defined, { regression: 'c', autolag: 'AIC' }) : { error: 'no defined spread yet' };
    ws.halfLife = defined.length > 0 ? halfLife(defined) : { error: 'no defined spread yet' };
    ws.ou = ouFitOf(defined);
    ws.coint = coint(ws.ys.slice(from), ws.xs.slice(from));
  }

  private refreshProvisional(s: SeriesState): void {
    if (s.openStart === null) return;
    const py = this.price.get(s.pair.y);
    const px = this.price.get(s.pair.x);
    if (!py || !px) return;
    for (const ws of s.windows) {
      const p = ws.engine.peek(s.openStart, px.price, py.price);
      ws.provisional = p;
      ws.updatedAt = this.now();
      this.emit({ pair: s.pair.id, tf: s.tf, window: ws.window, point: p, provisional: true });
    }
  }

  private emit(u: LiveUpdate): void {
    for (const l of this.listeners) {
      try {
        l(u);
      } catch (e) {
        this.listenerErrors.warn('listener', 'live analytics listener threw', { error: e as Error });
      }
    }
  }
}

/** What a series warms up on: its legs' stored bars and, for perpetual legs, their settlements since the first. */
interface WarmUpRead {
  open: number;
  yBars: Bar[];
  xBars: Bar[];
  yFunding: Settlement[];
  xFunding: Settlement[];
}

function key(pairId: string, tf: Timeframe, window: number): string {
  return `${pairId}|${tf}|${window}`;
}
