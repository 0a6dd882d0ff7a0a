/**
 * UNIVERSE=top:N refreshed (issue 15: "the N USDT symbols with the largest 24 h quote volume,
 * refreshed daily"), or UNIVERSE=all (listings come and go): every `intervalMs` (UNIVERSE_REFRESH,
 * default 24 h) the top N is looked up again (/api/v3/ticker/24hr; all: /api/v3/exchangeInfo); when it changed, `apply` is given the new list and what was added and
 * removed (the collector loads history for the new symbols, re-opens its combined stream and
 * changes the scanner's universe), and one structured log line says so.
 *
 *   const r = new UniverseRefresher({ n: 100, top, lookup: (n) => rest.topUsdtSymbols(n), apply });
 *   r.start();          // a lookup every 24 h
 *   await r.refresh();  // one lookup now: { top, added, removed } or null when unchanged / failed
 */
import { log } from '../log';

export interface UniverseChange {
  /** The new top N, largest quote volume first. */
  top: string[];
  added: string[];
  removed: string[];
}

export interface UniverseRefresherOptions {
  /** N of top:N, or `all` (every TRADING USDT symbol). */
  n: number | 'all';
  /** The top N in use now. */
  top: readonly string[];
  lookup: (n: number | 'all') => Promise<string[]>;
  /** Puts a changed top N to use; the refresher's list changes once it resolves. */
  apply: (change: UniverseChange) => Promise<void>;
  /** Between lookups, ms (default 24 h). */
  intervalMs?: number;
}

/** UNIVERSE_REFRESH's default: daily, as the issue asks ("refreshed daily"). */
export const UNIVERSE_REFRESH_MS = 86_400_000;

export class UniverseRefresher {
  /** Lookups made, and the ones that failed (the top N in use is kept then). */
  readonly stats = { lookups: 0, changes: 0, failures: 0 };
  /** Between lookups, ms. */
  readonly intervalMs: number;
  /** Why the last look-up failed (null after one that did not). */
  lastError: unknown = null;
  private top: string[];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly opts: UniverseRefresherOptions) {
    this.top = [...opts.top];
    this.intervalMs = opts.intervalMs ?? UNIVERSE_REFRESH_MS;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** The top N in use. */
  current(): readonly string[] {
    return this.top;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => {
      this.running = this.running
        .then(() => this.refresh())
        .catch((e: unknown) => {
          this.stats.failures++;
          log.error('universe refresh could not apply the new top N; the next lookup tries again', { n: this.opts.n, error: (e as Error).message });
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running.catch(() => undefined);
  }

  /** Looks the top N up now and applies a change; null when unchanged or the lookup failed. */
  async refresh(): Promise<UniverseChange | null> {
    if (this.stopped) return null;
    this.stats.lookups++;
    let top: string[];
    try {
      top = await this.opts.lookup(this.opts.n);
      if (top.length < 2) throw new Error(`Binance listed ${top.length} USDT symbols with a 24 h volume`);
    } catch (e) {
      this.stats.failures++;
      // once per streak of failures: the retries that follow are debug lines
      if (this.lastError === null) log.warn('universe refresh failed; the current top N stays', { n: this.opts.n, error: (e as Error).message });
      else log.debug('universe refresh failed again', { n: this.opts.n, error: (e as Error).message });
      this.lastError = e;
      return null;
    }
    this.lastError = null;
    const added = top.filter((s) => !this.top.includes(s));
    const removed = this.top.filter((s) => !top.includes(s));
    if (added.length === 0 && removed.length === 0) {
      log.info('universe refreshed: unchanged', { n: this.opts.n });
      return null;
    }
    const change: UniverseChange = { top, added, removed };
    await this.opts.apply(change);
    this.top = top;
    this.stats.changes++;
    log.info('universe refreshed', { n: this.opts.n, added, removed });
    return change;
  }
}
