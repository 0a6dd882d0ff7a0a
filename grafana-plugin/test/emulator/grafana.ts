/**
 * A Grafana emulator for one backend data source: starts the plugin (plugin.ts) and serves the
 * HTTP endpoints the frontend calls, translated to the plugin's gRPC services as Grafana does:
 *
 *   POST /api/ds/query                               -> Data.QueryData; Arrow frames are decoded
 *        and answered as Grafana's frame JSON: {"results":{refId:{status,frames,error,errorSource}}};
 *        HTTP 200, or 400 when a query failed (207 with `multiStatus`), as pkg/api/metrics.go does
 *   *    /api/datasources/uid/:uid/resources/*       -> Resource.CallResource
 *   GET  /api/datasources/uid/:uid/health            -> Diagnostics.CheckHealth
 *        ({status:"OK"|"ERROR", message, details}; 200 when OK, else 400)
 *   GET  /api/datasources/uid/:uid                   -> the data source (secrets hidden)
 *   GET  /metrics/plugins/:pluginId                  -> Diagnostics.CollectMetrics (Prometheus text)
 *   GET  /api/live/ds/:uid/<path>                    -> Grafana Live, simplified to Server-Sent
 *        Events: SubscribeStream, then one shared RunStream per channel; each `data:` line is the
 *        initial data or a StreamPacket's frame JSON. (Grafana speaks Centrifuge over WebSocket;
 *        the calls to the plugin are the same.)
 *
 * Usage:
 *   const emu = await startEmulator({ pluginDir: 'grafana-plugin/dist',
 *     dataSource: { uid: 'pairs', jsonData: { collectorUrl }, secureJsonData: { apiToken } } });
 *   await fetch(`${emu.url}/api/ds/query`, { method: 'POST', body: JSON.stringify({ queries, from, to }) });
 *   await emu.stop();
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import * as grpc from '@grpc/grpc-js';
import { arrowToFrame } from '../support/arrow';
import { frameToJSON } from '../../backend/src/frame/json';
import { call, PluginProcess, startPlugin, StartPluginOptions } from './plugin';

const PLUGIN_ID = 'quant-pairs-datasource';

interface DataSourceConfig {
  uid: string;
  name?: string;
  id?: number;
  /** The data source URL field (Grafana's `url`). */
  url?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

export interface EmulatorOptions extends Omit<StartPluginOptions, 'pluginDir'> {
  pluginDir: string;
  dataSource: DataSourceConfig;
  /** Answer 207 instead of 400 when a query failed (feature flag datasourceQueryMultiStatus). */
  multiStatus?: boolean;
  /** Port to listen on (0 = any). */
  port?: number;
}

interface LiveSubscription {
  packets: unknown[];
  close(): void;
}

export interface Emulator {
  /** Base URL of the emulated Grafana HTTP API, e.g. http://127.0.0.1:40123 */
  url: string;
  plugin: PluginProcess;
  /** gRPC clients of the plugin (data, diagnostics, resource, stream, health, controller). */
  grpc: PluginProcess['clients'];
  /** The PluginContext this emulator sends for the data source. */
  pluginContext(): Record<string, unknown>;
  /** Changes the data source settings (as saving them in Grafana does). */
  updateDataSource(patch: Partial<DataSourceConfig>): void;
  /** Subscribes to a Live channel path the way Grafana does (SubscribeStream + one RunStream). */
  subscribe(path: string, onPacket?: (frameJson: unknown) => void): Promise<LiveSubscription>;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'content-type': type });
  res.end(text);
}

/** Grafana's `/api/ds/query` body -> QueryDataRequest queries (pkg/api/dtos, pkg/services/query). */
function toDataQueries(body: { queries?: Array<Record<string, unknown>>; from?: string | number; to?: string | number }): Array<Record<string, unknown>> {
  const parseTime = (v: unknown, fallback: number): number => {
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v === 'number') return v;
    const s = String(v);
    if (/^\d+$/.test(s)) return Number(s);
    const rel = /^now(?:-(\d+)([smhd]))?$/.exec(s);
    if (rel) {
      const unit = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[(rel[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
      return Date.now() - Number(rel[1] ?? 0) * unit;
    }
    return Date.parse(s);
  };
  const to = parseTime(body.to, Date.now());
  const from = parseTime(body.from, to - 6 * 3600_000);
  return (body.queries ?? []).map((q) => ({
    refId: String(q.refId ?? 'A'),
    maxDataPoints: Number(q.maxDataPoints ?? 100),
    intervalMS: Number(q.intervalMs ?? 1000),
    timeRange: { fromEpochMS: from, toEpochMS: to },
    json: Buffer.from(JSON.stringify(q)),
    queryType: typeof q.queryType === 'string' ? q.queryType : '',
  }));
}

interface GrpcDataResponse {
  frames: Buffer[];
  error: string;
  status: number;
  errorSource: string;
}

export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  const plugin = await startPlugin(opts);
  let ds: DataSourceConfig = { ...opts.dataSource };
  let lastUpdated = Date.now();
  const pluginContext = (): Record<string, unknown> => ({
    orgId: 1,
    pluginId: PLUGIN_ID,
    user: { login: 'admin', name: 'admin', email: 'admin@localhost', role: 'Admin' },
    dataSourceInstanceSettings: {
      id: ds.id ?? 1,
      uid: ds.uid,
      name: ds.name ?? 'Pairs',
      url: ds.url ?? '',
      jsonData: Buffer.from(JSON.stringify(ds.jsonData ?? {})),
      decryptedSecureJsonData: ds.secureJsonData ?? {},
      lastUpdatedMS: lastUpdated,
    },
    grafanaConfig: { GF_APP_URL: 'http://localhost:3000/' },
    pluginVersion: '0.2.0',
    userAgent: `Grafana/${opts.grafanaVersion ?? '12.3.0'}`,
  });

  // Live: one RunStream per channel, shared by subscribers (pkg/services/live/runstream).
  const channels = new Map<string, { listeners: Set<(p: unknown) => void>; stream: grpc.ClientReadableStream<unknown> }>();
  const subscribe = async (path: string, onPacket?: (p: unknown) => void): Promise<LiveSubscription> => {
    const sub = await call<{ status: number; data: Buffer }>(plugin.clients.stream, 'SubscribeStream', { pluginContext: pluginContext(), path });
    if (sub.status !== 0) {
      throw Object.assign(new Error(`SubscribeStream ${path}: status ${sub.status} ${sub.data.toString()}`), { status: sub.status, data: sub.data.toString() });
    }
    const packets: unknown[] = [];
    const listener = (p: unknown): void => {
      packets.push(p);
      onPacket?.(p);
    };
    if (sub.data.length > 0) listener(JSON.parse(sub.data.toString()));
    let ch = channels.get(path);
    if (!ch) {
      const stream = plugin.clients.stream.RunStream!({ pluginContext: pluginContext(), path }) as grpc.ClientReadableStream<{ data: Buffer }>;
      const entry = { listeners: new Set<(p: unknown) => void>(), stream };
      stream.on('data', (pkt: { data: Buffer }) => {
        const json = JSON.parse(pkt.data.toString()) as unknown;
        for (const l of entry.listeners) l(json);
      });
      stream.on('error', () => undefined);
      channels.set(path, entry);
      ch = entry;
    }
    ch.listeners.add(listener);
    const entry = ch;
    return {
      packets,
      close: () => {
        entry.listeners.delete(listener);
        if (entry.listeners.size === 0) {
          entry.stream.cancel();
          channels.delete(path);
        }
      },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const p = url.pathname;
    if (req.method === 'POST' && p === '/api/ds/query') {
      const body = JSON.parse((await readBody(req)).toString() || '{}') as Parameters<typeof toDataQueries>[0];
      for (const q of body.queries ?? []) {
        const uid = (q.datasource as { uid?: string } | undefined)?.uid;
        if (uid !== undefined && uid !== ds.uid) return send(res, 400, { message: `data source ${uid} not found`, messageId: 'query.datasource-not-found' });
      }
      const reply = await call<{ responses: Record<string, GrpcDataResponse> }>(plugin.clients.data, 'QueryData', {
        pluginContext: pluginContext(),
        headers: { 'X-Grafana-Org-Id': '1', ...(req.headers['fromalert'] ? { FromAlert: 'true' } : {}) },
        queries: toDataQueries(body),
        format: 0,
      });
      const results: Record<string, unknown> = {};
      let failed = false;
      for (const refId of Object.keys(reply.responses).sort()) {
        const r = reply.responses[refId]!;
        const out: Record<string, unknown> = { status: r.status || 200 };
        if (r.error) {
          failed = true;
          out.error = r.error;
          out.errorSource = r.errorSource || 'plugin';
        }
        out.frames = r.frames.map((f) => JSON.parse(frameToJSON(arrowToFrame(f))) as unknown);
        results[refId] = out;
      }
      return send(res, failed ? (opts.multiStatus ? 207 : 400) : 200, { results });
    }
    const m = /^\/api\/datasources\/uid\/([^/]+)(\/.*)?$/.exec(p);
    if (m) {
      if (m[1] !== ds.uid) return send(res, 404, { message: 'Data source not found' });
      const rest = m[2] ?? '';
      if (rest === '' && req.method === 'GET') {
        const secureJsonFields = Object.fromEntries(Object.keys(ds.secureJsonData ?? {}).map((k) => [k, true]));
        return send(res, 200, {
          id: ds.id ?? 1,
          uid: ds.uid,
          name: ds.name ?? 'Pairs',
          type: PLUGIN_ID,
          access: 'proxy',
          url: ds.url ?? '',
          jsonData: ds.jsonData ?? {},
          secureJsonFields,
        });
      }
      if (rest === '/health') {
        const h = await call<{ status: number; message: string; jsonDetails: Buffer }>(plugin.clients.diagnostics, 'CheckHealth', {
          pluginContext: pluginContext(),
        });
        const status = ['UNKNOWN', 'OK', 'ERROR'][h.status] ?? 'UNKNOWN';
        const payload: Record<string, unknown> = { status, message: h.message };
        if (h.jsonDetails.length > 0) payload.details = JSON.parse(h.jsonDetails.toString()) as unknown;
        return send(res, status === 'OK' ? 200 : 400, payload);
      }
      if (rest.startsWith('/resources')) {
        const path = rest.slice('/resources'.length).replace(/^\//, '');
        const headers: Record<string, { values: string[] }> = {};
        for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = { values: Array.isArray(v) ? v : [v] };
        const body = await readBody(req);
        const stream = plugin.clients.resource.CallResource!({
          pluginContext: pluginContext(),
          path,
          method: req.method,
          url: path + url.search,
          headers,
          body,
        }) as grpc.ClientReadableStream<{ code: number; headers: Record<string, { values: string[] }>; body: Buffer }>;
        const parts: Array<{ code: number; headers: Record<string, { values: string[] }>; body: Buffer }> = [];
        await new Promise<void>((resolve, reject) => {
          stream.on('data', (d: (typeof parts)[number]) => parts.push(d));
          stream.on('end', () => resolve());
          stream.on('error', reject);
        });
        const first = parts[0] ?? { code: 500, headers: {}, body: Buffer.from('{"message":"no response from plugin"}') };
        const hdrs: Record<string, string> = {};
        for (const [k, v] of Object.entries(first.headers ?? {})) hdrs[k] = v.values.join(', ');
        res.writeHead(first.code || 200, hdrs);
        res.end(Buffer.concat(parts.map((x) => x.body)));
        return;
      }
    }
    if (req.method === 'GET' && p === `/metrics/plugins/${PLUGIN_ID}`) {
      const r = await call<{ metrics: { prometheus: Buffer } | null }>(plugin.clients.diagnostics, 'CollectMetrics', { pluginContext: pluginContext() });
      return send(res, 200, r.metrics?.prometheus.toString() ?? '', 'text/plain; version=0.0.4');
    }
    const live = /^\/api\/live\/ds\/([^/]+)\/(.+)$/.exec(p);
    if (live && req.method === 'GET') {
      if (live[1] !== ds.uid) return send(res, 404, { message: 'Data source not found' });
      let sub: LiveSubscription;
      try {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        sub = await subscribe(live[2]!, (pkt) => res.write(`data: ${JSON.stringify(pkt)}\n\n`));
      } catch (e) {
        res.end(`event: error\ndata: ${JSON.stringify({ error: (e as Error).message })}\n\n`);
        return;
      }
      req.on('close', () => sub.close());
      return;
    }
    send(res, 404, { message: 'Not found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: grpc.ServiceError | Error) => {
      if (!res.headersSent) send(res, 500, { message: e.message, code: (e as grpc.ServiceError).code });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    plugin,
    grpc: plugin.clients,
    pluginContext,
    updateDataSource(patch) {
      ds = { ...ds, ...patch };
      lastUpdated = Date.now();
    },
    subscribe,
    async stop() {
      for (const ch of channels.values()) ch.stream.cancel();
      channels.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await plugin.stop();
    },
  };
}
