/**
 * `npm start` without Binance (issue 28 item 1): the built collector (dist/main.js, as `npm
 * start` runs it) with every Binance host refused (BINANCE_WS_URL and BINANCE_REST_URL on a
 * closed 127.0.0.1 port) serves /api/health within 5 s, saying history is retrying; its log at
 * info level holds one line naming the host and suggesting the demo, and no stack trace. The
 * same with UNIVERSE=top:N: the failed look-up does not stop the start, health says so; and with
 * USD-M perpetuals (issue 25), their futures hosts (BINANCE_FUTURES_*) closed the same way.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthResponse } from '@quant-pairs/contract';
import { until } from '@quant-pairs/testkit';

/** A 127.0.0.1 port nothing listens on: one the OS gave out and took back. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const perps = (port: number): Record<string, string> => ({
  PAIRS: 'ETHUSDT.P/BTCUSDT.P',
  BINANCE_FUTURES_WS_URL: `ws://127.0.0.1:${port}/market`,
  BINANCE_FUTURES_REST_URL: `http://127.0.0.1:${port}`,
});

test.each([
  ['PAIRS only', (): Record<string, string> => ({})],
  ['UNIVERSE=top:5', (): Record<string, string> => ({ UNIVERSE: 'top:5' })],
  ['perpetuals', perps],
])(
  'every Binance host refused (%s): /api/health within 5 s, one line naming the host and the demo, no stack',
  async (_name, extraOf) => {
    const dir = mkdtempSync(join(tmpdir(), 'offline-'));
    const port = await closedPort();
    const extra = extraOf(port);
    const started = Date.now();
    const child = spawn(process.execPath, [join(__dirname, '../../dist/main.js')], {
      env: {
        ...process.env,
        PAIRS: 'ETHUSDT/BTCUSDT',
        BINANCE_WS_URL: `ws://127.0.0.1:${port}`,
        BINANCE_REST_URL: `http://127.0.0.1:${port}`,
        ...extra,
        DB_PATH: join(dir, 'c.db'),
        PORT: '0',
        LOG_LEVEL: 'info',
        LOG_PRETTY: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const lines = (): Array<Record<string, unknown>> =>
      stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    try {
      let health: HealthResponse | null = null;
      await until(
        async () => {
          const api = lines().find((l) => l.msg === 'api listening')?.url as string | undefined;
          if (!api) return false;
          const res = await fetch(`${api}/api/health`).catch(() => null);
          if (res?.status === 200) health = (await res.json()) as HealthResponse;
          return health !== null;
        },
        'the API to answer /api/health',
        5_000,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      const h = health!;
      expect(h.status).toBe('degraded');
      expect(h.history.length).toBeGreaterThan(0);
      // loading, retried in the background, each attempt failing to reach the host
      await until(
        async () => {
          const api = lines().find((l) => l.msg === 'api listening')!.url as string;
          const now = (await (await fetch(`${api}/api/health`)).json()) as HealthResponse;
          return (
            now.history.every((p) => p.state === 'loading' && p.lastError === `cannot reach 127.0.0.1:${port}: ECONNREFUSED`) &&
            now.history.some((p) => p.attempts > 1)
          );
        },
        'health to say history is retrying',
        8_000,
      );
      if ('UNIVERSE' in extra) expect(h.universe).toEqual({ state: 'loading', attempts: 1, lastError: `cannot reach 127.0.0.1:${port}: ECONNREFUSED` });
      else expect(h.universe).toBeNull();
      // a few retries of the WebSocket and REST pass (backoff from 1 s), then the log is judged
      await new Promise((r) => setTimeout(r, 1_500));
      const hint = lines().filter((l) => String(l.msg).includes('npm run demo'));
      expect(hint.map((l) => [l.level, String(l.msg).includes(`127.0.0.1:${port}`)])).toEqual([['warn', true]]);
      expect(stderr).not.toMatch(/\\n\s+at |"stack"/);
      expect(child.exitCode).toBeNull(); // still running
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  },
  20_000,
);
