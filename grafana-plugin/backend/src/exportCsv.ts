/**
 * CallResource `export` (issue 28: CSV from every panel's data through the data source itself,
 * a link that works in docker compose, where the collector's API is not published): any query of
 * the model as URL parameters, run as QueryData runs a panel's query (same validation, same
 * collector calls with the token added here, never given to the browser), its frame answered as
 * a CSV download.
 *
 *   GET export?version=1&queryType=analytics&pair=ETHUSDT/BTCUSDT&timeframe=1m&window=100&fields=zscore,beta&from=<ms>&to=<ms>
 *
 * Lists (fields, scanFields; the sweep grids) are comma-separated; true / false are booleans;
 * `from` and `to` are epoch ms (Grafana's ${__from} / ${__to}). No maxDataPoints: the whole
 * range at the query's resolution, not the panel's thinned points.
 */
import { QUERY_MODEL_VERSION } from '@quant-pairs/contract';
import type { CollectorClient } from './collector/client';
import { frameToCsv } from './frame/csv';
import type { CallResourceRequest, CallResourceResponse } from './protocol';
import { parseQuery, QueryError } from './query/model';
import { runQuery } from './query/run';

const LISTS = new Set(['fields', 'scanFields']);
const BOOLEANS = new Set(['live', 'tune', 'selectedOnly', 'normalize', 'wfAnchored']);

function jsonError(code: number, error: string, param?: string): CallResourceResponse {
  return { code, headers: { 'Content-Type': { values: ['application/json'] } }, body: Buffer.from(JSON.stringify(param ? { error, param } : { error })) };
}

/** Epoch ms of a `from` / `to` parameter, or a QueryError naming it. */
function msParam(params: URLSearchParams, name: 'from' | 'to'): number {
  const v = params.get(name);
  if (v === null || !/^\d+$/.test(v.trim())) {
    throw new QueryError(`${name}: give the time as epoch milliseconds (Grafana's \${__${name}}), got ${v === null ? 'nothing' : JSON.stringify(v)}`, name);
  }
  return Number(v.trim());
}

/** The query model the parameters describe (everything but from / to). */
function modelOf(params: URLSearchParams): Record<string, unknown> {
  const model: Record<string, unknown> = { version: QUERY_MODEL_VERSION };
  for (const [k, v] of params) {
    if (k === 'from' || k === 'to') continue;
    if (LISTS.has(k))
      model[k] = v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    else if (BOOLEANS.has(k) && (v === 'true' || v === 'false')) model[k] = v === 'true';
    else if (k === 'version' && /^\d+$/.test(v)) model[k] = Number(v);
    else model[k] = v;
  }
  // a file, not a stream
  delete model.live;
  return model;
}

/** A file name of the frame's name and the range: letters, digits, dot, dash and underscore only. */
function fileName(name: string, from: number, to: number): string {
  const stamp = (ms: number) =>
    new Date(ms)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/:/g, '');
  return `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}_${stamp(from)}_${stamp(to)}.csv`;
}

export async function exportCsv(req: CallResourceRequest, client: CollectorClient): Promise<CallResourceResponse> {
  const params = new URL(req.url || req.path, 'http://resource.invalid/').searchParams;
  let q;
  try {
    const from = msParam(params, 'from');
    const to = msParam(params, 'to');
    q = parseQuery({ refId: 'export', json: Buffer.from(JSON.stringify(modelOf(params))), timeRange: { fromEpochMS: from, toEpochMS: to } });
  } catch (e) {
    if (e instanceof QueryError) return jsonError(400, e.message, e.param);
    throw e;
  }
  const frame = await runQuery(q, client, '');
  return {
    code: 200,
    headers: {
      // Grafana copies a resource's headers to the browser but Set-Cookie, and sets application/json only when Content-Type is absent (pkg/api/plugin_resource.go flushStream)
      'Content-Type': { values: ['text/csv; charset=utf-8; header=present'] },
      'Content-Disposition': { values: [`attachment; filename="${fileName(frame.name ?? q.queryType, q.from, q.to)}"`] },
      'Cache-Control': { values: ['no-store'] },
    },
    body: Buffer.from(frameToCsv(frame)),
  };
}
