/**
 * CallResource: the lists the query editors and template variables need, as JSON.
 *   GET symbols     -> [{ text, value, configured, ticks }]         from /api/symbols
 *   GET pairs       -> [{ text, value, y, x, configured }]         from /api/pairs
 *   GET timeframes  -> [{ text, value }]                            from /api/pairs (fixed list if absent)
 *   GET windows     -> [{ text, value }]                            configured windows of the engine
 *   GET defaults    -> { entryZ, exitZ, windows, timeframes }
 *   GET topPairs    -> [{ text, value, qvalue }]                   the TOP_PAIRS lowest q-values of the latest
 *                                                                   scan at SCAN_TF / SCAN_WINDOW (/api/scan); [] before the first scan
 *   GET export?<query>&from&to -> text/csv                           any query's frame as a CSV download (exportCsv.ts)
 * `{text, value}` is Grafana's MetricFindValue, so a variable can use the list as it is.
 */
import { CollectorClient, CollectorError } from './collector/client';
import { exportCsv } from './exportCsv';
import { collectorStatus } from './queryData';
import { metrics } from './metrics';
import type { CallResourceRequest, CallResourceResponse } from './protocol';
import { EXPORT_RESOURCE, SCAN_DEFAULTS, TIMEFRAMES, TOP_PAIRS } from '@quant-pairs/contract';
import { readSettings, SettingsError } from './settings';

function json(code: number, body: unknown): CallResourceResponse {
  return { code, headers: { 'Content-Type': { values: ['application/json'] } }, body: Buffer.from(JSON.stringify(body)) };
}

const RESOURCE_PATHS = ['symbols', 'pairs', 'timeframes', 'windows', 'topPairs', 'defaults', EXPORT_RESOURCE] as const;

export async function callResource(req: CallResourceRequest): Promise<CallResourceResponse> {
  const path = req.path.replace(/^\/+|\/+$/g, '').split('?')[0]!;
  const res = await route(req, path);
  metrics.resourceCalls.inc({ path: (RESOURCE_PATHS as readonly string[]).includes(path) ? path : 'other', code: String(res.code) });
  return res;
}

async function route(req: CallResourceRequest, path: string): Promise<CallResourceResponse> {
  if (!(RESOURCE_PATHS as readonly string[]).includes(path)) {
    return json(404, { error: `no resource ${JSON.stringify(path)}; try one of ${RESOURCE_PATHS.join(', ')}` });
  }
  if (req.method && req.method.toUpperCase() !== 'GET') return json(405, { error: `${req.method} is not allowed; resources are read with GET` });
  let client: CollectorClient;
  try {
    client = new CollectorClient(readSettings(req.pluginContext));
  } catch (e) {
    return json(400, { error: e instanceof SettingsError ? e.message : String(e) });
  }
  try {
    switch (path) {
      case EXPORT_RESOURCE:
        return await exportCsv(req, client);
      case 'symbols': {
        const r = await client.symbols();
        return json(
          200,
          r.symbols.map((s) => ({ text: s.symbol, value: s.symbol, configured: s.configured, ticks: s.ticks })),
        );
      }
      case 'pairs': {
        const r = await client.pairs();
        return json(
          200,
          r.pairs.map((p) => ({ text: p.pair, value: p.pair, y: p.y, x: p.x, configured: p.configured })),
        );
      }
      case 'timeframes': {
        const r = await client.pairs();
        const tfs = r.timeframes && r.timeframes.length > 0 ? r.timeframes : TIMEFRAMES;
        return json(
          200,
          tfs.map((t) => ({ text: t, value: t })),
        );
      }
      case 'windows': {
        const r = await client.pairs();
        return json(
          200,
          r.windows.map((w) => ({ text: String(w), value: String(w) })),
        );
      }
      case 'topPairs': {
        let r;
        try {
          r = await client.scan({ tf: SCAN_DEFAULTS.tf, window: SCAN_DEFAULTS.window });
        } catch (e) {
          if (e instanceof CollectorError && collectorStatus(e) === 404) return json(200, []); // no scan stored yet
          throw e;
        }
        return json(
          200,
          r.pairs.slice(0, TOP_PAIRS).map((p) => ({ text: `${p.a}/${p.b}`, value: `${p.a}/${p.b}`, qvalue: p.qvalue })),
        );
      }
      default: {
        const r = await client.pairs();
        return json(200, { entryZ: r.entryZ, exitZ: r.exitZ, windows: r.windows, timeframes: r.timeframes });
      }
    }
  } catch (e) {
    if (e instanceof CollectorError) return json(collectorStatus(e), { error: e.message });
    return json(500, { error: `internal error of the pairs backend: ${(e as Error).message}` });
  }
}
