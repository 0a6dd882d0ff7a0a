/**
 * Serving the API: listen on host:port, attach the live push, and close both. main.ts calls
 * `serveApi(...)`; tests do the same with port 0.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { log } from '../log';
import { createApi, type Api } from './app';
import type { ApiDeps } from './deps';
import { attachLive, type LivePush } from './live/push';

export interface ServedApi {
  app: Api;
  server: Server;
  live: LivePush;
  /** The bound address, e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

/** The collector's version from its package.json (src/api or dist/api -> collector/package.json). */
function collectorVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function serveApi(deps: ApiDeps, host: string, port: number, liveIntervalMs?: number): Promise<ServedApi> {
  const app = createApi({ version: collectorVersion(), ...deps });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000; // longer than typical proxies' idle timeouts
  // Node drops a CONNECT request's socket without a word unless someone answers it: say no.
  server.on('connect', (_req, socket: import('node:stream').Duplex) => {
    socket.on('error', () => socket.destroy()); // the server leaves a CONNECT socket's errors to us (see live/push.ts upgradeGate)
    const body = JSON.stringify({ error: 'CONNECT is not supported: this is the collector API, not a proxy' });
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, POST\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  const live = attachLive(server, app, { token: deps.token, intervalMs: liveIntervalMs, connectionsPerClient: deps.liveConnections });
  const addr = server.address();
  const url = typeof addr === 'object' && addr ? `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : String(addr);
  log.info('api listening', {
    url,
    auth: deps.token ? 'bearer' : 'open',
    rateLimit: deps.rateLimit ? `${deps.rateLimit.limit} per ${deps.rateLimit.windowMs} ms per client` : 'off',
    liveConnections: deps.liveConnections ?? 'no limit',
    trustProxy: deps.trustProxy ?? 'none',
  });
  return {
    app,
    server,
    live,
    url,
    async close() {
      await live.close();
      app.locals.ctx.serving.close();
      server.closeIdleConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
