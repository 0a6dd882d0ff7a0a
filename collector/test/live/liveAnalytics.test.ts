/**
 * LiveAnalytics fed with ticks must give exactly what the batch path gives for the same data:
 * bars built from the ticks (last trade per symbol and interval), aligned with alignBars and
 * pushed through analyzeSeries; warmUp reads real bars from a real (in-memory SQLite) store.
 */
import { adfuller, alignBars, analyzeSeries, coint, halfLife } from '../../src/analytics';
import { TIMEFRAME_MS, bucketStart, parsePair, type AnalyticsPoint, type Tick, type Timeframe } from '../../src/domain';
import { LiveAnalytics, type LiveUpdate } from '../../src/live';
import { openSqliteStore } from '../../src/store/sqlite';
import { T0, tickStream } from './tickStream';

const PAIR = parsePair('ETHUSDT/BTCUSDT');

/** Reference bars: the last trade of each symbol in each interval (what the store's bar close is). */
function closes(ticks: readonly Tick[], symbol: string, tf: Timeframe, until = Infinity): { start: number; close: number }[] {
  const m = new Map<number, number>();
  for (const t of ticks) if (t.symbol === symbol && t.ts < until) m.set(bucketStart(t.ts, tf), t.price);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([start, close]) => ({ start, close }));
}

function batch(ticks: readonly Tick[], tf: Timeframe, window: number, until = Infinity): AnalyticsPoint[] {
  const a = alignBars(closes(ticks, 'ETHUSDT', tf, until), closes(ticks, 'BTCUSDT', tf, until));
  return analyzeSeries({ ts: a.ts, x: a.x, y: a.y, window });
}

/**
 * Same point up to rounding: an engine warmed up on the last few hundred points and one that has
 * seen the whole history re-centre at different moments, so they agree to ~1e-14, not bitwise.
 * Null patterns and signals must be identical.
 */
function expectSamePoint(got: AnalyticsPoint | null | undefined, want: AnalyticsPoint | undefined): void {
  expect(got).toBeTruthy();
  const g = got!;
  const w = want!;
  expect([g.ts, g.signal]).toEqual([w.ts, w.signal]);
  for (const k of ['beta', 'alpha', 'spread', 'zscore', 'correlation'] as const) {
    expect([k, g[k] === null]).toEqual([k, w[k] === null]);
    if (w[k] !== null && Math.abs(g[k]! - w[k]!) > 1e-9 * Math.max(1, Math.abs(w[k]!))) throw new Error(`${k}: ${g[k]} vs ${w[k]}`);
  }
}

describe('LiveAnalytics', () => {
  const ticks = tickStream(900, 7, { noiseAr: 0.95, noiseSd: 0.3, ethPause: [100_000, 140_000] });

  it('commits, per timeframe and window, exactly the batch points of the closed intervals', () => {
    const live = new LiveAnalytics({ pairs: [PAIR], windows: [5, 20], timeframes: ['1s', '1m'], now: () => 0 });
    const committed = new Map<string, AnalyticsPoint[]>();
    live.onUpdate((u: LiveUpdate) => {
      if (u.provisional) return;
      const k = `${u.tf}/${u.window}`;
      if (!committed.has(k)) committed.set(k, []);
      committed.get(k)!.push(u.point);
    });
    // deliver in uneven batches, as ingest does
    for (let i = 0; i < ticks.length;) {
      const n = 1 + (i % 17);
      live.onTicks(ticks.slice(i, i + n));
      i += n;
    }
    for (const tf of ['1s', '1m'] as const) {
      for (const w of [5, 20]) {
        const all = batch(ticks, tf, w);
        const got = committed.get(`${tf}/${w}`)!;
        // every interval but the last (still open) is committed. Equal exactly, not within the
        // tolerance across paths (test/support/acrossPaths.ts): one path, the same PairEngine fed
        // the same aligned points from the same first bar, so the same floating-point operations.
        expect(got).toEqual(all.slice(0, -1));
        // not vacuous: z is defined from point 2w-2 on (15 one-minute bars give none for w = 20)
        expect(got.filter((p) => p.zscore !== null).length).toBeGreaterThanOrEqual(tf === '1s' ? 500 : w === 5 ? 5 : 0);
        // the open interval is the provisional point, equal to the batch's last point
        const l = live.latest(PAIR.id, tf, w)!;
        expect(l.provisional).toEqual(all[all.length - 1]);
        expect(l.point).toBe(l.provisional);
        expect(l.committed).toEqual(all[all.length - 2]);
        expect(l.correlation).toBe(all[all.length - 1]!.correlation);
      }
    }
    expect(live.latest(PAIR.id, '5m', 5)).toBeUndefined();
    expect(live.counters).toEqual({ outOfOrder: 0, late: 0 });
  });

  it('recomputes ADF, coint and half-life at bar close on the last statsSample points', () => {
    const live = new LiveAnalytics({ pairs: [PAIR], windows: [20], timeframes: ['1s'], statsSample: () => 150 });
    live.onTicks(ticks);
    const pts = batch(ticks, '1s', 20).slice(0, -1);
    const a = alignBars(closes(ticks, 'ETHUSDT', '1s'), closes(ticks, 'BTCUSDT', '1s'));
    const n = pts.length;
    const spreads = pts
      .slice(n - 150)
      .map((p) => p.spread)
      .filter((v): v is number => v !== null);
    const l = live.latest(PAIR.id, '1s', 20)!;
    expect(l.adf).toEqual(adfuller(spreads, { regression: 'c', autolag: 'AIC' }));
    expect(l.halfLife).toEqual(halfLife(spreads));
    expect(l.coint).toEqual(coint(a.y.slice(n - 150, n), a.x.slice(n - 150, n)));
    expect('stat' in (l.adf as object)).toBe(true);
  });

  it('recomputes the statistics only every statsEvery bars', () => {
    const live = new LiveAnalytics({ pairs: [PAIR], windows: [20], timeframes: ['1s'], statsEvery: 10, statsSample: () => 150 });
    const seen = new Set<unknown>();
    live.onUpdate((u) => {
      if (!u.provisional) seen.add(live.latest(PAIR.id, '1s', 20)!.adf);
    });
    live.onTicks(ticks);
    const bars = batch(ticks, '1s', 20).length - 1;
    expect(seen.size).toBe(Math.floor(bars / 10) + 1); // the initial null, then one result per 10 bars
  });

  it('counts out-of-order and late ticks and keeps the committed numbers unchanged', () => {
    const live = new LiveAnalytics({ pairs: [PAIR], windows: [5], timeframes: ['1s'] });
    const first = ticks.slice(0, 400);
    live.onTicks(first);
    const before = live.latest(PAIR.id, '1s', 5)!.committed;
    const lastBtc = [...first].reverse().find((t) => t.symbol === 'BTCUSDT')!;
    live.onTicks([{ ...lastBtc, id: 999999, ts: lastBtc.ts - 1, price: 1 }]);
    expect(live.counters.outOfOrder).toBe(1);
    expect(live.latest(PAIR.id, '1s', 5)!.committed).toBe(before);
    expect(live.lastPrice('BTCUSDT')).toBe(lastBtc.price);
  });

  it('warmUp from a real store, then ticks: the same numbers as one pass over all the data', async () => {
    const split = T0 + 600_000 + 250; // in the middle of an interval of every timeframe
    const store = await openSqliteStore({ path: ':memory:', now: () => split });
    try {
      await store.insertTicks(ticks.filter((t) => t.ts < split));
      const live = new LiveAnalytics({ pairs: [PAIR], windows: [5, 20], timeframes: ['1s', '1m'], now: () => split });
      await live.warmUp(store);
      for (const tf of ['1s', '1m'] as const) {
        const all = batch(ticks, tf, 20, split);
        // the interval containing `split` is open: provisional = batch's last point, committed = the one before
        expectSamePoint(live.latest(PAIR.id, tf, 20)!.committed, all[all.length - 2]);
        expectSamePoint(live.latest(PAIR.id, tf, 20)!.provisional, all[all.length - 1]);
      }
      live.onTicks(ticks.filter((t) => t.ts >= split));
      for (const tf of ['1s', '1m'] as const) {
        for (const w of [5, 20]) {
          const all = batch(ticks, tf, w);
          expectSamePoint(live.latest(PAIR.id, tf, w)!.committed, all[all.length - 2]);
          expectSamePoint(live.latest(PAIR.id, tf, w)!.provisional, all[all.length - 1]);
        }
      }
      expect(TIMEFRAME_MS['1m']).toBe(60_000);
    } finally {
      await store.close();
    }
  });

  it('rejects bad options with a clear message', () => {
    expect(() => new LiveAnalytics({ pairs: [PAIR], windows: [1] })).toThrow(/window must be an integer >= 2/);
    expect(() => new LiveAnalytics({ pairs: [PAIR], windows: [5], statsEvery: 0 })).toThrow(/statsEvery/);
    // the paper position's rules: the backtest's check (backtestOptionsProblem), named as the backtest names them
    expect(() => new LiveAnalytics({ pairs: [PAIR], windows: [5], paper: { stop: 1.5 } })).toThrow(
      'paper position: stop must be a number above entry (2), got 1.5',
    );
    expect(() => new LiveAnalytics({ pairs: [PAIR], windows: [5], entryZ: 1, paper: { exit: 1 } })).toThrow(
      /paper position: exit must be a number below entry \(1\)/,
    );
  });
});
