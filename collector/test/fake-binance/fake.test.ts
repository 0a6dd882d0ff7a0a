/**
 * The fake Binance speaks Binance's documented formats (test/fixtures/binance/FORMATS.md): the
 * same keys and value types as the samples in samples.jsonl, the subscribe protocol, REST with
 * fromId/limit, weight headers, 429 with Retry-After, the 5 messages/s limit and pong timeouts.
 * Its generated pair is cointegrated: y - b·x has a bounded spread while x wanders.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { until } from '@quant-pairs/testkit';
import { startFakeBinance, type FakeBinance } from '../../src/fake-binance';

const samples = readFileSync(join(__dirname, '../fixtures/binance/samples.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const shape = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v]));

let fake: FakeBinance;
afterEach(async () => fake?.stop());

function open(url: string): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(d.toString()));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('error', reject);
  });
}

test('combined stream frames have the shape of the documented samples, trade and aggTrade', async () => {
  for (const stream of ['trade', 'aggTrade'] as const) {
    fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], stream });
    const { ws, frames } = await open(`${fake.wsUrl}/stream?streams=btcusdt@${stream}/ethusdt@${stream}`);
    fake.generate(2);
    await until(() => frames.length === 4, 'four frames');
    const msg = JSON.parse(frames[0]!) as { stream: string; data: Record<string, unknown> };
    const sample = samples.find((s) => (s.data as { e?: string } | undefined)?.e === stream && !('b' in (s.data as object)))!;
    expect(msg.stream).toBe(`btcusdt@${stream}`);
    expect(shape(msg.data)).toEqual(shape(sample.data as Record<string, unknown>));
    expect(msg.data.p).toMatch(/^\d+\.\d{8}$/);
    ws.close();
    await fake.stop();
  }
});

test('SUBSCRIBE, LIST_SUBSCRIPTIONS, UNSUBSCRIBE and a bad method, answered as Binance does', async () => {
  fake = await startFakeBinance({ symbols: ['BTCUSDT'] });
  const { ws, frames } = await open(`${fake.wsUrl}/ws`);
  ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 }));
  await until(() => frames.length === 1, 'reply');
  fake.generate(1);
  ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 2 }));
  ws.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 3 }));
  ws.send(JSON.stringify({ method: 'SUBSCRIB', params: [], id: 4 }));
  await until(() => frames.length === 5, 'replies');
  fake.generate(1); // unsubscribed: not sent
  await new Promise((r) => setTimeout(r, 50));
  expect(frames.map((f) => JSON.parse(f) as unknown)).toEqual([
    { result: null, id: 1 },
    expect.objectContaining({ e: 'trade', s: 'BTCUSDT' }), // raw /ws: no {stream, data} wrapper
    { result: ['btcusdt@trade'], id: 2 },
    { result: null, id: 3 },
    { ...samples[7], id: 4 }, // samples.jsonl line 8, Binance's answer to the same typo
  ]);
  ws.close();
});

test('more than 5 client messages in a second closes the connection', async () => {
  fake = await startFakeBinance({ symbols: ['BTCUSDT'] });
  const { ws } = await open(`${fake.wsUrl}/ws`);
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  for (let i = 0; i < 6; i++) ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: i }));
  expect(await closed).toBe(1008);
});

test('a client that never pongs is dropped after pongTimeoutMs', async () => {
  fake = await startFakeBinance({ symbols: ['BTCUSDT'], pingIntervalMs: 30, pongTimeoutMs: 150 });
  const ws = new WebSocket(`${fake.wsUrl}/ws`, { autoPong: false });
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  await closed;
  expect(fake.stats.pingsSent).toBeGreaterThan(1);
});

test('REST: fromId/limit pages, weight header, errors, 429 with Retry-After; skipped ids are served', async () => {
  fake = await startFakeBinance({ symbols: ['BTCUSDT'], stream: 'aggTrade', startIds: { BTCUSDT: 100 } });
  fake.skipIds('BTCUSDT', 3);
  fake.generate(10);
  let res = await fetch(`${fake.restUrl}/api/v3/aggTrades?symbol=BTCUSDT&fromId=101&limit=3`);
  expect(res.headers.get('x-mbx-used-weight-1m')).toBe('4');
  const rows = (await res.json()) as Array<Record<string, unknown>>;
  expect(rows.map((r) => r.a)).toEqual([101, 102, 103]);
  expect(Object.keys(rows[0]!)).toEqual(['a', 'p', 'q', 'f', 'l', 'T', 'm', 'M']);
  res = await fetch(`${fake.restUrl}/api/v3/aggTrades?symbol=BTCUSDT&limit=2`); // no fromId: the newest
  expect(((await res.json()) as Array<{ a: number }>).map((r) => r.a)).toEqual([108, 109]);
  res = await fetch(`${fake.restUrl}/api/v3/aggTrades?symbol=NOPE`);
  expect([res.status, await res.json()]).toEqual([400, { code: -1121, msg: 'Invalid symbol.' }]);
  fake.fail429(1, 7);
  res = await fetch(`${fake.restUrl}/api/v3/aggTrades?symbol=BTCUSDT&fromId=100`);
  expect([res.status, res.headers.get('retry-after')]).toEqual([429, '7']);
  res = await fetch(`${fake.restUrl}/api/v3/aggTrades?symbol=BTCUSDT&fromId=100&limit=5000`);
  expect(((await res.json()) as unknown[]).length).toBe(10);
});

test('the generated pair is cointegrated: the spread stays bounded while the hedge leg wanders', async () => {
  fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], seed: 3 });
  fake.generate(5000);
  const x = fake.expectedTicks('BTCUSDT').map((t) => t.price);
  const y = fake.expectedTicks('ETHUSDT').map((t) => t.price);
  const b = 2930 / 87000; // the generator's hedge ratio, base(ETH) / base(BTC)
  const spread = y.map((v, i) => v - b * x[i]!);
  const sd = (a: number[]) => {
    const mean = a.reduce((p, q) => p + q, 0) / a.length;
    return Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  };
  // OU noise: sd = s / sqrt(1 - φ²) = 2930·0.0004 / sqrt(1 - 0.98²) ≈ 5.9 (plus cent rounding).
  expect(sd(spread)).toBeGreaterThan(3);
  expect(sd(spread)).toBeLessThan(9);
  // x itself moves far more in price terms than the spread (a random walk, σ = 0.02 % per step).
  expect(sd(x) * b).toBeGreaterThan(sd(spread));
});
