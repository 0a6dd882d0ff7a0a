/**
 * History loaded beside the live ingest (history.ts does the loading): the ingest and the API run
 * from the first second whatever Binance's REST does, and history lands when it can.
 *
 * - Each symbol is loaded on its own, a few at a time, and retried in the background after a
 *   transient failure (network, 5xx; 418 / 429 wait out Retry-After inside RestClient) with a
 *   growing pause. A refusal that stays (another 4xx, 451 / 403) fails that part for good: said
 *   once, never asked again.
 * - Its state per symbol and part (each timeframe's klines, the trades since a fresh start's
 *   seam, a restart's outage repair) is `status()`: loading / done / failed, attempts, last error.
 * - The ingest's REST backfill of a symbol that resumes from stored ids waits (`hold`) until
 *   history has decided whether part of its outage comes from klines, so no trade the klines
 *   stand for is stored as a tick too; the seams keep clear of the first live tick (history.ts).
 *   An outage that cannot be decided for a reason other than an unreachable host is left to the
 *   ingest's trade backfill (slower, exact).
 * - `landed(symbol)` is told once a symbol's history is in the store (the live engines warm up
 *   again from it); `ready` resolves when every part is done or failed.
 *
 *   const job = new HistoryJob({ rest, store, symbols, stored, history, ingest, landed });
 *   job.start(); await job.ready; job.status();
 */
import type { HistoryPart, HistoryPartState } from '@quant-pairs/contract';
import { TIMEFRAMES, type Timeframe } from '../domain';
import { log } from '../log';
import { loadSymbolHistory, type HistoryOptions, type HistoryReport, type StoredSummary, type SymbolHistoryHooks } from './history';
import { RegionRefusedError, RestUnreachableError, isTransient, reportRefused } from './rest';

/** What history needs of the running ingest (Ingestor). */
export interface HistoryIngest {
  firstDelivered(symbol: string): { ts: number; id: number } | null;
  historyStored(symbol: string, throughId: number): void;
  hold(symbols: readonly string[]): void;
  release(symbol: string): void;
}

export interface HistoryJobOptions extends Omit<HistoryOptions, 'symbols' | 'concurrency'> {
  symbols: readonly string[];
  /** What was stored of each symbol before the ingest began (Store.symbols()). */
  stored: ReadonlyMap<string, StoredSummary>;
  ingest?: HistoryIngest;
  /** Told once a symbol's history is in the store. */
  landed?: (symbol: string) => Promise<void>;
  /** Aborted: stop loading and retrying (shutdown); give the RestClient the same signal. */
  signal?: AbortSignal;
  /** Pause after a symbol's first transient failure, doubling up to `maxMs` (default 2 s .. 60 s). */
  retry?: { firstMs: number; maxMs: number };
  concurrency?: number;
}

type Part = Timeframe | 'seam' | 'outage';

/** A short, secret-free reason for health and logs. */
const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 300);

export class HistoryJob {
  /** Resolves with the totals when every part of every symbol is done or failed. */
  readonly ready: Promise<HistoryReport>;
  readonly report: HistoryReport = { requests: 0, weight: 0, klineBars: 0, ticks: 0, spans: [], ms: 0 };
  private readonly parts = new Map<string, HistoryPart>();
  private readonly seams = new Map<string, number>();
  private readonly said = new Set<string>();
  private readonly abort = new AbortController();
  private startWork!: () => void;
  private failing = false;

  constructor(private readonly opts: HistoryJobOptions) {
    const tfs = TIMEFRAMES.filter((tf) => opts.history[tf] > 0);
    for (const symbol of opts.symbols) {
      const s = opts.stored.get(symbol);
      const fresh = !s || s.lastTs === null || s.firstTs === null;
      const parts: Part[] = fresh ? (tfs.length ? [...tfs, 'seam'] : []) : [...tfs, 'outage'];
      for (const part of parts) this.parts.set(`${symbol} ${part}`, { symbol, part, state: 'loading', attempts: 0, lastError: null });
    }
    // The outage decision comes first: the ingest's backfill of those symbols waits for it.
    opts.ingest?.hold(opts.symbols.filter((s) => this.parts.has(`${s} outage`)));
    opts.signal?.addEventListener('abort', () => this.abort.abort(), { once: true });
    const started = new Promise<void>((r) => (this.startWork = r));
    this.ready = started.then(() => this.run());
  }

  /** Begins loading (call once the ingest runs: its first live ticks bound the seams). */
  start(): void {
    this.startWork();
  }

  /** Every part's state, by symbol then part. */
  status(): HistoryPart[] {
    return [...this.parts.values()];
  }

  /** Stops retrying (shutdown); what is loading stays so. */
  stop(): Promise<void> {
    this.abort.abort();
    this.startWork();
    return this.ready.then(() => undefined);
  }

  private async run(): Promise<HistoryReport> {
    const t0 = Date.now();
    const symbols = this.opts.symbols.filter((s) => this.status().some((p) => p.symbol === s));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < symbols.length) await this.symbol(symbols[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 4, symbols.length) }, worker));
    this.report.ms = Date.now() - t0;
    this.report.requests = this.opts.rest.requests;
    this.report.weight = this.opts.rest.weightSpent;
    if (!this.abort.signal.aborted && symbols.length > 0) {
      const failed = this.status().filter((p) => p.state === 'failed').length;
      log.info('history ready', {
        symbols: symbols.length,
        failedParts: failed,
        klineBars: this.report.klineBars,
        ticks: this.report.ticks,
        ms: this.report.ms,
      });
    }
    return this.report;
  }

  /** One symbol: attempts until no part is loading, pausing longer after each transient failure. */
  private async symbol(symbol: string): Promise<void> {
    const { firstMs, maxMs } = this.opts.retry ?? { firstMs: 2_000, maxMs: 60_000 };
    const written = { any: false };
    const store = this.opts.store;
    for (let failures = 0; !this.abort.signal.aborted;) {
      try {
        await loadSymbolHistory(this.opts, store, this.report, symbol, this.opts.stored.get(symbol), this.hooks(symbol, written));
        if (this.failing) log.info('history: Binance REST answers again; loading goes on');
        this.failing = false;
        break;
      } catch (e) {
        if (this.abort.signal.aborted) return;
        if (!this.failing) log.warn('history could not be loaded yet; retrying in the background (GET /api/health says how it goes)', { reason: reasonOf(e) });
        else log.debug('history attempt failed', { symbol, err: e as Error });
        this.failing = true;
        // the parts this attempt did not reach wait for the same reason
        for (const p of this.parts.values()) if (p.symbol === symbol && p.state === 'loading') p.lastError = reasonOf(e);
        await pause(Math.min(maxMs, firstMs * 2 ** failures++), this.abort.signal);
      }
    }
    if (written.any && !this.abort.signal.aborted)
      await this.opts.landed?.(symbol).catch((e: unknown) => log.warn('live analytics could not warm up on the history', { symbol, err: e as Error }));
  }

  private hooks(symbol: string, written: { any: boolean }): SymbolHistoryHooks {
    const ingest = this.opts.ingest;
    const step = async (part: Part, load: () => Promise<void>): Promise<void> => {
      const p = this.parts.get(`${symbol} ${part}`);
      if (!p || p.state !== 'loading') return;
      p.attempts++;
      try {
        await load();
        this.settle(p, 'done', null);
        written.any = true;
      } catch (e) {
        p.lastError = reasonOf(e);
        if (isTransient(e) && !(part === 'outage' && !(e instanceof RestUnreachableError))) throw e;
        this.settle(p, 'failed', p.lastError, e);
      }
    };
    return {
      klines: (tf, load) => step(tf, load),
      trades: (kind, load) => step(kind, load),
      seam: (proposed) => {
        const seam = Math.min(this.seams.get(symbol) ?? proposed, proposed);
        this.seams.set(symbol, seam);
        return seam;
      },
      live: () => ingest?.firstDelivered(symbol) ?? null,
      stored: (throughId) => ingest?.historyStored(symbol, throughId),
    };
  }

  /** A part is over: the outage's end lets the ingest's backfill go on; a failure is said once per reason. */
  private settle(p: HistoryPart, state: HistoryPartState, reason: string | null, err?: unknown): void {
    p.state = state;
    p.lastError = reason;
    if (p.part === 'outage') this.opts.ingest?.release(p.symbol);
    if (state !== 'failed' || this.said.has(reason!)) return;
    this.said.add(reason!);
    if (err instanceof RegionRefusedError) return reportRefused(err); // names the setting to change
    const what = p.part === 'outage' ? 'outage repair from klines (the ingest backfills the rest by trades)' : 'history';
    log.warn(`${what} failed for good, not retried: ${reason}`, {
      symbol: p.symbol,
      part: p.part,
      note: 'later parts failing for the same reason are not logged',
    });
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
