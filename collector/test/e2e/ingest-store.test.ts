/**
 * End to end: the collector as main.ts wires it (fake Binance -> Ingestor -> TickWriter ->
 * SQLite) with drops, serverShutdown, skipped ids, malformed frames and a 429, then stopped and
 * restarted while the fake keeps trading. The database must end with exactly the trades the
 * fake generated (its ground truth), none twice, and every 1s/1m/5m bar must equal the slow
 * reference computed from the stored ticks (test/store/reference.ts) and from the ticks sent.
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
import { startFakeBinance, type FakeBinance } from '../../src/fake-binance';
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
async function settled(c: Collector, fake: FakeBinance): Promise<void> {
  await until(
    () => {
      const st = c.ingestor.status();
      return c.ingestor.isComplete() && c.config.ingestSymbols.every((s) => st.symbols[s]!.lastId === fake.trades(s).at(-1)!.id);
    },
    'the collector to have every generated id',
    30_000,
  );
}

async function scenario(stream: StreamKind): Promise<void> {
  // BTCUSDT first: the fake's hedge leg.
  const fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], stream, rate: 0, pingIntervalMs: 100 });
  const config: Config = loadConfig({
    PAIRS: 'ETHUSDT/BTCUSDT,SOLUSDT/BTCUSDT',
    STREAM: stream,
    BINANCE_WS_URL: fake.wsUrl,
    BINANCE_REST_URL: fake.restUrl,
    DB_PATH: join(dir, 'collector.db'),
    PORT: '0',
  });
  let running: Collector | null = null;
  try {
    let c = (running = await startCollector(config, TUNING));
    await until(() => c.ingestor.status().wsState === 'open', 'connection');
    fake.setRate(150);
    await pause(300);
    fake.sendMalformed();
    fake.skipIds('ETHUSDT', 40);
    await pause(200);
    fake.dropConnections();
    await until(() => c.ingestor.status().reconnects >= 1, 'reconnect');
    fake.fail429(1, 1);
    fake.skipIds('BTCUSDT', 1200);
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
