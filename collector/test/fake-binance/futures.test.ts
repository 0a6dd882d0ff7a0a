/**
 * The fake USD-M futures speak Binance's derivatives formats (issue 25). Where each rule comes from:
 * - routed WebSocket paths: "USD-M Futures routes streams by path ... /market: regular market data,
 *   for example @aggTrade and @markPrice ... A connection with no routed path only receives /public
 *   data ... fails silently" (developers.binance.com/docs/products/caas/market-data-streams);
 * - aggTrade / markPriceUpdate fields and the REST pages: /work/shared/binance/FUTURES.md, checked
 *   against developers.binance.com/docs/derivatives/usds-margined-futures: market-data/rest-api/
 *   Get-Funding-Rate-History (fundingRate and fundingInfo share 500 / 5 min / IP; limit <= 1000),
 *   Mark-Price (premiumIndex: weight 1 with symbol, 10 without; an array without symbol).
 */
import WebSocket from 'ws';
import { until } from '@quant-pairs/testkit';
import { startFakeBinance, startFakeFutures, type FakeFutures } from '../../src/fake-binance';
import { spotPriceOf } from '../../src/fake-binance/futuresPrices';

let fut: FakeFutures;
afterEach(async () => fut?.stop());

function open(url: string): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(d.toString()));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('error', reject);
  });
}

const get = async (path: string) => {
  const r = await fetch(`${fut.restUrl}${path}`);
  return { status: r.status, body: (await r.json()) as any, headers: r.headers };
};

test('/market carries aggTrade (id a, no M) and markPrice@1s; an unrouted or /public connection gets neither', async () => {
  fut = await startFakeFutures({ symbols: ['BTCUSDT', '1000PEPEUSDT'], markIntervalMs: 0 });
  expect(fut.wsUrl).toMatch(/\/market$/);
  const base = fut.wsUrl.replace(/\/market$/, '');
  const streams = 'btcusdt@aggTrade/1000pepeusdt@aggTrade/btcusdt@markPrice@1s';
  const routed = await open(`${fut.wsUrl}/stream?streams=${streams}`);
  const raw = await open(`${fut.wsUrl}/ws/btcusdt@aggTrade`);
  const unrouted = await open(`${base}/stream?streams=${streams}`);
  const pub = await open(`${base}/public/ws/btcusdt@aggTrade`);
  fut.generate(1);
  fut.sendMarks();
  await until(() => routed.frames.length === 3 && raw.frames.length === 1, 'the routed frames');
  const msgs = routed.frames.map((f) => JSON.parse(f) as { stream: string; data: Record<string, unknown> });
  const agg = msgs.find((m) => m.stream === 'btcusdt@aggTrade')!.data;
  expect(Object.keys(agg).sort()).toEqual(['E', 'T', 'a', 'e', 'f', 'l', 'm', 'p', 'q', 's'].sort());
  expect(agg).toMatchObject({ e: 'aggTrade', s: 'BTCUSDT', a: expect.any(Number), m: expect.any(Boolean) });
  const pepe = msgs.find((m) => m.stream === '1000pepeusdt@aggTrade')!.data;
  // 1000PEPEUSDT near 1e-2 on its 1e-7 tick
  expect(Number(pepe.p)).toBeGreaterThan(0.005);
  expect(Number(pepe.p)).toBeLessThan(0.02);
  expect(Math.abs(Number(pepe.p) / 1e-7 - Math.round(Number(pepe.p) / 1e-7))).toBeLessThan(1e-6);
  const mark = msgs.find((m) => m.stream === 'btcusdt@markPrice@1s')!.data;
  expect(Object.keys(mark).sort()).toEqual(['E', 'P', 'T', 'e', 'i', 'p', 'r', 's'].sort());
  expect(mark).toMatchObject({ e: 'markPriceUpdate', s: 'BTCUSDT', T: expect.any(Number) });
  expect(Number(mark.p)).toBeGreaterThan(5e4);
  expect(JSON.parse(raw.frames[0]!)).toMatchObject({ e: 'aggTrade', s: 'BTCUSDT' });
  await new Promise((r) => setTimeout(r, 50));
  expect(unrouted.frames).toEqual([]);
  expect(pub.frames).toEqual([]);
  for (const c of [routed, raw, unrouted, pub]) c.ws.close();
});

test('REST aggTrades by id and by time (less than 1 h), klines without 1s and up to 1500, premiumIndex one or all, exchangeInfo', async () => {
  fut = await startFakeFutures({ symbols: ['BTCUSDT', 'ETHUSDT'], past: [{ ms: 3 * 3_600_000, everyMs: 10_000 }], markIntervalMs: 0 });
  const trades = fut.expectedTicks('BTCUSDT');
  expect(trades[0]!.symbol).toBe('BTCUSDT.P');
  const byId = await get(`/fapi/v1/aggTrades?symbol=BTCUSDT&fromId=${trades[5]!.id}&limit=3`);
  expect(byId.status).toBe(200);
  expect(byId.body.map((r: { a: number }) => r.a)).toEqual(trades.slice(5, 8).map((t) => t.id));
  expect(Object.keys(byId.body[0]).sort()).toEqual(['T', 'a', 'f', 'l', 'm', 'p', 'q']);
  expect(byId.headers.get('x-mbx-used-weight-1m')).toBe('20');
  const t0 = trades[10]!.ts;
  const byTime = await get(`/fapi/v1/aggTrades?symbol=BTCUSDT&startTime=${t0}&endTime=${t0 + 59_999}`);
  expect(byTime.body.map((r: { T: number }) => r.T)).toEqual(trades.filter((t) => t.ts >= t0 && t.ts <= t0 + 59_999).map((t) => t.ts));
  expect(await get(`/fapi/v1/aggTrades?symbol=BTCUSDT&startTime=${t0}&endTime=${t0 + 3_600_000}`)).toMatchObject({
    status: 400,
    body: { code: -1127, msg: 'More than 1 hours between startTime and endTime.' },
  });
  expect(await get('/fapi/v1/klines?symbol=BTCUSDT&interval=1s')).toMatchObject({ status: 400, body: { code: -1120, msg: 'Invalid interval.' } });
  const klines = await get('/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1500');
  expect(klines.status).toBe(200);
  expect(klines.body.length).toBeGreaterThan(170); // 3 h of 1m candles
  expect(klines.body[0]).toHaveLength(12);
  const one = await get('/fapi/v1/premiumIndex?symbol=BTCUSDT');
  expect(Object.keys(one.body).sort()).toEqual(
    ['symbol', 'markPrice', 'indexPrice', 'estimatedSettlePrice', 'lastFundingRate', 'interestRate', 'nextFundingTime', 'time'].sort(),
  );
  const all = await get('/fapi/v1/premiumIndex');
  expect(all.body.map((r: { symbol: string }) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
  const info = await get('/fapi/v1/exchangeInfo');
  expect(info.body.symbols[0]).toMatchObject({ symbol: 'BTCUSDT', contractType: 'PERPETUAL', status: 'TRADING' });
  expect(info.body.symbols[0].filters[0]).toMatchObject({ filterType: 'PRICE_FILTER', tickSize: '0.01000000' });
});

test('funding: every 8 h by default, 4 h where adjusted (only those in fundingInfo), paged fundingRate; every minute in the demo', async () => {
  fut = await startFakeFutures({ symbols: ['BTCUSDT', '1000PEPEUSDT'], fundingIntervalHours: { '1000PEPEUSDT': 4 }, markIntervalMs: 0 });
  const btc = fut.funding('BTCUSDT');
  const pepe = fut.funding('1000PEPEUSDT');
  // 30 days: 90 settlements at 8 h, 180 at 4 h
  expect(btc).toHaveLength(90);
  expect(pepe).toHaveLength(180);
  for (const e of btc) expect(e.fundingTime % (8 * 3_600_000)).toBe(0);
  expect(btc.some((e) => e.fundingRate < 0)).toBe(true);
  expect((await get('/fapi/v1/fundingInfo')).body).toEqual([
    { symbol: '1000PEPEUSDT', adjustedFundingRateCap: '0.02000000', adjustedFundingRateFloor: '-0.02000000', fundingIntervalHours: 4, disclaimer: false },
  ]);
  const page = await get(`/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=${btc[10]!.fundingTime}&limit=5`);
  expect(page.body).toEqual(
    btc.slice(10, 15).map((e) => ({ symbol: 'BTCUSDT', fundingRate: e.fundingRate.toFixed(8), fundingTime: e.fundingTime, markPrice: e.markPrice.toFixed(8) })),
  );
  expect((await get('/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1000')).body).toHaveLength(90);
  const mark = (await get('/fapi/v1/premiumIndex?symbol=1000PEPEUSDT')).body;
  expect(mark.nextFundingTime % (4 * 3_600_000)).toBe(0);
  expect(mark.nextFundingTime).toBeGreaterThan(Date.now());
  await fut.stop();

  fut = await startFakeFutures({ symbols: ['BTCUSDT'], fundingIntervalMs: 60_000, pastFundingMs: 10 * 60_000, markIntervalMs: 0 });
  expect(fut.funding('BTCUSDT')).toHaveLength(10);
  expect((await get('/fapi/v1/fundingInfo')).body).toMatchObject([{ symbol: 'BTCUSDT', fundingIntervalHours: 1 / 60 }]);
});

test('faults: 451 / 403 on REST and the handshake, 429 and 418 with Retry-After, REST down, skipped ids still served', async () => {
  fut = await startFakeFutures({ symbols: ['BTCUSDT'], markIntervalMs: 0 });
  fut.refuseRegion(451);
  expect((await get('/fapi/v1/premiumIndex')).status).toBe(451);
  await expect(open(`${fut.wsUrl}/ws/btcusdt@aggTrade`)).rejects.toThrow(/451/);
  fut.refuseRegion(403);
  expect((await get('/fapi/v1/premiumIndex')).status).toBe(403);
  fut.refuseRegion(0);
  fut.fail429(1, 2, 418);
  const banned = await get('/fapi/v1/premiumIndex');
  expect([banned.status, banned.headers.get('retry-after')]).toEqual([418, '2']);
  expect((await get('/fapi/v1/premiumIndex')).status).toBe(200);
  fut.restDown(true);
  await expect(fetch(`${fut.restUrl}/fapi/v1/ping`)).rejects.toThrow();
  fut.restDown(false);
  const c = await open(`${fut.wsUrl}/ws/btcusdt@aggTrade`);
  fut.skipIds('BTCUSDT', 2);
  fut.generate(3);
  await until(() => c.frames.length === 1, 'the one trade not skipped');
  const all = fut.expectedTicks('BTCUSDT');
  expect(JSON.parse(c.frames[0]!).a).toBe(all[2]!.id);
  expect((await get(`/fapi/v1/aggTrades?symbol=BTCUSDT&fromId=${all[0]!.id}`)).body).toHaveLength(3);
  c.ws.close();
});

test("followSpot (the demo's basis pairs): each perpetual trade is spot at its time plus a basis of a few bps", async () => {
  const spot = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], past: [{ ms: 600_000, everyMs: 1_000 }] });
  try {
    fut = await startFakeFutures({
      symbols: ['BTCUSDT', 'ETHUSDT'],
      past: [{ ms: 300_000, everyMs: 2_000 }],
      markIntervalMs: 0,
      followSpot: spotPriceOf((s) => spot.trades(s)),
    });
    const at = spotPriceOf((s) => spot.trades(s));
    for (const s of ['BTCUSDT', 'ETHUSDT']) {
      const basis = fut.trades(s).map((t) => Number(t.price) / at(s, t.time)! - 1);
      expect(basis.length).toBe(150);
      // AR(1) around 2 bps with a 0.3 bp shock (stationary sd ~1.2 bps) and rounding to the cent
      for (const b of basis) expect(Math.abs(b - 0.0002)).toBeLessThan(0.001);
    }
  } finally {
    await spot.stop();
  }
});
