/**
 * The pair scanner on every core: one scan's pairs cut into as many contiguous ranges as there
 * are threads, each range's rows computed by a worker thread (scanWorker.ts, `scanRows`), joined
 * in universe order and finished once (`finishScan`: q-values, selection, order) in this thread.
 * Each row is computed by the same code on the same inputs as in a one-thread scan, and the
 * Benjamini-Hochberg step sees the same p-values in the same order, so the result equals
 * scanSeries' to the bit (test/live/scanPool.test.ts). The calling thread only waits: ingest and
 * the API keep the event loop while a 400-symbol (79,800-pair) scan runs.
 *
 *   const pool = new ScanPool(availableParallelism());
 *   const r = await pool.scan(symbols, series, 1000, thresholds);
 *   await pool.close();
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { finishScan, pairCount, scanInputProblem, SCAN_DEFAULTS, type ScanPair, type ScanPaths, type ScanResult, type ScanThresholds } from '../analytics/scan';

/** What a worker is asked: rows [from, to) of the scan of `series`. */
export interface RowsRequest {
  id: number;
  symbols: readonly string[];
  series: readonly Float64Array[];
  window: number;
  from: number;
  to: number;
}
export type RowsReply = { id: number; pairs: ScanPair[]; paths: ScanPaths } | { id: number; error: string };

/** A thread running the worker beside this file: compiled JavaScript, or (tests, tsx) the TypeScript through tsx's require hook. */
function startWorker(): Worker {
  const js = join(__dirname, 'scanWorker.js');
  if (existsSync(js)) return new Worker(js);
  const ts = join(__dirname, 'scanWorker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(ts)});`, { eval: true });
}

export class ScanPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: RowsReply) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** Requests under way per thread: it keeps the process alive until its last reply. */
  private readonly pending = new Map<Worker, number>();
  private closed = false;

  /** `threads` worker threads (at least 1), started at the first scan and kept until `close`. */
  constructor(readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`a scan pool needs at least 1 thread, got ${threads}`);
  }

  private start(): void {
    for (let i = this.workers.length; i < this.threads; i++) {
      const w = startWorker();
      w.on('message', (reply: RowsReply) => {
        const wait = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        // idle threads do not keep the process alive; one with another request under way does
        const left = (this.pending.get(w) ?? 1) - 1;
        this.pending.set(w, left);
        if (left === 0) w.unref();
        wait?.resolve(reply);
      });
      // a thread that dies fails the scans it had; the pool is then unusable and says so
      w.on('error', (e) => this.failAll(e));
      w.on('exit', (code) => !this.closed && this.failAll(new Error(`a scan thread exited with code ${code}`)));
      w.unref();
      this.workers.push(w);
    }
  }

  /** The scan of `series` (as scanSeries), its pairs shared among the threads. */
  async scan(symbols: readonly string[], series: readonly Float64Array[], window: number, thresholds: ScanThresholds = SCAN_DEFAULTS): Promise<ScanResult> {
    if (this.closed) throw new Error('the scan pool is closed');
    const problem = scanInputProblem(symbols, series, window);
    if (problem) throw new RangeError(problem);
    this.start();
    const total = pairCount(symbols.length);
    const parts = Math.min(this.threads, total);
    const replies = await Promise.all(
      Array.from({ length: parts }, (_, k) => {
        const from = Math.floor((k * total) / parts);
        const to = Math.floor(((k + 1) * total) / parts);
        return this.ask(this.workers[k]!, { id: this.nextId++, symbols, series, window, from, to });
      }),
    );
    const pairs: ScanPair[] = [];
    const paths: ScanPaths = { fft: 0, direct: 0 };
    for (const r of replies) {
      if ('error' in r) throw new RangeError(r.error);
      for (const p of r.pairs) pairs.push(p);
      paths.fft += r.paths.fft;
      paths.direct += r.paths.direct;
    }
    return finishScan(pairs, paths, thresholds);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error('the scan pool is closed'));
  }

  private ask(w: Worker, req: RowsRequest): Promise<RowsReply> {
    return new Promise((resolve, reject) => {
      this.waiting.set(req.id, { resolve, reject });
      this.pending.set(w, (this.pending.get(w) ?? 0) + 1);
      w.ref(); // a scan under way does
      w.postMessage(req);
    });
  }

  private failAll(e: Error): void {
    for (const wait of this.waiting.values()) wait.reject(e);
    this.waiting.clear();
  }
}
