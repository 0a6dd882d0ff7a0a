/**
 * A restart after a 6-hour outage, history beside the live ingest (issue 23 item 3): the ingest's
 * REST backfill of the outage waits while history decides whether its older part comes from
 * klines, and live ticks are stored meanwhile. Whatever history does, no trade is stored twice
 * and none is lost:
 * - klines served: the outage's older part is kline bars, the rest ticks (history's and the
 *   ingest's), and every 1m / 5m bar equals the slow reference of all the trades the fake made;
 * - klines answering 404: the outage repair fails for good (health says so), the ingest backfills
 *   the whole outage by trades, and every trade the fake made is stored, bars equal to the reference.
 * On both markets (issue 25): perpetuals repair from /fapi/v1/klines and backfill by aggregate id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthResponse } from '@quant-pairs/contract';
import { loadConfig } from '../../src/config';
import { bucketStart } from '../../src/domain';
import { startFakeBinance, startFakeFutures, type FakeBinance, type FakeFutures } from '../../src/fake-binance';
import { log } from '../../src/log';
import { startCollector, type Collector } from '../../src/main';
import { openSqliteStore } from '../../src/store/sqlite';
import { expectBarsMatch } from '../store/contract';
import { referenceBars } from '../store/reference';
import { until } from '@quant-pairs/testkit';

const HOUR = 3_600_000;
const TUNING = { connection: { stallTimeoutMs: 2_000, initialBackoffMs: 20, maxBackoffMs: 200 } };

let dir: string;
let fake: FakeBinance | FakeFutures | null = null;
let c: Collector | null = null;
beforeAll(() => log.configure({ level: 'silent' }));
afterAll(() => log.configure({ level: 'warn' }));
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'e2e-history-restart-'))));
afterEach(async () => {
  await c?.stop();
  await fake?.stop();
  c = fake = null;
  rmSync(dir, { recursive: true, force: true });
});

test.each([
  ['spot', 'klines served', 0],
  ['spot', 'klines answering 404', 404],
  ['perp', 'klines served', 0],
  ['perp', 'klines answering 404', 404],
] as const)(
  '%s: a 6-hour outage, %s: live ticks stored while history decides, no trade lost or doubled, bars equal to the reference',
  async (market, _name, klines) => {
    const perp = market === 'perp';
    const SYMBOLS = perp ? ['BTCUSDT.P', 'ETHUSDT.P'] : ['BTCUSDT', 'ETHUSDT'];
    // 7 hours of trades, one a second; the collector stored the first hour, then was down for 6.
    const past = [{ ms: 7 * HOUR, everyMs: 1_000 }];
    const f = (fake = perp
      ? await startFakeFutures({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0, past, markIntervalMs: 0 })
      : await startFakeBinance({ symbols: SYMBOLS, rate: 0, past }));
    const db = join(dir, 'c.db');
    const stop = Date.now() - 6 * HOUR;
    const before = await openSqliteStore({ path: db });
    for (const s of SYMBOLS) await before.insertTicks(f.expectedTicks(s).filter((t) => t.ts < stop));
    const lastTs = Math.max(...(await before.symbols()).map((s) => s.lastTs!));
    await before.close();
    f.refuseKlines(klines);
    // OUTAGE_KLINES_AFTER 1h (default): 6 hours is long in time. HISTORY 1s:15m keeps the 1s klines few.
    const config = loadConfig({
      PAIRS: `${SYMBOLS[1]}/${SYMBOLS[0]}`,
      ...(perp ? { BINANCE_FUTURES_WS_URL: f.wsUrl, BINANCE_FUTURES_REST_URL: f.restUrl } : { BINANCE_WS_URL: f.wsUrl, BINANCE_REST_URL: f.restUrl }),
      DB_PATH: db,
      PORT: '0',
      WINDOWS: '30',
      HISTORY: '1s:15m',
    });
    const col = (c = await startCollector(config, TUNING, { historyRetry: { firstMs: 100, maxMs: 400 } }));
    await until(() => col.ingestor.status().wsState === 'open', 'connection');
    f.setRate(30);
    await new Promise((r) => setTimeout(r, 1_500));
    f.setRate(0);
    await col.historyReady;
    await until(
      () => col.ingestor.isComplete() && SYMBOLS.every((s) => col.ingestor.status().symbols[s]!.lastId === f.trades(s).at(-1)!.id),
      'every generated id',
      30_000,
    );
    await col.writer.flush();

    const h = (await (await fetch(`http://127.0.0.1:${(col.server!.address() as { port: number }).port}/api/health`)).json()) as HealthResponse;
    const outage = h.history.filter((p) => p.part === 'outage');
    expect(outage.map((p) => `${p.symbol} ${p.state}`).sort()).toEqual(SYMBOLS.map((s) => `${s} ${klines ? 'failed' : 'done'}`));
    if (klines) for (const p of outage) expect(p.lastError).toContain(`binance REST 404 for ${perp ? '/fapi/v1/klines' : '/api/v3/klines'}`);

    const b1 = bucketStart(lastTs, '5m') + 300_000;
    for (const symbol of SYMBOLS) {
      const spans = (await col.store.klineSpans(symbol)).filter((k) => k.reason === 'outage');
      const b2 = klines ? b1 : spans.find((k) => k.tf === '1m')!.to;
      if (!klines) expect(b2 - b1).toBeGreaterThan(4 * HOUR); // most of the outage from klines
      // the ticks: every trade the fake made but those of [B1, B2), which the klines stand for
      const want = f.expectedTicks(symbol).filter((t) => t.ts < b1 || t.ts >= b2);
      const got = await col.store.ticks({ symbol, from: 0, limit: 1_000_000 });
      expect([symbol, got.length]).toEqual([symbol, want.length]);
      expect(got.map((t) => t.id)).toEqual(want.map((t) => t.id));
      expect(await col.store.idGaps!(symbol, 0)).toEqual([]);
      for (const tf of ['1m', '5m'] as const)
        expectBarsMatch(await col.store.bars({ symbol, tf, from: 0, limit: 1_000_000 }), referenceBars(f.expectedTicks(symbol), symbol, tf), `${symbol} ${tf}`);
    }
  },
);
