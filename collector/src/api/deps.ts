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
import { ReadSide, type LiveSource, type ServingLimits } from '../serving';
import type { TrustProxy } from './http/client-address';

const DEFAULT_LIMITS: ServingLimits = { maxAnalyticsBars: 700_000 };

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
  /** The perpetuals' state now and funding intervals (ingest/funding.ts), when this process ingests them. */
  funding?: FundingSource;
  live?: LiveSource;
  /** What loads in the background (history beside the ingest, UNIVERSE's look-up), for health and metrics. */
  background?: BackgroundSource;
  version?: string;
  limits?: Partial<ServingLimits>;
  /** Clock, epoch ms (tests). */
  now?: () => number;
  /**
   * Keep the read side's caches (default: on when `store` announces its bar changes, store/barEvents.ts,
   * since only then are cached bars dropped when they change).
   */
  closeCache?: boolean;
}

/** What GET /api/funding asks of a running perpetuals' ingest (FundingJob). */
interface FundingSource {
  current(symbol: string): { time: number; mark: number; index: number; rate: number; nextFundingTime: number } | null;
  intervalHours(symbol: string): number;
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
  funding: FundingSource | undefined;
  background: BackgroundSource | undefined;
  version: string;
  now: () => number;
  startedAt: number;
  /** Every configured symbol (legs of the pairs), in order. */
  symbols: readonly string[];
  /** The read side: series, statistics, latest points and prices (src/serving). */
  serving: ReadSide;
}

export function makeCtx(d: ApiDeps): Ctx {
  const now = d.now ?? Date.now;
  const limits = { ...DEFAULT_LIMITS, ...d.limits };
  const entryZ = d.entryZ ?? DEFAULT_ENTRY_Z;
  const exitZ = d.exitZ ?? null;
  const symbols: string[] = [];
  for (const p of d.pairs) for (const s of [p.y, p.x]) if (!symbols.includes(s)) symbols.push(s);
  return {
    store: d.store,
    pairs: d.pairs,
    windows: d.windows ?? [],
    entryZ,
    exitZ,
    ingest: d.ingest,
    funding: d.funding,
    background: d.background,
    version: d.version ?? '0.0.0',
    now,
    startedAt: now(),
    symbols,
    serving: new ReadSide({ store: d.store, entryZ, exitZ, limits, now, live: d.live, ingest: d.ingest, cache: d.closeCache }),
  };
}
