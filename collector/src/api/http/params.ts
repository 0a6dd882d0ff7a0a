/**
 * Query-parameter definitions: one object per parameter kind that both validates a request
 * (`readQuery`) and describes itself for the OpenAPI document (`schema`, `description`). A
 * bad value is a 400 naming the parameter and what was expected; an unknown or repeated
 * parameter is a 400 too, so that a typo never silently falls back to a default.
 */
import { MAX_DATA_POINTS, MAX_WINDOW, MAX_Z_THRESHOLD, MIN_WINDOW, SYMBOL_REQUEST_PATTERN, TIMEFRAMES, isSymbol, parsePair, type Pair, type Timeframe } from '@quant-pairs/contract';
import { badParam } from './errors';

export type JsonSchema = Record<string, unknown>;

export interface Param<T> {
  readonly required: boolean;
  readonly description: string;
  readonly schema: JsonSchema;
  /** Parses a present raw value; throws a message (string) when it is invalid. */
  parse(raw: string): T;
  readonly fallback?: T;
}

type Kind<T> = Omit<Param<T>, 'required' | 'description' | 'fallback'>;

/** A required parameter. */
export function req<T>(kind: Kind<T>, description: string): Param<T> {
  return { ...kind, required: true, description };
}
/** An optional parameter, `fallback` when absent. */
export function opt<T>(kind: Kind<T>, description: string): Param<T | undefined>;
export function opt<T>(kind: Kind<T>, description: string, fallback: T): Param<T>;
export function opt<T>(kind: Kind<T>, description: string, fallback?: T): Param<T | undefined> {
  return { ...kind, required: false, description, fallback };
}

export type ParamSpec = Record<string, Param<unknown>>;
export type Parsed<S extends ParamSpec> = { [K in keyof S]: S[K] extends Param<infer T> ? T : never };

/** Validates `query` against `spec`; throws HttpError 400 for the first bad parameter. */
export function readQuery<S extends ParamSpec>(query: unknown, spec: S): Parsed<S> {
  const q = (query ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(q)) {
    if (!Object.hasOwn(spec, name)) {
      // (not `name in spec`: that is true for __proto__, constructor, toString, ... too)
      throw badParam(name, `unknown parameter ${JSON.stringify(name)}; expected one of ${Object.keys(spec).join(', ')}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(spec)) {
    const raw = q[name];
    if (raw === undefined || raw === '') {
      if (p.required) throw badParam(name, `${name} is required: ${p.description}`);
      out[name] = p.fallback;
      continue;
    }
    if (typeof raw !== 'string') throw badParam(name, `${name} is given more than once; give it once: ${p.description}`);
    try {
      out[name] = p.parse(raw);
    } catch (e) {
      throw badParam(name, `${name}=${JSON.stringify(raw.slice(0, 100))} is invalid: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out as Parsed<S>;
}

// ------------------------------------------------------------------ kinds

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
/** Earliest and latest accepted times: 1970 .. 9999, so that arithmetic stays exact. */
const MAX_TIME = 253_402_300_799_999;

/** Epoch milliseconds (fractions allowed) or ISO-8601; a date-time without an offset is UTC. */
export function parseTime(raw: string): number {
  const s = raw.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(s)) ms = Number(s);
  else {
    const m = ISO.exec(s);
    if (!m) throw new Error('expected epoch milliseconds (1735689600000) or ISO-8601 (2025-01-01T00:00:00Z)');
    const zone = m[8] ?? 'Z';
    const base = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}`;
    ms = Date.parse(base + (zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? zone.slice(0, 3) + ':' + zone.slice(3) : zone));
    if (Number.isNaN(ms) || new Date(Date.parse(base + 'Z')).toISOString().slice(0, 19) !== base) {
      throw new Error('not a real calendar date-time');
    }
    if (m[7]) ms += Number('0.' + m[7]) * 1000;
  }
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME) throw new Error('time out of range (1970 .. 9999)');
  return ms;
}

export const time: Kind<number> = {
  schema: { oneOf: [{ type: 'number', minimum: 0 }, { type: 'string', format: 'date-time' }] },
  parse: parseTime,
};

export function int(min: number, max: number): Kind<number> {
  return {
    schema: { type: 'integer', minimum: min, maximum: max },
    parse(raw) {
      if (!/^-?\d+$/.test(raw.trim())) throw new Error(`expected a whole number from ${min} to ${max}`);
      const n = Number(raw);
      if (n < min || n > max) throw new Error(`expected a whole number from ${min} to ${max}`);
      return n;
    },
  };
}

export function num(min: number, max: number): Kind<number> {
  return {
    schema: { type: 'number', minimum: min, maximum: max },
    parse(raw) {
      const s = raw.trim();
      const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(n) || n < min || n > max) throw new Error(`expected a number from ${min} to ${max}`);
      return n;
    },
  };
}

export function oneOf<T extends string>(values: readonly T[]): Kind<T> {
  return {
    schema: { type: 'string', enum: [...values] },
    parse(raw) {
      if (!(values as readonly string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}`);
      return raw as T;
    },
  };
}

export const timeframe: Kind<Timeframe> = oneOf(TIMEFRAMES);

export const symbol: Kind<string> = {
  schema: { type: 'string', pattern: `^${SYMBOL_REQUEST_PATTERN}$`, example: 'BTCUSDT' },
  parse(raw) {
    const s = raw.trim().toUpperCase();
    if (!isSymbol(s)) throw new Error('expected a Binance symbol such as BTCUSDT');
    return s;
  },
};

export const pair: Kind<Pair> = {
  schema: { type: 'string', pattern: `^${SYMBOL_REQUEST_PATTERN}/${SYMBOL_REQUEST_PATTERN}$`, example: 'ETHUSDT/BTCUSDT' },
  parse: parsePair,
};

// ------------------------------------------------------------------ shared definitions

export const P = {
  symbol: req(symbol, 'Binance symbol, e.g. BTCUSDT'),
  pair: req(pair, 'pair Y/X, e.g. ETHUSDT/BTCUSDT (X is the hedge leg)'),
  tf: req(timeframe, 'bar timeframe: 1s, 1m or 5m'),
  window: req(int(MIN_WINDOW, MAX_WINDOW), `rolling window in bars (any whole number ${MIN_WINDOW}..${MAX_WINDOW})`),
  from: opt(time, 'start, inclusive: epoch ms or ISO-8601'),
  to: opt(time, 'end, exclusive: epoch ms or ISO-8601 (default now)'),
  entryZ: opt(num(0, MAX_Z_THRESHOLD), '|z| above which the signal is LONG / SHORT (default ENTRY_Z)'),
  exitZ: opt(num(0, MAX_Z_THRESHOLD), 'hysteresis: back to NEUTRAL only when |z| < exitZ (default EXIT_Z)'),
  ddof: opt(oneOf(['0', '1'] as const), 'z-score standard deviation: 1 = sample (pandas, default), 0 = population'),
  maxDataPoints: opt(int(1, MAX_DATA_POINTS), 'thin to at most this many points, keeping each bucket\'s z extremes'),
};

/** Checks from < to once both are known; returns the pair. */
export function range(from: number, to: number): { from: number; to: number } {
  if (!(from < to)) throw badParam('from', `from (${from}) must be before to (${to})`);
  return { from, to };
}
