/**
 * Every endpoint of the query API and its OpenAPI 3 document (`GET /api/openapi.json`). The
 * parameters of each endpoint come from its request schema (requests/index.ts): name, whether
 * it is required, default, description and schema, so the document cannot drift from what the
 * collector accepts. Response bodies are named after their types in api.ts.
 */
import { z } from 'zod';
import { SCAN_DEFAULTS } from '../constants';
import type { JsonSchema } from './kinds';
import { RESPONSE_SCHEMAS } from './responses';
import {
  alertWebhookBody,
  alertsRequest,
  analyticsRequest,
  backtestRequest,
  barsRequest,
  describeParam,
  fundingRequest,
  exportRequest,
  scanHistoryRequest,
  scanRequest,
  signalsRequest,
  statsRequest,
  sweepRequest,
  ticksRequest,
  type RequestSchema,
  type RequestVariant,
} from './schemas';

export interface Route {
  method: 'get' | 'post';
  path: string;
  summary: string;
  /** The query string's schema, or the parameter sets it takes one of (RequestVariant). */
  query?: RequestSchema | readonly RequestVariant[];
  /** Name of the response type in api.ts. */
  response: string;
  /** Status of the success response (default 200). */
  status?: 200 | 201;
  /** Content type of the success response (default application/json). */
  produces?: string;
  /** For POST: what the body is, and its schema. */
  body?: { name: string; schema: z.ZodType };
  /** Needs no token even when API_TOKEN is set. */
  open?: boolean;
  /**
   * Example values of parameters, beyond their kind's: what a client would send to find data
   * (a fuzzer's examples phase sends them; without them it guesses a scan's window among 9,999).
   */
  examples?: Record<string, unknown>;
  /** Error statuses this route can answer with, besides 400 for bad parameters (and 401 unless open). */
  errors?: number[];
  /**
   * OpenAPI links of the 200 answer: which operation a value of it feeds, e.g. a stored pair of
   * /api/pairs into /api/stats (`{operation: path, parameters: {name: runtime expression}}`).
   * A fuzzer follows them to chain requests (schemathesis' stateful phase).
   */
  links?: Record<string, { operation: string; parameters: Record<string, string> }>;
}

/** Links from a listing to the operations one of its `pairs` (or `symbols`) entries can be asked of. */
const pairLinks = (paths: readonly string[]) =>
  Object.fromEntries(
    paths.map((path) => [path.slice(5), { operation: path, parameters: { pair: '$response.body#/pairs/0/pair', window: '$response.body#/windows/0' } }]),
  );

/** The timeframe and window the collector scans by default (SCAN_TF, SCAN_WINDOW). */
const SCAN_EXAMPLES = { tf: SCAN_DEFAULTS.tf, window: SCAN_DEFAULTS.window };

export const ROUTES: readonly Route[] = [
  {
    method: 'get',
    path: '/api/health',
    summary: 'ok or degraded, with ingest and database state (no token needed)',
    response: 'HealthResponse',
    open: true,
    errors: [503],
  },
  {
    method: 'get',
    path: '/api/symbols',
    summary: 'configured and stored symbols (Grafana template variable)',
    response: 'SymbolsResponse',
    links: {
      ticks: { operation: '/api/ticks', parameters: { symbol: '$response.body#/symbols/0/symbol' } },
      bars: { operation: '/api/bars', parameters: { symbol: '$response.body#/symbols/0/symbol' } },
    },
  },
  {
    method: 'get',
    path: '/api/pairs',
    summary: 'configured and stored pairs, timeframes, windows, thresholds',
    response: 'PairsResponse',
    links: pairLinks(['/api/analytics', '/api/signals', '/api/stats', '/api/backtest']),
  },
  {
    method: 'get',
    path: '/api/funding',
    summary: "a USD-M perpetual's settled fundings (time, rate, mark) and its state now (mark, index, rate, next funding time, interval)",
    query: fundingRequest,
    response: 'FundingResponse',
    examples: { symbol: 'BTCUSDT.P' },
    errors: [404],
  },
  { method: 'get', path: '/api/ticks', summary: 'raw ticks of a symbol, oldest first, paged', query: ticksRequest, response: 'TicksResponse', errors: [404] },
  {
    method: 'get',
    path: '/api/bars',
    summary: 'OHLCV bars of a symbol; the bar in progress has final=false',
    query: barsRequest,
    response: 'BarsResponse',
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/analytics',
    summary:
      'beta, alpha, spread, spreadMean, z, signal, correlation of a pair for any window, computed from stored bars with warm-up; thinned to maxDataPoints keeping z extremes',
    query: analyticsRequest,
    response: 'AnalyticsResponse',
    errors: [404, 413],
  },
  {
    method: 'get',
    path: '/api/signals',
    summary: 'signal changes (LONG / SHORT / NEUTRAL) as events, for annotations',
    query: signalsRequest,
    response: 'SignalsResponse',
    errors: [404, 413],
  },
  {
    method: 'get',
    path: '/api/stats',
    summary: 'latest beta, z, signal, ADF, Engle-Granger, half-life, correlation and leg prices of a pair',
    query: statsRequest,
    response: 'StatsResponse',
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/backtest',
    summary:
      'two-leg backtest of the z signal over stored bars (entry, exit, stop, time stop, cooldown, lagged fills, fees, slippage): trades, equity curve, total return, Sharpe, drawdown',
    query: backtestRequest,
    response: 'BacktestResponse',
    errors: [404, 413],
  },
  {
    method: 'get',
    path: '/api/backtest/sweep',
    summary: 'the backtest metrics of every combination of window x entry x exit over stored bars (the other rules and costs fixed)',
    query: sweepRequest,
    response: 'SweepResponse',
    errors: [404, 413],
  },
  {
    method: 'get',
    path: '/export',
    summary: 'CSV (RFC 4180) of ticks (symbol), bars (symbol + tf) or analytics (pair + tf + window), streamed',
    query: exportRequest,
    response: 'text/csv with a header row',
    produces: 'text/csv',
    errors: [404, 413],
  },
  {
    method: 'get',
    path: '/api/scan',
    summary: 'pair scan of the universe at a bar close (Engle-Granger both ways, Benjamini-Hochberg q, half-life, Hurst, crossings), pairs sorted by q-value',
    query: scanRequest,
    response: 'ScanResponse',
    errors: [404],
    examples: SCAN_EXAMPLES,
  },
  {
    method: 'get',
    path: '/api/scan/history',
    summary: "one pair's p-value, q-value, half-life, Hurst and selection in every stored scan, oldest first",
    query: scanHistoryRequest,
    response: 'ScanHistoryResponse',
    examples: SCAN_EXAMPLES,
  },
  {
    method: 'post',
    path: '/api/alerts',
    summary: 'store a Grafana alerting webhook notification (JSON, at most 1 MB)',
    response: 'AlertDto',
    status: 201,
    body: { name: 'Grafana webhook payload', schema: alertWebhookBody },
    errors: [413],
  },
  { method: 'get', path: '/api/alerts', summary: 'stored alert notifications, newest first', query: alertsRequest, response: 'AlertsResponse' },
  { method: 'get', path: '/api/openapi.json', summary: 'this document', response: 'OpenAPI 3 document' },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (text exposition format)', response: 'Prometheus text', produces: 'text/plain' },
];

const ERROR_TEXT: Record<number, string> = {
  400: 'a parameter is missing or invalid: `error` says what was expected, `param` which one',
  401: 'missing or invalid bearer token (only when API_TOKEN is set)',
  404: 'unknown symbol or pair',
  413: 'range or body too large: narrow the range or page through it',
  429: 'too many requests from this client (RATE_LIMIT): `Retry-After` says when to try again',
  503: 'the database does not answer: the same body as 200, with database.ok false',
};

/** The parameter's OpenAPI schema: its kind's (`openapi` metadata), with the default when it has one. */
function paramSchema(schema: z.ZodType): JsonSchema {
  let s = schema;
  let fallback: unknown;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) {
    if (s instanceof z.ZodDefault) fallback = s.def.defaultValue;
    s = s.def.innerType as z.ZodType;
  }
  const doc = (s.meta() as { openapi?: JsonSchema } | undefined)?.openapi;
  if (!doc) throw new Error('a request parameter without an OpenAPI schema (give it a kind of requests/kinds.ts)');
  return fallback === undefined ? doc : { ...doc, default: fallback };
}

const isRequired = (schema: z.ZodType): boolean => !schema.safeParse(undefined).success;

function parameters(query: Route['query'], examples: Route['examples'] = {}): JsonSchema[] {
  if (isVariants(query)) return [variantsParameter(query)];
  return Object.entries(query?.shape ?? {}).map(([name, schema]) => {
    const required = isRequired(schema);
    const example = Object.hasOwn(examples, name) ? { example: examples[name] } : {};
    // an empty optional parameter counts as absent (readQuery): OpenAPI 3.0 says so with allowEmptyValue
    return {
      name,
      in: 'query',
      required,
      ...(required ? {} : { allowEmptyValue: true }),
      description: describeParam(schema),
      schema: paramSchema(schema),
      ...example,
    };
  });
}

const isVariants = (query: Route['query']): query is readonly RequestVariant[] => Array.isArray(query);

/**
 * A query that takes one of several parameter sets (GET /export): one form-exploded object
 * parameter (`?symbol=BTCUSDT&tf=1m`, OpenAPI 3.0's style form, explode true) whose schema is
 * oneOf the sets, each with its own required parameters and no others. A flat list of optional
 * parameters cannot say that symbol excludes pair, or that pair needs tf and window.
 */
function variantsParameter(variants: readonly RequestVariant[]): JsonSchema {
  const oneOf = variants.map((v) => {
    const shape = Object.entries(v.schema.shape);
    return {
      type: 'object',
      description: `${v.key}: ${v.what}`,
      properties: Object.fromEntries(shape.map(([name, schema]) => [name, { ...paramSchema(schema), description: describeParam(schema) }])),
      required: shape.filter(([, schema]) => isRequired(schema)).map(([name]) => name),
      additionalProperties: false,
      example: v.example,
    };
  });
  const description = `one of: ${variants.map((v) => `${v.key} (${v.what})`).join(', ')}; each set's parameters go in the query string as they are`;
  return { name: 'query', in: 'query', required: true, style: 'form', explode: true, description, schema: { oneOf } };
}

/** The JSON schema of a response type of api.ts (requests/responses/), or any object for those without one (the OpenAPI document itself). */
function responseSchema(name: string): JsonSchema {
  const schema = (RESPONSE_SCHEMAS as Record<string, z.ZodType>)[name];
  if (!schema) return { $ref: '#/components/schemas/Object' };
  return jsonSchema(schema, 'output');
}

/** zod -> an OpenAPI 3.0 schema object. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** `/api/ticks` -> `getApiTicks`. */
const operationId = (r: Pick<Route, 'method' | 'path'>): string =>
  `${r.method}${r.path.replace(/[^A-Za-z]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`;

/** What the document says about authentication: as the collector is configured (API_TOKEN set or not). */
export interface DocumentOptions {
  /** The API requires a bearer token: the document declares it, and 401 on every route that needs it. */
  auth: boolean;
  /** Requests are rate-limited per client (RATE_LIMIT): 429 on every route. */
  rateLimited?: boolean;
}

export function openApiDocument(version: string, options: DocumentOptions = { auth: true }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const guarded = (r: Route): boolean => options.auth && !r.open;
  for (const r of ROUTES) {
    const responses: Record<string, unknown> = {
      [r.status ?? 200]: {
        description: `\`${r.response}\` (@quant-pairs/contract)`,
        content: { [r.produces ?? 'application/json']: { schema: r.produces === undefined ? responseSchema(r.response) : { type: 'string' } } },
      },
    };
    if (r.links) {
      (responses[r.status ?? 200] as Record<string, unknown>).links = Object.fromEntries(
        Object.entries(r.links).map(([name, l]) => [name, { operationId: operationId({ method: 'get', path: l.operation }), parameters: l.parameters }]),
      );
    }
    const statuses = new Set([400, ...(r.errors ?? []), ...(guarded(r) ? [401] : []), ...(options.rateLimited ? [429] : [])]);
    for (const s of [...statuses].sort()) {
      // 503 (health): the route's own body, saying what is down; every other error an Error
      const schema = s === 503 ? responseSchema(r.response) : { $ref: '#/components/schemas/Error' };
      responses[s] = { description: ERROR_TEXT[s] ?? 'error', content: { 'application/json': { schema } } };
    }
    const op: Record<string, unknown> = { summary: r.summary, operationId: operationId(r), parameters: parameters(r.query, r.examples), responses };
    if (r.body) {
      op.requestBody = { required: true, description: `\`${r.body.name}\``, content: { 'application/json': { schema: jsonSchema(r.body.schema, 'input') } } };
    }
    if (options.auth && r.open) op.security = [];
    (paths[r.path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'quant-pairs collector API',
      version,
      description:
        'Ticks, bars and pairs analytics of the collector. Times: epoch ms or ISO-8601 in requests, epoch ms in responses; from inclusive, to exclusive. ' +
        'Live push: WebSocket at /api/live (see LiveSubscribe / LiveServerMessage in @quant-pairs/contract).',
    },
    components: {
      ...(options.auth ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } : {}),
      schemas: {
        Object: { type: 'object' },
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, param: { type: 'string' } }, additionalProperties: false },
      },
    },
    ...(options.auth ? { security: [{ bearer: [] }] } : {}),
    paths,
  };
}
