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
 *   const scanner = new LiveScanner({ store, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], tf: '5m', window: 1000 });
 *   scanner.start();              // scans the last close now if it is not stored, then each close
 *   await scanner.scanAt(t);      // one scan at close t (stored, and returned)
 */
import { scanSteps, SCAN_DEFAULTS, type ScanResult, type ScanThresholds } from '../analytics';

/** Longest stretch a scan keeps the event loop, ms. */
const YIELD_MS = 20;
import { TIMEFRAME_MS, type Timeframe } from '../domain';
import { log } from '../log';
import type { Store, StoredScan } from '../store/store';

export interface LiveScannerOptions {
  store: Store;
  /** The universe, in order (the first of a pair is the earlier symbol). */
  symbols: readonly string[];
  tf: Timeframe;
  window: number;
  thresholds?: ScanThresholds;
  /** Wait this long after a close before scanning, so the bars ending then are stored and final (default 3000 ms). */
  settleMs?: number;
  now?: () => number;
}

export class LiveScanner {
  /** Scans run and stored; the last one's duration in ms (what /metrics and the notes report). */
  readonly stats = { scans: 0, lastMs: 0, lastPairs: 0, failures: 0 };
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

  /** Scans the last close unless it is stored already, then every close until `stop`. */
  start(): void {
    const last = Math.floor((this.now() - this.settleMs) / this.tfMs) * this.tfMs;
    this.running = this.opts.store
      .scanAt(this.opts.tf, this.opts.window, last)
      .then((s) => (s?.ts === last ? null : this.scanAt(last)))
      .catch((e: unknown) => this.failed(last, e))
      .finally(() => this.schedule());
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopped = true;
    await this.running;
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
    const { store, window } = this.opts;
    const first = t - window * this.tfMs;
    const symbols: string[] = [];
    const series: Float64Array[] = [];
    for (const symbol of this.symbols) {
      // from one window earlier: a price to carry into the first grid point if its bar had no trade
      const q = { symbol, tf: this.opts.tf, from: first - window * this.tfMs, to: t };
      const bars = store.barCloses ? await store.barCloses(q) : columns(await store.bars(q));
      const v = new Float64Array(window);
      let j = -1;
      for (let k = 0; k < window; k++) {
        const start = first + k * this.tfMs;
        while (j + 1 < bars.n && bars.start[j + 1]! <= start) j++;
        v[k] = j < 0 ? NaN : bars.close[j]!;
      }
      if (Number.isNaN(v[0]!)) continue;
      symbols.push(symbol);
      series.push(v);
    }
    return { symbols, series };
  }

  /** Scans at close `t` (a multiple of tf), stores the result and returns it; null when fewer than 2 symbols have the history. */
  async scanAt(t: number): Promise<StoredScan | null> {
    const { symbols, series } = await this.seriesAt(t);
    if (symbols.length < 2) {
      log.debug('scan skipped: fewer than 2 symbols with a full window', { at: new Date(t).toISOString(), symbols: symbols.length });
      return null;
    }
    const started = performance.now();
    // a pair at a time, handing the event loop back every YIELD_MS: ingest and the API keep
    // running through a scan that takes a second or more for 100 symbols
    const steps = scanSteps(symbols, series, this.opts.window, this.opts.thresholds ?? SCAN_DEFAULTS);
    let r: ScanResult;
    let slice = performance.now();
    for (;;) {
      const step = steps.next();
      if (step.done) {
        r = step.value;
        break;
      }
      if (performance.now() - slice >= YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
    const scan: StoredScan = { tf: this.opts.tf, window: this.opts.window, ts: t, symbols, tested: r.tested, selected: r.selected, pairs: r.pairs };
    this.stats.lastMs = performance.now() - started; // wall time, the slices other work ran in included
    this.stats.lastPairs = r.pairs.length;
    await this.opts.store.insertScan(scan);
    this.stats.scans++;
    log.info('scan stored', {
      at: new Date(t).toISOString(),
      symbols: symbols.length,
      pairs: r.pairs.length,
      selected: r.selected,
      ms: Math.round(this.stats.lastMs),
    });
    return scan;
  }
}

function columns(bars: { start: number; close: number }[]): { n: number; start: Float64Array; close: Float64Array } {
  return { n: bars.length, start: Float64Array.from(bars, (b) => b.start), close: Float64Array.from(bars, (b) => b.close) };
}
