/**
 * The latest trade price of every symbol, kept from the ingestor's tick batches (so a tick
 * is visible in /api/stats and the live push as soon as the ingestor parses it, before the
 * store flushes). Without an ingestor, the store's newest tick is used.
 */
import type { Tick } from '../../domain';
import type { IngestSource } from '../../ingest/types';
import type { Store } from '../../store/store';
import type { PriceDto } from '../types';

export class LatestPrices {
  private readonly last = new Map<string, PriceDto>();
  /** Bumped on every change, so pollers can tell whether anything moved. */
  version = 0;

  constructor(ingest: IngestSource | undefined) {
    ingest?.onTicks((ticks) => this.update(ticks));
  }

  update(ticks: readonly Tick[]): void {
    for (const t of ticks) {
      const cur = this.last.get(t.symbol);
      // Backfilled ticks may be older than what is shown; the newest trade time wins.
      if (!cur || t.ts >= cur.ts) this.last.set(t.symbol, { price: t.price, ts: t.ts });
    }
    if (ticks.length) this.version++;
  }

  /** Latest price of `symbol`, from memory or else the store's last stored tick. */
  async get(symbol: string, store: Store): Promise<PriceDto | null> {
    const p = this.last.get(symbol);
    if (p) return p;
    const s = (await store.symbols()).find((r) => r.symbol === symbol);
    if (!s || s.lastTs === null) return null;
    const t = await store.ticks({ symbol, from: s.lastTs, limit: 1 });
    return t[0] ? { price: t[0].price, ts: t[0].ts } : null;
  }

  peek(symbol: string): PriceDto | null {
    return this.last.get(symbol) ?? null;
  }
}
