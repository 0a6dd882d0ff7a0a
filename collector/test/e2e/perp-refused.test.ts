/**
 * Issue 25: futures are refused in more regions than spot. A collector of spot and perpetual
 * pairs whose futures hosts answer 451 / 403 (REST and the WebSocket handshake) logs one error
 * line per futures setting, naming BINANCE_FUTURES_REST_URL and BINANCE_FUTURES_WS_URL, and keeps
 * ingesting spot: every spot trade the fake made is stored; /api/health shows the perpetuals'
 * websocket closed and says which setting to change.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthResponse } from '@quant-pairs/contract';
import { loadConfig } from '../../src/config';
import { startFakeBinance, startFakeFutures } from '../../src/fake-binance';
import { log } from '../../src/log';
import { startCollector } from '../../src/main';
import { until } from '@quant-pairs/testkit';

const TUNING = { connection: { stallTimeoutMs: 2_000, initialBackoffMs: 20, maxBackoffMs: 200 } };

test.each([451, 403] as const)('futures hosts answering %s stop the perpetuals with one line per setting; spot goes on, every trade stored', async (status) => {
  const dir = mkdtempSync(join(tmpdir(), 'perp-refused-'));
  const lines: Array<Record<string, unknown>> = [];
  log.configure({ level: 'warn', sink: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  const spot = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0 });
  const fut = await startFakeFutures({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0, markIntervalMs: 0 });
  fut.refuseRegion(status);
  const config = loadConfig({
    PAIRS: 'ETHUSDT/BTCUSDT,ETHUSDT.P/BTCUSDT.P',
    BINANCE_WS_URL: spot.wsUrl,
    BINANCE_REST_URL: spot.restUrl,
    BINANCE_FUTURES_WS_URL: fut.wsUrl,
    BINANCE_FUTURES_REST_URL: fut.restUrl,
    DB_PATH: join(dir, 'c.db'),
    PORT: '0',
  });
  const c = await startCollector(config, TUNING);
  try {
    await until(() => c.ingestor.status().wsState === 'open', 'the spot connection');
    spot.generate(200);
    const api = `http://127.0.0.1:${(c.server!.address() as { port: number }).port}`;
    await until(() => lines.filter((l) => l.level === 'error').length >= 2, 'the refusals logged');
    await until(() => ['BTCUSDT', 'ETHUSDT'].every((s) => c.ingestor.status().symbols[s]!.lastId === spot.trades(s).at(-1)!.id), 'every spot trade');
    await c.writer.flush();
    for (const s of ['BTCUSDT', 'ETHUSDT']) expect(await c.store.ticks({ symbol: s, limit: 10_000 })).toEqual(spot.expectedTicks(s));
    const errors = lines.filter((l) => l.level === 'error').map((l) => String(l.msg));
    // one line per setting, though the funding job, the history and the backfill all meet the refused REST host
    expect([...errors].sort()).toEqual(
      [
        `Binance refused ${fut.restUrl} from this region (HTTP ${status}); set BINANCE_FUTURES_REST_URL to a host that serves it (default https://fapi.binance.com)`,
        `Binance refused ${fut.wsUrl}/stream from this region (HTTP ${status}); set BINANCE_FUTURES_WS_URL to a host that serves it (default wss://fstream.binance.com/market)`,
      ].sort(),
    );
    const h = (await (await fetch(`${api}/api/health`)).json()) as HealthResponse;
    expect([h.websocket, h.perpWebsocket]).toEqual(['open', 'closed']);
    expect(h.problems).toContain("perpetuals' websocket (BINANCE_FUTURES_WS_URL) closed");
  } finally {
    await c.stop();
    await spot.stop();
    await fut.stop();
    log.configure({ level: 'warn', sink: (l) => void process.stderr.write(l + '\n') });
    rmSync(dir, { recursive: true, force: true });
  }
});
