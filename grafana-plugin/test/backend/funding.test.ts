/**
 * The `funding` query kind (issue 25), the built executable over gRPC against the real collector
 * API (collectorApi.ts) with the perpetual pair ETHUSDT.P/BTCUSDT.P (BTC near 6e4, ETH near 3e3),
 * settlements every 8 h and one every 10 minutes inside the data, and a stored mark:
 * - rates: each settlement of the range as /api/funding lists it (time, rate);
 * - state: one row, /api/funding's `current` with the premium (mark - index) / index in bps;
 * - position: the live paper position's funding as /api/stats reports it; carry: its `carry`;
 * - a spot symbol or pair: an empty frame with a notice, not an error;
 * - the backtest's trades and metrics of a perpetual pair carry each trade's funding and the total.
 * Expected values come from the collector API, fetched directly in each test.
 */
import type { FundingResponse, StatsResponse } from '@quant-pairs/contract';
import type { Tick } from '../../../collector/src/domain';
import { call, PluginProcess, startPlugin } from '../emulator';
import { arrowTable, dataSourceContext, HOUR, PLUGIN_DIR, T0 } from './helpers';
import { CollectorApi, pairTicks, startCollectorApi } from './collectorApi';

const TOKEN = 'funding-test-token';
const FROM = T0;
const TO = T0 + 2 * HOUR;
const MIN = 60_000;

let api: CollectorApi;
let plugin: PluginProcess;

const perp = (t: Tick): Tick => ({ ...t, symbol: `${t.symbol}.P` });

beforeAll(async () => {
  const ticks = pairTicks(T0, 7200);
  const settlements = (symbol: string, mark: number) => [
    { symbol, ts: T0 - 8 * HOUR, rate: 0.0001, mark },
    ...Array.from({ length: 12 }, (_, k) => ({ symbol, ts: T0 + 5 * MIN + k * 10 * MIN, rate: k % 3 === 0 ? -0.0002 : 0.00015, mark: mark + k })),
  ];
  api = await startCollectorApi({
    ticks: [...ticks.map(perp), ...ticks],
    token: TOKEN,
    live: { entryZ: 1.5 },
    pairs: ['ETHUSDT.P/BTCUSDT.P', 'ETHUSDT/BTCUSDT'],
    funding: [...settlements('ETHUSDT.P', 3003.5), ...settlements('BTCUSDT.P', 60_010)],
    marks: [
      { symbol: 'BTCUSDT.P', ts: Math.floor(Date.now() / 1000) * 1000 - 2000, mark: 60_030.5, index: 60_012.25, rate: 0.00008, nextFundingTime: TO + 8 * HOUR },
    ],
  });
  plugin = await startPlugin({ pluginDir: PLUGIN_DIR });
}, 60_000);

afterAll(async () => {
  await plugin?.stop();
  await api?.close();
});

interface DR {
  frames: Buffer[];
  error: string;
  status: number;
}

async function query(model: Record<string, unknown>): Promise<DR> {
  const r = await call<{ responses: Record<string, DR> }>(plugin.clients.data, 'QueryData', {
    pluginContext: dataSourceContext({ collectorUrl: api.url }, TOKEN),
    headers: {},
    queries: [
      {
        refId: 'A',
        maxDataPoints: 1000,
        intervalMS: 60_000,
        timeRange: { fromEpochMS: FROM, toEpochMS: TO },
        json: Buffer.from(JSON.stringify({ refId: 'A', version: 1, queryType: 'funding', ...model })),
      },
    ],
  });
  return r.responses.A!;
}

function columns(r: DR): Record<string, unknown[]> {
  expect({ error: r.error, status: r.status }).toEqual({ error: '', status: 200 });
  const t = arrowTable(r.frames[0]!);
  return Object.fromEntries(
    t.schema.fields.map((f, i) => {
      const v = t.getChildAt(i)!;
      return [f.name, Array.from({ length: v.length }, (_, k) => (v.isValid(k) ? v.get(k) : null))];
    }),
  );
}

const ms = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : Number(v));

test('rates: every settlement of the range, as /api/funding lists it', async () => {
  const c = columns(await query({ fundingOutput: 'rates', symbol: 'ethusdt.p' }));
  const want: FundingResponse = await api.get(`/api/funding?symbol=ETHUSDT.P&from=${FROM}&to=${TO}`);
  expect(want.events).toHaveLength(12);
  expect(c.time!.map(ms)).toEqual(want.events.map((e) => e.time));
  expect(c.rate).toEqual(want.events.map((e) => e.rate));
  // one numeric field: an alert rule's reduce makes a series of each
  expect(Object.keys(c)).toEqual(['time', 'rate']);
});

test('state: the stored mark now, its premium in bps and the interval', async () => {
  const c = columns(await query({ fundingOutput: 'state', symbol: 'BTCUSDT.P' }));
  const want: FundingResponse = await api.get('/api/funding?symbol=BTCUSDT.P');
  const cur = want.current!;
  expect(c.rate).toEqual([cur.rate]);
  expect(c.nextFundingTime).toEqual([cur.nextFundingTime]);
  expect(c.premiumBps![0]).toBeCloseTo(((60_030.5 - 60_012.25) / 60_012.25) * 1e4, 9);
  expect([c.mark, c.index, c.intervalHours]).toEqual([[cur.mark], [cur.index], [want.intervalHours]]);
});

test("position: the live paper position's funding, as /api/stats has it", async () => {
  const c = columns(await query({ fundingOutput: 'position', pair: 'ETHUSDT.P/BTCUSDT.P', timeframe: '1m', window: '30' }));
  const s: StatsResponse = await api.get('/api/stats?pair=ETHUSDT.P/BTCUSDT.P&tf=1m&window=30');
  expect(typeof s.position!.funding).toBe('number');
  expect([c.funding, c.tradeFunding, c.equity]).toEqual([[s.position!.funding], [s.position!.tradeFunding], [s.position!.equity]]);
});

test("carry: the pair's carry as /api/stats has it (LONG, SHORT, each leg's annualised rate; no basis for two perps)", async () => {
  const c = columns(await query({ fundingOutput: 'carry', pair: 'ETHUSDT.P/BTCUSDT.P', timeframe: '1m', window: '30' }));
  const s: StatsResponse = await api.get('/api/stats?pair=ETHUSDT.P/BTCUSDT.P&tf=1m&window=30');
  const k = s.carry!;
  expect(k.y!.events).toBeGreaterThan(2);
  expect([c.carryLong, c.carryShort, c.yAnnualised, c.xAnnualised, c.basisBps, c.basisAnnualised]).toEqual([
    [k.long],
    [k.short],
    [k.y!.annualised],
    [k.x!.annualised],
    [null],
    [null],
  ]);
});

test("the stats row of a perpetual pair carries its funding columns (what the Pair overview streams); a spot pair's has none", async () => {
  const c = columns(await query({ queryType: 'stats', pair: 'ETHUSDT.P/BTCUSDT.P', timeframe: '1m', window: '30' }));
  const s: StatsResponse = await api.get('/api/stats?pair=ETHUSDT.P/BTCUSDT.P&tf=1m&window=30');
  expect(c.funding).toEqual([s.position!.funding]);
  expect([c.yFundingRate, c.yNextFunding, c.yPremiumBps]).toEqual([[s.carry!.y!.rate], [s.carry!.y!.nextFundingTime], [s.carry!.y!.premiumBps]]);
  // BTCUSDT.P has a stored mark: its state is there
  expect([c.xFundingRate, c.xNextFunding]).toEqual([[0.00008], [TO + 8 * HOUR]]);
  expect(c.xPremiumBps![0]).toBeCloseTo(((60_030.5 - 60_012.25) / 60_012.25) * 1e4, 9);
  const spot = columns(await query({ queryType: 'stats', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30' }));
  expect(Object.keys(spot).filter((k) => /funding|Funding|Premium/.test(k))).toEqual([]);
});

test.each([
  [{ fundingOutput: 'carry', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30' }, 'ETHUSDT/BTCUSDT has no funding'],
  [{ fundingOutput: 'rates', symbol: 'ETHUSDT' }, 'ETHUSDT has no funding'],
  [{ fundingOutput: 'state', symbol: 'BTCUSDT' }, 'BTCUSDT has no funding'],
  [{ fundingOutput: 'position', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30' }, 'ETHUSDT/BTCUSDT has no funding'],
])('a spot leg %j: an empty frame with a notice', async (model, notice) => {
  const r = await query(model);
  const c = columns(r);
  expect(c.time).toEqual([]);
  const meta = arrowTable(r.frames[0]!).schema.metadata.get('meta')!;
  expect(meta).toContain(notice);
});

test('bad input is an error naming the parameter', async () => {
  expect((await query({ fundingOutput: 'rates' })).error).toMatch(/symbol: enter a USD-M perpetual/);
  expect((await query({ fundingOutput: 'nope', symbol: 'BTCUSDT.P' })).error).toMatch(/fundingOutput: fundingOutput must be one of rates, state, position/);
  expect((await query({ fundingOutput: 'position', pair: 'ETHUSDT.P', timeframe: '1m', window: '30' })).error).toMatch(/^pair: /);
});

test("the backtest's trades and metrics carry funding on a perpetual pair, as /api/backtest has it; a spot pair's have none", async () => {
  const bt = { queryType: 'backtest', pair: 'ETHUSDT.P/BTCUSDT.P', timeframe: '1m', window: '30', entryZ: 1, exitZ: 0 };
  const want = await api.get<{ trades: Array<{ funding: number }>; metrics: { funding: number } }>(
    `/api/backtest?pair=ETHUSDT.P/BTCUSDT.P&tf=1m&window=30&entry=1&exit=0&from=${FROM}&to=${TO}`,
  );
  expect(want.trades.length).toBeGreaterThan(1);
  expect(want.trades.some((t) => t.funding !== 0)).toBe(true);
  const trades = columns(await query({ ...bt, output: 'trades' }));
  expect(trades.funding).toEqual(want.trades.map((t) => t.funding));
  const metrics = columns(await query({ ...bt, output: 'metrics' }));
  expect(metrics.funding).toEqual([want.metrics.funding]);
  const spot = columns(await query({ ...bt, pair: 'ETHUSDT/BTCUSDT', output: 'trades' }));
  expect(Object.keys(spot)).not.toContain('funding');
});
