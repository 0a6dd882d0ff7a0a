/**
 * /api/stats' `carry` (issue 25) on a real SQLite store, for ETHUSDT.P/BTCUSDT.P and the basis
 * pair BTCUSDT.P/BTCUSDT, in the contract's schema. Expected values are worked by hand from the
 * analytics README's carry formulas (collector/src/analytics/README.md, "Funding carry"): ETH
 * funded 1e-4 and BTC 0.5e-4 every 8 h for 30 days annualise to 1e-4 · 1095.75 = 0.109575 and
 * 0.0547875 (YEAR = 365.25 days). A spot pair's stats have no `carry`.
 */
import { statsResponse } from '@quant-pairs/contract/requests';
import { parsePair } from '../../src/domain';
import type { FundingEvent } from '../../src/store/store';
import { makeTicks, startApi, type Harness } from './helpers';

const H = 3_600_000;
/** 2026-01-05T08:00:00Z, a settlement time; the ticks run for 5 minutes from there. */
const T8 = Date.UTC(2026, 0, 5, 8);
const NOW = T8 + 300_000 + 500;

/** Every 8 h for the 30 days before T8 (T8 included): 91 settlements at `rate`, the first just outside the 30 days before NOW. */
const every8h = (symbol: string, rate: number, mark: number): FundingEvent[] =>
  Array.from({ length: 91 }, (_, k) => ({ symbol, ts: T8 - (90 - k) * 8 * H, rate, mark }));

let h: Harness;
beforeAll(async () => {
  h = await startApi({ pairs: [parsePair('ETHUSDT.P/BTCUSDT.P'), parsePair('BTCUSDT.P/BTCUSDT'), parsePair('ETHUSDT/BTCUSDT')], now: () => NOW });
  await h.store.insertTicks([
    ...makeTicks('ETHUSDT.P', 300, T8, 1000, 3500.5, 3),
    ...makeTicks('BTCUSDT.P', 300, T8, 1000, 97_050, 5),
    ...makeTicks('BTCUSDT', 300, T8, 1000, 97_000, 5),
    ...makeTicks('ETHUSDT', 300, T8, 1000, 3500, 3),
  ]);
  await h.store.insertFunding([...every8h('ETHUSDT.P', 1e-4, 3500), ...every8h('BTCUSDT.P', 0.5e-4, 97_000)]);
  await h.store.insertMarks([{ symbol: 'BTCUSDT.P', ts: NOW - 1500, mark: 97_051.5, index: 97_001.25, rate: 0.000061, nextFundingTime: T8 + 8 * H }]);
});
afterAll(() => h.close());

test('ETHUSDT.P/BTCUSDT.P: each leg annualised over 30 days, the spread carry at the latest beta and prices', async () => {
  const r = await h.get('/api/stats?pair=ETHUSDT.P/BTCUSDT.P&tf=1s&window=20');
  expect(r.status).toBe(200);
  expect(statsResponse.parse(r.body)).toEqual(r.body);
  const { carry, prices } = r.body;
  const beta: number = (r.body.provisional ?? r.body.committed).beta;
  expect(carry.y).toEqual({ rate: null, nextFundingTime: null, premiumBps: null, annualised: expect.any(Number), events: 90, intervalHours: 8 });
  // BTCUSDT.P's newest stored mark of the last hour is its state now
  expect(carry.x).toEqual({
    rate: 0.000061,
    nextFundingTime: T8 + 8 * H,
    premiumBps: expect.any(Number),
    annualised: expect.any(Number),
    events: 90,
    intervalHours: 8,
  });
  expect(carry.x.premiumBps).toBeCloseTo(((97_051.5 - 97_001.25) / 97_001.25) * 1e4, 9);
  expect(carry.y.annualised).toBeCloseTo(0.109575, 12);
  expect(carry.x.annualised).toBeCloseTo(0.0547875, 12);
  // carry(LONG) = -a_y + a_x · beta · px / py; SHORT its negative
  const long = -0.109575 + (0.0547875 * beta * prices.x.price) / prices.y.price;
  expect(carry.long).toBeCloseTo(long, 12);
  expect(carry.short).toBeCloseTo(-long, 12);
  expect(carry.basis).toBeNull();
});

test('BTCUSDT.P/BTCUSDT: the basis in bps and annualised over the 8 h interval; the spot leg carries nothing', async () => {
  const r = await h.get('/api/stats?pair=BTCUSDT.P/BTCUSDT&tf=1s&window=20');
  expect(statsResponse.parse(r.body)).toEqual(r.body);
  const { carry, prices } = r.body;
  expect(carry.x).toBeNull();
  const premium = (prices.y.price - prices.x.price) / prices.x.price;
  expect(premium).toBeGreaterThan(0); // the perp's walk starts 50 above spot's, the same steps
  expect(carry.basis.bps).toBeCloseTo(premium * 1e4, 9);
  expect(carry.basis.annualised).toBeCloseTo(premium * 1095.75, 12);
  const beta: number = (r.body.provisional ?? r.body.committed).beta;
  expect(carry.long).toBeCloseTo(-0.0547875, 12);
  expect(carry.short).toBeCloseTo(0.0547875, 12);
  expect(beta).toEqual(expect.any(Number));
});

test("a running funding job's state wins; a spot pair has no carry", async () => {
  await h.close();
  const state = { time: NOW - 10, mark: 3500.2, index: 3499.9, rate: -0.00002, nextFundingTime: T8 + 4 * H };
  const live = { current: (s: string) => (s === 'ETHUSDT.P' ? state : null), intervalHours: () => 4 };
  h = await startApi({ pairs: [parsePair('ETHUSDT.P/BTCUSDT.P'), parsePair('ETHUSDT/BTCUSDT')], now: () => NOW, funding: live });
  await h.store.insertTicks([...makeTicks('ETHUSDT.P', 300, T8, 1000, 3500.5, 3), ...makeTicks('BTCUSDT.P', 300, T8, 1000, 97_050, 5)]);
  await h.store.insertTicks([...makeTicks('ETHUSDT', 300, T8, 1000, 3500, 3), ...makeTicks('BTCUSDT', 300, T8, 1000, 97_000, 5)]);
  const r = await h.get('/api/stats?pair=ETHUSDT.P/BTCUSDT.P&tf=1s&window=20');
  expect(r.body.carry.y).toEqual({
    rate: -0.00002,
    nextFundingTime: T8 + 4 * H,
    premiumBps: expect.any(Number),
    annualised: null,
    events: 0,
    intervalHours: 4,
  });
  expect(r.body.carry.y.premiumBps).toBeCloseTo(((3500.2 - 3499.9) / 3499.9) * 1e4, 9);
  expect(r.body.carry.x).toMatchObject({ rate: null, annualised: null, events: 0 });
  // no settlements yet: the legs carry 0 (pairCarry)
  expect([r.body.carry.long, r.body.carry.short]).toEqual([0, 0]);
  const spot = await h.get('/api/stats?pair=ETHUSDT/BTCUSDT&tf=1s&window=20');
  expect(spot.status).toBe(200);
  expect('carry' in spot.body).toBe(false);
});
