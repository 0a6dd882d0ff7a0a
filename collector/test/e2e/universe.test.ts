/**
 * UNIVERSE (issue 15): `top:N` is the N USDT symbols of largest 24 h quote volume in Binance's
 * /api/v3/ticker/24hr, looked up at start. The pure pick (topUsdtSymbols) on hand-written
 * answers; the fake Binance's endpoint against the quote volumes of its own trades; and a
 * collector started with UNIVERSE=top:2 against the fake ingests and scans exactly those two
 * beside the pairs' symbols, on one combined-stream connection. The daily refresh (interval
 * shortened): when the fake's ranking changes, the collector ingests and scans the new top N,
 * loads history for the symbol it did not have, drops the old ones, and loses no tick of the
 * symbols it keeps across the re-opened stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthResponse } from '@quant-pairs/contract';
import { loadConfig } from '../../src/config';
import { startFakeBinance, type FakeBinance } from '../../src/fake-binance';
import { topUsdtSymbols, tradingUsdtSymbols } from '../../src/ingest/rest';
import { log } from '../../src/log';
import { startCollector, type Collector } from '../../src/main';
import { openSqliteStore } from '../../src/store/sqlite';
import { pause, until } from '@quant-pairs/testkit';

const HOUR = 3_600_000;

describe('topUsdtSymbols', () => {
  it('keeps USDT-quoted symbols with a numeric quote volume, largest first, ties by symbol', () => {
    const body = JSON.stringify([
      { symbol: 'ETHBTC', quoteVolume: '9e12' },
      { symbol: 'BTCUSDT', quoteVolume: '5000000000.5' },
      { symbol: 'ETHUSDT', quoteVolume: '3000000000' },
      { symbol: 'XRPUSDT', quoteVolume: '3000000000' },
      { symbol: 'BADUSDT', quoteVolume: 'n/a' },
      { symbol: 'DOGEUSDT', quoteVolume: '10' },
      null,
      'SOLUSDT',
      { symbol: 'usdt', quoteVolume: '1e15' },
    ]);
    expect(topUsdtSymbols(body, 3)).toEqual(['BTCUSDT', 'ETHUSDT', 'XRPUSDT']);
    expect(topUsdtSymbols(body, 10)).toEqual(['BTCUSDT', 'ETHUSDT', 'XRPUSDT', 'DOGEUSDT']);
    expect(() => topUsdtSymbols('{"code":-1}', 2)).toThrow(/did not answer an array/);
    expect(() => topUsdtSymbols('<html>', 2)).toThrow(/did not answer JSON/);
  });
});

describe('tradingUsdtSymbols (UNIVERSE=all)', () => {
  it('keeps TRADING USDT spot symbols of an exchangeInfo answer, in symbol order', () => {
    // shaped as Binance's /api/v3/exchangeInfo (symbols[].status, quoteAsset, isSpotTradingAllowed)
    const body = JSON.stringify({
      timezone: 'UTC',
      symbols: [
        { symbol: 'XRPUSDT', status: 'TRADING', quoteAsset: 'USDT', isSpotTradingAllowed: true },
        { symbol: 'BTCUSDT', status: 'TRADING', quoteAsset: 'USDT', isSpotTradingAllowed: true },
        { symbol: 'ETHBTC', status: 'TRADING', quoteAsset: 'BTC', isSpotTradingAllowed: true },
        { symbol: 'LUNAUSDT', status: 'BREAK', quoteAsset: 'USDT', isSpotTradingAllowed: true },
        { symbol: 'OLDUSDT', status: 'TRADING', quoteAsset: 'USDT', isSpotTradingAllowed: false },
        { symbol: '1000SATSUSDT', status: 'TRADING', quoteAsset: 'USDT' },
        null,
      ],
    });
    expect(tradingUsdtSymbols(body)).toEqual(['1000SATSUSDT', 'BTCUSDT', 'XRPUSDT']);
    expect(() => tradingUsdtSymbols('[]')).toThrow(/no symbols array/);
    expect(() => tradingUsdtSymbols('<html>')).toThrow(/did not answer JSON/);
  });
});

describe('UNIVERSE=top:N against the fake Binance', () => {
  let dir: string;
  /** The collector's settings against the fake: the pair ETHUSDT/BTCUSDT, its own database, any port, and `over`. */
  const settingsFor = (f: FakeBinance, over: Record<string, string>) =>
    loadConfig({ PAIRS: 'ETHUSDT/BTCUSDT', BINANCE_WS_URL: f.wsUrl, BINANCE_REST_URL: f.restUrl, DB_PATH: join(dir, 'c.db'), PORT: '0', ...over });
  let fake: FakeBinance | null = null;
  let c: Collector | null = null;
  beforeAll(() => log.configure({ level: 'error' }));
  afterAll(() => log.configure({ level: 'warn' }));
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'e2e-universe-'))));
  afterEach(async () => {
    await c?.stop();
    await fake?.stop();
    c = fake = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('the fake answers /api/v3/ticker/24hr from its trades; the collector ingests and scans the top N', async () => {
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT'];
    const f = (fake = await startFakeBinance({ symbols, rate: 0, past: [{ ms: HOUR, everyMs: 10_000 }] }));
    const r = await fetch(`${f.restUrl}/api/v3/ticker/24hr`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-mbx-used-weight-1m')).toBe('80');
    const rows = (await r.json()) as { symbol: string; quoteVolume: string; volume: string; count: number }[];
    expect(rows.map((x) => x.symbol).sort()).toEqual([...symbols].sort());
    // each symbol's quote volume = Σ price·qty of its trades, as its own trades say (historicalTrades pages)
    for (const row of rows) {
      const trades = (await (await fetch(`${f.restUrl}/api/v3/historicalTrades?symbol=${row.symbol}&fromId=0&limit=1000`)).json()) as {
        price: string;
        qty: string;
      }[];
      expect(row.count).toBe(trades.length);
      const want = trades.reduce((s, t) => s + Number(t.price) * Number(t.qty), 0);
      expect(Math.abs(Number(row.quoteVolume) - want)).toBeLessThanOrEqual(1e-6 * want);
    }
    const top2 = [...rows]
      .sort((a, b) => Number(b.quoteVolume) - Number(a.quoteVolume))
      .map((x) => x.symbol)
      .slice(0, 2);

    const config = settingsFor(f, { UNIVERSE: 'top:2', HISTORY: '0' });
    c = await startCollector(config);
    expect(c.config.scan.universe).toEqual({ symbols: top2 });
    const ingested = ['ETHUSDT', 'BTCUSDT', ...top2.filter((s) => s !== 'ETHUSDT' && s !== 'BTCUSDT')];
    expect(c.config.ingestSymbols).toEqual(ingested);
    // one combined stream for all of them (Binance: up to 1,024 streams a connection, no subscribe messages sent)
    await new Promise((res) => setTimeout(res, 300));
    expect(f.stats.openConnections).toBe(1);
  }, 60_000);

  it('UNIVERSE=all: every TRADING USDT symbol of the fake exchangeInfo is ingested and scanned, a delisted one is not', async () => {
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'LUNAUSDT'];
    const f = (fake = await startFakeBinance({ symbols, rate: 0, past: [{ ms: HOUR, everyMs: 10_000 }] }));
    f.setStatus('LUNAUSDT', 'BREAK');
    const r = await fetch(`${f.restUrl}/api/v3/exchangeInfo?permissions=SPOT`);
    expect(r.headers.get('x-mbx-used-weight-1m')).toBe('20');
    const config = settingsFor(f, { UNIVERSE: 'all', HISTORY: '0' });
    c = await startCollector(config);
    expect(c.config.scan.universe).toEqual({ symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'] });
    expect(c.config.ingestSymbols).toEqual(['ETHUSDT', 'BTCUSDT', 'SOLUSDT', 'XRPUSDT']);
    expect(c.universe).not.toBeNull(); // looked up again every UNIVERSE_REFRESH: listings come and go
    // /api/health says what the scanner does: HISTORY=0 and an hour of trades, so it waits for SCAN_WINDOW's bars
    const port = (c.server!.address() as { port: number }).port;
    const healthNow = async () => (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as HealthResponse;
    await until(async () => (await healthNow()).scanner?.state === 'waiting', 'the scanner to say it waits');
    const health = await healthNow();
    expect(health.scanner).toMatchObject({ state: 'waiting', scans: 0, failures: 0 });
    expect(health.scanner!.reason).toMatch(/^fewer than 2 symbols have 1000 5m bars of history \(SCAN_WINDOW\)/);
  }, 60_000);

  it("a failed look-up at start: the pairs' symbols are ingested at once, health says so, the top N follows once REST answers", async () => {
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'];
    const f = (fake = await startFakeBinance({ symbols, rate: 0, past: [{ ms: HOUR, everyMs: 10_000 }] }));
    symbols.forEach((s, i) => f.setQuoteVolume(s, { SOLUSDT: 5e9, XRPUSDT: 4e9 }[s] ?? i + 1));
    f.restDown(true);
    const config = settingsFor(f, { UNIVERSE: 'top:2', HISTORY: '0' });
    const col = (c = await startCollector(config, {}, { historyRetry: { firstMs: 100, maxMs: 400 } }));
    const api = `http://127.0.0.1:${(col.server!.address() as { port: number }).port}`;
    const health = async (): Promise<HealthResponse> => (await (await fetch(`${api}/api/health`)).json()) as HealthResponse;
    expect(Object.keys(col.ingestor.status().symbols).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    const down = await health();
    // the start's attempt, and maybe a retry already (every 100 .. 400 ms here)
    expect(down.universe).toEqual({ state: 'loading', attempts: expect.any(Number), lastError: expect.stringMatching(/^cannot reach 127\.0\.0\.1:\d+: /) });
    expect(down.universe!.attempts).toBeGreaterThanOrEqual(1);
    expect(down.problems).toContainEqual(expect.stringMatching(/^universe look-up retrying: cannot reach/));
    const metrics = await (await fetch(`${api}/metrics`)).text();
    expect(metrics).toMatch(/collector_universe_lookup_state\{state="loading"\} 1/);
    f.restDown(false);
    await until(() => col.universe!.stats.changes === 1, 'the background look-up to apply the top 2');
    expect(col.universe!.current()).toEqual(['SOLUSDT', 'XRPUSDT']);
    expect(Object.keys(col.ingestor.status().symbols).sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT']);
    const up = await health();
    expect([up.universe?.state, up.universe?.lastError]).toEqual(['done', null]);
  }, 60_000);

  it('UNIVERSE_REFRESH sets the lookup interval; SCAN_RETENTION deletes older stored scans at start, keeping newer ones', async () => {
    const f = (fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], rate: 0, past: [{ ms: HOUR, everyMs: 10_000 }] }));
    const path = join(dir, 'c.db');
    // a database from an earlier run: scans of 3 h and 20 min ago (a 5m scanner of window 1000)
    const now = Date.now();
    const scanAt = (ts: number) => ({ tf: '5m' as const, window: 1000, ts, symbols: ['BTCUSDT', 'ETHUSDT'], tested: 0, selected: 0, pairs: [] });
    const before = await openSqliteStore({ path });
    await before.insertScan(scanAt(now - 3 * HOUR));
    await before.insertScan(scanAt(now - 20 * 60_000));
    await before.close();
    const config = loadConfig({
      PAIRS: 'ETHUSDT/BTCUSDT',
      UNIVERSE: 'top:2',
      UNIVERSE_REFRESH: '6h',
      SCAN_RETENTION: '1h',
      BINANCE_WS_URL: f.wsUrl,
      BINANCE_REST_URL: f.restUrl,
      DB_PATH: path,
      PORT: '0',
      HISTORY: '0',
    });
    const col = (c = await startCollector(config));
    expect(col.universe!.intervalMs).toBe(6 * HOUR);
    // the scan retention job runs once at start (then every 6 min: a tenth of 1 h)
    await until(async () => (await col.store.scanAt('5m', 1000, now - 2 * HOUR)) === null, 'the 3-hour-old scan to be deleted');
    expect((await col.store.scanAt('5m', 1000))!.ts).toBe(now - 20 * 60_000);
  }, 60_000);

  it('refreshed: a changed top N is ingested and scanned, history loaded for the new symbol, no tick of a kept symbol lost', async () => {
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT'];
    const f = (fake = await startFakeBinance({ symbols, rate: 0, past: [{ ms: 3 * HOUR, everyMs: 10_000 }] }));
    // the ranking is set by hand: SOL and XRP first at start, ADA and BTC after the change
    const rank = (top: Record<string, number>) => symbols.forEach((s) => f.setQuoteVolume(s, top[s] ?? 1));
    rank({ SOLUSDT: 5e9, XRPUSDT: 4e9 });
    const config = settingsFor(f, { UNIVERSE: 'top:2', HISTORY: '1m:1h', WINDOWS: '30', SCAN_TF: '1m', SCAN_WINDOW: '30' });
    // a lookup every 2 s instead of daily (80 weight each: 2,400 of the fake's 6,000 a minute)
    c = await startCollector(config, { connection: { stallTimeoutMs: 5_000, initialBackoffMs: 20, maxBackoffMs: 200 } }, { universeRefreshMs: 2_000 });
    const col = c;
    expect(col.config.scan.universe).toEqual({ symbols: ['SOLUSDT', 'XRPUSDT'] });
    expect(Object.keys(col.ingestor.status().symbols).sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT']);
    await until(() => col.ingestor.status().wsState === 'open', 'the stream to open');
    f.setRate(30);
    await pause(500);

    rank({ ADAUSDT: 9e9, BTCUSDT: 8e9 });
    await until(() => col.universe!.stats.changes === 1, 'the refresh to apply the new top 2', 30_000);
    expect(col.universe!.current()).toEqual(['ADAUSDT', 'BTCUSDT']);
    // the pairs' symbols stay; SOL and XRP are no longer ingested, ADA is
    expect(Object.keys(col.ingestor.status().symbols).sort()).toEqual(['ADAUSDT', 'BTCUSDT', 'ETHUSDT']);
    await pause(500);
    f.setRate(0);
    const ingested = ['ETHUSDT', 'BTCUSDT', 'ADAUSDT'];
    await until(
      () => col.ingestor.isComplete() && ingested.every((s) => col.ingestor.status().symbols[s]!.lastId === f.trades(s).at(-1)!.id),
      'every generated id of the ingested symbols',
      30_000,
    );
    await col.writer.flush();
    expect(f.stats.openConnections).toBe(1);
    expect(col.ingestor.status().reconnects).toBeGreaterThanOrEqual(1);

    // kept symbols: stored ids contiguous from the history seam to the fake's last id, across the
    // re-opened stream (the reconnect's catch-up through REST fills what the switch missed)
    for (const s of ['ETHUSDT', 'BTCUSDT', 'ADAUSDT']) {
      const ids = (await col.store.ticks({ symbol: s, limit: 1_000_000 })).map((t) => t.id).sort((a, b) => a - b);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.at(-1)).toBe(f.trades(s).at(-1)!.id);
      expect(ids.filter((id, i) => id !== ids[0]! + i)).toEqual([]);
    }
    // ADA's 1m bars reach back the scan window (loaded from klines when it joined)
    const t = Math.floor(Date.now() / 60_000) * 60_000;
    const ada = await col.store.bars({ symbol: 'ADAUSDT', tf: '1m', from: t - 31 * 60_000, to: t });
    expect(ada[0]!.start).toBeLessThanOrEqual(t - 30 * 60_000);
    // the next scan covers the new top 2 only
    const scan = await col.scanner!.scanAt(t);
    expect(scan?.symbols).toEqual(['ADAUSDT', 'BTCUSDT']);
    expect(scan?.pairs.map((p) => `${p.a}/${p.b}`)).toEqual(['ADAUSDT/BTCUSDT']);
  }, 90_000);
});
