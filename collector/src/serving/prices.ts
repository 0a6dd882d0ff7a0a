/**
 * The latest trade price of every symbol, kept from the ingestor's tick batches (so a tick
 * is visible in /api/stats and the live push as soon as the ingestor parses it, before the
 * store flushes). Without an ingestor, the store's newest tick is used.
 */
import type { Tick } from '../domain';
import type { IngestSource } from '../ingest/types';
import type { Store } from '../store/store';
import type { PriceDto } from '@quant-pairs/contract';

export class LatestPrices {
  private readonly last = new Map<string, PriceDto>();
  /** Bumped on every change, so pollers can tell whether anything moved. */
  version = 0;

  /** With an ingestor every new tick passes through `update`, so a price read from the store can be kept. */
  private readonly keepStored: boolean;

  constructor(ingest: IngestSource | undefined) {
    ingest?.onTicks((ticks) => this.update(ticks));
    this.keepStored = ingest !== undefined;
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
    // The last trade of the newest instant (ticks are ordered by time, then id).
    const same = await store.ticks({ symbol, from: s.lastTs, to: s.lastTs + 0.0005 });
    const t = same[same.length - 1];
    if (!t) return null;
    const p2 = { price: t.price, ts: t.ts };
    if (this.keepStored && !this.last.has(symbol)) this.last.set(symbol, p2);
    return this.last.get(symbol) ?? p2;
  }

  peek(symbol: string): PriceDto | null {
    return this.last.get(symbol) ?? null;
  }
}
