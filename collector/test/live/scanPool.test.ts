/**
 * The scan pool (src/live/scanPool.ts): a scan shared among worker threads equals the one-thread
 * scanSeries to the bit (every field of every row, the order, tested, selected, paths) on a market
 * universe at real price scales, for thread counts that cut the pairs unevenly; bad input is the
 * same RangeError; a closed pool refuses work. And the live scanner on a pool stores what it
 * stores without one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanSeries } from '../../src/analytics/scan';
import { wideUniverse } from '../../src/fake-binance/market';
import { LiveScanner } from '../../src/live';
import { ScanPool } from '../../src/live/scanPool';
import { openSqliteStore } from '../../src/store/sqlite';

const u = wideUniverse(23, 400, 17); // 253 pairs: no thread count below divides it evenly
const series = u.series.map((s) => Float64Array.from(s));

describe('ScanPool', () => {
  it.each([1, 2, 3, 7])('%i threads: the same result as scanSeries, bit for bit', async (threads) => {
    const pool = new ScanPool(threads);
    try {
      const got = await pool.scan(u.symbols, series, 300);
      const want = scanSeries(u.symbols, series, 300);
      expect(got).toEqual(want);
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
    } finally {
      await pool.close();
    }
  });

  it('bad input is the RangeError scanSeries throws; a closed pool refuses work; 0 threads is refused', async () => {
    const pool = new ScanPool(2);
    await expect(pool.scan(['A', 'A'], [series[0]!, series[1]!], 300)).rejects.toThrow('a symbol is listed twice');
    await pool.close();
    await expect(pool.scan(u.symbols, series, 300)).rejects.toThrow('the scan pool is closed');
    expect(() => new ScanPool(0)).toThrow('at least 1 thread');
  });

  it('two scans in flight keep a process with nothing else to do alive until both are done', () => {
    // a thread's first reply must not let the process exit while its second request is under way
    // (it did: the backfill bench ended after one scan, silently, exit code 0)
    const src = (f: string) => JSON.stringify(join(__dirname, '..', '..', 'src', f));
    const script = `require('tsx/cjs');
      const { ScanPool } = require(${src('live/scanPool.ts')});
      const { wideUniverse } = require(${src('fake-binance/market.ts')});
      const u = wideUniverse(30, 400, 3);
      const cols = u.series.map((s) => Float64Array.from(s));
      const pool = new ScanPool(2);
      Promise.all([pool.scan(u.symbols, cols, 300), pool.scan(u.symbols, cols, 300)]).then((r) => {
        process.stdout.write('both done ' + r.map((x) => x.pairs.length).join(','));
        return pool.close();
      });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'both done 435,435', '']);
  });

  it('the live scanner on a pool stores the scan it stores in one thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scanpool-'));
    const store = await openSqliteStore({ path: join(dir, 'db.sqlite') });
    try {
      const T0 = Date.UTC(2026, 0, 5);
      await store.insertTicks(
        u.symbols.flatMap((symbol, k) => u.series[k]!.map((price, m) => ({ symbol, id: m + 1, ts: T0 + m * 60_000 + 1, price, qty: 1, isBuyerMaker: false }))),
      );
      const t = T0 + 390 * 60_000;
      const plain = await new LiveScanner({ store, symbols: u.symbols, tf: '1m', window: 300 }).seriesAt(t);
      const pooled = new LiveScanner({ store, symbols: u.symbols, tf: '1m', window: 300, pool: new ScanPool(2) });
      const stored = await pooled.scanAt(t);
      await pooled.stop(); // closes its pool
      const want = scanSeries(plain.symbols, plain.series, 300);
      expect(stored).toEqual({ tf: '1m', window: 300, ts: t, symbols: plain.symbols, tested: want.tested, selected: want.selected, pairs: want.pairs });
      // a backfill on the pool (two scans in flight) stores, close by close, what one thread computes
      await store.deleteScansBefore(Number.MAX_SAFE_INTEGER);
      const filler = new LiveScanner({
        store,
        symbols: u.symbols,
        tf: '1m',
        window: 300,
        pool: new ScanPool(2),
        backfillMs: 6 * 60_000,
        now: () => t + 5_000,
        settleMs: 1_000,
      });
      await filler.catchUp();
      await filler.stop();
      expect(filler.status()).toMatchObject({ scans: 7, backfilled: 6, failures: 0, lastScanTs: t });
      for (let k = 0; k <= 6; k++) {
        const at = t - k * 60_000;
        const input = await new LiveScanner({ store, symbols: u.symbols, tf: '1m', window: 300 }).seriesAt(at);
        const one = scanSeries(input.symbols, input.series, 300);
        expect(await store.scanAt('1m', 300, at)).toEqual({
          tf: '1m',
          window: 300,
          ts: at,
          symbols: input.symbols,
          tested: one.tested,
          selected: one.selected,
          pairs: one.pairs,
        });
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
