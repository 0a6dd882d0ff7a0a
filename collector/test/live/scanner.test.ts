/**
 * The live pair scanner (src/live/scanner.ts) on a real SQLite store fed with ticks: the series
 * it scans equal the closes aligned by hand (forward fill over bars without trades), the stored
 * scan equals the pure scanSeries of those series, a scan at close t ignores every tick after t
 * (point in time), a symbol without a full window is left out, and start() scans the last close,
 * then each close. Then the API over the stored scans: /api/scan (sorted by q-value, `at`,
 * 404, a bad parameter is a 400 naming it) and /api/scan/history.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanSeries } from '../../src/analytics';
import type { Tick } from '../../src/domain';
import { LiveScanner } from '../../src/live';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { startApi } from '../api/helpers';
import { universe } from '../analytics/slow';

const MIN = 60_000;
/** 2026-01-05T00:00:00Z */
const T0 = Date.UTC(2026, 0, 5);
const N = 120; // minutes of data
const W = 60;

/** One trade a minute per symbol at the universe's prices (second 30 of the minute); minute 50 of S2 has no trade. */
function ticks(symbols: string[], series: number[][], upTo = N): Tick[] {
  const out: Tick[] = [];
  symbols.forEach((symbol, k) => {
    for (let m = 0; m < upTo; m++) {
      if (k === 2 && m === 50) continue;
      out.push({ symbol, id: m + 1, ts: T0 + m * MIN + 30_000, price: series[k]![m]!, qty: 1, isBuyerMaker: false });
    }
  });
  return out;
}

describe('LiveScanner', () => {
  let dir: string;
  let store: Store;
  const { symbols, series } = universe(5, N, 7);
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scanner-'));
    store = await openSqliteStore({ path: join(dir, 'db.sqlite'), now: () => T0 + 10 * 86_400_000 });
    await store.insertTicks(ticks(symbols, series));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scans the closes of the window ending at t, forward-filled, and stores what scanSeries gives', async () => {
    const scanner = new LiveScanner({ store, symbols, tf: '1m', window: W });
    const t = T0 + 100 * MIN;
    const { symbols: got, series: cols } = await scanner.seriesAt(t);
    expect(got).toEqual(symbols);
    // bar m closes at series[k][m]; grid = minutes 40..99; S2 has no bar at minute 50: minute 49's close
    const want = series.map((v, k) => v.slice(40, 100).map((p, i) => (k === 2 && i + 40 === 50 ? v[49]! : p)));
    cols.forEach((c, k) => expect(Array.from(c)).toEqual(want[k]));
    const stored = await scanner.scanAt(t);
    const pure = scanSeries(symbols, want, W);
    expect(stored).toEqual({ tf: '1m', window: W, ts: t, symbols, tested: pure.tested, selected: pure.selected, pairs: pure.pairs });
    expect(await store.scanAt('1m', W)).toEqual(stored);
  });

  it('is point in time: ticks after t (later bars, a late trade in a later minute) change nothing', async () => {
    const t = T0 + 80 * MIN;
    const a = await new LiveScanner({ store, symbols, tf: '1m', window: W }).scanAt(t);
    const dir2 = mkdtempSync(join(tmpdir(), 'scanner-'));
    const only = await openSqliteStore({ path: join(dir2, 'db.sqlite'), now: () => T0 + 10 * 86_400_000 });
    try {
      await only.insertTicks(ticks(symbols, series, 80)); // nothing at or after t
      const b = await new LiveScanner({ store: only, symbols, tf: '1m', window: W }).scanAt(t);
      expect(b).toEqual(a);
    } finally {
      await only.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('leaves out a symbol without a price at the first grid point, and skips a scan with fewer than 2 symbols', async () => {
    await store.insertTicks([{ symbol: 'NEWUSDT', id: 1, ts: T0 + 90 * MIN, price: 5, qty: 1, isBuyerMaker: false }]);
    const scanner = new LiveScanner({ store, symbols: [...symbols, 'NEWUSDT'], tf: '1m', window: W });
    expect((await scanner.scanAt(T0 + 100 * MIN))!.symbols).toEqual(symbols);
    const early = new LiveScanner({ store, symbols, tf: '1m', window: W });
    expect(await early.scanAt(T0 + 30 * MIN)).toBeNull(); // the window would start before the first trade
    expect(await store.scanAt('1m', W, T0 + 30 * MIN)).toBeNull();
    expect(() => new LiveScanner({ store, symbols: ['A'], tf: '1m', window: W })).toThrow(/at least 2 symbols/);
  });

  it('start() scans the last settled close at once, then each close', async () => {
    let now = T0 + 100 * MIN + 5_000;
    const scanner = new LiveScanner({ store, symbols, tf: '1s', window: W, settleMs: 20, now: () => now });
    await store.insertTicks(ticks(symbols, series).map((t) => ({ ...t, id: t.id + 1000, ts: t.ts - 29_000 + (t.ts % 60_000) / 1000 })));
    scanner.start();
    await new Promise((r) => setTimeout(r, 200));
    now += 1000;
    await new Promise((r) => setTimeout(r, 1200));
    await scanner.stop();
    expect(scanner.stats.failures).toBe(0);
    expect(scanner.stats.scans).toBeGreaterThanOrEqual(1);
    expect((await store.scanAt('1s', W))!.ts % 1000).toBe(0);
  });
  it('catchUp() with a backfill scans the latest close and every close of the span before it, each equal to its own scanAt', async () => {
    const now = T0 + 110 * MIN + 5_000;
    const scanner = new LiveScanner({ store, symbols, tf: '1m', window: W, settleMs: 1_000, now: () => now, backfillMs: 30 * MIN });
    // one close of the span is stored already, with every symbol: not scanned again
    const kept = await new LiveScanner({ store, symbols, tf: '1m', window: W }).scanAt(T0 + 95 * MIN);
    await scanner.catchUp();
    await scanner.stop();
    expect(scanner.stats.failures).toBe(0);
    expect(scanner.stats.scans).toBe(30); // closes 80..110 minus the one stored
    expect(scanner.stats.backfilled).toBe(29);
    expect(scanner.status()).toEqual({ state: 'ok', reason: null, lastScanTs: T0 + 110 * MIN, scans: 30, backfilled: 29, failures: 0 });
    const history = await store.scanHistory({ tf: '1m', window: W, a: symbols[0]!, b: symbols[1]!, from: T0, to: T0 + 200 * MIN });
    expect(history.map((p) => (p.ts - T0) / MIN)).toEqual(Array.from({ length: 31 }, (_, k) => 80 + k));
    // each stored scan equals a scan of that close alone (series read once for the span vs per close)
    const alone = new LiveScanner({ store, symbols, tf: '1m', window: W });
    for (const t of [T0 + 80 * MIN, T0 + 96 * MIN, T0 + 110 * MIN]) {
      const stored = await store.scanAt('1m', W, t);
      expect(stored).toEqual(scanSeriesOf(await alone.seriesAt(t), t));
    }
    expect(await store.scanAt('1m', W, T0 + 95 * MIN)).toEqual(kept);
  });

  it('says why it waits: fewer than 2 symbols with a full window', async () => {
    const scanner = new LiveScanner({ store, symbols, tf: '5m', window: W, now: () => T0 + 110 * MIN });
    await scanner.catchUp();
    expect(scanner.waiting).toBe('fewer than 2 symbols have 60 5m bars of history (SCAN_WINDOW): 0 of 5');
    expect(scanner.stats.scans).toBe(0);
    expect(scanner.status()).toEqual({ state: 'waiting', reason: scanner.waiting, lastScanTs: null, scans: 0, backfilled: 0, failures: 0 });
  });
});

function scanSeriesOf({ symbols, series }: { symbols: string[]; series: Float64Array[] }, ts: number) {
  const r = scanSeries(symbols, series, W);
  return { tf: '1m', window: W, ts, symbols, tested: r.tested, selected: r.selected, pairs: r.pairs };
}

describe('/api/scan and /api/scan/history', () => {
  it('serve the stored scans: sorted by q-value, at, 404, history; bad parameters are 400s naming them', async () => {
    const h = await startApi();
    try {
      const { symbols, series } = universe(4, N, 8);
      await h.store.insertTicks(ticks(symbols, series));
      const scanner = new LiveScanner({ store: h.store, symbols, tf: '1m', window: W });
      const s1 = (await scanner.scanAt(T0 + 90 * MIN))!;
      const s2 = (await scanner.scanAt(T0 + 100 * MIN))!;
      let r = await h.get(`/api/scan?tf=1m&window=${W}`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual(s2);
      const q = (r.body as typeof s2).pairs.map((p) => p.qvalue ?? Infinity);
      expect(q).toEqual([...q].sort((a, b) => a - b));
      r = await h.get(`/api/scan?tf=1m&window=${W}&at=${new Date(T0 + 95 * MIN).toISOString()}`);
      expect(r.body).toEqual(s1);
      // the search: the pairs with a leg, the selected ones, the first n; tested and selected stay the scan's
      const leg = symbols[2]!;
      r = await h.get(`/api/scan?tf=1m&window=${W}&symbol=${leg.toLowerCase()}`);
      expect(r.body).toEqual({ ...s2, pairs: s2.pairs.filter((p) => p.a === leg || p.b === leg) });
      expect(r.body.pairs).toHaveLength(3);
      r = await h.get(`/api/scan?tf=1m&window=${W}&selected=true&limit=1`);
      expect(r.body).toEqual({ ...s2, pairs: s2.pairs.filter((p) => p.selected).slice(0, 1) });
      r = await h.get(`/api/scan?tf=1m&window=${W}&limit=2&symbol=${leg}`);
      expect(r.body.pairs).toEqual(s2.pairs.filter((p) => p.a === leg || p.b === leg).slice(0, 2));
      r = await h.get(`/api/scan?tf=5m&window=${W}`);
      expect(r.status).toBe(404);
      expect(r.body.error).toMatch(/no stored scan of tf=5m/);
      const [a, b] = [s2.pairs[0]!.a, s2.pairs[0]!.b];
      r = await h.get(`/api/scan/history?pair=${a}/${b}&tf=1m&window=${W}`);
      expect(r.status).toBe(200);
      expect(r.body.pair).toBe(`${a}/${b}`);
      expect(r.body.points.map((p: { ts: number }) => p.ts)).toEqual([s1.ts, s2.ts]);
      expect(r.body.points[1].pvalue).toBe(s2.pairs[0]!.pvalue);
      for (const [path, param] of [
        ['/api/scan?tf=2m&window=60', 'tf'],
        ['/api/scan?tf=1m', 'window'],
        ['/api/scan?tf=1m&window=60&at=yesterday', 'at'],
        ['/api/scan?tf=1m&window=60&pair=A/B', 'pair'],
        ['/api/scan?tf=1m&window=60&symbol=BTC-USDT', 'symbol'],
        ['/api/scan?tf=1m&window=60&limit=0', 'limit'],
        ['/api/scan?tf=1m&window=60&limit=100001', 'limit'],
        ['/api/scan?tf=1m&window=60&selected=yes', 'selected'],
        ['/api/scan/history?tf=1m&window=60', 'pair'],
        ['/api/scan/history?pair=ETHUSDT&tf=1m&window=60', 'pair'],
        [`/api/scan/history?pair=${a}/${b}&tf=1m&window=60&from=${T0 + 10}&to=${T0}`, 'from'],
      ] as const) {
        const e = await h.get(path);
        expect([path, e.status, e.body.param]).toEqual([path, 400, param]);
      }
    } finally {
      await h.close();
    }
  });
});
