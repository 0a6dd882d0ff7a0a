/**
 * The kinds of query parameter the API takes, as zod schemas over the parameter's text: each
 * one validates (with the message a 400 answer shows), gives the parsed type, and carries
 * its OpenAPI schema (`openapi` metadata), which describes what the text means, e.g.
 * `{"type":"integer","minimum":2,"maximum":10000}` for a window sent as "100".
 */
import { z } from 'zod';
import { SYMBOL_REQUEST_PATTERN, TIMEFRAMES, isSymbol } from '../constants';
import { isPerp } from '../instrument';
import { parsePair } from '../pair';

/** An OpenAPI 3.0 schema object. */
export type JsonSchema = Record<string, unknown>;

/** A query parameter: text in, `T` out. */
export type Kind<T> = z.ZodType<T, string>;

/** The OpenAPI schema of a kind, read by openapi.ts. */
const withDoc = <S extends z.ZodType>(schema: S, openapi: JsonSchema): S => schema.meta({ openapi });

/** Runs `parse` on the text; the message of what it throws is the issue. */
function parsed<T>(parse: (raw: string) => T): z.ZodType<T, string> {
  return z.string().transform((raw, ctx) => {
    try {
      return parse(raw);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
      return z.NEVER;
    }
  });
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
/** Latest accepted time (end of year 9999), so that arithmetic on times stays exact. */
const MAX_TIME = 253_402_300_799_999;
/** Epoch ms as a decimal number, exponent allowed (`1.7356896e12`, as JSON and Python write large numbers). */
const EPOCH_MS = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Epoch milliseconds (fractions allowed) or ISO-8601; a date-time without an offset is UTC.
 * @throws {Error} saying what was expected when `raw` is neither, or is outside 1970 .. 9999
 * @example
 * parseTime('2025-01-01T00:00:00Z'); // => 1735689600000
 * parseTime('1735689600000.5');      // => 1735689600000.5
 */
export function parseTime(raw: string): number {
  const s = raw.trim();
  let ms: number;
  if (EPOCH_MS.test(s)) ms = Number(s);
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

/**
 * The ISO-8601 text parseTime accepts, as a pattern that states its bounds too (years 1970 ..
 * 9999, months, days up to 31, hours, minutes, seconds, offsets): `format: date-time` let a client
 * send years before 1970, which the collector refuses (found by schemathesis). What a pattern
 * cannot say stays a rule of parseTime: the calendar (Feb 30), and an offset that moves
 * 1970-01-01 before the epoch.
 */
const HOUR = '([01]\\d|2[0-3])';
const MINUTE = '[0-5]\\d';
const ISO_TIME_PATTERN =
  '^(19[7-9]\\d|[2-9]\\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])' + `([Tt ]${HOUR}:${MINUTE}(:${MINUTE}(\\.\\d{1,9})?)?([Zz]|[+-]${HOUR}:?${MINUTE})?)?$`;

export const time: Kind<number> = withDoc(parsed(parseTime), {
  oneOf: [
    { type: 'number', minimum: 0, maximum: MAX_TIME },
    { type: 'string', pattern: ISO_TIME_PATTERN },
  ],
});

/** A whole number from `min` to `max`. */
export function int(min: number, max: number): Kind<number> {
  const rule = `expected a whole number from ${min} to ${max}`;
  const schema = z
    .string()
    .regex(/^\s*-?\d+\s*$/, rule)
    .transform(Number)
    .pipe(z.number({ error: rule }).min(min, rule).max(max, rule));
  return withDoc(schema, { type: 'integer', minimum: min, maximum: max });
}

/** A decimal number (exponent allowed) from `min` to `max`. */
export function num(min: number, max: number): Kind<number> {
  const rule = `expected a number from ${min} to ${max}`;
  const schema = z
    .string()
    .regex(/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i, rule)
    .transform(Number)
    .pipe(z.number({ error: rule }).min(min, rule).max(max, rule));
  return withDoc(schema, { type: 'number', minimum: min, maximum: max });
}

/** A decimal number (exponent allowed) strictly between `min` and `max`. */
export function openNum(min: number, max: number): Kind<number> {
  const rule = `expected a number greater than ${min} and less than ${max}`;
  const schema = z
    .string()
    .regex(/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i, rule)
    .transform(Number)
    .pipe(z.number({ error: rule }).gt(min, rule).lt(max, rule));
  return withDoc(schema, { type: 'number', minimum: min, exclusiveMinimum: true, maximum: max, exclusiveMaximum: true });
}

/** true or false, as written. */
export const bool: Kind<boolean> = withDoc(
  z.enum(['true', 'false'], { error: () => 'expected true or false' }).transform((v) => v === 'true'),
  { type: 'boolean' },
);

const NUMBER = '[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?';

/**
 * A comma-separated list of 1 to `maxLength` numbers from `min` to `max` (whole numbers when
 * `whole`), e.g. `1.5,2,2.5`; duplicates are dropped, the order kept.
 */
export function numList(min: number, max: number, maxLength: number, whole = false): Kind<number[]> {
  const what = whole ? 'whole numbers' : 'numbers';
  const rule = `expected a comma-separated list of 1 to ${maxLength} ${what} from ${min} to ${max}, e.g. ${whole ? '30,60,120' : '1.5,2,2.5'}`;
  const schema = z.string().transform((raw, ctx) => {
    const items = raw.split(',').map((s) => s.trim());
    const values = items.map(Number);
    const ok = (s: string, v: number) => new RegExp(`^${NUMBER}$`).test(s) && v >= min && v <= max && (!whole || Number.isInteger(v));
    if (items.length > maxLength || items.some((s, i) => !ok(s, values[i]!))) {
      ctx.addIssue({ code: 'custom', message: rule });
      return z.NEVER;
    }
    return [...new Set(values)];
  });
  const item = `\\s*${NUMBER}\\s*`;
  return withDoc(schema, { type: 'string', pattern: `^${item}(,${item}){0,${maxLength - 1}}$`, example: whole ? '30,60,120' : '1.5,2,2.5' });
}

/** One of `values`, as written. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): Kind<T[number]> {
  return withDoc(z.enum(values, { error: () => `expected one of ${values.join(', ')}` }), { type: 'string', enum: [...values] });
}

export const timeframe = oneOf(TIMEFRAMES);

/** A Binance symbol in either case; upper-cased. */
export const symbol: Kind<string> = withDoc(
  z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .refine(isSymbol, 'expected a Binance symbol such as BTCUSDT, or a USD-M perpetual such as BTCUSDT.P'),
  { type: 'string', pattern: `^${SYMBOL_REQUEST_PATTERN}$`, example: 'BTCUSDT' },
);

/** A USD-M perpetual's symbol (`BTCUSDT.P`) in either case; upper-cased. A spot symbol is refused naming the perpetual to ask for. */
export const perpSymbol: Kind<string> = withDoc(
  z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .superRefine((s, ctx) => {
      if (!isSymbol(s)) ctx.addIssue({ code: 'custom', message: 'expected a USD-M perpetual such as BTCUSDT.P' });
      else if (!isPerp(s)) ctx.addIssue({ code: 'custom', message: `${s} is a spot symbol: funding is paid on USD-M perpetuals, e.g. ${s}.P` });
    }),
  { type: 'string', pattern: `^${SYMBOL_REQUEST_PATTERN.replace('(?:\\.[Pp])?', '\\.[Pp]')}$`, example: 'BTCUSDT.P' },
);

/** A pair `Y/X` in either case. */
export const pair = withDoc(parsed(parsePair), {
  type: 'string',
  pattern: `^${SYMBOL_REQUEST_PATTERN}/${SYMBOL_REQUEST_PATTERN}$`,
  example: 'ETHUSDT/BTCUSDT',
});
