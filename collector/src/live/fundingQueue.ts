/**
 * The settlements of a live series' perpetual legs waiting for the bar they land on (issue 25),
 * with the backtest's timing (analytics/backtest/funding.ts): a settlement at T is paid on the first
 * committed bar with ts >= T, before that bar's fill, by the position held just before T. Each
 * leg's Σ mark · rate of the settlements landing on a bar is summed in time order from 0, as the
 * backtest's landings are, so the live paper position pays what `backtest` pays on the same bars.
 *
 * A settlement known only after its bar was committed (Binance publishes it a moment after T; a
 * 1s bar can close first) is paid on the next committed bar, not lost. Each leg accepts a
 * settlement once: those at or before the newest it has seen are ignored (the store's warm-up read
 * and the ingest's announcement of the same settlement).
 *
 * @example
 * const q = new FundingQueue(true, false);            // y a perpetual, x spot
 * q.add('y', [{ ts: 8 * 3600e3, rate: 1e-4, mark: 3500 }]);
 * q.take(0);           // => null (nothing lands on a bar before T)
 * q.take(8 * 3600e3);  // => [0.35, 0] (3500 · 1e-4 a unit of y)
 */
export interface Settlement {
  ts: number;
  rate: number;
  mark: number;
}

type Leg = 'y' | 'x';

export class FundingQueue {
  private readonly pending: Record<Leg, Settlement[]> = { y: [], x: [] };
  private readonly newest: Record<Leg, number> = { y: -Infinity, x: -Infinity };

  /** Which legs are perpetuals (a spot leg never pays). */
  constructor(
    readonly perpY: boolean,
    readonly perpX: boolean,
  ) {}

  /** Queues a leg's settlements (any order; each once). */
  add(leg: Leg, events: readonly Settlement[]): void {
    if (leg === 'y' ? !this.perpY : !this.perpX) return;
    for (const e of [...events].sort((p, q) => p.ts - q.ts)) {
      if (!(e.ts > this.newest[leg])) continue;
      this.newest[leg] = e.ts;
      this.pending[leg].push(e);
    }
  }

  /** A leg's settlements not yet paid, oldest first (a copy). */
  queued(leg: Leg): Settlement[] {
    return [...this.pending[leg]];
  }

  /** Per unit of each leg, Σ mark · rate of the queued settlements at or before the bar time `ts`, dequeued; null when none. */
  take(ts: number): [number, number] | null {
    const y = this.sum('y', ts);
    const x = this.sum('x', ts);
    return y === null && x === null ? null : [y ?? 0, x ?? 0];
  }

  private sum(leg: Leg, ts: number): number | null {
    const q = this.pending[leg];
    let k = 0;
    let s = 0;
    while (k < q.length && q[k]!.ts <= ts) {
      s += q[k]!.mark * q[k]!.rate;
      k++;
    }
    if (k === 0) return null;
    q.splice(0, k);
    return s;
  }
}
