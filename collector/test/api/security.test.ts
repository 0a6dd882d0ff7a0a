/**
 * The API's locks (issue 17): with API_TOKEN set, every route of the contract's ROUTES (whatever
 * routes exist, none listed here), the Live WebSocket and the CSV export refuse a request without
 * the token or with a wrong one; RATE_LIMIT answers 429 with Retry-After past its limit;
 * LIVE_CONNECTIONS refuses one connection more than it allows, with 429, until one closes;
 * TRUST_PROXY makes both count per forwarded client behind the proxies it names, and nothing
 * else trusts X-Forwarded-For.
 */
import { connect, type AddressInfo } from 'node:net';
import { ROUTES } from '@quant-pairs/contract/requests';
import { attachLive } from '../../src/api';
import { serveApi } from '../../src/api/serve';
import { parsePair } from '../../src/domain';
import { loadConfig } from '../../src/config';
import { log } from '../../src/log';
import { startApi, type Harness } from './helpers';
import { LiveClient } from './wsclient';

const TOKEN = 'locks-token-5Zr';
const wsUrl = (h: Harness) => h.url.replace('http', 'ws') + '/api/live';

describe('with API_TOKEN set, nothing answers without it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startApi({ token: TOKEN });
  });
  afterAll(() => h.close());

  const guarded = ROUTES.filter((r) => !r.open);
  it('guards every route but the open ones (health)', () => {
    expect(guarded.length).toBeGreaterThanOrEqual(ROUTES.length - 1);
    expect(ROUTES.filter((r) => r.open).map((r) => r.path)).toEqual(['/api/health']);
  });

  it.each(guarded.map((r) => [r.method.toUpperCase(), r.path] as const))('%s %s: 401 without the token and with a wrong one', async (method, path) => {
    const body = method === 'POST' ? '{"status":"firing","alerts":[]}' : undefined;
    for (const authorization of [undefined, `Bearer ${TOKEN}-`, `Bearer ${TOKEN.toUpperCase()}`, TOKEN, `Basic ${TOKEN}`]) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
      const r = await fetch(h.url + path, { method, headers, body });
      expect([path, authorization, r.status]).toEqual([path, authorization, 401]);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
      const text = await r.text();
      expect(text).not.toContain(TOKEN); // the error never repeats the token, right or wrong
    }
    const ok = await fetch(h.url + path, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body });
    expect(ok.status).not.toBe(401);
  });

  it('the CSV export too, for ticks, bars and analytics', async () => {
    for (const q of ['symbol=BTCUSDT', 'symbol=BTCUSDT&tf=1m', 'pair=ETHUSDT/BTCUSDT&tf=1m&window=30']) {
      expect((await h.get(`/export?${q}`)).status).toBe(401);
      expect((await h.get(`/export?${q}`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    }
  });

  it('the Live WebSocket too', async () => {
    const live = attachLive(h.server, h.app, { token: TOKEN });
    try {
      await expect(LiveClient.connect(wsUrl(h))).rejects.toThrow('HTTP 401');
      await expect(LiveClient.connect(wsUrl(h), { authorization: `Bearer ${TOKEN}x` })).rejects.toThrow('HTTP 401');
      const c = await LiveClient.connect(wsUrl(h), { authorization: `Bearer ${TOKEN}` });
      c.close();
    } finally {
      await live.close();
    }
  });
});

describe('RATE_LIMIT', () => {
  it('answers the request past the limit 429 with Retry-After and says which setting', async () => {
    const h = await startApi({ rateLimit: { limit: 5, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 5; i++) expect((await h.get('/api/pairs')).status).toBe(200);
      const r = await h.get('/api/pairs');
      expect(r.status).toBe(429);
      expect(r.body.error).toMatch(/^too many requests: more than 5 in 60 s from this address \(RATE_LIMIT\); retry after \d+ s$/);
      const retry = Number(r.headers.get('retry-after'));
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect(r.headers.get('ratelimit-policy')).toMatch(/q=5; w=60/);
      // the health check and wrong tokens count too: a token cannot be guessed faster
      expect((await h.get('/api/health')).status).toBe(429);
      // and the document says so, on every route
      const limited = await startApi({ rateLimit: { limit: 100, windowMs: 1_000 } });
      try {
        const doc = (await limited.get('/api/openapi.json')).body as { paths: Record<string, Record<string, { responses: object }>> };
        for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) expect(Object.keys(op.responses)).toContain('429');
      } finally {
        await limited.close();
      }
    } finally {
      await h.close();
    }
  });

  it('is a setting with a default generous enough for a Grafana server (one client for all its users)', () => {
    // 6000/1m = 100 requests/s on average: 20 dashboards x 20 panels refreshed every 5 s is 80/s
    expect(loadConfig({}).rateLimit).toEqual({ limit: 6000, windowMs: 60_000 });
    expect(loadConfig({ RATE_LIMIT: '100/1s' }).rateLimit).toEqual({ limit: 100, windowMs: 1_000 });
    expect(loadConfig({ RATE_LIMIT: '0' }).rateLimit).toBeNull();
    expect(() => loadConfig({ RATE_LIMIT: 'lots' })).toThrow('RATE_LIMIT="lots": must be 0 (no limit) or requests/duration such as 6000/1m or 100/1s');
    expect(loadConfig({}).liveConnections).toBe(200);
    expect(loadConfig({ LIVE_CONNECTIONS: '0' }).liveConnections).toBeNull();
  });
});

describe('TRUST_PROXY', () => {
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('unset: X-Forwarded-For is not trusted, so a client cannot escape RATE_LIMIT by writing it; the log says so once', async () => {
    const lines: string[] = [];
    log.configure({ sink: (l) => void lines.push(l) });
    const h = await startApi({ rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await h.get('/api/pairs', from(`203.0.113.${i}`))).status);
      expect(codes).toEqual([200, 200, 200, 429]);
      const said = lines.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => /X-Forwarded-For/.test(l.msg));
      expect(said).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/is not trusted: .* set TRUST_PROXY/) })]);
    } finally {
      log.configure({ sink: (l) => void process.stderr.write(l + '\n') });
      await h.close();
    }
  });

  it('behind a trusted proxy (loopback here), each forwarded client has its own RATE_LIMIT and LIVE_CONNECTIONS', async () => {
    const h = await startApi({ token: TOKEN, rateLimit: { limit: 3, windowMs: 60_000 }, trustProxy: { addresses: ['loopback'] } });
    const live = attachLive(h.server, h.app, { token: TOKEN, connectionsPerClient: 1 });
    const auth = { authorization: `Bearer ${TOKEN}` };
    try {
      const a = [];
      for (let i = 0; i < 4; i++) a.push((await h.get('/api/pairs', { ...auth, ...from('203.0.113.7') })).status);
      expect(a).toEqual([200, 200, 200, 429]);
      // another user behind the same proxy: its own count; the proxy's own address is never the client
      expect((await h.get('/api/pairs', { ...auth, ...from('198.51.100.2') })).status).toBe(200);
      // a spoofed hop before the proxy's: the client is the last untrusted address (the one the proxy saw)
      expect((await h.get('/api/pairs', { ...auth, 'x-forwarded-for': '10.9.9.9, 198.51.100.3' })).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await h.get('/api/pairs', { ...auth, 'x-forwarded-for': `10.9.9.${i}, 198.51.100.3` })).status).toBe(200);
      expect((await h.get('/api/pairs', { ...auth, 'x-forwarded-for': '10.9.9.99, 198.51.100.3' })).status).toBe(429);
      const c1 = await LiveClient.connect(wsUrl(h), { ...auth, ...from('203.0.113.7') });
      await expect(LiveClient.connect(wsUrl(h), { ...auth, ...from('203.0.113.7') })).rejects.toThrow('HTTP 429');
      const c2 = await LiveClient.connect(wsUrl(h), { ...auth, ...from('198.51.100.2') });
      c1.close();
      c2.close();
    } finally {
      await live.close();
      await h.close();
    }
  });

  it('is a setting: addresses, subnets and names, or a hop count; anything else is an error naming it', () => {
    expect(loadConfig({}).trustProxy).toBeNull();
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).trustProxy).toEqual({ addresses: ['loopback', '10.0.0.0/8', '::1'] });
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2 });
    for (const bad of ['nginx', '10.0.0.0/33', '0', ','])
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/^TRUST_PROXY=.*: must be a hop count from 1 to 10, or addresses/);
  });
});

describe('a client that resets the connection while it is refused', () => {
  // Node's HTTP server hands an upgrade (or CONNECT) request's socket over with no error handler:
  // a reset arriving after the refusal was an uncaught ECONNRESET in the collector (found by the
  // plugin's gRPC fuzz, whose cancelled Live streams carried mutated tokens), which ends the process.
  const upgrade = (path: string, authorization: string) =>
    `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: ${authorization}\r\n\r\n`;
  /** Sends `request`, waits for the first bytes of the answer, then resets the connection (RST); resolves with those bytes. */
  const sendThenReset = (port: number, request: string) =>
    new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.write(request));
      s.once('data', (d) => {
        s.resetAndDestroy();
        resolve(String(d));
      });
      s.on('error', reject);
    });

  it('leaves the collector up: 401, 404, 429 and CONNECT, 20 times each', async () => {
    const base = await startApi(); // its store, under the API as the collector serves it (serveApi: the CONNECT answer too)
    const h = await serveApi({ store: base.store, pairs: [parsePair('ETHUSDT/BTCUSDT')], token: TOKEN, liveConnections: 1 }, '127.0.0.1', 0);
    const port = (h.server.address() as AddressInfo).port;
    const held = await LiveClient.connect(`ws://127.0.0.1:${port}/api/live`, { authorization: `Bearer ${TOKEN}` }); // the one LIVE_CONNECTIONS allows
    try {
      const cases: Array<[string, RegExp]> = [
        [upgrade('/api/live', 'Bearer wrong'), /^HTTP\/1\.1 401/],
        [upgrade('/elsewhere', `Bearer ${TOKEN}`), /^HTTP\/1\.1 404/],
        [upgrade('/api/live', `Bearer ${TOKEN}`), /^HTTP\/1\.1 429/],
        ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', /^HTTP\/1\.1 405/],
      ];
      for (let i = 0; i < 20; i++) for (const [request, answer] of cases) expect(await sendThenReset(port, request)).toMatch(answer);
      await new Promise((r) => setTimeout(r, 200)); // the resets reach the server
      const health = await fetch(`${h.url}/api/health`);
      expect(health.status).toBe(200);
    } finally {
      held.close();
      await h.close();
      await base.close();
    }
  });
});

describe('LIVE_CONNECTIONS', () => {
  it('refuses the connection past the limit with 429 until one closes', async () => {
    const h = await startApi({ token: TOKEN });
    const live = attachLive(h.server, h.app, { token: TOKEN, connectionsPerClient: 2 });
    const auth = { authorization: `Bearer ${TOKEN}` };
    try {
      const a = await LiveClient.connect(wsUrl(h), auth);
      const b = await LiveClient.connect(wsUrl(h), auth);
      await expect(LiveClient.connect(wsUrl(h), auth)).rejects.toThrow('HTTP 429');
      // unauthenticated upgrades are refused before they count
      await expect(LiveClient.connect(wsUrl(h))).rejects.toThrow('HTTP 401');
      a.close();
      // the server counts a connection until its socket closes: wait for it to see a's end
      let c: LiveClient | null = null;
      for (let i = 0; i < 200 && !c; i++) {
        c = await LiveClient.connect(wsUrl(h), auth).catch(() => null);
        if (!c) await new Promise((r) => setTimeout(r, 25));
      }
      expect(c).not.toBeNull();
      b.close();
      c!.close();
    } finally {
      await live.close();
      await h.close();
    }
  });
});
