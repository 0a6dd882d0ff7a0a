/**
 * The ingest of both markets as one (issue 25): an Ingestor for the spot symbols and one for the
 * USD-M perpetuals (`.P`), on their own hosts. Listeners, history and the API see one source;
 * each call about a symbol goes to its market's ingestor.
 *
 * Faults stay within a market: a futures host refused from here (451 / 403) or down leaves the
 * perpetuals' connection closed and the spot one running, so `status().wsState` is spot's (the
 * health of what most deployments ingest) and the perpetuals' connection is `status().perp`.
 * With perpetuals only, `wsState` is theirs.
 *
 *   const ingest = new MarketIngest(spotIngestor, perpIngestor);  // either may be null, not both
 *   ingest.onTicks(listener); await ingest.start(); ingest.status();
 */
import { instrumentOf, type Market } from '@quant-pairs/contract';
import type { Ingestor } from './ingestor';
import type { HistoryPart } from '@quant-pairs/contract';
import type { HistoryReport } from './history';
import type { HistoryIngest, HistoryJob } from './historyJob';
import type { IngestSource, IngestStatus, TicksListener } from './types';

export class MarketIngest implements IngestSource, HistoryIngest {
  private readonly all: Ingestor[];

  constructor(
    readonly spot: Ingestor | null,
    readonly perp: Ingestor | null,
  ) {
    this.all = [spot, perp].filter((i): i is Ingestor => i !== null);
    if (this.all.length === 0) throw new Error('MarketIngest needs an ingestor of at least one market');
  }

  private of(symbol: string): Ingestor | null {
    return instrumentOf(symbol.toUpperCase()).market === 'perp' ? this.perp : this.spot;
  }

  onTicks(listener: TicksListener): () => void {
    const offs = this.all.map((i) => i.onTicks(listener));
    return () => offs.forEach((off) => off());
  }

  async start(): Promise<void> {
    for (const i of this.all) await i.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((i) => i.stop()));
  }

  /**
   * Changes the ingested symbols of each market present (UNIVERSE=top:N refreshed: spot symbols,
   * so a perpetuals' ingestor keeps its own); a market without an ingestor cannot gain symbols here.
   */
  async setSymbols(symbols: readonly string[]): Promise<{ added: string[]; removed: string[] }> {
    const out = { added: [] as string[], removed: [] as string[] };
    for (const [market, ingestor] of [
      ['spot', this.spot],
      ['perp', this.perp],
    ] as Array<[Market, Ingestor | null]>) {
      const mine = symbols.filter((s) => instrumentOf(s.toUpperCase()).market === market);
      if (!ingestor || mine.length === 0) continue;
      const r = await ingestor.setSymbols(mine);
      out.added.push(...r.added);
      out.removed.push(...r.removed);
    }
    return out;
  }

  isComplete(): boolean {
    return this.all.every((i) => i.isComplete());
  }

  status(): IngestStatus {
    const parts = this.all.map((i) => i.status());
    const main = (this.spot ?? this.perp)!.status();
    const rejected: Record<string, number> = {};
    for (const p of parts) for (const [k, n] of Object.entries(p.rejected)) rejected[k] = (rejected[k] ?? 0) + n;
    const perp = this.spot && this.perp ? this.perp.status() : null;
    return {
      wsState: main.wsState,
      connectedSince: main.connectedSince,
      reconnects: main.reconnects,
      gapsBackfilled: parts.reduce((a, p) => a + p.gapsBackfilled, 0),
      backfilledTicks: parts.reduce((a, p) => a + p.backfilledTicks, 0),
      rejected,
      symbols: Object.assign({}, ...parts.map((p) => p.symbols)) as IngestStatus['symbols'],
      ...(perp ? { perp: { wsState: perp.wsState, connectedSince: perp.connectedSince, reconnects: perp.reconnects } } : {}),
    };
  }

  firstDelivered(symbol: string): { ts: number; id: number } | null {
    return this.of(symbol)?.firstDelivered(symbol) ?? null;
  }

  historyStored(symbol: string, throughId: number): void {
    this.of(symbol)?.historyStored(symbol, throughId);
  }

  hold(symbols: readonly string[]): void {
    for (const s of symbols) this.of(s)?.hold([s]);
  }

  release(symbol: string): void {
    this.of(symbol)?.release(symbol);
  }
}

/** The history jobs of both markets as one (each its own REST host): started together, ready together, one status list. */
export class HistoryJobs {
  readonly ready: Promise<HistoryReport>;
  private startAll!: () => void;

  constructor(private readonly jobs: readonly HistoryJob[]) {
    const started = new Promise<void>((resolve) => (this.startAll = resolve));
    this.ready = started
      .then(() => Promise.all(jobs.map((j) => j.ready)))
      .then((reports) =>
        reports.reduce<HistoryReport>(
          (a, r) => ({
            requests: a.requests + r.requests,
            weight: a.weight + r.weight,
            klineBars: a.klineBars + r.klineBars,
            ticks: a.ticks + r.ticks,
            spans: a.spans.concat(r.spans),
            ms: Math.max(a.ms, r.ms),
          }),
          { requests: 0, weight: 0, klineBars: 0, ticks: 0, spans: [], ms: 0 },
        ),
      );
  }

  start(): void {
    for (const j of this.jobs) j.start();
    this.startAll();
  }

  status(): HistoryPart[] {
    return this.jobs.flatMap((j) => j.status());
  }
}
