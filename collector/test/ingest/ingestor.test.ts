/**
 * The live ingest against our fake Binance on 127.0.0.1, with every fault it can inject:
 * malformed frames, skipped ids (a gap longer than one REST page), a dropped connection,
 * serverShutdown, a stall without pings, and a 429 with Retry-After. The run must end with
 * exactly the trades the fake generated (its recorded ground truth), none twice.
 * The sink here is a plain array (the store is exercised in test/e2e). Each scenario runs on both
 * markets (issue 25): spot, and Binance USD-M perpetuals (the fake futures' routed /market stream,
 * aggregate ids, /fapi/v1/aggTrades), at their real scales (BTCUSDT.P ~1e5, 1000PEPEUSDT.P ~1e-2).
 */
import type { Tick } from '../../src/domain';
import { Ingestor } from '../../src/ingest/ingestor';
import { log } from '../../src/log';
import type { StreamKind, TickSource } from '../../src/ingest/types';
import { startFakeBinance, startFakeFutures, type FakeBinance, type FakeFutures } from '../../src/fake-binance';
import type { Market } from '@quant-pairs/contract';
import { pause, until } from '@quant-pairs/testkit';

/** The symbols of each market as stored (perpetuals with `.P`), and Binance's names the fakes take. */
const SYMBOLS_OF: Record<Market, string[]> = { spot: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], perp: ['BTCUSDT.P', 'ETHUSDT.P', '1000PEPEUSDT.P'] };
const venue = (s: string) => s.replace(/\.P$/, '');

/** The fake of a market, with the faults both serve. */
function startFake(market: Market, stream: StreamKind, symbols: readonly string[]): Promise<FakeBinance | FakeFutures> {
  return market === 'spot'
    ? startFakeBinance({ symbols: [...symbols], stream, rate: 0, pingIntervalMs: 100, pongTimeoutMs: 2_000 })
    : startFakeFutures({ symbols: symbols.map(venue), rate: 0, pingIntervalMs: 100, markIntervalMs: 0 });
}

const logged: Array<Record<string, unknown>> = [];
beforeAll(() => log.configure({ level: 'warn', sink: (line) => void logged.push(JSON.parse(line) as Record<string, unknown>) }));
afterAll(() => log.configure({ sink: (line) => void process.stderr.write(line + '\n') }));

async function scenario(stream: StreamKind, market: Market = 'spot'): Promise<void> {
  logged.length = 0;
  const SYMBOLS = SYMBOLS_OF[market];
  const [first, second, third] = SYMBOLS as [string, string, string];
  const fake = await startFake(market, stream, SYMBOLS);
  const stored: Tick[] = [];
  const seenBy: Record<TickSource, number> = { live: 0, backfill: 0, replay: 0 };
  const ingestor = new Ingestor({
    wsUrl: fake.wsUrl,
    restUrl: fake.restUrl,
    symbols: SYMBOLS,
    stream,
    market,
    sink: { write: (ticks) => void stored.push(...ticks) },
    connection: { stallTimeoutMs: 600, initialBackoffMs: 20, maxBackoffMs: 200 },
  });
  ingestor.onTicks((ticks, source) => (seenBy[source] += ticks.length));
  try {
    await ingestor.start();
    await until(() => ingestor.status().wsState === 'open', 'first connection');
    fake.setRate(100);
    await until(() => stored.length > 60, 'first live ticks');

    fake.sendMalformed();
    fake.sendMalformed();
    fake.skipIds(second, 30);
    await pause(300);

    expect(fake.dropConnections()).toBe(1);
    await until(() => ingestor.status().reconnects >= 1, 'reconnect after drop');
    await pause(200);

    fake.serverShutdown();
    await until(() => ingestor.status().reconnects >= 2, 'reconnect after serverShutdown');

    // A gap longer than one REST page (limit 1000), and the first REST answer is a 429.
    fake.fail429(1, 1);
    fake.setRate(0);
    fake.skipIds(first, 1500);
    fake.generate(1500);
    fake.setRate(100);
    await pause(300);

    fake.stall();
    await until(() => ingestor.status().reconnects >= 3, 'reconnect after a stall');
    await pause(200);

    // A drop right after the last trade: only the catch-up after reconnecting can find it.
    fake.setRate(0);
    fake.skipIds(third, 3);
    fake.generate(3);
    fake.dropConnections();
    await until(() => ingestor.status().reconnects >= 4, 'reconnect after the last drop');

    const expected = SYMBOLS.flatMap((s) => fake.expectedTicks(s));
    await until(() => stored.length >= expected.length && ingestor.isComplete(), `all ${expected.length} ticks`, 30_000);
    await pause(100);

    const key = (t: Tick) => `${t.symbol}:${t.id}`;
    const sort = (a: Tick, b: Tick) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.id - b.id);
    expect(new Set(stored.map(key)).size).toBe(stored.length); // none twice
    expect([...stored].sort(sort)).toEqual([...expected].sort(sort)); // exactly what was generated

    const st = ingestor.status();
    expect(seenBy.live + seenBy.backfill).toBe(expected.length);
    expect(seenBy.backfill).toBe(st.backfilledTicks);
    expect(st.backfilledTicks).toBeGreaterThanOrEqual(30 + 1500 + 3);
    expect(st.gapsBackfilled).toBeGreaterThanOrEqual(3);
    const bad = market === 'spot' ? 'invalid-trade' : 'invalid-aggTrade'; // the fake's malformed trade frame has t (a) "x"
    expect(st.rejected).toMatchObject({ 'not-json': 2, 'not-an-object': 2, [bad]: 2, 'unexpected-event-depthUpdate': 2 });
    // Counted every time, logged once per kind.
    const rejectedLogs = logged.filter((l) => l.msg === 'binance message rejected').map((l) => l.kind);
    expect(rejectedLogs.sort()).toEqual(['not-json', 'not-an-object', bad, 'unexpected-event-depthUpdate'].sort());
    for (const s of SYMBOLS) {
      const ids = fake.trades(s).map((t) => t.id);
      expect(st.symbols[s]).toMatchObject({ ticks: ids.length, lastId: ids[ids.length - 1] });
    }

    // Retry-After honoured: the request after the 429 came at least 1 s later.
    const reqs = fake.stats.restRequests;
    const i429 = reqs.findIndex((r) => r.status === 429);
    expect(i429).toBeGreaterThanOrEqual(0);
    expect(reqs[i429 + 1]!.at - reqs[i429]!.at).toBeGreaterThanOrEqual(990);
    const path = market === 'perp' ? '/fapi/v1/aggTrades' : stream === 'trade' ? '/api/v3/historicalTrades' : '/api/v3/aggTrades';
    expect(reqs.every((r) => r.path === path)).toBe(true);
    if (market === 'perp') expect(stored.filter((t) => t.symbol === '1000PEPEUSDT.P').every((t) => t.price > 1e-3 && t.price < 0.1)).toBe(true);
    // ws answered the fake's pings, and never sent a message of its own (the 5 msg/s limit).
    expect(fake.stats.pongsReceived).toBeGreaterThan(0);
    expect(fake.stats.clientMessages).toBe(0);
  } finally {
    await ingestor.stop();
    await fake.stop();
  }
}

test('trade stream: faults end with exactly the ticks the fake sent, none twice', () => scenario('trade'));
test('aggTrade stream: faults end with exactly the ticks the fake sent, none twice', () => scenario('aggTrade'));
test('perpetuals (USD-M aggTrade on /market, backfill by aggregate id): faults end with exactly the ticks the fake sent, none twice', () =>
  scenario('aggTrade', 'perp'));

test.each([
  ['spot', 'BTCUSDT', 'trade', 'BINANCE_REST_URL', 'https://data-api.binance.vision'],
  ['perp', 'BTCUSDT.P', 'aggTrade', 'BINANCE_FUTURES_REST_URL', 'https://fapi.binance.com'],
] as const)(
  '%s: a REST host that refuses the region (451) stops the backfill for good with one error line naming the setting; live ticks go on',
  async (market, symbol, stream, setting, def) => {
    logged.length = 0;
    const fake = await startFake(market, stream, [symbol]);
    const stored: Tick[] = [];
    const ingestor = new Ingestor({
      wsUrl: fake.wsUrl,
      restUrl: fake.restUrl,
      symbols: [symbol],
      stream,
      market,
      sink: { write: (ticks) => void stored.push(...ticks) },
    });
    try {
      await ingestor.start();
      await until(() => ingestor.status().wsState === 'open', 'first connection');
      fake.generate(3);
      await until(() => stored.length === 3, 'first live ticks');
      // The open connection keeps streaming; new REST requests (and handshakes) get 451.
      fake.refuseRegion(451);
      fake.skipIds(symbol, 2);
      fake.generate(4); // ids 4-5 skipped: a gap only REST could fill
      await until(() => logged.some((l) => l.level === 'error'), 'the refusal logged');
      // The ingestor re-tries a failed backfill after 5 s; a refusal must not be re-tried.
      await pause(5_500);
      expect(fake.stats.restRequests.map((r) => r.status)).toEqual([451]);
      expect(logged.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
        `Binance refused ${fake.restUrl} from this region (HTTP 451); set ${setting} to a host that serves it (default ${def})`,
      ]);
      fake.generate(1);
      await until(() => stored.length === 3 + 2 + 1, 'live ticks after the refusal');
      expect(ingestor.isComplete()).toBe(false); // the gap stays visible (ids 4-5)
    } finally {
      await ingestor.stop();
      await fake.stop();
    }
  },
  20_000,
);
