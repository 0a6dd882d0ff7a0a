/**
 * TickWriter: buffers ticks and writes them to a Store in batches, one transaction per batch,
 * at the latest `flushMs` (default 100 ms) after the first buffered tick, or at once when
 * `maxBatch` (default 5000) ticks are waiting. Batches are written one after another, in order.
 *
 *   const writer = new TickWriter(store, { onFlush: (ticks, r) => metrics.add(r) });
 *   writer.write(ticksFromOneMessage);          // returns the batch's Promise<InsertResult>
 *   await writer.write(replayChunk);            // wait for it when back-pressure is wanted
 *   await writer.flush();                       // writes what is buffered now
 *   await writer.close();                       // flushes and stops; does not close the store
 *
 * API:
 * - `write(ticks | tick)`: buffers; returns the promise of the InsertResult of the whole batch
 *   the ticks went into (shared by every write of that batch). It never rejects while the
 *   writer is open: a failed store write (busy database, lost PostgreSQL connection) is logged
 *   and retried with back-off (100 ms doubling to 5 s), keeping the ticks, so none is lost.
 *   Throws at once if the writer is closed.
 * - `flush()`: cuts the current batch and resolves when it (and every earlier one) is stored.
 * - `close()`: flushes; if the store still fails after 5 attempts, rejects saying how many
 *   ticks were not stored.
 * - `pending`: ticks buffered or being written.
 * - `onFlush(ticks, result)`: called after each stored batch (errors it throws are logged).
 */
import type { Tick } from '../domain';
import { log } from '../log';
import type { InsertResult, Store } from './store';

export interface TickWriterOptions {
  flushMs?: number;
  maxBatch?: number;
  onFlush?: (ticks: readonly Tick[], result: InsertResult) => void;
}

interface Batch {
  ticks: Tick[];
  promise: Promise<InsertResult>;
  resolve: (r: InsertResult) => void;
  reject: (e: Error) => void;
}

const CLOSE_ATTEMPTS = 5;

export class TickWriter {
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly onFlush: TickWriterOptions['onFlush'];
  private cur: Batch | null = null;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private closing = false;

  constructor(
    private readonly store: Store,
    opts: TickWriterOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 100;
    this.maxBatch = opts.maxBatch ?? 5000;
    this.onFlush = opts.onFlush;
    if (!(this.flushMs > 0) || !(this.maxBatch >= 1)) throw new Error('TickWriter: flushMs must be > 0 and maxBatch >= 1');
  }

  get pending(): number {
    return (this.cur?.ticks.length ?? 0) + this.inFlight;
  }

  write(ticks: Tick | readonly Tick[]): Promise<InsertResult> {
    if (this.closing) throw new Error('TickWriter is closed');
    const b = (this.cur ??= newBatch());
    if (Array.isArray(ticks)) {
      for (const t of ticks as readonly Tick[]) b.ticks.push(t);
    } else {
      b.ticks.push(ticks as Tick);
    }
    if (b.ticks.length >= this.maxBatch)
      void this.cut(); // its result reaches the caller through b.promise
    else if (!this.timer) this.timer = setTimeout(() => void this.cut(), this.flushMs);
    return b.promise;
  }

  flush(): Promise<InsertResult> {
    return this.cut();
  }

  async close(): Promise<void> {
    if (this.closing) {
      await this.chain;
      return;
    }
    this.closing = true;
    await this.cut();
  }

  /** Ends the current batch and queues it behind the batches already being written. */
  private cut(): Promise<InsertResult> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const b = this.cur;
    if (!b) return this.chain.then(() => ({ inserted: 0, duplicates: 0, invalid: 0 }));
    this.cur = null;
    this.inFlight += b.ticks.length;
    // A batch that finally failed (only while closing) must not stop the ones behind it.
    this.chain = this.chain.then(() => this.persist(b)).catch(() => undefined);
    return b.promise;
  }

  private async persist(b: Batch): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.store.insertTicks(b.ticks);
        this.inFlight -= b.ticks.length;
        if (this.onFlush) {
          try {
            this.onFlush(b.ticks, r);
          } catch (e) {
            log.error('TickWriter onFlush listener failed', { error: e as Error });
          }
        }
        b.resolve(r);
        return;
      } catch (e) {
        if (this.closing && attempt >= CLOSE_ATTEMPTS) {
          this.inFlight -= b.ticks.length;
          const err = new Error(`TickWriter: ${b.ticks.length} ticks not stored after ${attempt} attempts: ${(e as Error).message}`);
          log.error('tick batch not stored', { ticks: b.ticks.length, attempts: attempt, error: e as Error });
          b.reject(err);
          throw err;
        }
        const wait = Math.min(5000, 100 * 2 ** (attempt - 1));
        log.warn('tick batch write failed; retrying', { ticks: b.ticks.length, attempt, retryInMs: wait, error: e as Error });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}

function newBatch(): Batch {
  let resolve!: (r: InsertResult) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<InsertResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // callers that ignore the promise must not crash the process
  return { ticks: [], promise, resolve, reject };
}
