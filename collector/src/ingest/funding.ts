/**
 * Perpetuals' marks and funding (issue 25), beside the perpetuals' trade ingest:
 *
 * - The mark stream (`<symbol>@markPrice@1s`, given to `onMark`) is stored one row per symbol
 *   and second (Store.insertMarks, flushed every `flushMs`), and is the current state: mark,
 *   index, the rate the next settlement would apply and when it settles.
 * - At start: each symbol's funding interval from `/fapi/v1/fundingInfo` (it lists only the
 *   symbols whose interval was adjusted; the others settle every 8 h), the current state of
 *   every symbol from one `/fapi/v1/premiumIndex`, and the settlements of the last `historyMs`
 *   (30 days) from `/fapi/v1/fundingRate`, paged by startTime (1000 a page) from the newest one
 *   stored, so a restart asks only for what it lacks.
 * - When the stream's next funding time moves on, the settlement just made is asked of
 *   `/fapi/v1/fundingRate` (Binance's own rate and mark), retried a few times while Binance has
 *   not published it yet; failing that, the stream's last rate and mark before it are stored.
 *
 * fundingRate and fundingInfo share 500 requests per 5 minutes per IP (Binance's
 * Get-Funding-Rate-History page): this job spends at most FUNDING_REQUESTS_PER_5M of them and
 * waits for the window otherwise. A 451 / 403 (RegionRefusedError, naming
 * BINANCE_FUTURES_REST_URL) stops it for good with one error line; network and 5xx failures are
 * retried in the background. Funding is not cached by the read side (the API reads the store),
 * so its writes need no announcement.
 */
import { PERP_SUFFIX, instrumentOf } from '@quant-pairs/contract';
import { log } from '../log';
import { markSecond } from '../store/perp';
import type { FundingEvent, MarkPoint, Store } from '../store/store';
import type { MarkUpdate } from './parse';
import { RegionRefusedError, reportRefused, type RestClient } from './rest';

/** fundingRate + fundingInfo requests this job makes in any 5 minutes (of Binance's 500). */
const FUNDING_REQUESTS_PER_5M = 400;
const FIVE_MIN = 300_000;
const DAY = 86_400_000;
/** A symbol's funding interval when fundingInfo does not list it. */
const DEFAULT_FUNDING_HOURS = 8;

export interface FundingState {
  symbol: string;
  /** Event time of the update, epoch ms. */
  time: number;
  mark: number;
  index: number;
  rate: number;
  nextFundingTime: number;
  intervalHours: number;
}

export interface FundingJobOptions {
  /** A client of the futures API (`api: 'futures'`). */
  rest: RestClient;
  store: Pick<Store, 'insertMarks' | 'insertFunding' | 'funding'>;
  /** The perpetuals, as stored (`BTCUSDT.P`). */
  symbols: readonly string[];
  signal?: AbortSignal;
  /** How far back the funding history reaches at start (default 30 days). */
  historyMs?: number;
  /** How often buffered marks are written (default 1000 ms). */
  flushMs?: number;
  /** Pause before asking again for a settlement Binance has not published yet (default 2000 ms). */
  settleRetryMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export class FundingJob {
  /** Resolves once the start-up part is done or failed for good. */
  ready: Promise<void> = Promise.resolve();
  private readonly state = new Map<string, FundingState>();
  private readonly intervals = new Map<string, number>();
  private pending: MarkPoint[] = [];
  private readonly requests: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private refused: RegionRefusedError | null = null;
  private lastError: string | null = null;
  private stopped = false;
  /** Settlements being asked of fundingRate (stop waits for them). */
  private readonly settling = new Set<Promise<void>>();
  private readonly settledListeners = new Set<(events: readonly FundingEvent[]) => void>();

  constructor(private readonly o: FundingJobOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.o.flushMs ?? 1000);
    this.timer.unref();
    this.ready = this.loadWithRetry();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ready;
    await Promise.all(this.settling);
    await this.flush();
  }

  /** One `markPriceUpdate` of a perpetual (symbol as stored). */
  onMark(symbol: string, m: MarkUpdate): void {
    const before = this.state.get(symbol);
    this.state.set(symbol, {
      symbol,
      time: m.eventTime,
      mark: m.mark,
      index: m.index,
      rate: m.rate,
      nextFundingTime: m.nextFundingTime,
      intervalHours: this.intervalHours(symbol),
    });
    this.pending.push({ symbol, ts: markSecond(m.eventTime), mark: m.mark, index: m.index, rate: m.rate, nextFundingTime: m.nextFundingTime });
    if (before && m.nextFundingTime > before.nextFundingTime && before.nextFundingTime <= m.eventTime) {
      const p = this.settle(symbol, { symbol, ts: before.nextFundingTime, rate: before.rate, mark: before.mark }).catch((e: unknown) =>
        log.warn('settlement not stored', { symbol, error: (e as Error).message }),
      );
      this.settling.add(p);
      void p.finally(() => this.settling.delete(p));
    }
  }

  /** Calls `listener` with settlements once stored (history at start, then each new one: the live paper positions pay them). */
  onSettled(listener: (events: readonly FundingEvent[]) => void): void {
    this.settledListeners.add(listener);
  }

  private async record(events: readonly FundingEvent[]): Promise<number> {
    const n = await this.o.store.insertFunding(events);
    for (const l of this.settledListeners) l(events);
    return n;
  }

  /** The perpetual's state now (the latest mark update, or premiumIndex at start), or null. */
  current(symbol: string): FundingState | null {
    return this.state.get(symbol) ?? null;
  }

  /** Hours between settlements: fundingInfo's for adjusted symbols, else 8. */
  intervalHours(symbol: string): number {
    return this.intervals.get(symbol) ?? DEFAULT_FUNDING_HOURS;
  }

  /** For /api/health: the start-up part's last failure, or null. */
  status(): { lastError: string | null; refused: boolean } {
    return { lastError: this.lastError, refused: this.refused !== null };
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      await this.o.store.insertMarks(batch);
    } catch (e) {
      log.warn('marks not stored; retrying with the next batch', { error: (e as Error).message });
      this.pending = batch.concat(this.pending);
    }
  }

  private async loadWithRetry(): Promise<void> {
    for (let pause = 2_000; !this.stopped; pause = Math.min(60_000, pause * 2)) {
      try {
        await this.load();
        this.lastError = null;
        return;
      } catch (e) {
        if (e instanceof RegionRefusedError) {
          this.refused = e;
          this.lastError = e.message;
          reportRefused(e);
          return;
        }
        this.lastError = (e as Error).message;
        log.warn('funding history failed; retrying', { error: this.lastError, retryInMs: pause });
        await sleep(pause, this.o.signal);
      }
    }
  }

  /** A fundingRate / fundingInfo request within the shared 500 per 5 minutes. */
  private async limited(pathAndQuery: string): Promise<unknown> {
    for (;;) {
      const now = Date.now();
      while (this.requests.length && this.requests[0]! <= now - FIVE_MIN) this.requests.shift();
      if (this.requests.length < FUNDING_REQUESTS_PER_5M) break;
      await sleep(this.requests[0]! + FIVE_MIN - now + 10, this.o.signal);
      if (this.o.signal?.aborted) throw new Error('funding aborted');
    }
    this.requests.push(Date.now());
    return JSON.parse(await this.o.rest.futuresGet(pathAndQuery, 1)) as unknown;
  }

  private async load(): Promise<void> {
    const venues = new Map(this.o.symbols.map((s) => [instrumentOf(s).venueSymbol, s] as const));
    for (const r of asRows(await this.limited('/fapi/v1/fundingInfo'))) {
      const s = venues.get(String(r.symbol));
      if (s && Number(r.fundingIntervalHours) > 0) this.intervals.set(s, Number(r.fundingIntervalHours));
    }
    const now = Date.now();
    for (const r of asRows(JSON.parse(await this.o.rest.futuresGet('/fapi/v1/premiumIndex', 10)) as unknown)) {
      const s = venues.get(String(r.symbol));
      if (!s || this.state.has(s)) continue;
      const st = {
        symbol: s,
        time: Number(r.time) || now,
        mark: Number(r.markPrice),
        index: Number(r.indexPrice),
        rate: Number(r.lastFundingRate),
        nextFundingTime: Number(r.nextFundingTime),
      };
      if (![st.mark, st.index, st.rate, st.nextFundingTime].every(Number.isFinite)) continue;
      // the state until the stream's first update; not stored: the marks table is the stream's
      this.state.set(s, { ...st, intervalHours: this.intervalHours(s) });
    }
    for (const s of this.o.symbols) await this.history(s, now);
  }

  /** The settlements of `symbol` from the newest stored (or `historyMs` ago) up to now, paged. */
  private async history(symbol: string, now: number): Promise<number> {
    const last = (await this.o.store.funding({ symbol, from: now - (this.o.historyMs ?? 30 * DAY) })).at(-1);
    let start = last ? last.ts + 1 : now - (this.o.historyMs ?? 30 * DAY);
    let stored = 0;
    for (;;) {
      const rows = asRows(await this.limited(`/fapi/v1/fundingRate?symbol=${instrumentOf(symbol).venueSymbol}&startTime=${start}&limit=1000`));
      const events = rows.map((r) => eventOf(symbol, r)).filter((e): e is FundingEvent => e !== null);
      if (events.length) stored += await this.record(events);
      if (rows.length < 1000 || events.length === 0) return stored;
      start = events.at(-1)!.ts + 1;
    }
  }

  /** Binance's row of the settlement `seen` (the stream's view), asked a few times; else the stream's view. */
  private async settle(symbol: string, seen: FundingEvent): Promise<void> {
    if (this.refused) return void (await this.record([seen]).catch(() => 0));
    for (let attempt = 0; attempt < 3 && !this.stopped; attempt++) {
      try {
        const rows = asRows(await this.limited(`/fapi/v1/fundingRate?symbol=${instrumentOf(symbol).venueSymbol}&startTime=${seen.ts}&limit=10`));
        const e = rows.map((r) => eventOf(symbol, r)).find((x) => x?.ts === seen.ts);
        if (e) return void (await this.record([e]));
      } catch (err) {
        if (err instanceof RegionRefusedError) break;
        log.debug('settlement not fetched', { symbol, err: err as Error });
      }
      await sleep(this.o.settleRetryMs ?? 2_000, this.o.signal);
    }
    await this.record([seen]).catch(() => 0);
  }
}

function asRows(body: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(body)) throw new Error(`Binance answered ${JSON.stringify(body).slice(0, 200)} where a list was expected`);
  return body.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null);
}

/** A fundingRate row (`symbol, fundingRate, fundingTime, markPrice`) as a stored event; null when malformed. */
function eventOf(symbol: string, r: Record<string, unknown>): FundingEvent | null {
  const e = { symbol, ts: Number(r.fundingTime), rate: Number(r.fundingRate), mark: Number(r.markPrice) };
  if (`${String(r.symbol)}${PERP_SUFFIX}` !== symbol || !Number.isSafeInteger(e.ts) || !Number.isFinite(e.rate) || !Number.isFinite(e.mark)) return null;
  return e;
}
