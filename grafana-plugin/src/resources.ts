/**
 * The lists the backend's CallResource serves (symbols, pairs, timeframes, windows), turned
 * into plain strings for selects and variables. The backend may pass the collector's body on
 * (`{ symbols: [{ symbol }] }`, `{ pairs: [{ pair }], timeframes, windows }`) or answer a
 * plain array; both read the same here, so neither side has to change in step.
 */
import { DEFAULT_VARIABLE_QUERY, RESOURCE_PATHS, type PairsVariableQuery, type ResourceKind } from '@quant-pairs/contract';

/** The list a saved variable query asks for (pairs when it says nothing usable). */
export function variableKind(q: Partial<PairsVariableQuery> | string | undefined): ResourceKind {
  const k = typeof q === 'string' ? q : q?.kind;
  return k && Object.prototype.hasOwnProperty.call(RESOURCE_PATHS, k) ? (k as ResourceKind) : DEFAULT_VARIABLE_QUERY.kind;
}

function fromItem(item: unknown, keys: readonly string[]): string | undefined {
  if (typeof item === 'string') {
    return item;
  }
  if (typeof item === 'number' && Number.isFinite(item)) {
    return String(item);
  }
  if (item && typeof item === 'object') {
    for (const k of keys) {
      const v = (item as Record<string, unknown>)[k];
      if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) {
        return String(v);
      }
    }
  }
  return undefined;
}

const ITEM_KEYS: Record<ResourceKind, readonly string[]> = {
  symbols: ['symbol', 'value', 'text', 'name'],
  pairs: ['pair', 'value', 'text', 'name'],
  timeframes: ['timeframe', 'tf', 'value', 'text', 'name'],
  windows: ['window', 'value', 'text', 'name'],
  topPairs: ['pair', 'value', 'text', 'name'],
};

/**
 * The values of one list, in the order given, without duplicates.
 *
 * @example
 * resourceValues('pairs', { pairs: [{ pair: 'ETHUSDT/BTCUSDT' }], timeframes: ['1m'], windows: [100] });
 * // => ['ETHUSDT/BTCUSDT']
 * resourceValues('windows', { pairs: [], timeframes: ['1m'], windows: [100, 500] }); // => ['100', '500']
 */
export function resourceValues(kind: ResourceKind, body: unknown): string[] {
  let list: unknown = body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const o = body as Record<string, unknown>;
    list = o[kind] ?? o.values ?? o.items ?? o.data;
  }
  if (!Array.isArray(list)) {
    throw new Error(`the ${kind} list from the backend is not a list`);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    const v = fromItem(item, ITEM_KEYS[kind]);
    if (v !== undefined && !seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  }
  return out;
}
