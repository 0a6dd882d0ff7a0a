/**
 * The desk's additions to the backend (issue 28), built executable over gRPC against the real
 * collector API (collectorApi.ts) with two configured pairs of very different price levels,
 * ETHUSDT/BTCUSDT (BTC ~6e4) and PEPEUSDT/BTCUSDT (PEPE ~1.2e-5), and the live engine running:
 * - the all-pairs `summary` query: one row a configured pair, each number the one /api/stats of
 *   that pair gives (half-life bars -> s, signal and paper side coded 1 / 0 / -1);
 * - a bars query with `normalize`: each close over the range's first close, from /api/bars;
 * - CallResource `export`: a query's frame as CSV, numbers as /api/analytics has them, the
 *   collector's token added by the backend (the collector requires it; the request carries none).
 * Expected values come from the collector API, fetched directly in each test.
 */
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { AnalyticsResponse, BarsResponse, PairsResponse, StatsResponse } from '@quant-pairs/contract';
import type { Tick } from '../../../collector/src/domain';
import { frameToCsv } from '../../backend/src/frame/csv';
import { call, PluginProcess, startPlugin } from '../emulator';
import { arrowTable, dataSourceContext, HOUR, PLUGIN_DIR, T0 } from './helpers';
import { CollectorApi, pairTicks, startCollectorApi } from './collectorApi';

const TOKEN = 'desk-test-token';
const FROM = T0;
const TO = T0 + 2 * HOUR;
const PAIRS = ['ETHUSDT/BTCUSDT', 'PEPEUSDT/BTCUSDT'];

let api: CollectorApi;
let plugin: PluginProcess;

/** PEPEUSDT ~1.2e-5 following BTC (2e-10 x BTC plus AR(1) noise), on Binance's 1e-8 price step, one trade a second. */
function pepeTicks(btc: readonly Tick[]): Tick[] {
  let noise = 0;
  let s = 11;
  return btc.map((t, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    noise = 0.8 * noise + (s / 2 ** 32 - 0.5) * 2e-8;
    const price = Math.round((2e-10 * t.price + noise) * 1e8) / 1e8;
    return { symbol: 'PEPEUSDT', id: i + 1, ts: t.ts + 300, price, qty: 1e8 * (1 + (i % 3)), isBuyerMaker: i % 2 === 1 };
  });
}

beforeAll(async () => {
  const ticks = pairTicks(T0, 7200);
  api = await startCollectorApi({
    ticks: [...ticks, ...pepeTicks(ticks.filter((t) => t.symbol === 'BTCUSDT'))],
    token: TOKEN,
    live: { entryZ: 1.5 },
    pairs: PAIRS,
  });
  plugin = await startPlugin({ pluginDir: PLUGIN_DIR });
}, 60_000);

afterAll(async () => {
  await plugin?.stop();
  await api?.close();
});

const ctx = () => dataSourceContext({ collectorUrl: api.url }, TOKEN);

interface DR {
  frames: Buffer[];
  error: string;
  status: number;
}

async function query(model: Record<string, unknown>): Promise<DR> {
  const r = await call<{ responses: Record<string, DR> }>(plugin.clients.data, 'QueryData', {
    pluginContext: ctx(),
    headers: {},
    queries: [
      {
        refId: 'A',
        maxDataPoints: 1000,
        intervalMS: 60_000,
        timeRange: { fromEpochMS: FROM, toEpochMS: TO },
        json: Buffer.from(JSON.stringify({ refId: 'A', version: 1, ...model })),
      },
    ],
  });
  return r.responses.A!;
}

function column(t: ReturnType<typeof arrowTable>, name: string): unknown[] {
  const i = t.schema.fields.findIndex((f) => f.name === name);
  if (i < 0) throw new Error(`no field ${name}`);
  const v = t.getChildAt(i)!;
  return Array.from({ length: v.length }, (_, k) => (v.isValid(k) ? v.get(k) : null));
}

async function resource(url: string): Promise<{ code: number; headers: Record<string, string>; body: string }> {
  type Part = { code: number; body: Buffer; headers: Record<string, { values: string[] }> };
  const stream = plugin.clients.resource.CallResource!({
    pluginContext: ctx(),
    path: url.split('?')[0],
    method: 'GET',
    url,
    headers: {},
    body: Buffer.alloc(0),
  }) as ClientReadableStream<Part>;
  const parts: Part[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (d: Part) => parts.push(d));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const headers = Object.fromEntries(Object.entries(parts[0]!.headers).map(([k, v]) => [k, v.values.join(', ')]));
  return { code: parts[0]!.code, headers, body: Buffer.concat(parts.map((p) => p.body)).toString() };
}

describe('summary: every configured pair, one row each', () => {
  it('has the numbers of /api/stats of each pair, in the order /api/pairs lists them', async () => {
    const r = await query({ queryType: 'summary', timeframe: '1m', window: '30' });
    expect({ error: r.error, status: r.status }).toEqual({ error: '', status: 200 });
    const t = arrowTable(r.frames[0]!);
    const listed: PairsResponse = await api.get('/api/pairs');
    const pairs = listed.pairs.filter((p) => p.configured).map((p) => p.pair);
    expect([...pairs].sort()).toEqual([...PAIRS].sort());
    expect(column(t, 'pair')).toEqual(pairs);
    const side: Record<string, number> = { LONG: 1, FLAT: 0, SHORT: -1 };
    const signal: Record<string, number> = { LONG: 1, NEUTRAL: 0, SHORT: -1 };
    for (const [i, pair] of pairs.entries()) {
      const s: StatsResponse = await api.get(`/api/stats?pair=${pair}&tf=1m&window=30`);
      const point = s.provisional ?? s.committed!;
      // the live engine answers (no entryZ in the request): its paper position is there
      expect(s.source).toBe('live');
      expect(s.position).not.toBeNull();
      const pv = (v: StatsResponse['adf'] | StatsResponse['coint']) => (v && 'pvalue' in v ? v.pvalue : null);
      const hl = s.halfLife && 'halfLife' in s.halfLife && s.halfLife.halfLife !== null ? s.halfLife.halfLife * 60 : null;
      expect({
        pair,
        zscore: column(t, 'zscore')[i],
        signal: column(t, 'signal')[i],
        position: column(t, 'position')[i],
        unrealisedPnl: column(t, 'unrealisedPnl')[i],
        adfPValue: column(t, 'adfPValue')[i],
        egPValue: column(t, 'egPValue')[i],
        halfLife: column(t, 'halfLife')[i],
        beta: column(t, 'beta')[i],
      }).toEqual({
        pair,
        zscore: point.zscore,
        signal: point.signal === null ? null : signal[point.signal],
        position: side[s.position!.side],
        unrealisedPnl: s.position!.unrealisedPnl,
        adfPValue: pv(s.adf),
        egPValue: pv(s.coint),
        halfLife: hl,
        beta: point.beta,
      });
    }
    // PEPE's beta on BTC is of the order of its price ratio (1.2e-5 / 6e4 = 2e-10), passed through as the double it is
    expect(Math.abs(column(t, 'beta')[pairs.indexOf('PEPEUSDT/BTCUSDT')] as number)).toBeLessThan(1e-8);
  });

  it('a bad window or a variable left in is the refId error, naming the parameter', async () => {
    expect(await query({ queryType: 'summary', timeframe: '1m', window: '1' })).toMatchObject({
      status: 400,
      error: expect.stringMatching(/^window: the window must be a whole number of bars from 2/),
    });
    expect(await query({ queryType: 'summary', timeframe: '$timeframe', window: '30' })).toMatchObject({
      status: 400,
      error: expect.stringMatching(/^timeframe: "\$timeframe" still holds a template variable/),
    });
  });
});

describe('bars with normalize', () => {
  it.each(['BTCUSDT', 'PEPEUSDT'])('%s: each close over the first close of the range, 1 at the start', async (symbol) => {
    const r = await query({ queryType: 'bars', symbol, timeframe: '1m', normalize: true });
    expect(r.error).toBe('');
    const t = arrowTable(r.frames[0]!);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['time', 'normalized']);
    const bars: BarsResponse = await api.get(`/api/bars?symbol=${symbol}&tf=1m&from=${FROM}&to=${TO}`);
    expect(bars.next).toBeNull();
    const first = bars.bars[0]!.close;
    expect(column(t, 'normalized')).toEqual(bars.bars.map((b) => b.close / first));
    expect(column(t, 'normalized')[0]).toBe(1);
  });

  it('normalize must be a boolean', async () => {
    expect(await query({ queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m', normalize: 'yes' })).toMatchObject({
      status: 400,
      error: 'normalize: normalize must be true or false, got "yes"',
    });
  });
});

describe('CallResource export: a query as CSV through the backend', () => {
  const analyticsUrl = (extra = '') =>
    `export?version=1&queryType=analytics&pair=PEPEUSDT%2FBTCUSDT&timeframe=1m&window=30&fields=zscore,beta,signal&from=${FROM}&to=${TO}${extra}`;

  it('answers the frame as a CSV download, every number the collector computed', async () => {
    const r = await resource(analyticsUrl());
    expect(r.code).toBe(200);
    // Grafana passes a resource's headers to the browser but Set-Cookie (grafana/grafana pkg/api/plugin_resource.go at 03b26ef0, flushStream lines 164-194: Set-Cookie skipped at 174, the rest added at 185, application/json set at 190-191)
    expect(r.headers['Content-Type']).toBe('text/csv; charset=utf-8; header=present');
    expect(r.headers['Content-Disposition']).toMatch(/^attachment; filename="PEPEUSDT_BTCUSDT_1m_w30[^"]*\.csv"$/);
    const lines = r.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('time,time_ms,zscore,beta,signal');
    const a: AnalyticsResponse = await api.get(`/api/analytics?pair=PEPEUSDT/BTCUSDT&tf=1m&window=30&from=${FROM}&to=${TO}`);
    expect(a.thinned).toBe(false);
    expect(lines.length - 1).toBe(a.series.ts.length);
    const rows = lines.slice(1).map((l) => l.split(','));
    const num = (s: string) => (s === '' ? null : Number(s));
    expect(rows.map((c) => [c[0], num(c[1]!), num(c[2]!), num(c[3]!), c[4] === '' ? null : c[4]])).toEqual(
      a.series.ts.map((ts, i) => [new Date(ts).toISOString(), ts, a.series.zscore[i], a.series.beta[i], a.series.signal[i]]),
    );
    // the token went to the collector from the backend, never into the answer
    expect(r.body).not.toContain(TOKEN);
    expect(api.requests.some((u) => u.startsWith('/api/analytics?') && u.includes('PEPEUSDT'))).toBe(true);
  });

  it('any query kind: the all-pairs table as CSV, one line a pair', async () => {
    const r = await resource(`export?queryType=summary&timeframe=1m&window=30&from=${FROM}&to=${TO}`);
    expect(r.code).toBe(200);
    const lines = r.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('pair,zscore,signal,position,unrealisedPnl,adfPValue,egPValue,halfLife,correlation,beta,updated,updated_ms');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual([...PAIRS].sort());
  });

  it('a bad parameter is a 400 naming it; a missing time range too', async () => {
    const bad = await resource(analyticsUrl('&window=1').replace('window=30&', ''));
    expect(bad.code).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ param: 'window', error: expect.stringMatching(/^window: the window must be a whole number/) });
    const noFrom = await resource('export?queryType=bars&symbol=BTCUSDT&timeframe=1m&to=1');
    expect(noFrom.code).toBe(400);
    expect(JSON.parse(noFrom.body)).toMatchObject({ param: 'from', error: expect.stringMatching(/^from: give the time as epoch milliseconds/) });
  });
});

describe('frameToCsv', () => {
  it('writes RFC 4180 cells, times as ISO and ms, doubles exactly, mapped codes as words, null as empty', () => {
    const csv = frameToCsv({
      name: 'x',
      fields: [
        { name: 'time', type: 'time', values: [Date.UTC(2026, 10, 26, 0, 1), null] },
        { name: 'note', type: 'string', values: ['a "constant" leg, x', 'line\nbreak'] },
        { name: 'price', type: 'float64', nullable: true, values: [1.2e-7, null] },
        { name: 'qty', type: 'float64', values: [99999999.99000001, 0.1 + 0.2] },
        { name: 'side', type: 'float64', values: [-1, 2], config: { mappings: [{ type: 'value', options: { '-1': { text: 'SHORT' } } }] } },
      ],
    });
    // String(x) is the shortest text that reads back as the same double (ECMA-262 Number::toString)
    expect(csv).toBe(
      'time,time_ms,note,price,qty,side\r\n' +
        '2026-11-26T00:01:00.000Z,1795651260000,"a ""constant"" leg, x",1.2e-7,99999999.99000001,SHORT\r\n' +
        ',,"line\nbreak",,0.30000000000000004,2\r\n',
    );
  });
});
