/**
 * The live pair scanner (issue 15): at each close of `tf` (SCAN_TF), once the bars ending then
 * have settled, scans the universe over the last `window` (SCAN_WINDOW) bars with the pure scan
 * (../analytics/scan `scanSteps`: a pair at a time, the event loop handed back every 20 ms, so
 * ingest and the API keep running through a 100-symbol scan) and stores the result (`Store.insertScan`), so that /api/scan
 * serves the latest table and /api/scan/history any pair's p-value history.
 *
 * Point in time: the scan at close t reads bars whose interval ended by t (start < t) and
 * nothing later: the grid is the `window` bar starts t - window·tf .. t - tf, each symbol's value
 * there its last close at or before that start (forward fill over a bar without trades, the rule
 * of `alignBars`). A symbol without a price at the first grid point (not enough history yet) is
 * left out of that scan; `symbols` of the stored scan says who was in. A tick stored after the
 * scan ran (late, or a backfill) does not change a stored scan.
 *
 * At start (and again with `catchUp()` once history has landed) the latest close is scanned at
 * once, then every close of the `backfillMs` before it (SCAN_BACKFILL) that has no stored scan, or
 * a stored scan that left out a symbol now in the universe, newest first, each symbol's bars read
 * once for the whole span: the scanner table, the p-value history panels and the alert rules have
 * numbers within seconds of start instead of after the next close and a day of closes.
 *
 *   const scanner = new LiveScanner({ store, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], tf: '5m', window: 1000, backfillMs: 86_400_000 });
 *   scanner.start();              // scans the last close now if it is not stored, the backfill, then each close
 *   await scanner.scanAt(t);      // one scan at close t (stored, and returned)
 */
import { scanSteps, SCAN_DEFAULTS, type ScanResult, type ScanThresholds } from '../analytics';

/** Most closes a backfill scans (a day of 1m closes): SCAN_BACKFILL=24h of a 1s scanner would be 86,400 scans. */
const MAX_BACKFILL_CLOSES = 1440;

/** Scans a backfill keeps computing at once on a pool (each shared among its threads). */
const BACKFILL_IN_FLIGHT = 2;

/** Longest stretch a scan keeps the event loop, ms. */
const YIELD_MS = 20;
import { TIMEFRAME_MS, type Timeframe } from '../domain';
import { log } from '../log';
import type { HealthScanner } from '@quant-pairs/contract';
import { scanGrid } from '../store/scanGrid';
import type { Store, StoredScan } from '../store/store';
import type { ScanPool } from './scanPool';

export interface LiveScannerOptions {
  store: Store;
  /** The universe, in order (the first of a pair is the earlier symbol). */
  symbols: readonly string[];
  tf: Timeframe;
  window: number;
  thresholds?: ScanThresholds;
  /** Wait this long after a close before scanning, so the bars ending then are stored and final (default 3000 ms). */
  settleMs?: number;
  /** At start and on `catchUp`, scan the closes of this many ms before the latest where none is stored (SCAN_BACKFILL; default 0). */
  backfillMs?: number;
  /** Worker threads to scan on (SCAN_THREADS), closed with the scanner; without, scans run in this thread a slice at a time. */
  pool?: ScanPool;
  now?: () => number;
}

export class LiveScanner {
  /** Scans run and stored; the last one's duration in ms (what /metrics and the notes report). */
  readonly stats = { scans: 0, lastMs: 0, lastPairs: 0, failures: 0, backfilled: 0 };
  /** Why the last scan could not run (fewer than 2 symbols with a full window), null once one has. */
  waiting: string | null = null;
  private lastScanTs: number | null = null;

  /** What /api/health shows of the scanner. */
  status(): HealthScanner {
    const { scans, backfilled, failures } = this.stats;
    return { state: this.waiting === null ? 'ok' : 'waiting', reason: this.waiting, lastScanTs: this.lastScanTs, scans, backfilled, failures };
  }
  private readonly tfMs: number;
  private readonly settleMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private symbols: string[];

  constructor(private readonly opts: LiveScannerOptions) {
    this.tfMs = TIMEFRAME_MS[opts.tf];
    this.settleMs = opts.settleMs ?? 3000;
    this.now = opts.now ?? Date.now;
    this.symbols = [...opts.symbols];
    if (opts.symbols.length < 2) throw new RangeError(`the scanner needs at least 2 symbols, got ${opts.symbols.length}`);
  }

  /** The universe scanned from the next scan on (UNIVERSE=top:N refreshed), in order. */
  setSymbols(symbols: readonly string[]): void {
    if (symbols.length < 2) throw new RangeError(`the scanner needs at least 2 symbols, got ${symbols.length}`);
    this.symbols = [...symbols];
  }

  /** Scans the last close unless it is stored already, the backfill span (`catchUp`), then every close until `stop`. */
  start(): void {
    this.running = this.catchUp().finally(() => this.schedule());
  }

  /**
   * Scans the latest settled close and the `backfillMs` before it, newest first, where no scan is
   * stored or the stored one left out a symbol of the universe (history that landed since); the
   * caller awaits it (main: once start-up history is in). Failures are counted and logged, not thrown.
   */
  catchUp(): Promise<void> {
    const run = this.running.then(async () => {
      const last = Math.floor((this.now() - this.settleMs) / this.tfMs) * this.tfMs;
      const count = 1 + Math.min(MAX_BACKFILL_CLOSES, Math.floor((this.opts.backfillMs ?? 0) / this.tfMs));
      const todo: number[] = [];
      for (let k = 0; k < count && !this.stopped; k++) {
        const t = last - k * this.tfMs;
        const stored = await this.opts.store.scanAt(this.opts.tf, this.opts.window, t).catch(() => null);
        if (stored?.ts !== t || this.symbols.some((s) => !stored.symbols.includes(s))) todo.push(t);
      }
      if (todo.length === 0) return;
      const span = await this.seriesOver(todo[todo.length - 1]!, todo[0]!);
      // pipelined: with a pool, BACKFILL_IN_FLIGHT scans are handed to its threads at once, so they
      // never wait while this thread stores a scan or reads the last one's rows; stored in order
      const inFlight: Promise<Computed | null>[] = [];
      const depth = this.opts.pool ? BACKFILL_IN_FLIGHT : 1;
      for (const t of todo) {
        if (this.stopped) break;
        inFlight.push(this.computeAt(t, span(t)).catch((e: unknown) => this.failed(t, e) ?? null));
        if (inFlight.length >= depth) {
          const done = await inFlight.shift()!;
          if (done) await this.storeScan(done, last);
        }
      }
      for (const computing of inFlight) {
        const done = await computing;
        if (done) await this.storeScan(done, last);
      }
      if (todo.length > 1) log.info('scan backfill done', { closes: todo.length, backfilled: this.stats.backfilled, tf: this.opts.tf });
    });
    this.running = run;
    return run;
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopped = true;
    await this.running;
    await this.opts.pool?.close();
  }

  private stopped = false;

  private schedule(): void {
    if (this.stopped) return;
    const now = this.now();
    const next = Math.floor((now - this.settleMs) / this.tfMs) * this.tfMs + this.tfMs;
    this.timer = setTimeout(
      () => {
        this.running = this.scanAt(next)
          .catch((e: unknown) => this.failed(next, e))
          .finally(() => this.schedule());
      },
      Math.max(0, next + this.settleMs - now),
    );
    this.timer.unref();
  }

  private failed(t: number, e: unknown): void {
    this.stats.failures++;
    log.warn('scan failed', { at: new Date(t).toISOString(), error: (e as Error).message });
  }

  /** The universe's closes on the grid of the `window` bars ending by `t`: the scan's input. */
  async seriesAt(t: number): Promise<{ symbols: string[]; series: Float64Array[] }> {
    return (await this.seriesOver(t, t))(t);
  }

  /** scanGrid over this scanner's universe (store/scanGrid.ts). */
  private seriesOver(oldest: number, newest: number): Promise<(t: number) => { symbols: string[]; series: Float64Array[] }> {
    return scanGrid(this.opts.store, this.symbols, this.opts.tf, this.opts.window, oldest, newest);
  }

  /** Scans at close `t` (a multiple of tf), stores the result and returns it; null when fewer than 2 symbols have the history. */
  async scanAt(t: number): Promise<StoredScan | null> {
    return this.scanSeriesAt(t, await this.seriesAt(t));
  }

  private async scanSeriesAt(t: number, input: { symbols: string[]; series: Float64Array[] }): Promise<StoredScan | null> {
    const done = await this.computeAt(t, input);
    if (done) await this.storeScan(done, t);
    return done?.scan ?? null;
  }

  /** The scan at close `t` of `input`, not stored yet; null (and `waiting` says why) with fewer than 2 symbols. */
  private async computeAt(t: number, { symbols, series }: { symbols: string[]; series: Float64Array[] }): Promise<Computed | null> {
    if (symbols.length < 2) {
      const why = `fewer than 2 symbols have ${this.opts.window} ${this.opts.tf} bars of history (SCAN_WINDOW): ${symbols.length} of ${this.symbols.length}`;
      if (this.waiting !== why) log.info(`scanner waiting: ${why}`, { at: new Date(t).toISOString() });
      this.waiting = why;
      return null;
    }
    this.waiting = null;
    const started = performance.now();
    const thresholds = this.opts.thresholds ?? SCAN_DEFAULTS;
    const r = this.opts.pool
      ? await this.opts.pool.scan(symbols, series, this.opts.window, thresholds)
      : await sliced(symbols, series, this.opts.window, thresholds);
    const ms = performance.now() - started; // wall time, the slices other work ran in included
    const scan = { tf: this.opts.tf, window: this.opts.window, ts: t, symbols, tested: r.tested, selected: r.selected, pairs: r.pairs };
    return { scan, paths: r.paths, ms };
  }

  /** Stores a computed scan; one before the `latest` close is a backfilled one (logged at debug). A failure is counted and logged. */
  private async storeScan({ scan, paths, ms }: Computed, latest: number): Promise<void> {
    try {
      await this.opts.store.insertScan(scan);
    } catch (e) {
      this.failed(scan.ts, e);
      return;
    }
    this.stats.scans++;
    this.lastScanTs = Math.max(this.lastScanTs ?? -Infinity, scan.ts);
    this.stats.lastMs = ms;
    this.stats.lastPairs = scan.pairs.length;
    if (scan.ts !== latest) this.stats.backfilled++;
    (scan.ts !== latest ? log.debug : log.info)('scan stored', {
      at: new Date(scan.ts).toISOString(),
      symbols: scan.symbols.length,
      pairs: scan.pairs.length,
      selected: scan.selected,
      paths,
      ms: Math.round(ms),
    });
  }
}

/** A scan computed, not yet stored, with how its lag products were had and how long it took. */
interface Computed {
  scan: StoredScan;
  paths: ScanResult['paths'];
  ms: number;
}

/**
 * A scan in this thread, a pair at a time, handing the event loop back every YIELD_MS: ingest and
 * the API keep running through a scan that takes a second or more for 100 symbols.
 */
async function sliced(symbols: string[], series: Float64Array[], window: number, thresholds: ScanThresholds): Promise<ScanResult> {
  const steps = scanSteps(symbols, series, window, thresholds);
  let slice = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - slice >= YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
}
