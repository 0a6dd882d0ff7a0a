/**
 * The Grafana emulator's HTTP endpoints (what the frontend calls) and Grafana Live through the
 * Stream service, end to end: emulator -> built plugin executable -> real collector API
 * (REST and its /api/live WebSocket push) on a real SQLite store.
 */
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import * as grpc from '@grpc/grpc-js';
import WebSocket from 'ws';
import type { AnalyticsResponse, BarsResponse, LiveUpdate } from '@quant-pairs/contract';
import { call, Emulator, startEmulator } from '../emulator';
import { CollectorApi, pairTicks, startCollectorApi } from './collectorApi';
import { HOUR, PLUGIN_DIR, T0 } from './helpers';
import { parseExact } from './exactJson';

const TOKEN = 'emulator-token';
let api: CollectorApi;
let emu: Emulator;

beforeAll(async () => {
  api = await startCollectorApi({ ticks: pairTicks(T0, 7200), token: TOKEN });
  emu = await startEmulator({ pluginDir: PLUGIN_DIR, dataSource: { uid: 'pairs', jsonData: { collectorUrl: api.url }, secureJsonData: { apiToken: TOKEN } } });
}, 60_000);

afterAll(async () => {
  await emu?.stop();
  await api?.close();
});

async function post(path: string, body: unknown) {
  const r = await fetch(emu.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, text: await r.text() };
}

describe('emulated Grafana HTTP API', () => {
  it("POST /api/ds/query answers Grafana frame JSON with the collector's numbers", async () => {
    // The request DataSourceWithBackend sends: the query model spread flat, from/to as strings.
    const ds = { type: 'quant-pairs-datasource', uid: 'pairs' };
    const r = await post('/api/ds/query?ds_type=quant-pairs-datasource', {
      queries: [
        { refId: 'A', datasource: ds, queryType: 'bars', symbol: 'BTCUSDT', timeframe: '5m', intervalMs: 300000, maxDataPoints: 800 },
        {
          refId: 'B',
          datasource: ds,
          queryType: 'analytics',
          pair: 'ETHUSDT/BTCUSDT',
          timeframe: '5m',
          window: '10',
          intervalMs: 300000,
          maxDataPoints: 800,
          live: true,
        },
      ],
      from: String(T0),
      to: String(T0 + 2 * HOUR),
    });
    expect(r.status).toBe(200);
    const body = parseExact(r.text) as { results: Record<string, { status: bigint; frames: Array<{ schema: any; data: { values: unknown[][] } }> }> };
    const a = body.results.A!.frames[0]!;
    expect(a.schema.refId).toBe('A');
    expect(a.schema.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual([
      'time:time',
      'open:number',
      'high:number',
      'low:number',
      'close:number',
      'volume:number',
      'trades:number',
      'vwap:number',
      'source:string',
    ]);
    const bars: BarsResponse = await api.get(`/api/bars?symbol=BTCUSDT&tf=5m&from=${T0}&to=${T0 + 2 * HOUR}`);
    expect(a.data.values[0]).toEqual(bars.bars.map((b) => BigInt(b.start)));
    const num = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);
    expect(a.data.values[4]!.map(num)).toEqual(bars.bars.map((b) => b.close));
    expect(a.data.values[8]).toEqual(bars.bars.map((b) => b.source));
    expect(a.schema.fields[8]).toMatchObject({ name: 'source', type: 'string', typeInfo: { frame: 'string' }, labels: { symbol: 'BTCUSDT', field: 'source' } });
    const an: AnalyticsResponse = await api.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=5m&window=10&from=${T0}&to=${T0 + 2 * HOUR}&maxDataPoints=800`);
    const b = body.results.B!.frames[0]!;
    expect(b.data.values[5]!.map(num)).toEqual(an.series.zscore);
    expect(b.schema.fields[5]).toMatchObject({ name: 'zscore', type: 'number', typeInfo: { frame: 'float64', nullable: true } });
    // live: true -> meta.channel, which DataSourceWithBackend subscribes to (grammar in backend/README.md).
    expect(b.schema.meta.channel).toBe('ds/pairs/pair/ETHUSDT-BTCUSDT/5m/10');
    expect(a.schema.meta.channel).toBeUndefined();
  });

  it('POST /api/ds/query with a bad query: HTTP 400 and the error in that refId only', async () => {
    const r = await post('/api/ds/query', {
      queries: [
        { refId: 'OK', queryType: 'bars', symbol: 'BTCUSDT', timeframe: '5m' },
        { refId: 'BAD', queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: 'ten' },
      ],
      from: String(T0),
      to: String(T0 + HOUR),
    });
    expect(r.status).toBe(400);
    const body = JSON.parse(r.text);
    expect(body.results.OK.status).toBe(200);
    expect(body.results.OK.frames).toHaveLength(1);
    expect(body.results.BAD).toMatchObject({ status: 400, errorSource: 'plugin', error: expect.stringContaining('window must be a whole number'), frames: [] });
  });

  it('GET /api/datasources/uid/:uid/health says OK, and hides nothing it should not', async () => {
    const r = await fetch(`${emu.url}/api/datasources/uid/pairs/health`);
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.status).toBe('OK');
    expect(body.message).toContain('connected to the collector');
    const ds = await (await fetch(`${emu.url}/api/datasources/uid/pairs`)).json();
    expect(ds.secureJsonFields).toEqual({ apiToken: true });
    expect(JSON.stringify(ds)).not.toContain(TOKEN);
  });

  it('GET /api/datasources/uid/:uid/health with a wrong token: 400 and the reason', async () => {
    emu.updateDataSource({ secureJsonData: { apiToken: 'wrong' } });
    try {
      const r = await fetch(`${emu.url}/api/datasources/uid/pairs/health`);
      expect(r.status).toBe(400);
      expect((await r.json()).message).toMatch(/rejected the API token/);
    } finally {
      emu.updateDataSource({ secureJsonData: { apiToken: TOKEN } });
    }
  });

  it('GET /api/datasources/uid/:uid/resources/* reaches CallResource', async () => {
    const r = await fetch(`${emu.url}/api/datasources/uid/pairs/resources/pairs`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(await r.json()).toEqual([{ text: 'ETHUSDT/BTCUSDT', value: 'ETHUSDT/BTCUSDT', y: 'ETHUSDT', x: 'BTCUSDT', configured: true }]);
    expect((await fetch(`${emu.url}/api/datasources/uid/pairs/resources/nope`)).status).toBe(404);
  });

  it("GET /metrics/plugins/quant-pairs-datasource gives the backend's metrics", async () => {
    const text = await (await fetch(`${emu.url}/metrics/plugins/quant-pairs-datasource`)).text();
    expect(text).toContain('pairs_backend_queries_total');
  });
});

describe('Grafana Live through the Stream service', () => {
  it('refuses a channel path outside the grammar (NOT_FOUND) and read-only publishing', async () => {
    await expect(emu.subscribe('pair/ETHUSDT/BTCUSDT/1m/100')).rejects.toMatchObject({ status: 1 });
    await expect(emu.subscribe('ticks/btcusdt')).rejects.toMatchObject({ status: 1 });
    await expect(emu.subscribe('pair/ETHUSDT-BTCUSDT/1m/1')).rejects.toMatchObject({ status: 1 });
    const pub = await call<{ status: number }>(emu.grpc.stream, 'PublishStream', {
      pluginContext: emu.pluginContext(),
      path: 'ticks/BTCUSDT',
      data: Buffer.from('{}'),
    });
    expect(pub.status).toBe(2); // PERMISSION_DENIED
  });

  it('ends RunStream of a malformed path with INVALID_ARGUMENT, of unusable settings with FAILED_PRECONDITION, of an unreachable collector with UNAVAILABLE (issue 17)', async () => {
    // the final status of one RunStream call (Grafana starts RunStream only after SubscribeStream said OK, so only other callers get here)
    const run = (path: string, pluginContext = emu.pluginContext()) =>
      new Promise<grpc.StatusObject>((resolve) => {
        const s = emu.grpc.stream.RunStream!({ pluginContext, path }) as grpc.ClientReadableStream<unknown>;
        s.on('data', () => undefined);
        s.on('error', () => undefined);
        s.on('status', resolve);
      });
    const malformed: Array<[string, RegExp]> = [
      ['pair/ETHUSDT/BTCUSDT/1m/100', /^unknown channel path "pair\/ETHUSDT\/BTCUSDT\/1m\/100"; expected ticks/],
      ['ticks/btcusdt', /^unknown channel path "ticks\/btcusdt"/],
      ['pair/ETHUSDT-BTCUSDT/1m/1', /^window: the window must be a whole number of bars from 2 to 10000, got "1"$/],
      ['pair/ETHUSDT-BTCUSDT/1m/30/d0/v1', /^delta: delta must be a number between 0 and 1/],
      ['p/'.repeat(1 << 20), /^unknown channel path "(p\/){100}\.\.\."/], // 2 MB: named by its first 200 characters
    ];
    for (const [path, why] of malformed) {
      const st = await run(path);
      expect([path.slice(0, 40), st.code, st.details]).toEqual([path.slice(0, 40), grpc.status.INVALID_ARGUMENT, expect.stringMatching(why)]);
    }
    // a well-formed path whose collector does not answer: UNAVAILABLE, which Grafana retries with backoff
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    await new Promise((r) => srv.close(r));
    const ctx = emu.pluginContext() as { dataSourceInstanceSettings: Record<string, unknown> };
    const dead = {
      ...ctx,
      dataSourceInstanceSettings: { ...ctx.dataSourceInstanceSettings, jsonData: Buffer.from(JSON.stringify({ collectorUrl: deadUrl })) },
    };
    const st = await run('ticks/BTCUSDT', dead);
    expect([st.code, st.details]).toEqual([grpc.status.UNAVAILABLE, expect.stringMatching(new RegExp(`^live push of ${deadUrl}: .*ECONNREFUSED`))]);
    // settings no retry can mend (settings.ts's messages): FAILED_PRECONDITION, naming what to fix
    const withJson = (jsonData: string) => ({ ...ctx, dataSourceInstanceSettings: { ...ctx.dataSourceInstanceSettings, jsonData: Buffer.from(jsonData) } });
    const unusable: Array<[string, RegExp]> = [
      ['{}', /^no collector URL is configured: set "Collector URL"/],
      ['{"collectorUrl": "ftp://x"}', /must start with http:\/\/ or https:\/\//],
      ['{not json', /^the data source settings \(jsonData\) are not valid JSON$/],
    ];
    for (const [json, why] of unusable) {
      const s = await run('ticks/BTCUSDT', withJson(json));
      expect([json, s.code, s.details]).toEqual([json, grpc.status.FAILED_PRECONDITION, expect.stringMatching(why)]);
    }
  });

  it("pushes the latest trade of a symbol and the latest analytics of a pair from the collector's live push", async () => {
    // A direct client of the collector's push, to compare with what arrives through the plugin.
    const direct = new WebSocket(api.url.replace('http', 'ws') + '/api/live', { headers: { authorization: `Bearer ${TOKEN}` } });
    const updates: LiveUpdate[] = [];
    direct.on('message', (m) => {
      const msg = JSON.parse(String(m));
      if (msg.type === 'update') updates.push(msg);
    });
    await new Promise((r) => direct.on('open', r));
    direct.send(JSON.stringify({ type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 30 }] }));
    const ticksSub = await emu.subscribe('ticks/BTCUSDT');
    const pairSub = await emu.subscribe('pair/ETHUSDT-BTCUSDT/1m/30');
    try {
      // Initial data: the schema of the channel (same columns as the matching query), no rows.
      expect(ticksSub.packets[0]).toMatchObject({ schema: { fields: [{ name: 'time' }, { name: 'price' }, { name: 'qty' }] }, data: { values: [[], [], []] } });
      expect((pairSub.packets[0] as any).schema.fields.map((f: { name: string }) => f.name)).toEqual([
        'time',
        'beta',
        'alpha',
        'spread',
        'spreadMean',
        'zscore',
        'signal',
        'correlation',
      ]);
      // New trades arrive at the collector.
      const now = Date.now();
      await api.store.insertTicks([
        { symbol: 'BTCUSDT', id: 900_001, ts: now, price: 61234.5, qty: 0.5, isBuyerMaker: false },
        { symbol: 'ETHUSDT', id: 900_001, ts: now, price: 3070.25, qty: 1, isBuyerMaker: true },
      ]);
      const deadline = Date.now() + 8000;
      while ((ticksSub.packets.length < 2 || pairSub.packets.length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const hit = ticksSub.packets.slice(1).find((p: any) => p.data.values[1][0] === 61234.5) as any;
      expect(hit).toBeDefined();
      expect(hit.data.values[0]).toEqual([now]);
      // Later packets carry data only; the first one after the initial data carries the schema.
      expect((ticksSub.packets[1] as any).schema).toBeDefined();
      // Each row equals a point the collector pushed to a direct client for the same data (the
      // two connections get their updates at their own moments, so match by value, not by time).
      const tuple = (pt: NonNullable<LiveUpdate['analytics'][number]['point']>) => {
        const code = { LONG: 1, NEUTRAL: 0, SHORT: -1 };
        return JSON.stringify([
          pt.beta,
          pt.alpha,
          pt.spread,
          (pt as { spreadMean?: number | null }).spreadMean ?? null,
          pt.zscore,
          pt.signal === null ? null : code[pt.signal],
          pt.correlation,
        ]);
      };
      const pushed = () => new Set(updates.flatMap((u) => u.analytics.filter((a) => a.point !== null).map((a) => tuple(a.point!))));
      const rows = () => (pairSub.packets.slice(1) as any[]).map((pk) => JSON.stringify(pk.data.values.slice(1).map((v: unknown[]) => v[0])));
      while (!rows().some((r) => pushed().has(r)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const last = rows()[rows().length - 1]!;
      expect(pairSub.packets.length).toBeGreaterThan(1);
      expect((pairSub.packets[1] as any).data.values).toHaveLength(8);
      expect([...pushed()]).toContain(last);
      expect(JSON.parse(last)[4]).not.toBeNull(); // a real z-score travelled
    } finally {
      direct.close();
      ticksSub.close();
      pairSub.close();
    }
  });

  it('streams a Kalman pair channel (issue 18): the collector’s points of that hedge, not the rolling OLS', async () => {
    const hedge = { hedge: 'kalman', delta: 1e-7, ve: 0.5 };
    const direct = new WebSocket(api.url.replace('http', 'ws') + '/api/live', { headers: { authorization: `Bearer ${TOKEN}` } });
    const z = { kalman: new Set<string>(), ols: new Set<string>() };
    direct.on('message', (m) => {
      const msg = JSON.parse(String(m));
      if (msg.type === 'update')
        for (const a of msg.analytics as LiveUpdate['analytics']) if (a.point) z[a.hedge ? 'kalman' : 'ols'].add(JSON.stringify(a.point.zscore));
    });
    await new Promise((r) => direct.on('open', r));
    direct.send(
      JSON.stringify({
        type: 'subscribe',
        pairs: [
          { pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 30, ...hedge },
          { pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 30 },
        ],
      }),
    );
    const sub = await emu.subscribe('pair/ETHUSDT-BTCUSDT/1m/30/d1e-7/v0.5/fz');
    try {
      expect((sub.packets[0] as any).schema.fields.map((f: { name: string }) => f.name)).toEqual(['time', 'zscore']);
      const now = Date.now();
      await api.store.insertTicks([
        { symbol: 'BTCUSDT', id: 900_101, ts: now, price: 61300.5, qty: 0.5, isBuyerMaker: false },
        { symbol: 'ETHUSDT', id: 900_101, ts: now, price: 3071.25, qty: 1, isBuyerMaker: true },
      ]);
      const rows = () => (sub.packets.slice(1) as any[]).map((pk) => JSON.stringify(pk.data.values[1][0]));
      const deadline = Date.now() + 8000;
      while (!rows().some((r) => z.kalman.has(r)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const last = rows()[rows().length - 1]!;
      expect([...z.kalman]).toContain(last);
      expect(JSON.parse(last)).not.toBeNull();
      expect([...z.ols]).not.toContain(last);
    } finally {
      direct.close();
      sub.close();
    }
  });

  it('serves Live as Server-Sent Events at /api/live/ds/:uid/<path>', async () => {
    const ac = new AbortController();
    const r = await fetch(`${emu.url}/api/live/ds/pairs/ticks/ETHUSDT`, { signal: ac.signal });
    expect(r.headers.get('content-type')).toBe('text/event-stream');
    const reader = r.body!.getReader();
    const { value } = await reader.read();
    const first = JSON.parse(
      Buffer.from(value!)
        .toString()
        .replace(/^data: /, '')
        .trim(),
    );
    expect(first.schema.name).toBe('ETHUSDT');
    ac.abort();
  });
});
