/**
 * QueryData: every query of the request runs concurrently (at most MAX_PARALLEL at a time);
 * each answers in its own DataResponse keyed by refId. A bad query or a failed collector call
 * becomes that refId's error with an HTTP-like status and an error source, never a failed RPC:
 *   400 plugin      the query model is wrong (which parameter and why)
 *   400/404/413     downstream: the collector refused the parameters
 *   401 downstream  the collector rejected the token
 *   502 downstream  the collector is unreachable or answered garbage; 504 it timed out
 *   500 plugin      a bug of ours (the message says so)
 */
import { CollectorClient, CollectorError } from './collector/client';
import { frameToArrow } from './frame/arrow';
import { log } from './hclog';
import { metrics } from './metrics';
import type { DataResponse, QueryDataRequest, QueryDataResponse } from './protocol';
import { parseQuery, QueryError } from './query/model';
import { runQuery } from './query/run';
import { readSettings, SettingsError } from './settings';

const MAX_PARALLEL = 8;

function errorResponse(error: string, status: number, errorSource: 'plugin' | 'downstream'): DataResponse {
  return { frames: [], error, status, errorSource };
}

export function collectorStatus(e: CollectorError): number {
  switch (e.kind) {
    case 'unreachable':
    case 'bad-response':
    case 'server':
      return 502;
    case 'timeout':
      return 504;
    default:
      return e.status;
  }
}

async function answer(req: QueryDataRequest, i: number, client: CollectorClient | SettingsError, uid: string, signal?: AbortSignal): Promise<DataResponse> {
  const raw = req.queries[i]!;
  let queryType = 'unknown';
  try {
    if (client instanceof SettingsError) throw client;
    const q = parseQuery(raw);
    queryType = q.queryType;
    const frame = await runQuery(q, client, uid, signal);
    const bytes = frameToArrow(frame);
    metrics.arrowBytes.inc(bytes.length);
    metrics.queries.inc({ query_type: queryType, outcome: 'ok' });
    return { frames: [bytes], status: 200 };
  } catch (e) {
    let res: DataResponse;
    if (e instanceof QueryError) res = errorResponse(e.message, e.status, 'plugin');
    else if (e instanceof SettingsError) res = errorResponse(e.message, 400, 'plugin');
    else if (e instanceof CollectorError) {
      const where = e.param ? ` (parameter ${e.param})` : '';
      res = errorResponse(`${e.message}${where}`, collectorStatus(e), 'downstream');
    } else {
      log.error('query failed', { refId: raw.refId, error: (e as Error).stack ?? String(e) });
      res = errorResponse(`internal error of the pairs backend: ${(e as Error).message}`, 500, 'plugin');
    }
    metrics.queries.inc({ query_type: queryType, outcome: String(res.status) });
    return res;
  }
}

export async function queryData(req: QueryDataRequest, signal?: AbortSignal): Promise<QueryDataResponse> {
  const started = performance.now();
  let client: CollectorClient | SettingsError;
  let uid = '';
  try {
    const settings = readSettings(req.pluginContext);
    uid = settings.uid;
    client = new CollectorClient(settings);
  } catch (e) {
    client = e instanceof SettingsError ? e : new SettingsError(String(e));
  }
  const queries = req.queries ?? [];
  const results: DataResponse[] = new Array(queries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queries.length) {
      const i = next++;
      results[i] = await answer(req, i, client, uid, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL, queries.length) }, worker));
  const responses: Record<string, DataResponse> = {};
  queries.forEach((q, i) => {
    responses[q.refId] = results[i]!;
  });
  metrics.queryDataSeconds.observe((performance.now() - started) / 1000);
  return { responses };
}
