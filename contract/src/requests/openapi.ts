/**
 * Every endpoint of the query API and its OpenAPI 3 document (`GET /api/openapi.json`). The
 * parameters of each endpoint come from its request schema (requests/index.ts): name, whether
 * it is required, default, description and schema, so the document cannot drift from what the
 * collector accepts. Response bodies are named after their types in api.ts.
 */
import { z } from 'zod';
import type { JsonSchema } from './kinds';
import {
  alertsRequest,
  analyticsRequest,
  barsRequest,
  describeParam,
  exportRequest,
  signalsRequest,
  statsRequest,
  ticksRequest,
  type RequestSchema,
} from './schemas';

export interface Route {
  method: 'get' | 'post';
  path: string;
  summary: string;
  /** The query string's schema. */
  query?: RequestSchema;
  /** Name of the response type in api.ts. */
  response: string;
  /** Content type of the success response (default application/json). */
  produces?: string;
  /** For POST: what the body is. */
  body?: string;
  /** Needs no token even when API_TOKEN is set. */
  open?: boolean;
  /** Error statuses this route can answer with, besides 400 for bad parameters (and 401 unless open). */
  errors?: number[];
}

export const ROUTES: readonly Route[] = [
  { method: 'get', path: '/api/health', summary: 'ok or degraded, with ingest and database state (no token needed)', response: 'HealthResponse', open: true },
  { method: 'get', path: '/api/symbols', summary: 'configured and stored symbols (Grafana template variable)', response: 'SymbolsResponse' },
  { method: 'get', path: '/api/pairs', summary: 'configured and stored pairs, timeframes, windows, thresholds', response: 'PairsResponse' },
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
    path: '/export',
    summary: 'CSV (RFC 4180) of ticks (symbol), bars (symbol + tf) or analytics (pair + tf + window), streamed',
    query: exportRequest,
    response: 'text/csv with a header row',
    produces: 'text/csv',
    errors: [404, 413],
  },
  {
    method: 'post',
    path: '/api/alerts',
    summary: 'store a Grafana alerting webhook notification (JSON, at most 1 MB)',
    response: 'AlertDto',
    body: 'Grafana webhook payload',
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

function parameters(query: RequestSchema | undefined): JsonSchema[] {
  return Object.entries(query?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: !schema.safeParse(undefined).success,
    description: describeParam(schema),
    schema: paramSchema(schema),
  }));
}

/** `/api/ticks` -> `getApiTicks`. */
const operationId = (r: Route): string => `${r.method}${r.path.replace(/[^A-Za-z]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`;

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const responses: Record<string, unknown> = {
      200: {
        description: `\`${r.response}\` (@quant-pairs/contract)`,
        content: { [r.produces ?? 'application/json']: { schema: r.produces === undefined ? { $ref: '#/components/schemas/Object' } : { type: 'string' } } },
      },
    };
    const statuses = new Set([400, ...(r.errors ?? []), ...(r.open ? [] : [401])]);
    for (const s of [...statuses].sort()) {
      responses[s] = { description: ERROR_TEXT[s] ?? 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    const op: Record<string, unknown> = { summary: r.summary, operationId: operationId(r), parameters: parameters(r.query), responses };
    if (r.body) op.requestBody = { required: true, description: `\`${r.body}\``, content: { 'application/json': { schema: { type: 'object' } } } };
    if (r.open) op.security = [];
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
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Object: { type: 'object' },
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, param: { type: 'string' } } },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
