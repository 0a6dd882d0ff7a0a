/**
 * The Store contract: every engine (SQLite, PostgreSQL) runs this same suite against a real
 * database. Expected values come from the slow references in ./reference.ts computed over the
 * ticks themselves, or are worked out by hand in the test where they are small.
 *
 *   describeStoreContract('sqlite', async () => sqliteHarness());
 */
import { TIMEFRAMES, TIMEFRAME_MS, type Bar, type Tick } from '../../src/domain';
import { scanSeries } from '../../src/analytics';
import type { CommonStoreOptions, Store, StoredScan } from '../../src/store/store';
import { SCAN_DELETE_CHUNK } from '../../src/store/scans';
import { universe } from '../analytics/slow';
import { makeTicks, referenceBars, referenceTicks, shuffle, type RefBar } from './reference';
import { rng } from '../../src/fake-binance/rng';
import { perpStoreTests } from './perpContract';

export interface StoreHarness {
  /** A store on a new, empty database. */
  open(opts?: CommonStoreOptions): Promise<Store>;
  /** A store on the same database as `closed` (which the test has closed): a restart. */
  reopen(closed: Store, opts?: CommonStoreOptions): Promise<Store>;
  /** Removes every database the harness made. */
  dispose(): Promise<void>;
}

/**
 * The harness of an engine whose stores live at a location (a file path, a database URL):
 * `open` opens a store at a fresh location, `reopen` opens the closed store's location again.
 */
export function harnessAt<L>(
  fresh: () => L | Promise<L>,
  openAt: (where: L, opts?: CommonStoreOptions) => Promise<Store>,
  dispose: () => Promise<void> = async () => {},
): StoreHarness {
  const where = new Map<Store, L>();
  const openRemembered = async (at: L, opts?: CommonStoreOptions): Promise<Store> => {
    const s = await openAt(at, opts);
    where.set(s, at);
    return s;
  };
  return {
    open: async (opts) => openRemembered(await fresh(), opts),
    reopen: (closed, opts) => openRemembered(where.get(closed)!, opts),
    dispose,
  };
}

/** 2026-01-05T10:00:00Z, on a 5-minute boundary. */
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
/** A clock far after the test data, so every bar is final unless a test says otherwise. */
const LATER = () => T0 + 86_400_000;

function tick(symbol: string, id: number, ts: number, price: number, qty = 1, isBuyerMaker = false): Tick {
  return { symbol, id, ts, price, qty, isBuyerMaker };
}

/** Relative closeness for float sums, whose rounding depends on the order they were added in. */
function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** Bars equal the reference: start, OHLC and trade count exactly, sums and VWAP to 1e-9 relative. */
export function expectBarsMatch(got: readonly Bar[], want: readonly RefBar[], what: string): void {
  const problems: string[] = [];
  if (got.length !== want.length) problems.push(`${got.length} bars, reference has ${want.length}`);
  for (let i = 0; i < Math.min(got.length, want.length) && problems.length < 5; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const exact = (['start', 'open', 'high', 'low', 'close', 'trades'] as const).filter((k) => g[k] !== w[k]);
    const approx = (['volume', 'quoteVolume', 'vwap'] as const).filter((k) => !close(g[k], w[k]));
    if (exact.length + approx.length > 0) {
      problems.push(`bar ${new Date(w.start).toISOString()}: ${[...exact, ...approx].map((k) => `${k} ${g[k]} != ${w[k]}`).join(', ')}`);
    }
  }
  if (problems.length) throw new Error(`${what}: ${problems.join('; ')}`);
}

async function expectStoreBarsMatchTicks(store: Store, symbol: string, what: string, alsoAgainst?: readonly Tick[]): Promise<void> {
  const stored = await store.ticks({ symbol });
  for (const tf of TIMEFRAMES) {
    const bars = await store.bars({ symbol, tf });
    expectBarsMatch(bars, referenceBars(stored, symbol, tf), `${what} ${symbol} ${tf} vs stored ticks`);
    if (alsoAgainst) expectBarsMatch(bars, referenceBars(alsoAgainst, symbol, tf), `${what} ${symbol} ${tf} vs ticks sent`);
  }
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/**
 * Registers the contract's tests. An engine whose server may be missing registers them inside a
 * block that jest skips there (test/store/pgCluster.ts describePostgres), never as passing no-ops.
 */
export function describeStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness;
    const opened: Store[] = [];
    const open = async (opts: CommonStoreOptions = {}) => {
      const s = await harness.open({ now: LATER, ...opts });
      opened.push(s);
      return s;
    };
    const reopen = async (s: Store, opts: CommonStoreOptions = {}) => {
      const r = await harness.reopen(s, { now: LATER, ...opts });
      opened.push(r);
      return r;
    };

    beforeAll(async () => {
      harness = await makeHarness();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    test('rejects duplicates by (symbol, id), within a batch and across batches, and counts them', async () => {
      const s = await open();
      const a = tick('BTCUSDT', 1, T0 + 10, 100);
      const b = tick('BTCUSDT', 2, T0 + 20, 101);
      const c = tick('BTCUSDT', 3, T0 + 30, 102);
      expect(await s.insertTicks([a, b, b, c])).toEqual({ inserted: 3, duplicates: 1, invalid: 0 });
      // Same id again, even with another time (a µs archive copy of a live ms trade): still a duplicate.
      const cAgain = { ...c, ts: c.ts + 0.123 };
      const d = tick('BTCUSDT', 4, T0 + 40, 103);
      expect(await s.insertTicks([cAgain, d, a])).toEqual({ inserted: 1, duplicates: 2, invalid: 0 });
      // The same id in another symbol is another trade.
      expect(await s.insertTicks([tick('ETHUSDT', 1, T0 + 10, 5)])).toEqual({ inserted: 1, duplicates: 0, invalid: 0 });
      expect(await s.ticks({ symbol: 'BTCUSDT' })).toEqual([a, b, c, d]);
      expect(await s.lastTradeId('BTCUSDT')).toBe(4);
      expect(await s.lastTradeId('ETHUSDT')).toBe(1);
      expect(await s.lastTradeId('SOLUSDT')).toBeNull();
      expect(await s.symbols()).toEqual([
        { symbol: 'BTCUSDT', ticks: 4, firstTs: T0 + 10, lastTs: T0 + 40, lastId: 4 },
        { symbol: 'ETHUSDT', ticks: 1, firstTs: T0 + 10, lastTs: T0 + 10, lastId: 1 },
      ]);
      // The 1s bar counts each trade once: 4 trades of qty 1.
      const [bar] = await s.bars({ symbol: 'BTCUSDT', tf: '1s' });
      expect(bar).toMatchObject({ start: T0, open: 100, close: 103, high: 103, low: 100, volume: 4, trades: 4 });
      expect(await s.insertTicks([])).toEqual({ inserted: 0, duplicates: 0, invalid: 0 });
    });

    test('idGaps lists the holes in the stored trade ids from an id up', async () => {
      const s = await open();
      expect(typeof s.idGaps).toBe('function');
      // ids 1-10, 14-20 and 25 stored, inserted out of order: holes 11-13 and 21-24.
      const ids = [...Array.from({ length: 10 }, (_, i) => 1 + i), ...Array.from({ length: 7 }, (_, i) => 14 + i), 25];
      await s.insertTicks(ids.reverse().map((id) => tick('BTCUSDT', id, T0 + id, 100)));
      await s.insertTicks([tick('ETHUSDT', 1, T0, 5), tick('ETHUSDT', 3, T0, 5)]);
      expect(await s.idGaps!('BTCUSDT', 0)).toEqual([
        [11, 13],
        [21, 24],
      ]);
      expect(await s.idGaps!('BTCUSDT', 15)).toEqual([[21, 24]]);
      expect(await s.idGaps!('BTCUSDT', 25)).toEqual([]);
      expect(await s.idGaps!('ETHUSDT', 0)).toEqual([[2, 2]]);
      expect(await s.idGaps!('XRPUSDT', 0)).toEqual([]);
    });

    test('counts and skips invalid ticks, storing the rest of the batch', async () => {
      const s = await open();
      const good = tick('BTCUSDT', 1, T0, 100);
      const bad = [
        { ...good, id: 2, price: Number.NaN },
        { ...good, id: 3, symbol: 'btc usdt' },
        { ...good, id: 4, qty: -1 },
        { ...good, id: -5 },
      ];
      expect(await s.insertTicks([bad[0]!, good, ...bad.slice(1)])).toEqual({ inserted: 1, duplicates: 0, invalid: 4 });
      expect(await s.ticks({ symbol: 'BTCUSDT' })).toEqual([good]);
    });

    test('idGaps lists the holes in the stored ids from an id up to the last one (restart backfill)', async () => {
      const s = await open();
      // ids 1..3, 7, 9..10 of BTCUSDT: holes [4, 6] and [8, 8]; ETHUSDT contiguous.
      await s.insertTicks([1, 2, 3, 7, 9, 10].map((id) => tick('BTCUSDT', id, T0 + id, 100)));
      await s.insertTicks([1, 2, 3].map((id) => tick('ETHUSDT', id, T0 + id, 5)));
      expect(await s.idGaps!('BTCUSDT', 0)).toEqual([
        [4, 6],
        [8, 8],
      ]);
      expect(await s.idGaps!('BTCUSDT', 7)).toEqual([[8, 8]]);
      expect(await s.idGaps!('BTCUSDT', 10)).toEqual([]);
      expect(await s.idGaps!('ETHUSDT', 0)).toEqual([]);
      expect(await s.idGaps!('SOLUSDT', 0)).toEqual([]);
    });

    test('orders ticks by (ts, id) and keeps times and prices exactly', async () => {
      const s = await open();
      // Inserted in reverse: same millisecond for ids 7 and 8, a µs-precision time for id 9.
      const t9 = tick('ETHUSDT', 9, T0 + 5.123, 3012.34, 0.00012345, true);
      const t8 = tick('ETHUSDT', 8, T0 + 2, 3012.35, 1.5);
      const t7 = tick('ETHUSDT', 7, T0 + 2, 3012.33, 2.5);
      const t6 = tick('ETHUSDT', 6, T0 + 1, 0.00001234, 87012.34);
      await s.insertTicks([t9, t8, t7, t6]);
      const got = await s.ticks({ symbol: 'ETHUSDT' });
      expect(got).toEqual([t6, t7, t8, t9]);
      expect(Math.round(got[3]!.ts * 1000)).toBe(Math.round((T0 + 5.123) * 1000));
    });

    test('answers time ranges per symbol: from inclusive, to exclusive, limit', async () => {
      const s = await open();
      const r = rng(7);
      const eth = makeTicks(r, 'ETHUSDT', 400, T0, 100);
      const btc = makeTicks(r, 'BTCUSDT', 400, T0, 900);
      await s.insertTicks([...eth, ...btc]);
      const from = eth[50]!.ts;
      const to = eth[300]!.ts;
      const want = eth.filter((t) => t.ts >= from && t.ts < to);
      expect(await s.ticks({ symbol: 'ETHUSDT', from, to })).toEqual(want);
      expect(await s.ticks({ symbol: 'ETHUSDT', from, to, limit: 10 })).toEqual(want.slice(0, 10));
      expect(await s.ticks({ symbol: 'ETHUSDT', from: to, to: from })).toEqual([]);
      expect(await s.ticks({ symbol: 'ETHUSDT', limit: 0 })).toEqual([]);
      expect(await s.bars({ symbol: 'ETHUSDT', tf: '1m', limit: 0 })).toEqual([]);
      expect(await s.ticks({ symbol: 'XRPUSDT' })).toEqual([]);
      const bars = await s.bars({ symbol: 'BTCUSDT', tf: '1s' });
      const b0 = bars[3]!.start;
      const b1 = bars[20]!.start;
      expect(await s.bars({ symbol: 'BTCUSDT', tf: '1s', from: b0, to: b1 })).toEqual(bars.slice(3, 20));
      expect(await s.bars({ symbol: 'BTCUSDT', tf: '1s', from: b0, limit: 2 })).toEqual(bars.slice(3, 5));
      expect(await s.bars({ symbol: 'XRPUSDT', tf: '1m' })).toEqual([]);
    });

    for (const seed of [1, 2, 3]) {
      test(`bars equal the slow reference under late, shuffled and repeated ticks (seed ${seed})`, async () => {
        const s = await open();
        const r = rng(seed);
        const sent = [...makeTicks(r, 'ETHUSDT', 1200, T0 + 1234, 1000), ...makeTicks(r, 'BTCUSDT', 1200, T0 + 77, 5_000_000_000)].sort((a, b) => a.ts - b.ts);
        // Arrival: a gap of 150 ticks held back and backfilled at the end; local reordering;
        // 100 ticks sent twice; batches of 1-300.
        const gapAt = Math.floor(r() * (sent.length - 200));
        const gap = sent.slice(gapAt, gapAt + 150);
        const live = [...sent.slice(0, gapAt), ...sent.slice(gapAt + 150)];
        for (let i = 0; i + 1 < live.length; i++) if (r() < 0.1) [live[i], live[i + 1]] = [live[i + 1]!, live[i]!];
        const arrival = [...live, ...Array.from({ length: 100 }, () => sent[Math.floor(r() * sent.length)]!), ...shuffle(r, gap)];
        let duplicates = 0;
        let inserted = 0;
        for (let i = 0; i < arrival.length;) {
          const n = 1 + Math.floor(r() * 300);
          const res = await s.insertTicks(arrival.slice(i, i + n));
          inserted += res.inserted;
          duplicates += res.duplicates;
          i += n;
          if (i >= live.length && i - n < live.length) await expectStoreBarsMatchTicks(s, 'ETHUSDT', 'before the backfill');
        }
        expect(inserted).toBe(sent.length);
        expect(duplicates).toBe(100);
        for (const symbol of ['ETHUSDT', 'BTCUSDT']) {
          expect(await s.ticks({ symbol })).toEqual(referenceTicks(sent, symbol));
          await expectStoreBarsMatchTicks(s, symbol, 'after the backfill', sent);
        }
      });
    }

    test('bars equal the reference when ticks arrive in a random order, one per batch or all in one', async () => {
      const s = await open();
      const r = rng(11);
      const sent = makeTicks(r, 'SOLUSDT', 500, T0 + 299_000, 1);
      for (const t of shuffle(r, [...sent])) await s.insertTicks([t]);
      await expectStoreBarsMatchTicks(s, 'SOLUSDT', 'one at a time', sent);
      // And all in one shuffled batch: the in-memory merge of the batch alone must get it right.
      const more = makeTicks(r, 'ADAUSDT', 2000, T0 + 1, 1);
      await s.insertTicks(shuffle(r, [...more]));
      await expectStoreBarsMatchTicks(s, 'ADAUSDT', 'one shuffled batch', more);
    });

    test('a bar is final once a later tick of its symbol is stored, or the clock passed its end plus the grace', async () => {
      let now = T0 + 61_500;
      const s = await open({ now: () => now, finalGraceMs: 2_000 });
      await s.insertTicks([tick('BTCUSDT', 1, T0 + 500, 10), tick('BTCUSDT', 2, T0 + 1_500, 11), tick('BTCUSDT', 3, T0 + 61_000, 12)]);
      const finals = async (tf: '1s' | '1m' | '5m') => (await s.bars({ symbol: 'BTCUSDT', tf })).map((b) => [b.start - T0, b.final]);
      // 1s bars end at T0+1s and T0+2s, both before the newest tick (T0+61s): final. The bar of
      // T0+61s ends at T0+62s; the clock (T0+61.5s) is not past T0+62s+2s: in progress.
      expect(await finals('1s')).toEqual([
        [0, true],
        [1_000, true],
        [61_000, false],
      ]);
      expect(await finals('1m')).toEqual([
        [0, true],
        [60_000, false],
      ]);
      expect(await finals('5m')).toEqual([[0, false]]);
      now = T0 + 64_000; // = end of the 61s bar + grace
      expect(await finals('1s')).toEqual([
        [0, true],
        [1_000, true],
        [61_000, true],
      ]);
      expect(await finals('1m')).toEqual([
        [0, true],
        [60_000, false],
      ]);
      // A tick of another symbol does not complete BTCUSDT's bars.
      await s.insertTicks([tick('ETHUSDT', 1, T0 + 400_000, 1)]);
      expect(await finals('1m')).toEqual([
        [0, true],
        [60_000, false],
      ]);
      await s.insertTicks([tick('BTCUSDT', 4, T0 + 300_000, 13)]);
      expect(await finals('5m')).toEqual([
        [0, true],
        [300_000, false],
      ]);
    });

    test('ticks, bars, counters and alerts survive a restart, and late ticks after it still merge', async () => {
      const r = rng(5);
      const sent = makeTicks(r, 'ETHUSDT', 800, T0, 1);
      const first = await open();
      await first.insertTicks(sent.filter((_, i) => i % 3 !== 0));
      await first.insertAlert(T0, 'firing', { title: 'z > 2', values: [2.5] });
      const barsBefore = await first.bars({ symbol: 'ETHUSDT', tf: '1m' });
      await first.close();

      const second = await reopen(first);
      expect(await second.bars({ symbol: 'ETHUSDT', tf: '1m' })).toEqual(barsBefore);
      expect(await second.lastTradeId('ETHUSDT')).toBe(Math.max(...sent.filter((_, i) => i % 3 !== 0).map((t) => t.id)));
      expect((await second.alerts(10)).map((a) => a.payload)).toEqual([{ title: 'z > 2', values: [2.5] }]);
      const res = await second.insertTicks(sent);
      expect(res).toEqual({ inserted: sent.filter((_, i) => i % 3 === 0).length, duplicates: sent.filter((_, i) => i % 3 !== 0).length, invalid: 0 });
      await expectStoreBarsMatchTicks(second, 'ETHUSDT', 'after restart', sent);
      expect((await second.symbols())[0]!.ticks).toBe(sent.length);
    });

    test('deleteBefore removes ticks and bars before the 5-minute boundary at or below the cut', async () => {
      const s = await open();
      const r = rng(9);
      const sent = [...makeTicks(r, 'ETHUSDT', 4000, T0 + 1, 1), ...makeTicks(r, 'BTCUSDT', 4000, T0 + 2, 1)];
      expect(sent.every((t) => t.ts < T0 + 86_400_000)).toBe(true);
      expect(sent.filter((t) => t.ts >= T0 + 7.5 * 60_000).length).toBeGreaterThan(100);
      await s.insertTicks(sent);
      const cutAsked = T0 + 7.5 * 60_000;
      const cut = T0 + 5 * 60_000; // rounded down to 5 minutes so no bar loses part of its ticks
      const doomed = sent.filter((t) => t.ts < cut).length;
      expect(doomed).toBeGreaterThan(0);
      expect(await s.deleteBefore(cutAsked)).toBe(doomed);
      for (const symbol of ['ETHUSDT', 'BTCUSDT']) {
        const kept = sent.filter((t) => t.symbol === symbol && t.ts >= cut);
        expect(await s.ticks({ symbol })).toEqual(referenceTicks(kept, symbol));
        for (const tf of TIMEFRAMES) expect((await s.bars({ symbol, tf }))[0]!.start).toBeGreaterThanOrEqual(cut);
        await expectStoreBarsMatchTicks(s, symbol, 'after retention', kept);
        const summary = (await s.symbols()).find((x) => x.symbol === symbol)!;
        expect(summary).toEqual({ symbol, ticks: kept.length, firstTs: kept[0]!.ts, lastTs: kept[kept.length - 1]!.ts, lastId: kept[kept.length - 1]!.id });
      }
      expect(await s.deleteBefore(cutAsked)).toBe(0);
      expect(await s.deleteBefore(T0 + 86_400_000)).toBe(sent.length - doomed);
      expect(await s.symbols()).toEqual([]);
    });

    test('iterateTicks and iterateBars stream in chunks, in order, and let writes run between chunks', async () => {
      const s = await open({ chunkSize: 7 });
      const r = rng(3);
      const sent = makeTicks(r, 'BTCUSDT', 100, T0, 1);
      await s.insertTicks(sent);
      expect(await collect(s.iterateTicks({ symbol: 'BTCUSDT' }))).toEqual(sent);
      expect(await collect(s.iterateTicks({ symbol: 'BTCUSDT', from: sent[10]!.ts, limit: 23 }))).toEqual(
        sent.filter((t) => t.ts >= sent[10]!.ts).slice(0, 23),
      );
      // Write while a stream is open: the next chunk sees a consistent position, nothing twice.
      const seen: Tick[] = [];
      let wrote = false;
      for await (const t of s.iterateTicks({ symbol: 'BTCUSDT' })) {
        seen.push(t);
        if (!wrote) {
          wrote = true;
          expect(await s.insertTicks([tick('BTCUSDT', 1_000, T0 + 3_600_000, 99)])).toMatchObject({ inserted: 1 });
        }
      }
      expect(seen.map((t) => t.id)).toEqual([...sent.map((t) => t.id), 1_000]);
      // Leaving a stream early releases it.
      for await (const t of s.iterateTicks({ symbol: 'BTCUSDT' })) if (t) break;
      const bars = await s.bars({ symbol: 'BTCUSDT', tf: '1s' });
      expect(bars.length).toBeGreaterThan(14);
      expect(await collect(s.iterateBars({ symbol: 'BTCUSDT', tf: '1s' }))).toEqual(bars);
      expect(await collect(s.iterateBars({ symbol: 'BTCUSDT', tf: '1s', limit: 9 }))).toEqual(bars.slice(0, 9));
    });

    test('barCloses gives the start, close and final of exactly the bars bars() gives, across chunks', async () => {
      // Expected values: bars() of the same store and query (itself checked against the tick
      // references above). The clock sits inside the data, so both final and in-progress bars occur.
      const sent = makeTicks(rng(8), 'BTCUSDT', 300, T0, 1);
      const mid = sent[150]!.ts;
      let now = mid;
      const s = await open({ chunkSize: 7, now: () => now, finalGraceMs: 2_000 });
      await s.insertTicks(sent.filter((t) => t.ts <= mid));
      await s.insertTicks([tick('ETHUSDT', 1, T0 + 10, 5)]);
      if (!s.barCloses) throw new Error(`${name} has no barCloses`);
      const last = mid;
      const queries = TIMEFRAMES.flatMap((tf) => [
        { symbol: 'BTCUSDT', tf },
        { symbol: 'BTCUSDT', tf, from: T0 + 5_000, to: last - 3_000 },
        { symbol: 'BTCUSDT', tf, from: T0 + 2_500, limit: 9 },
        { symbol: 'BTCUSDT', tf, from: last + 1, to: last + 1 },
        { symbol: 'XRPUSDT', tf },
      ]);
      let finals = 0;
      let inProgress = 0;
      // Clocks: at the newest tick; past the last 1s bar's end but within its grace; past everything.
      for (const clock of [mid, mid + 1_500, mid + 400_000]) {
        now = clock;
        for (const q of queries) {
          const bars = await s.bars(q);
          const got = await s.barCloses(q);
          const cols = Array.from({ length: got.n }, (_, i) => [got.start[i], got.close[i], got.final[i] === 1]);
          expect({ clock, q, cols }).toEqual({ clock, q, cols: bars.map((b) => [b.start, b.close, b.final]) });
          for (const b of bars) {
            if (b.final) finals++;
            else inProgress++;
          }
        }
      }
      expect(finals).toBeGreaterThan(20);
      expect(inProgress).toBeGreaterThan(0);
      // Written after a read: the next read sees it (nothing cached in the store).
      await s.insertTicks([tick('BTCUSDT', 10_000, last + 1, 77)]);
      const after = await s.barCloses({ symbol: 'BTCUSDT', tf: '1s', from: last - 999 });
      expect(after.close[after.n - 1]).toBe(77);
    });

    test('rebuildBars recomputes bars from the stored ticks', async () => {
      const s = await open();
      const sent = makeTicks(rng(4), 'ETHUSDT', 600, T0 + 100, 1);
      await s.insertTicks(sent);
      const before = await s.bars({ symbol: 'ETHUSDT', tf: '1m' });
      expect(await s.rebuildBars('ETHUSDT', T0 + 60_000, T0 + 120_000)).toBe(sent.filter((t) => t.ts < T0 + 300_000).length);
      expect(await s.rebuildBars('XRPUSDT', T0, T0 + 1)).toBe(0);
      await expectStoreBarsMatchTicks(s, 'ETHUSDT', 'after rebuild', sent);
      expect((await s.bars({ symbol: 'ETHUSDT', tf: '1m' })).map((b) => [b.start, b.trades])).toEqual(before.map((b) => [b.start, b.trades]));
    });

    test('stores alert payloads and lists the newest first', async () => {
      const s = await open();
      const payloads = [{ status: 'firing', alerts: [{ labels: { pair: 'ETHUSDT/BTCUSDT' } }] }, { status: 'resolved', n: 1 }, 'plain text'];
      const stored = [];
      for (let i = 0; i < payloads.length; i++) stored.push(await s.insertAlert(T0 + i, i === 1 ? 'resolved' : 'firing', payloads[i]));
      expect(stored[1]!.id).toBeGreaterThan(stored[0]!.id);
      expect(await s.alerts(2)).toEqual([stored[2], stored[1]]);
      expect((await s.alerts(10)).map((a) => [a.receivedAt, a.status, a.payload])).toEqual([
        [T0 + 2, 'firing', 'plain text'],
        [T0 + 1, 'resolved', { status: 'resolved', n: 1 }],
        [T0, 'firing', payloads[0]],
      ]);
    });

    test("stores scans: the latest at or before a time, sorted by q-value; a pair's history; replaced by a rescan of the same close; deleted by retention", async () => {
      const s = await open();
      const { symbols, series } = universe(5, 300, 3);
      const make = (ts: number, window: number): StoredScan => {
        const r = scanSeries(
          symbols,
          series.map((v) => v.slice(0, 200 + (ts - T0) / 300_000)),
          window,
        );
        return { tf: '5m', window, ts, symbols, tested: r.tested, selected: r.selected, pairs: r.pairs };
      };
      const scans = [make(T0, 150), make(T0 + 300_000, 150), make(T0 + 600_000, 150)];
      for (const sc of scans) await s.insertScan(sc);
      await s.insertScan(make(T0 + 300_000, 100)); // another window: its own series of scans
      expect(await s.scanAt('5m', 150)).toEqual(scans[2]);
      expect(await s.scanAt('5m', 150, T0 + 599_999)).toEqual(scans[1]);
      expect(await s.scanAt('5m', 150, T0 - 1)).toBeNull();
      expect(await s.scanAt('1m', 150)).toBeNull();
      expect((await s.scanAt('5m', 100))!.ts).toBe(T0 + 300_000);
      // nulls round-trip (a constant leg), the order is q-value then universe order
      const flat: StoredScan = { ...scans[0]!, ts: T0 + 900_000, symbols: ['AUSDT', 'BUSDT'], tested: 0, selected: 0 };
      flat.pairs = scanSeries(['AUSDT', 'BUSDT'], [new Array(50).fill(1), series[0]!.slice(0, 50)], 50).pairs;
      await s.insertScan(flat);
      expect(await s.scanAt('5m', 150)).toEqual(flat);
      expect(flat.pairs[0]!.note).toBe('AUSDT is constant over the window'); // and its reason
      const [a, b] = [scans[0]!.pairs[3]!.a, scans[0]!.pairs[3]!.b];
      const hist = await s.scanHistory({ a, b, tf: '5m', window: 150 });
      expect(hist.map((h) => h.ts)).toEqual([T0, T0 + 300_000, T0 + 600_000]);
      scans.forEach((sc, i) => {
        const p = sc.pairs.find((x) => x.a === a && x.b === b)!;
        expect(hist[i]).toEqual({
          ts: sc.ts,
          pvalue: p.pvalue,
          qvalue: p.qvalue,
          cointPvalue: p.coint!.pvalue,
          cointReversePvalue: p.cointReverse!.pvalue,
          halfLife: p.halfLife,
          hurst: p.hurst,
          selected: p.selected,
        });
      });
      expect((await s.scanHistory({ a, b, tf: '5m', window: 150, from: T0 + 1, to: T0 + 600_000 })).map((h) => h.ts)).toEqual([T0 + 300_000]);
      expect(await s.scanHistory({ a: b, b: a, tf: '5m', window: 150 })).toEqual([]);
      // a rescan of the same close replaces the first, pairs and all
      const again = { ...scans[1]!, selected: 99, pairs: scans[1]!.pairs.slice(0, 2) };
      await s.insertScan(again);
      expect(await s.scanAt('5m', 150, T0 + 300_000)).toEqual(again);
      await s.deleteBefore(T0 + 600_000);
      expect(await s.scanAt('5m', 150, T0 + 599_999)).toBeNull();
      expect((await s.scanHistory({ a, b, tf: '5m', window: 150 })).map((h) => h.ts)).toEqual([T0 + 600_000]);
      // a restart keeps them
      await s.close();
      const r = await reopen(s);
      expect((await r.scanAt('5m', 150))!.ts).toBe(T0 + 900_000);
    });

    test('deleteScansBefore deletes the scans of closes before a time, exactly (SCAN_RETENTION), and keeps bars and later scans', async () => {
      const s = await open();
      const { symbols, series } = universe(3, 120, 5);
      const r = scanSeries(symbols, series, 100); // 3 symbols: 3 pairs a scan
      const scan = (tf: '1m' | '5m', ts: number): StoredScan => ({ tf, window: 100, ts, symbols, tested: r.tested, selected: r.selected, pairs: r.pairs });
      for (const ts of [T0, T0 + 60_000, T0 + 120_000]) await s.insertScan(scan('1m', ts));
      await s.insertScan(scan('5m', T0));
      await s.insertTicks([tick('BTCUSDT', 1, T0 - 3_600_000, 100)]);
      expect(await s.deleteScansBefore(T0)).toBe(0);
      // ts < T0 + 60,001: the 1m scans at T0 and T0 + 1 min and the 5m one at T0; not rounded to 5 minutes as deleteBefore is
      expect(await s.deleteScansBefore(T0 + 60_001)).toBe(3);
      expect(await s.scanAt('5m', 100)).toBeNull();
      expect((await s.scanAt('1m', 100))!.ts).toBe(T0 + 120_000);
      expect(await s.scanAt('1m', 100, T0 + 119_999)).toBeNull();
      const [a, b] = [r.pairs[0]!.a, r.pairs[0]!.b];
      expect((await s.scanHistory({ a, b, tf: '1m', window: 100 })).map((h) => h.ts)).toEqual([T0 + 120_000]);
      expect((await s.scanAt('1m', 100))!.pairs).toEqual(r.pairs);
      // ticks and bars are RETENTION's: untouched
      expect(await s.ticks({ symbol: 'BTCUSDT' })).toHaveLength(1);
      expect(await s.bars({ symbol: 'BTCUSDT', tf: '1m' })).toHaveLength(1);
      // more than a transaction's worth (SCAN_DELETE_CHUNK): 2 chunks and 3 more (with the 1m scan left above, 2 chunks
      // and 4), oldest first, all of them and no later one
      const many = 2 * SCAN_DELETE_CHUNK + 3;
      const later = T0 + 3_600_000;
      for (let k = 0; k < many + 2; k++) await s.insertScan(scan('5m', later + k * 300_000));
      expect(await s.deleteScansBefore(later + many * 300_000)).toBe(many + 1);
      expect(await s.scanAt('1m', 100)).toBeNull();
      expect((await s.scanHistory({ a, b, tf: '5m', window: 100 })).map((h) => h.ts)).toEqual([later + many * 300_000, later + (many + 1) * 300_000]);
    });

    test('reports health, and refuses work once closed', async () => {
      const s = await harness.open({});
      expect(await s.health()).toMatchObject({ ok: true, kind: s.kind });
      await s.close();
      await s.close(); // twice is harmless
      expect((await s.health()).ok).toBe(false);
      await expect(s.insertTicks([tick('BTCUSDT', 1, T0, 1)])).rejects.toThrow(/closed/);
    });

    test('barSpans lists every symbol and timeframe with bars, from ticks or only from klines (no tick); bars say their source', async () => {
      const s = await open();
      expect(await s.barSpans()).toEqual([]);
      // BTCUSDT: ticks at T0 + 0.01 s, + 1.5 s and + 61 s -> 1s bars T0 .. T0 + 61 s, 1m bars T0 and T0 + 1 min, one 5m bar T0
      await s.insertTicks([tick('BTCUSDT', 1, T0 + 10, 100), tick('BTCUSDT', 2, T0 + 1_500, 101), tick('BTCUSDT', 3, T0 + 61_000, 102)]);
      // SOLUSDT: kline history only, two 1m bars and one 5m bar before T0, no tick
      const kline = (tf: Bar['tf'], start: number): Bar => ({
        symbol: 'SOLUSDT',
        tf,
        start,
        open: 20,
        high: 21,
        low: 19,
        close: 20.5,
        volume: 10,
        quoteVolume: 200,
        trades: 7,
        vwap: 20,
        final: true,
        source: 'klines',
      });
      expect(await s.insertKlineBars([kline('1m', T0 - 120_000), kline('1m', T0 - 60_000), kline('5m', T0 - 300_000)])).toBe(3);
      expect(await s.barSpans()).toEqual([
        { symbol: 'BTCUSDT', tf: '1s', from: T0, to: T0 + 62_000 },
        { symbol: 'BTCUSDT', tf: '1m', from: T0, to: T0 + 120_000 },
        { symbol: 'BTCUSDT', tf: '5m', from: T0, to: T0 + 300_000 },
        { symbol: 'SOLUSDT', tf: '1m', from: T0 - 120_000, to: T0 },
        { symbol: 'SOLUSDT', tf: '5m', from: T0 - 300_000, to: T0 },
      ]);
      // symbols() stays the symbols with ticks
      expect((await s.symbols()).map((x) => x.symbol)).toEqual(['BTCUSDT']);
      // the stored source comes back: klines for SOLUSDT's, ticks for BTCUSDT's
      expect((await s.bars({ symbol: 'SOLUSDT', tf: '1m' })).map((b) => [b.start, b.source])).toEqual([
        [T0 - 120_000, 'klines'],
        [T0 - 60_000, 'klines'],
      ]);
      expect(await s.bars({ symbol: 'SOLUSDT', tf: '5m' })).toEqual([{ ...kline('5m', T0 - 300_000), vwap: 200 / 10 }]);
      for (const tf of TIMEFRAMES) expect((await s.bars({ symbol: 'BTCUSDT', tf })).every((b) => b.source === 'ticks')).toBe(true);
    });

    perpStoreTests(open, reopen);

    test('keeps 1s, 1m and 5m bars aligned to their interval', async () => {
      const s = await open();
      await s.insertTicks(makeTicks(rng(8), 'BTCUSDT', 300, T0 + 59_000, 1));
      for (const tf of TIMEFRAMES) {
        for (const b of await s.bars({ symbol: 'BTCUSDT', tf })) expect(b.start % TIMEFRAME_MS[tf]).toBe(0);
      }
    });
  });
}
