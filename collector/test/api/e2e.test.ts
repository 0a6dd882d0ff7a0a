/**
 * The collector as main.ts wires it (fake Binance on 127.0.0.1 -> Ingestor -> TickWriter ->
 * SQLite, and the API with a token) exercised over HTTP: health, symbols, pairs, ticks, bars,
 * analytics, stats, signals, CSV export, alerts, metrics and the live push. Ground truth is the
 * fake's record of every trade it generated (`expectedTicks`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { log } from '../../src/log';
import { startCollector, type Collector } from '../../src/main';
import { startFakeBinance, type FakeBinance } from '../../src/fake-binance';
import { pause, until, expectAcrossPaths } from '@quant-pairs/testkit';
import { parseCsv } from './helpers';
import { LiveClient } from './wsclient';

const TOKEN = 'e2e-token';
const auth = { authorization: `Bearer ${TOKEN}` };
let dir: string;
let fake: FakeBinance;
let c: Collector;
let url: string;

async function get(path: string, headers: Record<string, string> = auth): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const r = await fetch(url + path, { headers });
  const text = await r.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: r.status, body, text, headers: r.headers };
}

/** The rules the beforeAll's settings give: PAPER_STOP, PAPER_FEE_BPS, PAPER_LAG; entry ENTRY_Z (2); the rest issue 16's defaults. */
const PAPER_RULES = { entry: 2, exit: 0, stop: 3, maxHold: null, cooldown: 0, lag: 2, feeBps: 25, slippageBps: 0, notional: 1000 };

const storedCount = (): number => Object.values(c.ingestor.status().symbols).reduce((n, s) => n + s.ticks, 0);

beforeAll(async () => {
  log.configure({ level: 'error' });
  dir = mkdtempSync(join(tmpdir(), 'api-e2e-'));
  fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0, pingIntervalMs: 100 });
  const config = loadConfig({
    PAIRS: 'ETHUSDT/BTCUSDT',
    BINANCE_WS_URL: fake.wsUrl,
    BINANCE_REST_URL: fake.restUrl,
    DB_PATH: join(dir, 'collector.db'),
    HOST: '127.0.0.1',
    PORT: '0',
    API_TOKEN: TOKEN,
    WINDOWS: '3',
    // the paper positions' own rules (issue 16), which /api/stats and the live push report
    PAPER_STOP: '3',
    PAPER_FEE_BPS: '25',
    PAPER_LAG: '2',
  });
  c = await startCollector(config, { connection: { stallTimeoutMs: 600, initialBackoffMs: 20, maxBackoffMs: 200 } });
  url = `http://127.0.0.1:${(c.server!.address() as AddressInfo).port}`;
  await until(() => c.ingestor.status().wsState === 'open', 'the WebSocket to open');
  fake.setRate(40);
  await until(() => storedCount() > 200, 'ticks');
});

afterAll(async () => {
  await c?.stop();
  await fake?.stop().catch(() => undefined); // the last test stops it already
  rmSync(dir, { recursive: true, force: true });
  log.configure({ level: 'warn' });
});

/** Waits until every trade the fake generated so far is stored. */
async function settled(): Promise<void> {
  fake.setRate(0);
  const want = fake.trades('BTCUSDT').length + fake.trades('ETHUSDT').length;
  await until(async () => (await c.store.symbols()).reduce((n, s) => n + s.ticks, 0) >= want, `all ${want} ticks stored`);
}

it('reports health without a token: ok, websocket open, fresh ticks, database ok', async () => {
  const r = await get('/api/health', {});
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ status: 'ok', problems: [], websocket: 'open', reconnects: 0, database: { ok: true, kind: 'sqlite' } });
  expect(r.body.version).toMatch(/^\d+\.\d+\.\d+/);
  for (const s of r.body.symbols) expect(s.lastTickAgeSec).toBeLessThan(5);
});

it('serves symbols, pairs, ticks, bars and CSV equal to what the fake sent', async () => {
  await settled();
  const sym = await get('/api/symbols');
  const btc = fake.expectedTicks('BTCUSDT');
  expect(sym.body.symbols.find((s: any) => s.symbol === 'BTCUSDT')).toMatchObject({ configured: true, ticks: btc.length, firstTs: btc[0]!.ts });
  expect((await get('/api/pairs')).body.windows).toEqual([3]);

  const from = btc[0]!.ts;
  const ticks = await get(`/api/ticks?symbol=BTCUSDT&from=${from}&limit=10000`);
  expect(ticks.body.ticks).toEqual(btc.map(({ symbol: _s, ...t }) => t));

  const csv = parseCsv((await get(`/export?symbol=BTCUSDT&from=${new Date(from).toISOString()}`)).text);
  expect(
    csv.slice(1).map((r) => ({ symbol: r[2], id: Number(r[3]), ts: Number(r[1]), price: Number(r[4]), qty: Number(r[5]), isBuyerMaker: r[6] === 'true' })),
  ).toEqual(btc);

  const bars = await get(`/api/bars?symbol=ETHUSDT&tf=1s&from=${from - 1000}`);
  const eth = fake.expectedTicks('ETHUSDT');
  expect(bars.body.bars.reduce((n: number, b: { trades: number }) => n + b.trades, 0)).toBe(eth.length);
  expect(bars.body.bars[bars.body.bars.length - 1].close).toBe(eth[eth.length - 1]!.price);
});

it('serves analytics, signals and stats of the pair; a tick shows in /api/stats at once', async () => {
  fake.setRate(40);
  await pause(3500);
  const a = await get('/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=3&maxDataPoints=500');
  expect(a.status).toBe(200);
  expect(a.body.series.ts.length).toBeGreaterThan(3);
  if (!a.body.series.zscore.some((z: number | null) => z !== null)) throw new Error(JSON.stringify(a.body));
  const s = await get('/api/signals?pair=ETHUSDT/BTCUSDT&tf=1s&window=3');
  expect(Array.isArray(s.body.events)).toBe(true);

  // Trades stop and every one is stored before the live engine's committed point is compared
  // with the stored bars: the engine commits a second when the next one's first trade arrives,
  // while that second's last trades may still wait in the store's write batch (under load,
  // /api/analytics then read a bar without them: another close, another beta).
  fake.setRate(0);
  const generated = fake.symbols.reduce((n, sym) => n + fake.expectedTicks(sym).length, 0);
  await until(async () => (await c.store.symbols()).reduce((n, s) => n + s.ticks, 0) >= generated, 'every generated trade stored', 5000);
  const live = await get('/api/stats?pair=ETHUSDT/BTCUSDT&tf=1s&window=3');
  expect(live.status).toBe(200);
  expect(live.body.source).toBe('live');
  // the live paper position of the configured window (issue 16), under the PAPER_* settings above (BACKTEST_DEFAULTS for the others)
  expect(live.body.position).toMatchObject({ side: expect.stringMatching(/^(LONG|SHORT|FLAT)$/), equity: expect.any(Number) });
  expect(live.body.position.rules).toEqual(PAPER_RULES);
  // The live engine's committed point equals /api/analytics from the stored bars at that time
  // (same alignment rule, same start: the first stored bar), within the tolerances across
  // computation paths (test/support/acrossPaths.ts): the two run their sums separately.
  const at = live.body.committed.ts;
  const series = await get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=3&from=${at}&to=${at + 1}`);
  expect(series.body.series.ts).toEqual([at]);
  expect(live.body.committed.zscore).not.toBeNull();
  const yScale = Math.max(...fake.expectedTicks('ETHUSDT').map((t) => t.price));
  for (const [k, q] of [
    ['beta', 'beta'],
    ['spread', 'level'],
    ['zscore', 'z'],
  ] as const) {
    expectAcrossPaths([series.body.series[k][0]], [live.body.committed[k]], q, `committed ${k}`, yScale);
  }
  const computed = await get('/api/stats?pair=ETHUSDT/BTCUSDT&tf=1s&window=7');
  expect(computed.body.source).toBe('computed');

  // One more trade: its price is in the next /api/stats answer.
  fake.generate(1);
  const last = fake.expectedTicks('BTCUSDT').pop()!;
  await until(async () => (await get('/api/stats?pair=ETHUSDT/BTCUSDT&tf=1s&window=3')).body.prices.x.ts === last.ts, 'the new tick in /api/stats', 2000);
  const after = await get('/api/stats?pair=ETHUSDT/BTCUSDT&tf=1s&window=3');
  expect(after.body.prices.x).toEqual({ price: last.price, ts: last.ts });
});

it('counts reconnects, rejected messages and ingested ticks in /metrics and health', async () => {
  fake.setRate(0);
  fake.sendMalformed();
  fake.dropConnections();
  await until(() => c.ingestor.status().reconnects >= 1 && c.ingestor.status().wsState === 'open' && c.ingestor.isComplete(), 'reconnect and backfill');
  const m = await get('/metrics');
  expect(m.status).toBe(200);
  expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
  const value = (re: RegExp): number => Number(re.exec(m.text)?.[1]);
  const st = c.ingestor.status();
  expect(value(/^collector_reconnects_total (\d+)/m)).toBe(st.reconnects);
  expect(value(/^collector_ticks_ingested_total\{symbol="BTCUSDT"\} (\d+)/m)).toBe(st.symbols.BTCUSDT!.ticks);
  const rejected = [...m.text.matchAll(/^collector_messages_rejected_total\{kind="[^"]+"\} (\d+)/gm)].reduce((n, r) => n + Number(r[1]), 0);
  expect(rejected).toBe(Object.values(st.rejected).reduce((a, b) => a + b, 0));
  expect(rejected).toBeGreaterThan(0);
  expect(m.text).toMatch(/^collector_last_tick_age_seconds\{symbol="ETHUSDT"\} [\d.e-]+$/m);
  expect(m.text).toMatch(/^collector_backfilled_ticks_total /m);
  expect(m.text).toMatch(/^http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/stats",status="200"\} \d+/m);
  expect(m.text).toMatch(/^nodejs_eventloop_lag_seconds [\d.e-]+$/m);
  const h = await get('/api/health', {});
  expect(h.body.reconnects).toBe(st.reconnects);
});

it('stores and lists Grafana webhook alerts', async () => {
  // A payload in the shape of Grafana's webhook notifier (grafana/alerting receivers/webhook).
  const payload = {
    receiver: 'collector',
    status: 'firing',
    orgId: 1,
    version: '1',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    title: '[FIRING:1] z high',
    state: 'alerting',
    message: 'z = 2.4',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'z high', pair: 'ETHUSDT/BTCUSDT' },
        annotations: { summary: 'z = 2.4' },
        startsAt: '2025-01-01T00:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        values: { B: 2.4 },
        fingerprint: 'abc',
      },
    ],
    groupLabels: {},
    commonLabels: { alertname: 'z high' },
    commonAnnotations: {},
    externalURL: 'http://grafana:3000/',
  };
  const r = await fetch(`${url}/api/alerts`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  expect(r.status).toBe(201);
  const stored = await r.json();
  expect(stored).toMatchObject({ status: 'firing', payload });
  const list = await get('/api/alerts?limit=5');
  expect(list.body.alerts[0]).toEqual(stored);
  expect((await fetch(`${url}/api/alerts`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
});

it('pushes live prices of the pair every 500 ms over the WebSocket', async () => {
  const ws = await LiveClient.connect(url.replace('http', 'ws') + '/api/live', auth);
  try {
    fake.setRate(20);
    ws.send({ type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 3 }] });
    await ws.next((m) => m.type === 'subscribed');
    const u1 = await ws.next((m) => m.type === 'update', 3000);
    const u2 = await ws.next((m) => m.type === 'update' && m.ts > u1.ts, 3000);
    expect(u2.ts - u1.ts).toBeGreaterThanOrEqual(450);
    const sent = new Set(fake.expectedTicks('ETHUSDT').map((t) => `${t.ts}:${t.price}`));
    expect(sent.has(`${u2.prices.ETHUSDT.ts}:${u2.prices.ETHUSDT.price}`)).toBe(true);
    expect(u2.analytics[0]).toMatchObject({ pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 3 });
    expect(u2.analytics[0].position.rules).toEqual(PAPER_RULES);
  } finally {
    ws.close();
    fake.setRate(0);
  }
});

it('says degraded (still 200, with the reason) when the Binance connection is down', async () => {
  await fake.stop();
  await until(() => c.ingestor.status().wsState !== 'open', 'the connection to drop');
  const r = await get('/api/health', {});
  expect(r.status).toBe(200);
  expect(r.body.status).toBe('degraded');
  expect(r.body.problems).toContain(`websocket ${r.body.websocket}`);
  expect(r.body.websocket).not.toBe('open');
});
