/**
 * The OpenAPI 3 document of the API, built from the same parameter definitions that validate
 * requests (http/params.ts), so the two cannot drift apart. Response bodies are named after
 * their TypeScript types in api/types.ts, the one description the Grafana plugin imports.
 */
import type { ParamSpec } from './params';

export interface RouteDoc {
  method: 'get' | 'post';
  path: string;
  summary: string;
  params?: ParamSpec;
  /** Name of the response type in api/types.ts. */
  response: string;
  /** Content type of the success response (default application/json). */
  produces?: string;
  /** For POST: name of the body type. */
  body?: string;
  /** Needs no token even when API_TOKEN is set. */
  open?: boolean;
  /** Error statuses this route can answer with, besides 400 for bad parameters. */
  errors?: number[];
}

const ERROR_TEXT: Record<number, string> = {
  400: 'a parameter is missing or invalid: `error` says what was expected, `param` which one',
  401: 'missing or invalid bearer token (only when API_TOKEN is set)',
  404: 'unknown symbol or pair',
  413: 'range or body too large: narrow the range or page through it',
};

export function openApiDocument(routes: readonly RouteDoc[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters = Object.entries(r.params ?? {}).map(([name, p]) => ({
      name,
      in: 'query',
      required: p.required,
      description: p.description,
      schema: p.fallback === undefined ? p.schema : { ...p.schema, default: p.fallback },
    }));
    const responses: Record<string, unknown> = {
      200: {
        description: `\`${r.response}\` (api/types.ts)`,
        content: { [r.produces ?? 'application/json']: { schema: r.produces === undefined ? { $ref: '#/components/schemas/Object' } : { type: 'string' } } },
      },
    };
    const statuses = new Set([400, ...(r.errors ?? []), ...(r.open ? [] : [401])]);
    for (const s of [...statuses].sort()) {
      responses[s] = { description: ERROR_TEXT[s] ?? 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    const op: Record<string, unknown> = { summary: r.summary, operationId: `${r.method}${r.path.replace(/[^A-Za-z]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`, parameters, responses };
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
        'Live push: WebSocket at /api/live (see LiveSubscribe / LiveServerMessage in api/types.ts).',
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
