/**
 * What the API needs from the rest of the collector, injected by main.ts (and by tests, with
 * a real SQLite store). Only `store` and `pairs` are required: without an ingestor the
 * health and metrics say `unknown`, and without live analytics every statistic is computed
 * from stored bars.
 */
import { DEFAULT_ENTRY_Z, type HealthLookup, type HealthScanner, type HistoryPart } from '@quant-pairs/contract';
import type { Pair } from '../domain';
import type { IngestSource } from '../ingest/types';
import type { Store } from '../store/store';
import type { TrustProxy } from './http/client-address';
import type { LiveSource } from './query/live-source';
import { AlignedCache } from './query/aligned';
import { CloseCache } from './query/closes';
import { KalmanLive } from './query/kalman-live';
import { LatestPrices } from './query/prices';
import { RunCache } from './query/results';

interface ApiLimits {
  /** Most aligned bars one analytics query may read (range plus warm-up). */
  maxAnalyticsBars: number;
}

const DEFAULT_LIMITS: ApiLimits = { maxAnalyticsBars: 700_000 };

export interface ApiDeps {
  store: Store;
  /** Configured pairs (PAIRS). */
  pairs: readonly Pair[];
  /** Windows the live engine maintains (WINDOWS). */
  windows?: readonly number[];
  entryZ?: number;
  exitZ?: number | null;
  /** API_TOKEN; unset = open. */
  token?: string | null;
  /** RATE_LIMIT: requests per client address per window, then 429; unset = no limit. */
  rateLimit?: { limit: number; windowMs: number } | null;
  /** LIVE_CONNECTIONS: Live WebSocket connections per client address, then 429; unset = no limit. */
  liveConnections?: number | null;
  /** TRUST_PROXY: the reverse proxies whose X-Forwarded-For names the client of those limits; unset = none. */
  trustProxy?: TrustProxy | null;
  ingest?: IngestSource;
  live?: LiveSource;
  /** What loads in the background (history beside the ingest, UNIVERSE's look-up), for health and metrics. */
  background?: BackgroundSource;
  version?: string;
  limits?: Partial<ApiLimits>;
  /** Clock, epoch ms (tests). */
  now?: () => number;
  /**
   * Cache final bar closes in memory (default: on when `ingest` is given, since only then are
   * late ticks reported and cached bars invalidated).
   */
  closeCache?: boolean;
}

/** History and look-ups that run beside the ingest, as /api/health and /metrics show them. */
interface BackgroundSource {
  history(): HistoryPart[];
  universe(): HealthLookup | null;
  scanner?(): HealthScanner | null;
}

/** Deps with every default filled in. */
export interface Ctx {
  store: Store;
  pairs: readonly Pair[];
  windows: readonly number[];
  entryZ: number;
  exitZ: number | null;
  ingest: IngestSource | undefined;
  live: LiveSource | undefined;
  background: BackgroundSource | undefined;
  version: string;
  limits: ApiLimits;
  now: () => number;
  startedAt: number;
  /** Every configured symbol (legs of the pairs), in order. */
  symbols: readonly string[];
  closes: CloseCache | undefined;
  /** Aligned pair series over the cached closes (set with `closes`). */
  aligned: AlignedCache | undefined;
  /** Analytics runs continued over the aligned cache (set with `closes`). */
  runs: RunCache | undefined;
  /** The Kalman hedge continued over the aligned cache: the Live push's and /api/stats' (set with `closes`). */
  kalman: KalmanLive | undefined;
  prices: LatestPrices;
}

export function makeCtx(d: ApiDeps): Ctx {
  const now = d.now ?? Date.now;
  const closes = (d.closeCache ?? d.ingest !== undefined) ? new CloseCache(d.store, { maxBars: 800_000, settleMs: 5_000, now }) : undefined;
  const aligned = closes ? new AlignedCache(closes, 800_000) : undefined;
  const kalman = aligned ? new KalmanLive(aligned) : undefined;
  if (closes && kalman) closes.onInvalidate((symbol, minTs) => kalman.invalidate(symbol, minTs));
  const symbols: string[] = [];
  for (const p of d.pairs) for (const s of [p.y, p.x]) if (!symbols.includes(s)) symbols.push(s);
  return {
    store: d.store,
    pairs: d.pairs,
    windows: d.windows ?? [],
    entryZ: d.entryZ ?? DEFAULT_ENTRY_Z,
    exitZ: d.exitZ ?? null,
    ingest: d.ingest,
    live: d.live,
    background: d.background,
    version: d.version ?? '0.0.0',
    limits: { ...DEFAULT_LIMITS, ...d.limits },
    now,
    startedAt: now(),
    symbols,
    prices: new LatestPrices(d.ingest),
    closes,
    aligned,
    runs: closes ? new RunCache() : undefined,
    kalman,
  };
}
