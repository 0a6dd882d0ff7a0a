/**
 * Upgrades a saved query to the current query model (`QUERY_MODEL_VERSION`).
 *
 * Saved queries live in dashboards, alert rules and provisioning files for years, so every
 * model change adds one step here instead of changing what old JSON means. Step `i` turns a
 * version-`i` query into a version-`i + 1` query; `migrateQuery` runs the steps from the
 * query's version to the current one. A query without `version` is version 0.
 *
 * Version 0 is what people wrote by hand before the model was versioned (and what the contract
 * examples in shared/grafana/contracts.md show): `{ refId, symbol: 'BTCUSDT' }`,
 * `{ pair, tf: '1m', window: 60 }`: no `queryType`, `tf` for `timeframe`, numeric `window`,
 * thresholds as strings.
 *
 * The frontend (DataSource, editors) and the backend (QueryData, alert rules, which send the
 * saved JSON as it is) both run this one function, so a saved query means the same in a panel
 * and in an alert rule.
 *
 * Pure and never mutates its argument (editors pass frozen props).
 *
 * @example
 * migrateQuery({ refId: 'A', pair: 'ETHUSDT/BTCUSDT', tf: '5m', window: 60 });
 * // => { refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT',
 * //      timeframe: '5m', window: '60' }
 */
import { DEFAULT_WINDOW, QUERY_MODEL_VERSION, type PairsQuery } from './model';

/** A query as stored: any version, possibly hand-written. */
export type SavedQuery = { refId: string; version?: unknown; queryType?: unknown; [key: string]: unknown };

type Step = (q: Record<string, unknown>) => Record<string, unknown>;

function toNumberOrKeep(v: unknown): unknown {
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) {
    return Number(v);
  }
  return v;
}

/**
 * v0 -> v1: infer a missing `queryType`, `tf` -> `timeframe`, `window` as text, thresholds as
 * numbers. A `queryType` that is given is kept, even an unknown one: validation then names it,
 * instead of the query silently becoming another type.
 */
const v0ToV1: Step = (old) => {
  const q: Record<string, unknown> = { ...old };
  if ('tf' in q) {
    if (q.timeframe === undefined) {
      q.timeframe = q.tf;
    }
    delete q.tf;
  }
  let type = q.queryType;
  if (type === undefined || type === null || type === '') {
    // A hand-written query says what it wants by its fields.
    if (typeof q.pair === 'string') {
      type = 'analytics';
    } else if (typeof q.symbol === 'string') {
      type = q.timeframe !== undefined ? 'bars' : 'ticks';
    } else {
      type = 'analytics';
    }
  }
  q.queryType = type;
  if (typeof q.window === 'number') {
    q.window = String(q.window);
  }
  if (q.window === undefined && (type === 'analytics' || type === 'stats' || type === 'signals')) {
    q.window = DEFAULT_WINDOW;
  }
  if ('entryZ' in q) {
    q.entryZ = toNumberOrKeep(q.entryZ);
  }
  if ('exitZ' in q) {
    q.exitZ = toNumberOrKeep(q.exitZ);
  }
  if ('limit' in q) {
    q.limit = toNumberOrKeep(q.limit);
  }
  q.version = 1;
  return q;
};

/** MIGRATIONS[i] upgrades version i to version i + 1. */
const MIGRATIONS: readonly Step[] = [v0ToV1];

/** The version of a saved query: a whole number >= 0, or 0 when absent or unreadable. */
export function queryVersion(q: { version?: unknown }): number {
  const v = q.version;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}

/**
 * The saved query in the current model. A query that is already current comes back as the
 * same object (so React sees no change); a query from a newer plugin version is left as it is.
 */
export function migrateQuery(saved: SavedQuery | PairsQuery): PairsQuery {
  let version = queryVersion(saved);
  if (version >= QUERY_MODEL_VERSION) {
    return saved as PairsQuery;
  }
  let q = { ...(saved as Record<string, unknown>) };
  while (version < QUERY_MODEL_VERSION && version < MIGRATIONS.length) {
    q = MIGRATIONS[version]!(q);
    version += 1;
  }
  return q as unknown as PairsQuery;
}
