/**
 * Building queries: switching the query type of a query while keeping what still applies,
 * and interpolating template variables into every text field. Pure; never mutates.
 */
import {
  DEFAULT_ENTRY_Z,
  DEFAULT_QUERY,
  DEFAULT_TICKS_LIMIT,
  DEFAULT_WINDOW,
  PAIR_QUERY_TYPES,
  SCAN_DEFAULTS,
  QUERY_MODEL_VERSION,
  type BacktestQuery,
  type PairsQuery,
  type QueryType,
  splitPair,
  supportsLive,
} from '@quant-pairs/contract';

/** Fields that every query type has. */
type Common = Pick<PairsQuery, 'refId' | 'hide' | 'key' | 'datasource' | 'live' | 'queryType'>;

function commonOf(q: PairsQuery, type: QueryType): Omit<Common, 'queryType'> {
  const c: Omit<Common, 'queryType'> = { refId: q.refId };
  if (q.hide !== undefined) {
    c.hide = q.hide;
  }
  if (q.key !== undefined) {
    c.key = q.key;
  }
  if (q.datasource !== undefined) {
    c.datasource = q.datasource;
  }
  if (q.live !== undefined && supportsLive(type)) {
    c.live = q.live;
  }
  return c;
}

/** A Kalman hedge with its settings, as a pair query or a backtest holds it; nothing for the rolling OLS (the default). */
function kalmanOf(old: Partial<Record<string, unknown>>): Pick<BacktestQuery, 'hedge' | 'delta' | 've' | 'tune'> {
  if (old.hedge !== 'kalman') {
    return {};
  }
  return {
    hedge: 'kalman',
    ...(typeof old.delta === 'number' ? { delta: old.delta } : {}),
    ...(typeof old.ve === 'number' ? { ve: old.ve } : {}),
    ...(typeof old.tune === 'boolean' ? { tune: old.tune } : {}),
  };
}

/**
 * The query as `type`: the symbol becomes the pair's Y leg (and back), the timeframe, window,
 * thresholds and hedge are kept when the new type has them, and what the new type lacks is taken
 * from the defaults. `live` is kept only for types the backend streams.
 *
 * @example
 * withQueryType({ refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT',
 *                 timeframe: '5m', window: '50' }, 'bars');
 * // => { refId: 'A', version: 1, queryType: 'bars', symbol: 'ETHUSDT', timeframe: '5m' }
 */
export function withQueryType(q: PairsQuery, type: QueryType): PairsQuery {
  if (q.queryType === type) {
    return q;
  }
  const common = { ...commonOf(q, type), version: QUERY_MODEL_VERSION };
  const old = q as unknown as Partial<Record<string, unknown>>;
  const timeframe = typeof old.timeframe === 'string' ? old.timeframe : DEFAULT_QUERY.timeframe!;
  const pair = typeof old.pair === 'string' ? old.pair : undefined;
  const symbol = typeof old.symbol === 'string' ? old.symbol : pair ? splitPair(pair)?.y : undefined;
  switch (type) {
    case 'ticks':
      return { ...common, queryType: 'ticks', symbol: symbol ?? '', limit: DEFAULT_TICKS_LIMIT };
    case 'bars':
      return { ...common, queryType: 'bars', symbol: symbol ?? '', timeframe };
    case 'backtest':
      return {
        ...common,
        queryType: 'backtest',
        pair: pair ?? DEFAULT_QUERY.pair!,
        timeframe,
        window: typeof old.window === 'string' ? old.window : DEFAULT_WINDOW,
        ...kalmanOf(old),
      };
    case 'scan':
      // the scanner's own timeframe and window (SCAN_TF, SCAN_WINDOW), not the pair query's
      return { ...common, queryType: 'scan', timeframe: SCAN_DEFAULTS.tf, window: String(SCAN_DEFAULTS.window) };
    case 'funding':
      // the y leg's funding rates (a spot leg: an empty frame); the pair's when the output is the position
      return { ...common, queryType: 'funding', fundingOutput: 'rates', symbol: symbol ?? '' };
    case 'summary':
      // every configured pair at the query's timeframe and window
      return { ...common, queryType: 'summary', timeframe, window: typeof old.window === 'string' ? old.window : DEFAULT_WINDOW };
    case 'analytics':
    case 'stats':
    case 'signals': {
      if ((PAIR_QUERY_TYPES as readonly string[]).includes(q.queryType)) {
        // Between pair query types everything carries over, except live where it does not stream.
        const next = { ...q, queryType: type } as PairsQuery;
        if (!supportsLive(type)) {
          delete next.live;
        }
        return next;
      }
      if (q.queryType === 'backtest') {
        // the pair, timeframe, window, hedge and numeric thresholds; the backtest's own fields
        // (output, stops, costs, sweep grids) stay behind
        return {
          ...common,
          queryType: type,
          pair: q.pair,
          timeframe: q.timeframe,
          window: q.window,
          ...(typeof q.entryZ === 'number' ? { entryZ: q.entryZ } : {}),
          ...(typeof q.exitZ === 'number' ? { exitZ: q.exitZ } : {}),
          ...kalmanOf(old),
        };
      }
      // from a symbol query, or from a scan (its pair, timeframe and window; not its table options)
      const base = {
        ...common,
        queryType: type,
        pair: pair ?? DEFAULT_QUERY.pair!,
        timeframe,
        window: typeof old.window === 'string' ? old.window : DEFAULT_WINDOW,
        entryZ: typeof old.entryZ === 'number' ? old.entryZ : DEFAULT_ENTRY_Z,
      };
      return typeof old.exitZ === 'number' ? { ...base, exitZ: old.exitZ } : base;
    }
  }
}

/** Keys that are part of Grafana's envelope, not of our model: never interpolated. */
const NOT_INTERPOLATED = new Set(['refId', 'key', 'queryType', 'datasource', 'version', 'hide']);

/**
 * Every text field of the query with template variables replaced by `replace` (Grafana's
 * `templateSrv.replace` bound to the request's scoped variables). Numbers and booleans are
 * kept as they are; a numeric field saved as text (e.g. `entryZ: "$entry"`) is turned into a
 * number once interpolated, if it reads as one.
 */
export function interpolateQuery<Q extends PairsQuery>(q: Q, replace: (text: string) => string): Q {
  const out: Record<string, unknown> = {};
  let changed = false;
  for (const [k, v] of Object.entries(q)) {
    if (typeof v === 'string' && !NOT_INTERPOLATED.has(k)) {
      let r = replace(v);
      if (k === 'symbol' || k === 'pair') {
        r = r.trim().toUpperCase();
      } else if (k === 'timeframe' || k === 'window') {
        r = r.trim();
      }
      if ((k === 'entryZ' || k === 'exitZ' || k === 'limit') && r.trim() !== '' && Number.isFinite(Number(r))) {
        out[k] = Number(r);
        changed = true;
        continue;
      }
      out[k] = r;
      changed = changed || r !== v;
    } else {
      out[k] = v;
    }
  }
  return changed ? (out as unknown as Q) : q;
}
