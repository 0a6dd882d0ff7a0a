/**
 * StreamConnection's keep-alive rules against a real loopback server: proactive reconnect at
 * the maximum connection age (Binance cuts at 24 h), reconnect after a stall, pongs to pings,
 * and the cap on connection attempts per window (Binance: 300 per 5 min per IP).
 */
import { createServer } from 'node:net';
import { StreamConnection } from '../../src/ingest/connection';
import { RegionRefusedError, RestClient, RestStatusError } from '../../src/ingest/rest';
import { log } from '../../src/log';
import { startFakeBinance } from '../../src/fake-binance';
import { pause, until } from '@quant-pairs/testkit';

beforeAll(() => log.configure({ level: 'error' }));
afterAll(() => log.configure({ level: 'warn' }));

test('reopens proactively when the connection reaches maxConnectionMs, without back-off', async () => {
  const fake = await startFakeBinance({ symbols: ['BTCUSDT'], pingIntervalMs: 50 });
  const opened: boolean[] = [];
  const conn = new StreamConnection({
    url: `${fake.wsUrl}/stream?streams=btcusdt@trade`,
    onMessage: () => undefined,
    onOpen: (r) => opened.push(r),
    maxConnectionMs: 300,
    initialBackoffMs: 5_000,
  });
  try {
    conn.start();
    // With a 5 s back-off, three connections within 2 s prove the age rule reconnects at once.
    await until(() => opened.length >= 3, 'three connections', 2_000);
    expect(opened.slice(0, 3)).toEqual([false, true, true]);
    expect(fake.stats.pongsReceived).toBeGreaterThan(0); // ws answered the fake's pings
  } finally {
    await conn.stop();
    await fake.stop();
  }
  expect(conn.state).toBe('closed');
});

test('a stalled connection (no data, no pings) is dropped and reopened', async () => {
  const fake = await startFakeBinance({ symbols: ['BTCUSDT'], pingIntervalMs: 50 });
  const conn = new StreamConnection({
    url: `${fake.wsUrl}/stream?streams=btcusdt@trade`,
    onMessage: () => undefined,
    stallTimeoutMs: 300,
    initialBackoffMs: 10,
  });
  try {
    conn.start();
    await until(() => conn.state === 'open', 'open');
    await pause(500); // pings keep it alive past the stall timeout
    expect(conn.reconnects).toBe(0);
    fake.stall();
    await until(() => conn.reconnects === 1 && conn.state === 'open', 'reconnect after the stall', 3_000);
  } finally {
    await conn.stop();
    await fake.stop();
  }
});

test('connection attempts stay under maxAttempts per window while the server is down', async () => {
  // A port that refuses connections: listen, note the port, close.
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));

  const conn = new StreamConnection({
    url: `ws://127.0.0.1:${port}/stream?streams=btcusdt@trade`,
    onMessage: () => undefined,
    initialBackoffMs: 1,
    maxBackoffMs: 5,
    maxAttempts: 4,
    attemptWindowMs: 1_500,
  });
  try {
    conn.start();
    await pause(1_000);
    // With a back-off of at most 5 ms, ~100 attempts would fit in 1 s: the cap holds it at 4.
    expect(conn.attemptsInWindow()).toBe(4);
    expect(conn.state).toBe('backoff');
  } finally {
    await conn.stop();
  }
});

test('RestClient waits for the next minute when the reported weight would pass its budget', async () => {
  const fake = await startFakeBinance({ symbols: ['BTCUSDT'] });
  fake.generate(10);
  const waits: number[] = [];
  const rest = new RestClient({ baseUrl: fake.restUrl, kind: 'trade', weightBudget: 30, sleep: async (ms) => void waits.push(ms) });
  try {
    const first = await rest.page('BTCUSDT', 1_000_000, 5);
    expect(first.ticks.map((t) => t.id)).toEqual([1_000_000, 1_000_001, 1_000_002, 1_000_003, 1_000_004]);
    expect(rest.usedWeight).toBe(25); // historicalTrades weighs 25 (FORMATS.md)
    expect(waits).toEqual([]);
    const second = await rest.page('BTCUSDT', 1_000_005, 5);
    expect(second.ticks.map((t) => t.id)).toEqual([1_000_005, 1_000_006, 1_000_007, 1_000_008, 1_000_009]);
    // 25 + 25 > 30: it waited until the next minute before asking.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(60_250);
  } finally {
    await fake.stop();
  }
});

test('RestClient gives up on a 4xx at once (asking again cannot help), saying what the server said', async () => {
  const fake = await startFakeBinance({ symbols: ['BTCUSDT'] });
  const waits: number[] = [];
  const rest = new RestClient({ baseUrl: fake.restUrl, kind: 'aggTrade', sleep: async (ms) => void waits.push(ms) });
  try {
    const err = await rest.page('NOPEUSDT', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestStatusError);
    expect([(err as RestStatusError).message, (err as RestStatusError).transient]).toEqual([
      expect.stringMatching(/binance REST 400 for \/api\/v3\/aggTrades: .*Invalid symbol/),
      false,
    ]);
    expect(waits).toEqual([]);
    expect(fake.stats.restRequests).toHaveLength(1);
  } finally {
    await fake.stop();
  }
});

// Binance answers 451 (403 on some hosts) to regions it does not serve on api.binance.com /
// stream.binance.com (issue 14): a setting must change, so the client stops at the first answer.
test.each([451, 403] as const)('RestClient stops at the first HTTP %i (region refused), naming BINANCE_REST_URL', async (status) => {
  const fake = await startFakeBinance({ symbols: ['BTCUSDT'] });
  fake.generate(5);
  fake.refuseRegion(status);
  const waits: number[] = [];
  const rest = new RestClient({ baseUrl: fake.restUrl, kind: 'trade', sleep: async (ms) => void waits.push(ms) });
  try {
    const err: unknown = await rest.page('BTCUSDT', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegionRefusedError);
    expect((err as Error).message).toBe(
      `Binance refused ${fake.restUrl} from this region (HTTP ${status}); set BINANCE_REST_URL to a host that serves it (default https://data-api.binance.vision)`,
    );
    expect(fake.stats.restRequests.map((r) => r.status)).toEqual([status]); // one request, no retry
    expect(waits).toEqual([]);
    fake.refuseRegion(0);
    expect((await rest.page('BTCUSDT', 1)).ticks).toHaveLength(5); // the same client, served again
  } finally {
    await fake.stop();
  }
});

test.each([451, 403] as const)('a WebSocket handshake answered %i is not retried: one error line naming BINANCE_WS_URL', async (status) => {
  const fake = await startFakeBinance({ symbols: ['BTCUSDT'] });
  fake.refuseRegion(status);
  const lines: string[] = [];
  log.configure({ sink: (l) => void lines.push(l) });
  const conn = new StreamConnection({ url: `${fake.wsUrl}/stream?streams=btcusdt@trade`, onMessage: () => undefined, initialBackoffMs: 1, maxBackoffMs: 5 });
  try {
    conn.start();
    await until(() => conn.state === 'closed', 'the refused connection closed for good');
    // With a back-off of at most 5 ms, a retrying connection would have made many attempts by now.
    await pause(300);
    expect(conn.attemptsInWindow()).toBe(1);
    expect(conn.state).toBe('closed');
    expect(fake.stats.connectionAttempts).toBe(0); // refused before the upgrade
    expect(lines.map((l) => JSON.parse(l) as { level: string; msg: string })).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: `Binance refused ${fake.wsUrl}/stream from this region (HTTP ${status}); set BINANCE_WS_URL to a host that serves it (default wss://data-stream.binance.vision)`,
      }),
    ]);
  } finally {
    log.configure({ sink: (l) => void process.stderr.write(l + '\n') });
    await conn.stop();
    await fake.stop();
  }
});
