/**
 * The perpetuals' funding job (ingest/funding.ts) against the fake futures on 127.0.0.1, a real
 * SQLite store. Binance's rules it follows (test/fixtures/binance/FUTURES.md, checked against developers.binance.com
 * usds-margined-futures market-data rest-api: Get-Funding-Rate-History, Mark-Price):
 * fundingInfo lists only adjusted symbols (others 8 h), fundingRate pages at most 1000 rows by
 * startTime and shares 500 requests per 5 minutes with fundingInfo.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '@quant-pairs/testkit';
import { startFakeFutures, type FakeFutures } from '../../src/fake-binance';
import { FundingJob } from '../../src/ingest/funding';
import { RestClient } from '../../src/ingest/rest';
import { log } from '../../src/log';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';

const DAY = 86_400_000;
let dir: string;
let store: Store;
let fut: FakeFutures;
beforeAll(() => log.configure({ level: 'silent' }));
afterAll(() => log.configure({ level: 'warn' }));
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'funding-'));
  store = await openSqliteStore({ path: join(dir, 'c.db') });
});
afterEach(async () => {
  await store.close();
  await fut?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const job = (symbols: string[], o: Partial<ConstructorParameters<typeof FundingJob>[0]> = {}) =>
  new FundingJob({
    rest: new RestClient({ baseUrl: fut.restUrl, kind: 'aggTrade', api: 'futures', giveUpAfter: 1 }),
    store,
    symbols,
    flushMs: 20,
    settleRetryMs: 20,
    ...o,
  });

const stored = (symbol: string) => store.funding({ symbol }).then((es) => es.map((e) => [e.ts, e.rate, e.mark]));
const sent = (symbol: string) => fut.funding(symbol).map((e) => [e.fundingTime, Number(e.fundingRate.toFixed(8)), Number(e.markPrice.toFixed(8))]);
const fundingRequests = () => fut.stats.restRequests.filter((r) => r.path === '/fapi/v1/fundingRate');

test('30 days of settlements (8 h, and 4 h where fundingInfo says so), the state from premiumIndex; a restart asks only for what it lacks', async () => {
  fut = await startFakeFutures({ symbols: ['BTCUSDT', '1000PEPEUSDT'], fundingIntervalHours: { '1000PEPEUSDT': 4 }, markIntervalMs: 0 });
  const a = job(['BTCUSDT.P', '1000PEPEUSDT.P']);
  a.start();
  await a.ready;
  expect(await stored('BTCUSDT.P')).toEqual(sent('BTCUSDT'));
  expect(await stored('1000PEPEUSDT.P')).toEqual(sent('1000PEPEUSDT'));
  expect([a.intervalHours('BTCUSDT.P'), a.intervalHours('1000PEPEUSDT.P')]).toEqual([8, 4]);
  expect(a.current('1000PEPEUSDT.P')).toMatchObject({ intervalHours: 4, nextFundingTime: expect.any(Number), mark: expect.any(Number) });
  expect(a.current('1000PEPEUSDT.P')!.mark).toBeLessThan(0.1); // 1000PEPE near 1e-2
  await a.stop();
  const before = fundingRequests().length;
  const b = job(['BTCUSDT.P', '1000PEPEUSDT.P']);
  b.start();
  await b.ready;
  await b.stop();
  // one request a symbol, from the newest stored: it answers nothing new
  expect(
    fundingRequests()
      .slice(before)
      .map((r) => new URLSearchParams(r.query).get('startTime')),
  ).toEqual([String(fut.funding('BTCUSDT').at(-1)!.fundingTime + 1), String(fut.funding('1000PEPEUSDT').at(-1)!.fundingTime + 1)]);
  expect(await stored('BTCUSDT.P')).toEqual(sent('BTCUSDT'));
});

test('paged by startTime, 1000 a page: 30 days of settlements every minute (43,200) arrive whole', async () => {
  fut = await startFakeFutures({ symbols: ['BTCUSDT'], fundingIntervalMs: 60_000, pastFundingMs: 30 * DAY, markIntervalMs: 0 });
  const j = job(['BTCUSDT.P']);
  j.start();
  await j.ready;
  await j.stop();
  expect(fut.funding('BTCUSDT')).toHaveLength(43_200);
  expect(await stored('BTCUSDT.P')).toEqual(sent('BTCUSDT'));
  expect(fundingRequests().length).toBe(44); // 43 full pages and the short last one
  expect(fundingRequests().every((r) => new URLSearchParams(r.query).get('limit') === '1000')).toBe(true);
});

test("each settlement the stream announces is Binance's row; with REST unreachable, the stream's last rate and mark before it", async () => {
  fut = await startFakeFutures({ symbols: ['BTCUSDT'], fundingIntervalMs: 2_000, pastFundingMs: 10_000, markIntervalMs: 0, rate: 20 });
  const j = job(['BTCUSDT.P']);
  j.start();
  await j.ready;
  // the job hears the stream through its ingestor: here, the fake's mark updates handed over as parsed
  const feed = setInterval(() => {
    fut.sendMarks();
    const m = fut.marks('BTCUSDT').at(-1)!;
    j.onMark('BTCUSDT.P', {
      symbol: 'BTCUSDT',
      eventTime: m.time,
      mark: m.markPrice,
      index: m.indexPrice,
      rate: m.fundingRate,
      nextFundingTime: m.nextFundingTime,
    });
  }, 250);
  try {
    const n = fut.funding('BTCUSDT').length;
    await until(async () => (await store.funding({ symbol: 'BTCUSDT.P' })).length >= n + 2, 'two settlements after the start');
    expect(await stored('BTCUSDT.P')).toEqual(sent('BTCUSDT').slice(0, (await stored('BTCUSDT.P')).length));
    // REST unreachable now: the stream's view of the next settlement is stored
    const k = (await store.funding({ symbol: 'BTCUSDT.P' })).length;
    fut.restDown(true);
    await until(async () => (await store.funding({ symbol: 'BTCUSDT.P' })).length > k, 'a settlement from the stream', 15_000);
    const e = (await store.funding({ symbol: 'BTCUSDT.P' }))[k]!;
    const official = fut.funding('BTCUSDT').find((x) => x.fundingTime === e.ts)!;
    expect(e.rate).toBe(Number(official.fundingRate.toFixed(8))); // the rate the stream announced is the one settled
  } finally {
    clearInterval(feed);
    fut.restDown(false);
    await j.stop();
  }
  expect((await store.marks({ symbol: 'BTCUSDT.P' })).length).toBeGreaterThan(3);
});
