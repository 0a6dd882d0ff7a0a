/**
 * Regression (found by the soak's kill -9 run): a collector killed while a gap backfill was
 * pending had stored the live ticks above the gap but not the gap itself; on restart it caught
 * up from the highest stored id only, so the hole stayed forever. Now the store reports holes
 * in its ids (Store.idGaps) and the ingestor backfills them on start.
 *
 * The expected ticks are the fake Binance's ground truth (every trade it generated). On both
 * markets (issue 25): spot trades, and USD-M perpetuals' aggregate trades from the fake futures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ingestor } from '../../src/ingest/ingestor';
import { log } from '../../src/log';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { TickWriter } from '../../src/store/tickWriter';
import { startFakeBinance, startFakeFutures, type FakeBinance, type FakeFutures } from '../../src/fake-binance';
import type { Market } from '@quant-pairs/contract';
import { pause, until } from '@quant-pairs/testkit';

beforeAll(() => log.configure({ level: 'error' }));
afterAll(() => log.configure({ level: 'warn' }));

describe.each(['spot', 'perp'] as Market[])('%s', (market) => {
  const [BTC, ETH] = market === 'perp' ? ['BTCUSDT.P', 'ETHUSDT.P'] : ['BTCUSDT', 'ETHUSDT'];
  let dir: string;
  let fake: FakeBinance | FakeFutures;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'resume-gaps-'));
    fake =
      market === 'perp'
        ? await startFakeFutures({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0, pingIntervalMs: 100, markIntervalMs: 0 })
        : await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], stream: 'trade', rate: 0, pingIntervalMs: 100 });
    store = await openSqliteStore({ path: join(dir, 'c.db') });
  });
  afterEach(async () => {
    await store.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The state a kill -9 mid-backfill leaves: everything stored but ids [a, b] of ETHUSDT (and one BTCUSDT id). */
  async function crashedState(): Promise<{ hole: [number, number] }> {
    fake.generate(1500);
    const eth = fake.expectedTicks(ETH);
    const hole: [number, number] = [eth[100]!.id, eth[1299]!.id]; // 1200 ids: more than one REST page
    await store.insertTicks(eth.filter((t) => t.id < hole[0] || t.id > hole[1]));
    const btc = fake.expectedTicks(BTC);
    await store.insertTicks(btc.filter((t) => t.id !== btc[700]!.id));
    return { hole };
  }

  function ingestor(withGaps: boolean, writer: TickWriter): Ingestor {
    return new Ingestor({
      wsUrl: fake.wsUrl,
      restUrl: fake.restUrl,
      symbols: [BTC, ETH],
      stream: market === 'perp' ? 'aggTrade' : 'trade',
      market,
      sink: writer,
      lastTradeId: (s) => store.lastTradeId(s),
      idGaps: withGaps ? (s, from) => store.idGaps!(s, from) : undefined,
      connection: { stallTimeoutMs: 600, initialBackoffMs: 20, maxBackoffMs: 200 },
    });
  }

  test('Store.idGaps lists the holes below the last stored id, from an id up', async () => {
    const { hole } = await crashedState();
    expect(await store.idGaps!(ETH, 0)).toEqual([hole]);
    expect(await store.idGaps!(ETH, hole[1] + 1)).toEqual([]);
    const btc = fake.expectedTicks(BTC);
    expect(await store.idGaps!(BTC, 0)).toEqual([[btc[700]!.id, btc[700]!.id]]);
    expect(await store.idGaps!('NOPEUSDT', 0)).toEqual([]);
  });

  test('a restart backfills the holes a crash left, and then stores exactly what the fake generated', async () => {
    await crashedState();
    const writer = new TickWriter(store, { flushMs: 20 });
    const ing = ingestor(true, writer);
    try {
      await ing.start();
      await until(() => ing.status().wsState === 'open', 'connection');
      fake.generate(30);
      await until(
        async () => (await store.idGaps!(ETH, 0)).length === 0 && (await store.idGaps!(BTC, 0)).length === 0 && ing.isComplete(),
        'holes backfilled',
        15_000,
      );
      await pause(100);
    } finally {
      await ing.stop();
      await writer.close();
    }
    for (const s of [BTC, ETH]) {
      const stored = (await store.ticks({ symbol: s })).map((t) => t.id).sort((a, b) => a - b);
      expect(stored).toEqual(fake.expectedTicks(s).map((t) => t.id));
    }
  });

  test('without idGaps (the old behaviour) the hole stays: the regression this guards against', async () => {
    const { hole } = await crashedState();
    const writer = new TickWriter(store, { flushMs: 20 });
    const ing = ingestor(false, writer);
    try {
      await ing.start();
      await until(() => ing.status().wsState === 'open', 'connection');
      fake.generate(30);
      await until(() => ing.isComplete() && ing.status().symbols[ETH]!.ticks >= 30, 'caught up', 15_000);
      await pause(200);
    } finally {
      await ing.stop();
      await writer.close();
    }
    expect(await store.idGaps!(ETH, 0)).toEqual([hole]);
  });
});
