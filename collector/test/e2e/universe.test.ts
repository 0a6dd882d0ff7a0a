/**
 * UNIVERSE (issue 15): `top:N` is the N USDT symbols of largest 24 h quote volume in Binance's
 * /api/v3/ticker/24hr, looked up at start. The pure pick (topUsdtSymbols) on hand-written
 * answers; the fake Binance's endpoint against the quote volumes of its own trades; and a
 * collector started with UNIVERSE=top:2 against the fake ingests and scans exactly those two
 * beside the pairs' symbols, on one combined-stream connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { startFakeBinance, type FakeBinance } from '../../src/fake-binance';
import { topUsdtSymbols } from '../../src/ingest/rest';
import { log } from '../../src/log';
import { startCollector, type Collector } from '../../src/main';

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

describe('UNIVERSE=top:N against the fake Binance', () => {
  let dir: string;
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

    const config = loadConfig({
      PAIRS: 'ETHUSDT/BTCUSDT',
      UNIVERSE: 'top:2',
      BINANCE_WS_URL: f.wsUrl,
      BINANCE_REST_URL: f.restUrl,
      DB_PATH: join(dir, 'c.db'),
      PORT: '0',
      HISTORY: '0',
    });
    c = await startCollector(config);
    expect(c.config.scan.universe).toEqual({ symbols: top2 });
    const ingested = ['ETHUSDT', 'BTCUSDT', ...top2.filter((s) => s !== 'ETHUSDT' && s !== 'BTCUSDT')];
    expect(c.config.ingestSymbols).toEqual(ingested);
    // one combined stream for all of them (Binance: up to 1,024 streams a connection, no subscribe messages sent)
    await new Promise((res) => setTimeout(res, 300));
    expect(f.stats.openConnections).toBe(1);
  }, 60_000);
});
