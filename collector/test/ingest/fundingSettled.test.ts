/**
 * FundingJob.onSettled (issue 25): every settlement the job stores, from the start-up history
 * (`/fapi/v1/fundingRate` of our fake futures) and from the mark stream crossing its next funding
 * time, is announced once stored: main.ts hands them to the live paper positions, which pay them.
 * A real SQLite store and the real fake futures; ETHUSDT.P near 3,500 and BTCUSDT.P near 97,000.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '@quant-pairs/testkit';
import { startFakeFutures } from '../../src/fake-binance';
import { FundingJob } from '../../src/ingest/funding';
import { RestClient } from '../../src/ingest/rest';
import { openSqliteStore } from '../../src/store/sqlite';
import type { FundingEvent } from '../../src/store/store';

test('the history and a settlement seen on the mark stream are announced as stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'funding-settled-'));
  const fake = await startFakeFutures({ symbols: ['BTCUSDT', 'ETHUSDT'], fundingIntervalMs: 60_000, pastFundingMs: 10 * 60_000, markIntervalMs: 0 });
  const store = await openSqliteStore({ path: join(dir, 'db.sqlite') });
  const rest = new RestClient({ baseUrl: fake.restUrl, kind: 'aggTrade', api: 'futures', giveUpAfter: 3 });
  const job = new FundingJob({ rest, store, symbols: ['ETHUSDT.P', 'BTCUSDT.P'], settleRetryMs: 5 });
  const heard: FundingEvent[] = [];
  job.onSettled((events) => heard.push(...events));
  try {
    job.start();
    await job.ready;
    const stored = [...(await store.funding({ symbol: 'ETHUSDT.P' })), ...(await store.funding({ symbol: 'BTCUSDT.P' }))];
    // ten minutes of minutely settlements a symbol (the fake's pastFundingMs / fundingIntervalMs)
    expect(stored.length).toBeGreaterThanOrEqual(18);
    expect(heard).toEqual(stored);
    // the stream's next funding time moves past T: the settlement at T is stored, then announced
    const T = Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000;
    job.onMark('ETHUSDT.P', { symbol: 'ETHUSDT', eventTime: T - 500, mark: 3501.25, index: 3500.5, rate: 0.00012, nextFundingTime: T });
    job.onMark('ETHUSDT.P', { symbol: 'ETHUSDT', eventTime: T + 500, mark: 3502, index: 3501, rate: 0.0001, nextFundingTime: T + 60_000 });
    await until(() => heard.some((e) => e.ts === T), 'the settlement at T announced', 5_000);
    expect(heard.at(-1)).toEqual({ symbol: 'ETHUSDT.P', ts: T, rate: 0.00012, mark: 3501.25 });
    expect((await store.funding({ symbol: 'ETHUSDT.P', from: T })).map((e) => e.ts)).toEqual([T]);
  } finally {
    await job.stop();
    await store.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
