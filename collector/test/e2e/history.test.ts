/**
 * The collector as main.ts wires it, started against a fake Binance with hours of past trades:
 * - the moment the history loaded beside the ingest is in (`historyReady`), /api/stats of every
 *   configured pair, timeframe and window has a z-score, ADF and Engle-Granger values (the live engines warmed up from the
 *   history), and /api/health and /metrics say which spans came from klines;
 * - after live trading, every bar (history, the seam bar mixing REST trades since the seam and
 *   live ones, and live bars) equals the slow reference of all the trades the fake made.
 * On both markets (issue 25). A perpetual's history has no 1s part (Binance has no 1s futures
 * klines): its 1s bars are the trades since the seam, so its 1s numbers are not asked at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyticsResponse, HealthResponse, StatsResponse } from '@quant-pairs/contract';
import { loadConfig } from '../../src/config';
import { TIMEFRAMES, bucketStart } from '../../src/domain';
import { startFakeBinance, startFakeFutures, type FakeBinance, type FakeFutures } from '../../src/fake-binance';
import type { Market } from '@quant-pairs/contract';
import { log } from '../../src/log';
import { startCollector, type Collector } from '../../src/main';
import { expectBarsMatch } from '../store/contract';
import { referenceBars } from '../store/reference';
import { until } from '@quant-pairs/testkit';

const HOUR = 3_600_000;
const TUNING = { connection: { stallTimeoutMs: 2_000, initialBackoffMs: 20, maxBackoffMs: 200 } };

let dir: string;
let fake: FakeBinance | FakeFutures | null = null;
let c: Collector | null = null;
beforeAll(() => log.configure({ level: 'error' }));
afterAll(() => log.configure({ level: 'warn' }));
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'e2e-history-'))));
afterEach(async () => {
  await c?.stop();
  await fake?.stop();
  c = fake = null;
  rmSync(dir, { recursive: true, force: true });
});

test.each(['spot', 'perp'] as Market[])(
  '%s: numbers at once from kline history; after live trading every bar equals the reference of all trades',
  async (market) => {
    const perp = market === 'perp';
    // 5m with window 30 needs max(2·30 - 1, stats sample 200) = 200 bars = 16.7 hours.
    const past = [
      { ms: 18 * HOUR, everyMs: 20_000 },
      { ms: HOUR, everyMs: 500 },
    ];
    const f = (fake = perp
      ? await startFakeFutures({ symbols: ['BTCUSDT', 'ETHUSDT', '1000PEPEUSDT'], rate: 0, past, markIntervalMs: 0 })
      : await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], rate: 0, past }));
    const [btc, eth, third] = perp ? ['BTCUSDT.P', 'ETHUSDT.P', '1000PEPEUSDT.P'] : ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
    const config = loadConfig({
      PAIRS: `${eth}/${btc},${third}/${btc}`,
      ...(perp ? { BINANCE_FUTURES_WS_URL: f.wsUrl, BINANCE_FUTURES_REST_URL: f.restUrl } : { BINANCE_WS_URL: f.wsUrl, BINANCE_REST_URL: f.restUrl }),
      DB_PATH: join(dir, 'c.db'),
      PORT: '0',
      WINDOWS: '30,60',
      HISTORY: '1s:15m,1m:4h',
    });
    c = await startCollector(config, TUNING);
    await c.historyReady;
    expect(c.history.status().every((h) => h.state === 'done')).toBe(true);
    const addr = c.server!.address() as { port: number };
    const api = `http://127.0.0.1:${addr.port}`;

    const atOnce = perp ? TIMEFRAMES.filter((tf) => tf !== '1s') : TIMEFRAMES;
    for (const pair of config.pairs)
      for (const tf of atOnce)
        for (const window of config.windows) {
          const s = (await (await fetch(`${api}/api/stats?pair=${pair.id}&tf=${tf}&window=${window}`)).json()) as StatsResponse;
          const what = `${pair.id} ${tf} ${window}`;
          expect([what, typeof (s.provisional ?? s.committed)?.zscore]).toEqual([what, 'number']);
          expect([what, s.adf && 'pvalue' in s.adf ? typeof s.adf.pvalue : s.adf]).toEqual([what, 'number']);
          expect([what, s.coint && 'pvalue' in s.coint ? typeof s.coint.pvalue : s.coint]).toEqual([what, 'number']);
        }

    // The stored-bars path too (what Grafana's panels and alert rules query): a range of the last
    // 10 minutes warms up on the kline bars before it, though no tick is that old.
    for (const tf of ['1m', '5m'] as const) {
      const a = (await (await fetch(`${api}/api/analytics?pair=${eth}/${btc}&tf=${tf}&window=60&from=${Date.now() - 600_000}`)).json()) as AnalyticsResponse;
      expect([tf, typeof a.series.zscore.filter((z) => z !== null).at(-1)]).toEqual([tf, 'number']);
    }

    const health = (await (await fetch(`${api}/api/health`)).json()) as HealthResponse;
    expect(new Set(health.klineSpans.map((k) => `${k.symbol} ${k.tf} ${k.reason}`)).size).toBe(3 * atOnce.length);
    expect(health.klineSpans.every((k) => k.bars > 0 && k.to === bucketStart(k.to, '5m'))).toBe(true);
    const metrics = await (await fetch(`${api}/metrics`)).text();
    expect(metrics).toContain(`collector_kline_bars{symbol="${eth}",tf="1m",reason="history"}`);
    expect(metrics).toContain(`collector_kline_span_seconds{symbol="${btc}",tf="5m",reason="history"}`);

    // Live trading, then every bar against the reference of everything the fake made.
    await until(() => c!.ingestor.status().wsState === 'open', 'connection');
    f.setRate(40);
    await new Promise((r) => setTimeout(r, 1_500));
    f.setRate(0);
    await until(
      () => c!.ingestor.isComplete() && config.ingestSymbols.every((s) => c!.ingestor.status().symbols[s]!.lastId === f.trades(s).at(-1)!.id),
      'every generated id',
    );
    await c.writer.flush();
    for (const symbol of config.ingestSymbols)
      for (const tf of TIMEFRAMES) {
        const spans = health.klineSpans.filter((k) => k.symbol === symbol && k.tf === tf).map((k) => k.from);
        // a perpetual's 1s bars: from the first stored (the seam's trades), none from klines
        const from = spans.length ? Math.min(...spans) : (await c.store.bars({ symbol, tf, limit: 1 }))[0]!.start;
        const want = referenceBars(f.expectedTicks(symbol), symbol, tf).filter((b) => b.start >= from);
        expectBarsMatch(await c.store.bars({ symbol, tf, from }), want, `${symbol} ${tf}`);
      }
  },
);
