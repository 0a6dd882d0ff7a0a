/**
 * Reads a query string through its request schema (@quant-pairs/contract/requests): the one
 * description that gives the type, the validation and the OpenAPI entry. A bad value is a 400
 * naming the parameter and what was expected; an unknown or repeated parameter is a 400 too,
 * so that a typo never silently falls back to a default.
 */
import { describeParam, type RequestArgs, type RequestSchema, type RequestVariant } from '@quant-pairs/contract/requests';
import { hedgeRule, type Hedge, type HedgeChoice } from '@quant-pairs/contract';
import { badParam } from './errors';

/** Validates `query` against `schema`; throws HttpError 400 for the first bad parameter. */
export function readQuery<S extends RequestSchema>(query: unknown, schema: S): RequestArgs<S> {
  const q = (query ?? {}) as Record<string, unknown>;
  const shape = schema.shape;
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(q)) {
    if (!Object.hasOwn(shape, name)) {
      // (not `name in shape`: that is true for __proto__, constructor, toString, ... too)
      throw badParam(name, `unknown parameter ${JSON.stringify(name)}; expected one of ${Object.keys(shape).join(', ')}`);
    }
  }
  for (const name of Object.keys(shape)) {
    const v = q[name];
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string') throw badParam(name, `${name} is given more than once; give it once: ${describeParam(shape[name]!)}`);
    raw[name] = v;
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data as RequestArgs<S>;
  const issue = r.error.issues[0]!;
  const name = String(issue.path[0]);
  const value = raw[name];
  if (value === undefined) throw badParam(name, `${name} is required: ${describeParam(shape[name]!)}`);
  throw badParam(name, `${name}=${JSON.stringify(value.slice(0, 100))} is invalid: ${issue.message}`);
}

/**
 * A POST body of a request's parameters (a JSON object) as the query string readQuery reads: each
 * value as its text (a number in decimal, a boolean as true / false, a list of numbers joined by
 * commas); any other value is a 400 naming its parameter.
 */
export function bodyAsQuery(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badParam('body', 'expected a JSON object of the parameters, e.g. {"pair": "ETHUSDT/BTCUSDT", "tf": "1m", "window": [60, 120], ...}');
  }
  const q: Record<string, string> = {};
  for (const [name, v] of Object.entries(body)) {
    if (typeof v === 'string') q[name] = v;
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') q[name] = String(v);
    else if (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'number' && Number.isFinite(e))) q[name] = v.join(',');
    else throw badParam(name, `${name} must be a string, a finite number, true / false or a list of numbers, got ${JSON.stringify(v)?.slice(0, 100)}`);
  }
  return q;
}

/** What readVariant gives: the variant's key and its arguments. */
export type VariantArgs<V extends readonly RequestVariant[]> = { [I in keyof V]: { key: V[I]['key']; args: RequestArgs<V[I]['schema']> } }[number];

/**
 * Validates `query` against the one of `variants` whose key it gives (GET /export: symbol or
 * pair), the rules its OpenAPI entry states: exactly one key, the variant's required parameters,
 * none of another variant's; then each value through the variant's schema (readQuery).
 */
export function readVariant<const V extends readonly RequestVariant[]>(query: unknown, variants: V): VariantArgs<V> {
  const q = (query ?? {}) as Record<string, unknown>;
  const given = (name: string): boolean => Object.hasOwn(q, name) && q[name] !== '';
  const all = [...new Set(variants.flatMap((v) => Object.keys(v.schema.shape)))];
  for (const name of Object.keys(q)) {
    if (!all.includes(name)) throw badParam(name, `unknown parameter ${JSON.stringify(name)}; expected one of ${all.join(', ')}`);
  }
  const keys = variants.map((v) => `${v.key} (${v.what})`).join(' or ');
  const chosen = variants.filter((v) => given(v.key));
  if (chosen.length === 0) throw badParam(variants[0]!.key, `${keys} is required`);
  if (chosen.length > 1) throw badParam(chosen[1]!.key, `give either ${keys}, not both`);
  const v = chosen[0]!;
  for (const name of Object.keys(q)) {
    if (!given(name) || Object.hasOwn(v.schema.shape, name)) continue;
    const owner = variants.find((o) => Object.hasOwn(o.schema.shape, name))!;
    throw badParam(name, `${name} applies to ${owner.label} only`);
  }
  for (const [name, schema] of Object.entries(v.schema.shape)) {
    if (!given(name) && !schema.safeParse(undefined).success) throw badParam(name, `${name} is required with ${v.key}: ${describeParam(schema)}`);
  }
  return { key: v.key, args: readQuery(q, v.schema) } as VariantArgs<V>;
}

/** Checks from < to once both are known; returns the pair. */
export function range(from: number, to: number): { from: number; to: number } {
  if (!(from < to)) throw badParam('from', `from (${from}) must be before to (${to})`);
  return { from, to };
}

/** The hedge choice of a request; a 400 naming delta, ve or tune when they do not go together (hedgeRule). */
export function readHedge(q: { hedge?: Hedge; delta?: number; ve?: number; tune?: boolean }): HedgeChoice {
  const r = hedgeRule(q);
  if (r.param !== undefined) throw badParam(r.param, r.message);
  return r.choice;
}
