/**
 * End to end: the collector as main.ts wires it (fake Binance -> Ingestor -> TickWriter ->
 * SQLite) with drops, serverShutdown, skipped ids, malformed frames and a 429, then stopped and
 * restarted while the fake keeps trading. The database must end with exactly the trades the
 * fake generated (its ground truth), none twice, and every 1s/1m/5m bar must equal the slow
 * reference computed from the stored ticks (test/store/reference.ts) and from the ticks sent.
 * It runs on both markets (issue 25): spot, and USD-M perpetuals from the fake futures (their
 * /market stream, aggregate ids, /fapi/v1 backfill) at their real scales, whose marks and
 * settled fundings must be stored as the fake sent them too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TIMEFRAMES, type Tick } from '../../src/domain';
import { loadConfig, type Config } from '../../src/config';
import type { StreamKind } from '../../src/ingest/types';
import { log } from '../../src/log';
import { startCollector, type Collector } from '../../src/main';
import { openSqliteStore } from '../../src/store/sqlite';
import { startFakeBinance, startFakeFutures, type FakeBinance, type FakeFutures } from '../../src/fake-binance';
import type { Market } from '@quant-pairs/contract';
import type { Store } from '../../src/store/store';
import { pause, until } from '@quant-pairs/testkit';
import { expectBarsMatch } from '../store/contract';
import { referenceBars } from '../store/reference';

const TUNING = { connection: { stallTimeoutMs: 600, initialBackoffMs: 20, maxBackoffMs: 200 } };

let dir: string;
beforeAll(() => log.configure({ level: 'error' }));
afterAll(() => log.configure({ level: 'warn' }));
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'e2e-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Waits until the collector has seen every symbol's last generated id and has no gap open. */
async function settled(c: Collector, fake: FakeBinance | FakeFutures): Promise<void> {
  await until(
    () => {
      const st = c.ingestor.status();
      return c.ingestor.isComplete() && c.config.ingestSymbols.every((s) => st.symbols[s]!.lastId === fake.trades(s).at(-1)!.id);
    },
    'the collector to have every generated id',
    30_000,
  );
}

/** The fake, the settings and the symbols (as stored; BTC first: the fakes' hedge leg) of each market. */
async function marketSetup(market: Market, stream: StreamKind) {
  if (market === 'spot') {
    const fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], stream, rate: 0, pingIntervalMs: 100 });
    const env = { PAIRS: 'ETHUSDT/BTCUSDT,SOLUSDT/BTCUSDT', STREAM: stream, BINANCE_WS_URL: fake.wsUrl, BINANCE_REST_URL: fake.restUrl };
    return { fake, env, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] };
  }
  // funding every 2 s (the demo's option, faster), a minute of it settled before the start
  const fake = await startFakeFutures({
    symbols: ['BTCUSDT', 'ETHUSDT', '1000PEPEUSDT'],
    rate: 0,
    pingIntervalMs: 100,
    fundingIntervalMs: 2_000,
    pastFundingMs: 60_000,
  });
  const env = { PAIRS: 'ETHUSDT.P/BTCUSDT.P,1000PEPEUSDT.P/BTCUSDT.P', BINANCE_FUTURES_WS_URL: fake.wsUrl, BINANCE_FUTURES_REST_URL: fake.restUrl };
  return { fake, env, symbols: ['BTCUSDT.P', 'ETHUSDT.P', '1000PEPEUSDT.P'] };
}

/** Every settlement the fake made up to the newest stored is stored, as Binance's fundingRate wrote it; marks as sent. */
async function expectPerpData(store: Store, fake: FakeFutures, symbol: string): Promise<void> {
  const stored = await store.funding({ symbol });
  expect(stored.length).toBeGreaterThan(30);
  const upTo = stored.at(-1)!.ts;
  const sent = fake.funding(symbol).filter((e) => e.fundingTime <= upTo);
  // the fake writes rates and marks with 8 decimals (fundingRate's strings)
  const r8 = (x: number) => Number(x.toFixed(8));
  expect(stored.map((e) => [e.ts, e.rate, e.mark])).toEqual(sent.map((e) => [e.fundingTime, r8(e.fundingRate), r8(e.markPrice)]));
  const marks = await store.marks({ symbol });
  expect(marks.length).toBeGreaterThan(2);
  const bySecond = new Map(fake.marks(symbol).map((m) => [Math.floor(m.time / 1000) * 1000, m]));
  for (const m of marks) {
    const want = bySecond.get(m.ts)!;
    expect([m.mark, m.index, m.rate, m.nextFundingTime]).toEqual([r8(want.markPrice), r8(want.indexPrice), r8(want.fundingRate), want.nextFundingTime]);
  }
}

async function scenario(stream: StreamKind, market: Market = 'spot'): Promise<void> {
  const { fake, env, symbols } = await marketSetup(market, stream);
  const [btc, eth] = symbols as [string, string, string];
  const config: Config = loadConfig({ ...env, DB_PATH: join(dir, 'collector.db'), PORT: '0' });
  let running: Collector | null = null;
  try {
    let c = (running = await startCollector(config, TUNING));
    await until(() => c.ingestor.status().wsState === 'open', 'connection');
    fake.setRate(150);
    await pause(300);
    fake.sendMalformed();
    fake.skipIds(eth, 40);
    await pause(200);
    fake.dropConnections();
    await until(() => c.ingestor.status().reconnects >= 1, 'reconnect');
    fake.fail429(1, 1);
    fake.skipIds(btc, 1200);
    await pause(300);
    fake.serverShutdown();
    await until(() => c.ingestor.status().reconnects >= 2, 'reconnect after serverShutdown');
    await pause(200);
    fake.setRate(0);
    await settled(c, fake);
    // Stop at once: the writer still holds the last batch, stop() must flush it.
    await c.stop();
    running = null;

    // Down for a while: the fake trades on; a restart must catch up from the stored ids.
    fake.generate(1500);
    c = running = await startCollector(config, TUNING);
    await until(() => c.ingestor.status().wsState === 'open', 'connection after restart');
    fake.generate(20);
    await settled(c, fake);
    await c.stop();
    running = null;

    const store = await openSqliteStore({ path: config.dbPath });
    try {
      for (const symbol of config.symbols) {
        const stored = await store.ticks({ symbol, limit: 1_000_000 });
        const sent = fake.expectedTicks(symbol);
        const byId = (a: Tick, b: Tick) => a.id - b.id;
        expect(stored.length).toBe(sent.length);
        expect(new Set(stored.map((t) => t.id)).size).toBe(stored.length);
        expect([...stored].sort(byId)).toEqual(sent);
        if (market === 'perp') await expectPerpData(store, fake as FakeFutures, symbol);
        for (const tf of TIMEFRAMES) {
          const bars = await store.bars({ symbol, tf, limit: 1_000_000 });
          expectBarsMatch(bars, referenceBars(stored, symbol, tf), `${stream} ${symbol} ${tf} vs stored ticks`);
          expectBarsMatch(bars, referenceBars(sent, symbol, tf), `${stream} ${symbol} ${tf} vs ticks sent`);
        }
      }
    } finally {
      await store.close();
    }
  } finally {
    await running?.stop();
    await fake.stop();
  }
}

test('trade stream: faults and a restart end with exactly the sent ticks in SQLite, bars = reference', () => scenario('trade'));
test('aggTrade stream: faults and a restart end with exactly the sent ticks in SQLite, bars = reference', () => scenario('aggTrade'));
test('perpetuals: faults and a restart end with exactly the sent ticks, every settlement and the marks in SQLite, bars = reference', () =>
  scenario('aggTrade', 'perp'));
