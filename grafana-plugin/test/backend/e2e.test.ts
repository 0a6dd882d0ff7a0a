/**
 * End to end, as in production: the fake Binance (collector/src/fake-binance) streams a
 * cointegrated ETHUSDT/BTCUSDT pair over WebSocket -> the real collector (its composition
 * root collector/src/main.ts startCollector: ingest, SQLite store, HTTP API with a token) ->
 * the built plugin executable, started and called by the Grafana emulator over HTTP
 * (/api/ds/query, health, resources, Live). Every query type must return the numbers the
 * collector API returns for the same request, fetched directly from the collector in the test
 * (analytics within the tolerances across computation paths, collector/test/support/acrossPaths.ts).
 */
import { mkdtempSync, rmSync } from 'fs';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import type { AnalyticsResponse, BarsResponse, SignalsResponse, StatsResponse, SymbolsResponse, TicksResponse } from '@quant-pairs/contract';
import { loadConfig } from '../../../collector/src/config';
import { startCollector, type Collector } from '../../../collector/src/main';
import { FakeBinance, startFakeBinance } from '../../../collector/src/fake-binance';
import { expectAcrossPaths, type Quantity } from '../../../collector/test/support/acrossPaths';
import { Emulator, startEmulator } from '../emulator';
import { PLUGIN_DIR } from './helpers';

const TOKEN = 'e2e-secret';
const SIGNAL: Record<string, number> = { LONG: 1, NEUTRAL: 0, SHORT: -1 };
let fake: FakeBinance;
let collector: Collector;
let emu: Emulator;
let url: string;
let dir: string;
let from: number;
let to: number;

async function api<T>(path: string): Promise<T> {
  const r = await fetch(url + path, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function dsQuery(queries: Array<Record<string, unknown>>) {
  const ds = { type: 'quant-pairs-datasource', uid: 'pairs' };
  const r = await fetch(`${emu.url}/api/ds/query?ds_type=quant-pairs-datasource`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queries: queries.map((q) => ({ datasource: ds, intervalMs: 1000, maxDataPoints: 1000, ...q })), from: String(from), to: String(to) }),
  });
  const body = await r.json();
  return { status: r.status, results: body.results as Record<string, { status: number; error?: string; frames: Array<{ schema: any; data: { values: any[][]; nanos?: Array<number[] | null> } }> }> };
}

/** A frame's column by field name; time columns back in epoch ms (with the sub-ms nanos). */
function column(frame: { schema: any; data: { values: any[][]; nanos?: Array<number[] | null> } }, name: string): any[] {
  const i = frame.schema.fields.findIndex((f: { name: string }) => f.name === name);
  if (i < 0) throw new Error(`no field ${name}`);
  const nanos = frame.data.nanos?.[i];
  return nanos ? frame.data.values[i]!.map((ms: number, k: number) => ms + nanos[k]! / 1e6) : frame.data.values[i]!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pairs-e2e-'));
  fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 20, stream: 'trade' });
  const config = loadConfig({ PAIRS: 'ETHUSDT/BTCUSDT', BINANCE_WS_URL: fake.wsUrl, BINANCE_REST_URL: fake.restUrl, DB_PATH: join(dir, 'c.db'), HOST: '127.0.0.1', PORT: '0', API_TOKEN: TOKEN, WINDOWS: '5' });
  collector = await startCollector(config);
  url = `http://127.0.0.1:${(collector.server!.address() as AddressInfo).port}`;
  emu = await startEmulator({ pluginDir: PLUGIN_DIR, dataSource: { uid: 'pairs', jsonData: { collectorUrl: url }, secureJsonData: { apiToken: TOKEN } } });
  // Let ~9 s of trades flow (1s bars, window 5), then pause the feed so that numbers hold still.
  from = Math.floor(Date.now() / 1000) * 1000;
  await new Promise((r) => setTimeout(r, 9000));
  fake.setRate(0);
  await new Promise((r) => setTimeout(r, 1500)); // the tick writer flushes
  to = Date.now() + 1000;
}, 60_000);

afterAll(async () => {
  await emu?.stop();
  await collector?.stop();
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('fake Binance -> collector -> plugin backend -> Grafana emulator', () => {
  it('the collector has the fed trades, and health says so through the plugin', async () => {
    const s = await api<SymbolsResponse>('/api/symbols');
    for (const sym of ['BTCUSDT', 'ETHUSDT']) expect(s.symbols.find((x) => x.symbol === sym)!.ticks).toBeGreaterThan(50);
    const h = await (await fetch(`${emu.url}/api/datasources/uid/pairs/health`)).json();
    expect(h).toMatchObject({ status: 'OK', message: expect.stringContaining('data for BTCUSDT, ETHUSDT') });
    const pairs = await (await fetch(`${emu.url}/api/datasources/uid/pairs/resources/pairs`)).json();
    expect(pairs.map((p: { value: string }) => p.value)).toEqual(['ETHUSDT/BTCUSDT']);
  });

  it('every query type returns the numbers the collector API returns', async () => {
    const pair = { pair: 'ETHUSDT/BTCUSDT', timeframe: '1s', window: '5' };
    const { status, results } = await dsQuery([
      { refId: 'ticks', queryType: 'ticks', symbol: 'ETHUSDT', limit: 100 },
      { refId: 'bars', queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1s' },
      { refId: 'analytics', queryType: 'analytics', ...pair },
      { refId: 'stats', queryType: 'stats', ...pair },
      { refId: 'signals', queryType: 'signals', ...pair, entryZ: 0.5 },
    ]);
    expect(status).toBe(200);

    const ticks = await api<TicksResponse>(`/api/ticks?symbol=ETHUSDT&from=${from}&to=${to}&limit=10000`);
    expect(ticks.next).toBeNull();
    const last = ticks.ticks.slice(-100);
    const tf = results.ticks!.frames[0]!;
    expect(column(tf, 'time')).toEqual(last.map((t) => t.ts));
    expect(column(tf, 'price')).toEqual(last.map((t) => t.price));
    expect(column(tf, 'qty')).toEqual(last.map((t) => t.qty));

    const bars = await api<BarsResponse>(`/api/bars?symbol=BTCUSDT&tf=1s&from=${from}&to=${to}`);
    expect(bars.bars.length).toBeGreaterThanOrEqual(7);
    const bf = results.bars!.frames[0]!;
    expect(column(bf, 'time')).toEqual(bars.bars.map((b) => b.start));
    for (const k of ['open', 'high', 'low', 'close', 'volume', 'trades', 'vwap'] as const) expect(column(bf, k)).toEqual(bars.bars.map((b) => b[k]));

    const an = await api<AnalyticsResponse>(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=5&from=${from}&to=${to}&maxDataPoints=1000`);
    const af = results.analytics!.frames[0]!;
    expect(an.series.zscore.filter((z) => z !== null).length).toBeGreaterThan(0);
    expect(column(af, 'time')).toEqual(an.series.ts);
    // The plugin's request and the test's are two requests to a live collector: which path computes
    // a point (a cached run or a fresh warm-up) depends on timing, so the numbers are compared
    // within the tolerances across paths (derived in collector/test/support/acrossPaths.ts). That
    // the frame carries the collector's doubles exactly is queryData.test.ts's check (settled bars).
    const yScale = Math.max(...fake.expectedTicks('ETHUSDT').map((t) => t.price));
    const kinds = { beta: 'beta', alpha: 'level', spread: 'level', spreadMean: 'level', zscore: 'z', correlation: 'correlation' } as const;
    for (const [k, q] of Object.entries(kinds) as Array<[keyof typeof kinds, Quantity]>) expectAcrossPaths(column(af, k), an.series[k], q, `analytics ${k}`, yScale);
    expect(column(af, 'signal')).toEqual(an.series.signal.map((s) => (s === null ? null : SIGNAL[s])));

    const st = await api<StatsResponse>('/api/stats?pair=ETHUSDT/BTCUSDT&tf=1s&window=5');
    const sf = results.stats!.frames[0]!;
    const point = st.provisional ?? st.committed;
    expect(point).not.toBeNull();
    expect(column(sf, 'time')).toEqual([point!.ts]);
    expect(column(sf, 'zscore')).toEqual([point!.zscore]);
    expect(column(sf, 'beta')).toEqual([point!.beta]);
    expect(column(sf, 'yPrice')).toEqual([st.prices.y!.price]);
    expect(column(sf, 'xPrice')).toEqual([st.prices.x!.price]);

    const sg = await api<SignalsResponse>(`/api/signals?pair=ETHUSDT/BTCUSDT&tf=1s&window=5&entryZ=0.5&from=${from}&to=${to}`);
    expect(sg.events.length).toBeGreaterThan(0); // |z| crosses 0.5 within seconds on this feed
    const gf = results.signals!.frames[0]!;
    expect(column(gf, 'time')).toEqual(sg.events.map((e) => e.ts));
    expect(column(gf, 'text')).toEqual(sg.events.map((e) => e.text));
    expect(column(gf, 'signal')).toEqual(sg.events.map((e) => SIGNAL[e.signal]));
  });

  it('streams the pair through Grafana Live when trades flow again', async () => {
    const sub = await emu.subscribe('pair/ETHUSDT-BTCUSDT/1s/5');
    const ticks = await emu.subscribe('ticks/BTCUSDT');
    try {
      fake.setRate(20);
      const deadline = Date.now() + 10_000;
      while ((sub.packets.length < 3 || ticks.packets.length < 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      fake.setRate(0);
      expect(sub.packets.length).toBeGreaterThanOrEqual(3);
      expect(ticks.packets.length).toBeGreaterThanOrEqual(3);
      const rows = (sub.packets.slice(1) as any[]).map((p) => p.data.values);
      // Each packet is one row: time, then the analytics columns; z-scores are numbers (or null), never NaN.
      for (const r of rows) {
        expect(r).toHaveLength(8);
        expect(r[5][0] === null || Number.isFinite(r[5][0])).toBe(true);
      }
      // Packets arrive about every 500 ms (the collector's push interval).
      const times = rows.map((r) => r[0][0] as number);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(400);
    } finally {
      sub.close();
      ticks.close();
    }
  });
});
