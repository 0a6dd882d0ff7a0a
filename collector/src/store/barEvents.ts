/**
 * A store that announces every change to its bars, whoever writes: the ingest's tick batches
 * (live, gap backfill), history from klines and trades (start-up, a symbol back in UNIVERSE's top
 * N, long-outage repair), `rebuildBars` (repair), archive replay and retention. Readers that keep
 * bars in memory (src/serving) subscribe once and drop what they hold of the symbol from
 * `fromTs` on.
 *
 * Each write is announced twice: before it is made (a reader stops caching that part while the
 * write is under way) and once it is done (what a read racing with the write cached again goes).
 * Retention removes bars from the front, which no "from `fromTs` on" can say more narrowly than
 * from 0: every symbol with bars before the cut is announced from 0.
 *
 *   const store = withBarEvents(await openSqliteStore({ path }));
 *   store.onBarsChanged((symbol, fromTs) => cache.drop(symbol, fromTs));
 *   await store.insertTicks(late); // -> (late's symbol, its earliest ts) before and after
 */
import { keepEarliest } from '../domain';
import { bucketStart } from '../domain/timeframe';
import type { Store } from './store';

/** Bars of `symbol` whose interval ends after `fromTs` may have changed (or are about to). */
type BarsChanged = (symbol: string, fromTs: number) => void;

interface BarEvents {
  /** Calls `listener` on every announced change; returns the function that unsubscribes it. */
  onBarsChanged(listener: BarsChanged): () => void;
}

export type AnnouncingStore<S extends Store = Store> = S & BarEvents;

/** True when `store` announces its bar changes (withBarEvents). */
export function announcesBars(store: Store): store is AnnouncingStore {
  return typeof (store as Partial<BarEvents>).onBarsChanged === 'function';
}

export function withBarEvents<S extends Store>(store: S): AnnouncingStore<S> {
  if (announcesBars(store)) return store as AnnouncingStore<S>;
  const listeners = new Set<BarsChanged>();
  const announce = (earliest: ReadonlyMap<string, number>): void => {
    for (const [symbol, ts] of earliest) for (const l of listeners) l(symbol, ts);
  };
  const around = async <T>(earliest: ReadonlyMap<string, number>, write: () => Promise<T>): Promise<T> => {
    announce(earliest);
    try {
      return await write();
    } finally {
      announce(earliest);
    }
  };
  const earliestOf = <T>(rows: readonly T[], symbol: (r: T) => string, ts: (r: T) => number): Map<string, number> => {
    const m = new Map<string, number>();
    for (const r of rows) keepEarliest(m, symbol(r), ts(r));
    return m;
  };
  const overrides: Partial<Store> & BarEvents = {
    onBarsChanged(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    insertTicks: (ticks) => {
      const m = earliestOf(
        ticks,
        (t) => t.symbol,
        (t) => t.ts,
      );
      return around(m, () => store.insertTicks(ticks));
    },
    insertKlineBars: (bars) => {
      const m = earliestOf(
        bars,
        (b) => b.symbol,
        (b) => b.start,
      );
      return around(m, () => store.insertKlineBars(bars));
    },
    // rebuildBars widens [from, to) to 5-minute boundaries
    rebuildBars: (symbol, from, to) => around(new Map([[symbol, bucketStart(from, '5m')]]), () => store.rebuildBars(symbol, from, to)),
    deleteBefore: async (beforeMs) => {
      const spans = listeners.size > 0 ? await store.barSpans() : [];
      const m = new Map(spans.filter((s) => s.from < beforeMs).map((s) => [s.symbol, 0] as const));
      return around(m, () => store.deleteBefore(beforeMs));
    },
  };
  // A plain object rather than a Proxy: reads such as barCloses run on every Live push, and a
  // Proxy's trap on each call cost a Kalman push 5-10 % in the bench. The store's other members
  // are its own, each function bound once, each value read through.
  const wrapper: Record<PropertyKey, unknown> = {};
  for (let o: object | null = store; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Reflect.ownKeys(o)) {
      if (key === 'constructor' || key in wrapper) continue;
      const v: unknown = Reflect.get(store, key);
      if (typeof v === 'function') wrapper[key] = (v as (...a: unknown[]) => unknown).bind(store);
      else Object.defineProperty(wrapper, key, { get: () => Reflect.get(store, key), enumerable: true });
    }
  }
  return Object.assign(wrapper, overrides) as unknown as AnnouncingStore<S>;
}
