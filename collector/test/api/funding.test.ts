/**
 * GET /api/funding (issue 25) on a real SQLite store: settled fundings and the state now of a
 * USD-M perpetual, in the contract's schema (fundingResponse); a spot symbol is a 400 naming
 * `symbol`. Perpetuals also flow through the existing endpoints (ticks, bars, CSV) by name.
 * Prices at their real scales: BTCUSDT.P near 1e5, 1000PEPEUSDT.P near 1e-2, spot PEPEUSDT near 1e-5.
 */
import { fundingResponse } from '@quant-pairs/contract/requests';
import { parsePair } from '../../src/domain';
import { toTick } from '../../src/fake-binance/market';
import { makeTicks, parseCsv, startApi, type Harness } from './helpers';

/** makeTicks' walk around 100, scaled to `level` and rounded to Binance's `tick` (makeTicks rounds to the cent). */
const ticksAt = (symbol: string, level: number, tick: number) =>
  makeTicks(symbol, 50, T8, 1000, 100).map((t) => ({ ...t, price: toTick((t.price / 100) * level, tick) }));

/** 2026-01-05T08:00:00Z: a settlement of every 8-hourly and 4-hourly symbol. */
const T8 = Date.UTC(2026, 0, 5, 8);
const H = 3_600_000;
const NOW = T8 + 2 * H;

let h: Harness;
afterEach(async () => h?.close());

async function withData(over: Parameters<typeof startApi>[0] = {}): Promise<Harness> {
  h = await startApi({ pairs: [parsePair('BTCUSDT.P/BTCUSDT'), parsePair('1000PEPEUSDT.P/PEPEUSDT')], now: () => NOW, ...over });
  await h.store.insertFunding([
    { symbol: 'BTCUSDT.P', ts: T8 - 8 * H, rate: 0.0001, mark: 96_500.12 },
    { symbol: 'BTCUSDT.P', ts: T8, rate: -0.00003512, mark: 97_012.5 },
    { symbol: '1000PEPEUSDT.P', ts: T8 - 4 * H, rate: 0.00012, mark: 0.0104871 },
    { symbol: '1000PEPEUSDT.P', ts: T8, rate: 0.0005, mark: 0.0105231 },
  ]);
  await h.store.insertMarks([
    { symbol: 'BTCUSDT.P', ts: NOW - 2000, mark: 97_100.1, index: 97_090.4, rate: 0.00008, nextFundingTime: T8 + 8 * H },
    { symbol: 'BTCUSDT.P', ts: NOW - 1000, mark: 97_101.3, index: 97_091.0, rate: 0.000081, nextFundingTime: T8 + 8 * H },
  ]);
  return h;
}

test('settlements in [from, to), the newest stored mark as the state, the interval from the stored spacing (a replica)', async () => {
  await withData();
  const r = await h.get(`/api/funding?symbol=btcusdt.p&from=${T8 - 9 * H}`);
  expect(r.status).toBe(200);
  expect(fundingResponse.parse(r.body)).toEqual(r.body);
  expect(r.body).toMatchObject({
    symbol: 'BTCUSDT.P',
    from: T8 - 9 * H,
    intervalHours: 8, // T8 - (T8 - 8 h)
    current: { time: NOW - 1000, mark: 97_101.3, index: 97_091.0, rate: 0.000081, nextFundingTime: T8 + 8 * H },
    events: [
      { time: T8 - 8 * H, rate: 0.0001, mark: 96_500.12 },
      { time: T8, rate: -0.00003512, mark: 97_012.5 },
    ],
  });
  const pepe = await h.get(`/api/funding?symbol=1000PEPEUSDT.P&from=${T8}`);
  // a 4-hourly symbol; no mark stored yet
  expect(pepe.body).toMatchObject({ intervalHours: 4, current: null, events: [{ time: T8, rate: 0.0005, mark: 0.0105231 }] });
  // the default range is the last 30 days
  expect((await h.get('/api/funding?symbol=1000PEPEUSDT.P')).body.events).toHaveLength(2);
});

test("a running funding job's state and fundingInfo interval win over the stored ones", async () => {
  const live = { time: NOW - 10, mark: 97_200, index: 97_190, rate: 0.0002, nextFundingTime: T8 + 8 * H };
  await withData({ funding: { current: (s) => (s === 'BTCUSDT.P' ? live : null), intervalHours: () => 8 } });
  expect((await h.get('/api/funding?symbol=BTCUSDT.P')).body).toMatchObject({ current: live, intervalHours: 8 });
});

test.each([
  ['BTCUSDT', 'BTCUSDT is a spot symbol: funding is paid on USD-M perpetuals, e.g. BTCUSDT.P'],
  ['pepeusdt', 'PEPEUSDT is a spot symbol: funding is paid on USD-M perpetuals, e.g. PEPEUSDT.P'],
  ['BTCUSDT.Q', 'expected a USD-M perpetual such as BTCUSDT.P'],
])('%s is a 400 naming symbol', async (symbol, error) => {
  await withData();
  const r = await h.get(`/api/funding?symbol=${symbol}`);
  expect([r.status, r.body]).toEqual([400, { error: expect.stringContaining(error), param: 'symbol' }]);
});

test('an unknown perpetual is a 404; ticks, bars and CSV take .P symbols beside spot PEPE near 1e-5', async () => {
  await withData();
  expect((await h.get('/api/funding?symbol=ETHUSDT.P')).status).toBe(404);
  await h.store.insertTicks([...ticksAt('1000PEPEUSDT.P', 0.0105, 1e-7), ...ticksAt('PEPEUSDT', 0.0000105, 1e-8)]);
  const ticks = await h.get(`/api/ticks?symbol=1000pepeusdt.p&from=${T8}`);
  expect(ticks.body.symbol).toBe('1000PEPEUSDT.P');
  expect(ticks.body.ticks).toHaveLength(50);
  const bars = await h.get(`/api/bars?symbol=1000PEPEUSDT.P&tf=1s&from=${T8}`);
  expect(bars.body.bars).toHaveLength(50);
  const spot = await h.get(`/api/bars?symbol=PEPEUSDT&tf=1m&from=${T8}`);
  expect(spot.body.bars[0].close).toBeGreaterThan(5e-6);
  expect(spot.body.bars[0].close).toBeLessThan(2e-5);
  const csv = await h.get(`/export?symbol=1000PEPEUSDT.P&from=${T8}&to=${T8 + 60_000}`);
  expect(csv.headers.get('content-disposition')).toMatch(/filename="1000PEPEUSDT\.P_ticks_/);
  expect(parseCsv(csv.text).length).toBe(1 + 50);
});
