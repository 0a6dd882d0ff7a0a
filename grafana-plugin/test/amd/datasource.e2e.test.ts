/**
 * The built dist/module.js as Grafana runs it, end to end: loaded through AMD with the real
 * @grafana/*, react and rxjs packages as its externals (loader.ts); its DataSource class
 * (DataSourceWithBackend) talks to the Grafana emulator (test/emulator), which runs the built
 * backend executable, which queries a real collector (collector/src/main.ts) fed over
 * WebSocket by the fake Binance. Expected numbers are the collector API's own answers to the
 * same questions, read directly with the API token.
 * It runs once per Grafana version the plugin claims (jest.config.js): against the @grafana
 * 13.1.1 packages it is built with (project amd), and against Grafana 11.5.0's packages with
 * React 18.2.0 (project amd-grafana-11.5, test/compat).
 */
import type { AnnotationQuery, DataFrame, DataQueryRequest, DataQueryResponse, DataSourceApi, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { firstValueFrom, from, lastValueFrom, Observable } from 'rxjs';

import { log } from 'collector/src/log';
import { bootCollector, type Collector, type FakeBinance } from '@quant-pairs/testkit/collector';
import { until, expectAcrossPaths } from '@quant-pairs/testkit';
import type { AnalyticsResponse, BarsResponse, PairsResponse, SignalsResponse, StatsResponse, TicksResponse } from '@quant-pairs/contract';
import { startEmulator, type Emulator } from '../emulator';
import type { TestTemplateSrv as TemplateSrvType } from '../support/grafana';
import { hostVersions, installBrowserGlobals, loadAmdModule } from './loader';
import { fetchBackendSrv } from '../support/fetchBackendSrv';

const ROOT = path.resolve(__dirname, '..', '..');
const TOKEN = 'amd-e2e-token';
const PAIR = 'ETHUSDT/BTCUSDT';

let dir: string;
let fake: FakeBinance;
let collector: Collector;
let collectorUrl: string;
let emu: Emulator;
let removeGlobals: () => void;
let deps: string[];
// The plugin's DataSource as the loader hands it over: typed by what the tests call.
let ds: Record<string, any>;
/** Channels the DataSource subscribed to through Grafana Live (`scope/stream/path`; stream = data source uid). */
const liveChannels: string[] = [];
let from0: number;
let to0: number;

async function api<T>(p: string): Promise<T> {
  const r = await fetch(collectorUrl + p, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (!r.ok) {
    throw new Error(`${p}: ${r.status} ${await r.text()}`);
  }
  return (await r.json()) as T;
}

beforeAll(async () => {
  log.configure({ level: 'error' });
  dir = mkdtempSync(path.join(tmpdir(), 'amd-e2e-'));
  ({
    fake,
    collector,
    url: collectorUrl,
  } = await bootCollector({
    fake: { symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0, pingIntervalMs: 100 },
    env: { PAIRS: PAIR, API_TOKEN: TOKEN, WINDOWS: '5' },
    dir,
    ingest: { connection: { stallTimeoutMs: 600, initialBackoffMs: 20, maxBackoffMs: 200 } },
  }));
  await until(() => collector.ingestor.status().wsState === 'open', 'the WebSocket to open');
  // About 12 one-second bars of a cointegrated pair, then a quiet market so every answer is stable.
  from0 = Date.now() - 1000;
  fake.setRate(40);
  await new Promise((r) => setTimeout(r, 12_000));
  fake.setRate(0);
  const want = fake.trades('BTCUSDT').length + fake.trades('ETHUSDT').length;
  await until(async () => (await collector.store.symbols()).reduce((n, s) => n + s.ticks, 0) >= want, `all ${want} ticks stored`);
  to0 = Date.now() + 1000;

  emu = await startEmulator({
    pluginDir: path.join(ROOT, 'dist'),
    dataSource: { uid: 'pairs', jsonData: { collectorUrl }, secureJsonData: { apiToken: TOKEN } },
  });

  removeGlobals = installBrowserGlobals();
  // Grafana's services, as the app sets them before it loads any plugin.
  const runtime = require('@grafana/runtime');
  runtime.setBackendSrv(fetchBackendSrv(emu.url));
  // Required only now: @grafana/* touch window and document when they are first loaded.
  const { TestTemplateSrv } = require('../support/grafana') as { TestTemplateSrv: typeof TemplateSrvType };
  // Grafana Live: what the app's live service does for a `ds/<uid>/<path>` channel, with the
  // emulator's subscription (SubscribeStream + one RunStream) in place of Centrifuge: each
  // packet is pushed into a StreamingDataFrame that starts from the query's own frame.
  runtime.setGrafanaLiveSrv({
    getDataStream: (opts: { addr: { scope: string; stream?: string; namespace?: string; path: string }; buffer?: object; frame?: object }) =>
      new Observable<DataQueryResponse>((subscriber) => {
        const { StreamingDataFrame, LoadingState, toLiveChannelId } = require('@grafana/data');
        // The channel id as the app of this @grafana/data version writes it (11.4 names the
        // address's middle part `namespace`, 12+ `stream`).
        const key: string = toLiveChannelId(opts.addr);
        liveChannels.push(key);
        let frame = opts.frame ? StreamingDataFrame.fromDataFrameJSON(opts.frame, opts.buffer) : undefined;
        let live: { close(): void } | undefined;
        let closed = false;
        emu
          .subscribe(opts.addr.path, (packet) => {
            if (frame) {
              frame.push(packet);
            } else {
              frame = StreamingDataFrame.fromDataFrameJSON(packet, opts.buffer);
            }
            subscriber.next({ key, state: LoadingState.Streaming, data: [frame] });
          })
          .then(
            (sub) => (closed ? sub.close() : (live = sub)),
            (e) => subscriber.error(e),
          );
        return () => {
          closed = true;
          live?.close();
        };
      }),
    getConnectionState: () => from([true]),
  });
  runtime.setTemplateSrv(new TestTemplateSrv({ pair: PAIR, tf: '1s', window: '5' }));

  const loaded = loadAmdModule(path.join(ROOT, 'dist', 'module.js'), 'public/plugins/quant-pairs-datasource/module.js', (name) => require(name));
  deps = loaded.deps;
  const plugin = loaded.exports.plugin as { DataSourceClass: new (s: DataSourceInstanceSettings) => DataSourceApi };
  const settings = {
    id: 1,
    uid: 'pairs',
    type: 'quant-pairs-datasource',
    name: 'Pairs',
    access: 'proxy',
    readOnly: false,
    jsonData: { collectorUrl },
    meta: { id: 'quant-pairs-datasource', name: 'Quant Pairs', type: 'datasource', backend: true, streaming: true, info: { version: 'test' } },
  } as unknown as DataSourceInstanceSettings;
  ds = new plugin.DataSourceClass(settings) as unknown as Record<string, any>;
}, 120_000);

afterAll(async () => {
  removeGlobals?.();
  await emu?.stop();
  await collector?.stop();
  await fake?.stop();
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
  log.configure({ level: 'warn' });
});

function request(targets: Array<Record<string, unknown>>, scopedVars: ScopedVars = {}, maxDataPoints = 500): DataQueryRequest {
  const { dateTime } = require('@grafana/data');
  const range = { from: dateTime(from0), to: dateTime(to0), raw: { from: dateTime(from0), to: dateTime(to0) } };
  return {
    requestId: 'Q1',
    interval: '1s',
    intervalMs: 1000,
    maxDataPoints,
    range,
    scopedVars,
    targets,
    timezone: 'utc',
    app: 'panel-editor',
    startTime: Date.now(),
  } as unknown as DataQueryRequest;
}

/** What a panel does: filter the targets, then run the query. */
async function run(targets: Array<Record<string, unknown>>, scopedVars: ScopedVars = {}): Promise<DataQueryResponse> {
  const kept = targets.filter((t) => ds.filterQuery?.(t as never) ?? true);
  return lastValueFrom(ds.query(request(kept, scopedVars)) as Observable<DataQueryResponse>);
}

const values = (frame: DataFrame, name: string): unknown[] => {
  const f = frame.fields.find((x) => x.name === name);
  if (!f) {
    throw new Error(`no field ${name} in ${frame.fields.map((x) => x.name).join(', ')}`);
  }
  return Array.from(f.values);
};

describe('dist/module.js loaded as Grafana loads it', () => {
  it('runs against the @grafana packages and React of its project (13.1.1, or test/compat)', () => {
    const compat = require('../compat') as { COMPAT_VERSIONS: string[]; expectedVersions(name?: string): Record<string, string> };
    expect(hostVersions()).toEqual(compat.expectedVersions((globalThis as { grafanaCompat?: string }).grafanaCompat));
    // and the oldest version the projects run against is the one plugin.json claims
    const plugin = JSON.parse(readFileSync(path.join(ROOT, 'src', 'plugin.json'), 'utf8')) as { dependencies: { grafanaDependency: string } };
    expect(plugin.dependencies.grafanaDependency).toBe(`>=${compat.expectedVersions(compat.COMPAT_VERSIONS[0])['@grafana/ui']}`);
  });

  it('is an AMD module whose externals are only modules Grafana shares', () => {
    expect(deps.sort()).toEqual(['@emotion/css', '@grafana/data', '@grafana/runtime', '@grafana/ui', 'module', 'react', 'rxjs']);
    expect(ds.type).toBe('quant-pairs-datasource');
  });

  it('bars: the OHLC, volume and source the collector serves', async () => {
    const rsp = await run([{ refId: 'A', version: 1, queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1s' }]);
    expect(rsp.errors ?? []).toEqual([]);
    const bars = await api<BarsResponse>(`/api/bars?symbol=BTCUSDT&tf=1s&from=${from0}&to=${to0}`);
    expect(bars.bars.length).toBeGreaterThanOrEqual(10);
    const f = rsp.data[0] as DataFrame;
    expect(values(f, 'time')).toEqual(bars.bars.map((b) => b.start));
    expect(values(f, 'open')).toEqual(bars.bars.map((b) => b.open));
    expect(values(f, 'close')).toEqual(bars.bars.map((b) => b.close));
    expect(values(f, 'volume')).toEqual(bars.bars.map((b) => b.volume));
    // the string column says where each bar came from, as the collector marks it
    expect(values(f, 'source')).toEqual(bars.bars.map((b) => b.source));
    expect(f.fields.find((x) => x.name === 'source')!.type).toBe('string');
  });

  it('ticks: every trade the collector stored', async () => {
    const rsp = await run([{ refId: 'T', version: 1, queryType: 'ticks', symbol: 'ETHUSDT', limit: 10000 }]);
    const ticks = await api<TicksResponse>(`/api/ticks?symbol=ETHUSDT&from=${from0}&to=${to0}&limit=10000`);
    expect(ticks.ticks.length).toBe(fake.expectedTicks('ETHUSDT').length);
    expect(values(rsp.data[0], 'price')).toEqual(ticks.ticks.map((t) => t.price));
  });

  it('analytics with $pair, $tf and $window: β, spread and z as the collector computes them', async () => {
    const rsp = await run([{ refId: 'B', pair: '$pair', tf: '$tf', window: '$window' }]); // an unversioned saved query
    expect(rsp.errors ?? []).toEqual([]);
    const an = await api<AnalyticsResponse>(`/api/analytics?pair=${PAIR}&tf=1s&window=5&from=${from0}&to=${to0}&maxDataPoints=500`);
    const f = rsp.data[0] as DataFrame;
    expect(values(f, 'time')).toEqual(an.series.ts);
    // Two requests to a live collector: equal within the tolerances across computation paths
    // (derived in collector/test/support/acrossPaths.ts); the exact transport is checked on settled
    // bars in test/backend/queryData.test.ts.
    const yScale = Math.max(...fake.expectedTicks('ETHUSDT').map((t) => t.price));
    expectAcrossPaths(values(f, 'beta') as Array<number | null>, an.series.beta, 'beta', 'beta');
    expectAcrossPaths(values(f, 'spread') as Array<number | null>, an.series.spread, 'level', 'spread', yScale);
    expectAcrossPaths(values(f, 'zscore') as Array<number | null>, an.series.zscore, 'z', 'zscore');
    expect(an.series.zscore.filter((z) => z !== null).length).toBeGreaterThan(3);
  });

  it('stats: the latest values of the pair', async () => {
    const rsp = await run([{ refId: 'S', version: 1, queryType: 'stats', pair: PAIR, timeframe: '1s', window: '5' }]);
    expect(rsp.errors ?? []).toEqual([]);
    const st = await api<StatsResponse>(`/api/stats?pair=${PAIR}&tf=1s&window=5`);
    const f = rsp.data[0] as DataFrame;
    // The point shown is the bar in progress if there is one, else the last completed bar.
    const point = st.provisional ?? st.committed;
    expect(point).not.toBeNull();
    expect(values(f, 'time')).toEqual([point!.ts]);
    expect(values(f, 'beta')).toEqual([point!.beta]);
    expect(values(f, 'zscore')).toEqual([point!.zscore]);
    expect(values(f, 'yPrice')).toEqual([st.prices.y!.price]);
    expect(values(f, 'correlation')).toEqual([st.correlation ?? point!.correlation]);
  });

  it("signals become annotations with the collector's words", async () => {
    const target = { refId: 'Anno', version: 1, queryType: 'analytics', pair: PAIR, timeframe: '1s', window: '5', entryZ: 0.5 };
    const query = ds.annotations.prepareQuery({ target } as unknown as AnnotationQuery);
    expect(query).toMatchObject({ queryType: 'signals' });
    const rsp = await run([query]);
    const events: Array<{ time: number; text: string }> = await firstValueFrom(
      ds.annotations.processEvents({ target } as unknown as AnnotationQuery, rsp.data),
    );
    const sig = await api<SignalsResponse>(`/api/signals?pair=${PAIR}&tf=1s&window=5&entryZ=0.5&from=${from0}&to=${to0}`);
    expect(sig.events.length).toBeGreaterThan(0);
    expect(events.map((e) => [e.time, e.text])).toEqual(sig.events.map((e) => [e.ts, e.text]));
  });

  it('variables list what the collector knows', async () => {
    const pairs = await api<PairsResponse>('/api/pairs');
    const list = async (kind: string) =>
      Array.from(
        (await firstValueFrom(ds.variables.query({ targets: [{ refId: 'V', version: 1, kind }] } as never) as Observable<DataQueryResponse>)).data[0].fields[0]
          .values,
      );
    expect(await list('pairs')).toEqual(pairs.pairs.map((p) => p.pair));
    expect(await list('timeframes')).toEqual(pairs.timeframes);
    expect(await list('windows')).toEqual(pairs.windows.map(String));
  });

  it('an invalid query is not sent, and a valid one beside it still answers', async () => {
    const rsp = await run([
      { refId: 'BAD', version: 1, queryType: 'analytics', pair: PAIR, timeframe: '1s', window: '1' },
      { refId: 'OK', version: 1, queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1s' },
    ]);
    expect(rsp.data.map((f: DataFrame) => f.refId)).toEqual(['OK']);
  });

  it("Save & test shows the words of the backend's CheckHealth", async () => {
    const health = await fetch(`${emu.url}/api/datasources/uid/pairs/health`).then((r) => r.json());
    const result = await ds.testDatasource();
    expect(result).toMatchObject({ status: 'success', message: health.message });
    expect(result.message).toContain('connected to the collector');
  });

  it("Save & test with a wrong token fails with the backend's explanation", async () => {
    emu.updateDataSource({ secureJsonData: { apiToken: 'not-the-token' } });
    try {
      const health = await fetch(`${emu.url}/api/datasources/uid/pairs/health`).then((r) => r.json());
      expect(health.status).toBe('ERROR');
      // DataSourceWithBackend.testDatasource rejects with the message Grafana shows under the button.
      await expect(ds.testDatasource()).rejects.toMatchObject({ status: 'error', message: health.message });
      expect(health.message).toMatch(/token/i);
    } finally {
      emu.updateDataSource({ secureJsonData: { apiToken: TOKEN } });
    }
  });

  // Last: it makes the fake Binance trade again, which changes "latest" answers.
  it("live: the panel subscribes to the backend's channel and its prices, spread and z move", async () => {
    const target = { refId: 'L', version: 1, queryType: 'analytics', pair: PAIR, timeframe: '1s', window: '5', live: true };
    // The streaming frame is one object updated in place: keep each update's latest z as it was.
    const updates: DataFrame[] = [];
    const zSeen: Array<number | null> = [];
    const sub = (ds.query(request([target])) as Observable<DataQueryResponse>).subscribe((rsp) => {
      const f = rsp.data[0] as DataFrame;
      updates.push(f);
      zSeen.push((values(f, 'zscore') as Array<number | null>).at(-1) ?? null);
    });
    try {
      fake.setRate(40);
      await until(() => updates.length >= 5, 'five live updates', 15_000);
      fake.setRate(0);
      // DataSourceWithBackend saw meta.channel on the backend's frame and subscribed to it.
      expect(liveChannels).toEqual(['ds/pairs/pair/ETHUSDT-BTCUSDT/1s/5']);
      const first = updates[0];
      const last = updates[updates.length - 1];
      // The stream appends to the history the query returned: the rows up to to0 are the
      // query's, later rows came through Live while the fake traded.
      const times = values(last, 'time') as number[];
      expect(times.slice(0, 3)).toEqual((values(first, 'time') as number[]).slice(0, 3));
      const fresh = times.map((t, i) => (t > to0 ? i : -1)).filter((i) => i >= 0);
      expect(fresh.length).toBeGreaterThan(0);
      const z = values(last, 'zscore') as Array<number | null>;
      const spread = values(last, 'spread') as Array<number | null>;
      expect(fresh.every((i) => typeof spread[i] === 'number')).toBe(true);
      // z moves: the pushed rows do not all carry one value.
      expect(new Set(zSeen).size).toBeGreaterThan(1);
      expect(z.at(-1)).not.toBeNull();
    } finally {
      sub.unsubscribe();
    }
  });

  // Issue 23: a live stats query (the Pair overview's stat panels) streams through its own channel.
  it('live stats: the stat panel subscribes to the stats channel and its prices move', async () => {
    const target = { refId: 'S', version: 1, queryType: 'stats', pair: PAIR, timeframe: '1s', window: '5', entryZ: 2, live: true };
    const yPrices: Array<number | null> = [];
    let fields: string[] = [];
    const sub = (ds.query(request([target])) as Observable<DataQueryResponse>).subscribe((rsp) => {
      const f = rsp.data[0] as DataFrame;
      fields = f.fields.map((x) => x.name);
      yPrices.push((values(f, 'yPrice') as Array<number | null>).at(-1) ?? null);
    });
    try {
      fake.setRate(40);
      await until(() => yPrices.length >= 4, 'four live stats updates', 15_000);
      fake.setRate(0);
      expect(liveChannels.at(-1)).toBe('ds/pairs/stats/ETHUSDT-BTCUSDT/1s/5/e2');
      // the stream keeps the query frame's columns (backend README, stats row): those of the same query not live
      const still = (await lastValueFrom(ds.query(request([{ ...target, live: false }])) as Observable<DataQueryResponse>)).data[0] as DataFrame;
      expect(fields).toEqual(still.fields.map((x) => x.name));
      expect(fields).toHaveLength(25);
      expect(fields.slice(0, 3)).toEqual(['time', 'yPrice', 'xPrice']);
      expect(new Set(yPrices).size).toBeGreaterThan(1);
    } finally {
      sub.unsubscribe();
    }
  });
});
