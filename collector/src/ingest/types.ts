import type { Tick } from '../domain';

/** Where a batch of ticks came from. */
export type TickSource = 'live' | 'backfill' | 'replay';

/** Called with every batch of parsed, valid ticks, before the store flushes them. */
export type TicksListener = (ticks: readonly Tick[], source: TickSource) => void;

/** Which Binance stream the collector ingests: one event per trade, or per taker order. */
export type StreamKind = 'trade' | 'aggTrade';

export interface SymbolIngestStatus {
  /** Valid ticks received for this symbol since start (live + backfill). */
  ticks: number;
  /** Trade time (epoch ms) of the newest tick seen. */
  lastTickTs: number | null;
  /** Wall-clock time (epoch ms) the newest tick was received. */
  lastReceivedAt: number | null;
  /** Highest trade id seen (the id a gap backfill continues from). */
  lastId: number | null;
}

/** A snapshot of the ingest's health, for /health, /metrics and the UI. */
export interface IngestStatus {
  wsState: 'connecting' | 'open' | 'closed' | 'backoff';
  /** Epoch ms the current connection opened, null when not connected. */
  connectedSince: number | null;
  /** Connections re-established after the first one. */
  reconnects: number;
  /** Gaps (after a reconnect or an id jump) closed through REST. */
  gapsBackfilled: number;
  /** Ticks obtained through REST backfill. */
  backfilledTicks: number;
  /** Malformed or unexpected messages, counted by kind. */
  rejected: Record<string, number>;
  symbols: Record<string, SymbolIngestStatus>;
  /** The perpetuals' own connection (USD-M futures host), when spot and perpetuals are both ingested. */
  perp?: { wsState: IngestStatus['wsState']; connectedSince: number | null; reconnects: number };
}

/** What the HTTP API and live analytics use of the ingest. */
export interface IngestSource {
  onTicks(listener: TicksListener): () => void;
  status(): IngestStatus;
}
