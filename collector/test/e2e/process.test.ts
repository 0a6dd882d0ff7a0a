/**
 * `collector` as a real process (src/main.ts through tsx) against the fake Binance: SIGTERM right
 * after the last tick arrived must flush the tick writer, so the database holds every trade the
 * fake generated, and the process exits 0. Its log (at debug) never shows the API token. On both
 * markets (issue 25): spot, and USD-M perpetuals from the fake futures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite';
import { startFakeBinance, startFakeFutures } from '../../src/fake-binance';
import { until } from '@quant-pairs/testkit';

const TOKEN = 'process-test-token-7c1d';

test.each(['spot', 'perp'] as const)('%s: SIGTERM flushes every received tick and exits 0', async (market) => {
  const dir = mkdtempSync(join(tmpdir(), 'proc-'));
  const perp = market === 'perp';
  const fake = perp
    ? await startFakeFutures({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0 })
    : await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0 });
  const [btc, eth] = perp ? ['BTCUSDT.P', 'ETHUSDT.P'] : ['BTCUSDT', 'ETHUSDT'];
  const hosts = perp
    ? { BINANCE_FUTURES_WS_URL: fake.wsUrl, BINANCE_FUTURES_REST_URL: fake.restUrl }
    : { BINANCE_WS_URL: fake.wsUrl, BINANCE_REST_URL: fake.restUrl };
  const db = join(dir, 'c.db');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../src/main.ts'), `--pairs=${eth}/${btc}`, `--db-path=${db}`, '--port=0'], {
    env: { ...process.env, ...hosts, LOG_LEVEL: 'debug', API_TOKEN: TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    await until(() => fake.stats.openConnections === 1, 'the collector to connect', 45_000);
    const logged = (): Array<Record<string, unknown>> =>
      stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await until(() => logged().some((l) => l.msg === 'api listening'), 'the API to listen');
    const api = logged().find((l) => l.msg === 'api listening')!.url as string;
    fake.generate(300);
    const last = fake.trades(btc).at(-1)!.time;
    // The API reports what the ingest has seen: wait until it saw the last trade of both symbols.
    await until(async () => {
      const h = (await (await fetch(`${api}/api/health`)).json()) as { symbols: Array<{ lastTickTs: number | null }> };
      return h.symbols.length === 2 && h.symbols.every((s) => s.lastTickTs === last);
    }, 'the last tick to arrive');
    // the token travels in a request header; it must not come back in a log line
    expect((await fetch(`${api}/api/ticks?symbol=${btc}&from=0`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logged().map((l) => l.msg)).toContain('collector stopped');
    expect(stderr).not.toContain(TOKEN);
    const store = await openSqliteStore({ path: db });
    for (const s of [btc, eth]) expect(await store.ticks({ symbol: s, limit: 10_000 })).toEqual(fake.expectedTicks(s));
    await store.close();
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
