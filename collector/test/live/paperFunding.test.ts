/**
 * The live paper position's funding (issue 25) against the backtest's: ETHUSDT.P / BTCUSDT.P (and
 * the basis pair BTCUSDT.P / BTCUSDT) fed tick by tick, each settlement announced to LiveAnalytics
 * (`onFunding`) with the batch of trades that passes its time, as the ingest's funding job does; after every
 * committed bar the position's equity and cumulative funding equal `backtest` given the same
 * committed bars and settlements (funding.ts's timing: paid on the first bar at or after T) within
 * 1e-9 relative. A warm-up from a real SQLite store pays the stored settlements the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alignBars, analyzeColumns, backtest, type LegFunding } from '../../src/analytics';
import { bucketStart, parsePair, type Tick } from '../../src/domain';
import { LiveAnalytics } from '../../src/live';
import { openSqliteStore } from '../../src/store/sqlite';
import type { FundingEvent } from '../../src/store/store';
import { T0, tickStream } from './tickStream';

const W = 15;

function closes(ticks: readonly Tick[], symbol: string): { start: number; close: number }[] {
  const m = new Map<number, number>();
  for (const t of ticks) if (t.symbol === symbol) m.set(bucketStart(t.ts, '1s'), t.price);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([start, close]) => ({ start, close }));
}

/** The seeded stream (BTC near 87,000, ETH near 3,085) under the pair's symbols. */
function stream(y: string, x: string): Tick[] {
  return tickStream(900, 5, { noiseAr: 0.7, noiseSd: 0.5 }).map((t) =>
    t.symbol === 'ETHUSDT'
      ? { ...t, symbol: y, price: y.startsWith('BTC') ? Math.round((t.price / 0.035 - 1000 + 25 * Math.sin(t.ts / 7e3)) * 100) / 100 : t.price }
      : { ...t, symbol: x },
  );
}

/** A settlement every 10 s at +4.321 s (inside a bar), rates of both signs, marks at the legs' scales. */
function settlements(symbol: string, mark: number): FundingEvent[] {
  return Array.from({ length: 90 }, (_, k) => ({ symbol, ts: T0 + 4321 + k * 10_000, rate: k % 4 === 1 ? -0.0003 : 0.0002 + k * 1e-6, mark: mark + k * 0.5 }));
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe.each([
  ['ETHUSDT.P', 'BTCUSDT.P', 3085],
  ['BTCUSDT.P', 'BTCUSDT', 86_000],
])('%s/%s', (y, x, yMark) => {
  const pair = parsePair(`${y}/${x}`);
  const events = [...settlements(y, yMark), ...(x.endsWith('.P') ? settlements(x, 87_000) : [])].sort((p, q) => p.ts - q.ts);
  const funding: LegFunding = {
    y: events.filter((e) => e.symbol === y).map((e) => [e.ts, e.rate, e.mark]),
    ...(x.endsWith('.P') ? { x: events.filter((e) => e.symbol === x).map((e) => [e.ts, e.rate, e.mark] as const) } : {}),
  };

  it('fed live: equity and cumulative funding after every committed bar = backtest with the same settlements (1e-9 relative)', () => {
    const ticks = stream(y, x);
    const live = new LiveAnalytics({ pairs: [pair], windows: [W], timeframes: ['1s'], entryZ: 1.5, now: () => 0 });
    const seen: { equity: number; funding: number; trade: number }[] = [];
    live.onUpdate((u) => {
      if (u.provisional) return;
      const p = live.latest(pair.id, '1s', W)!.position;
      seen.push({ equity: p.equity, funding: p.funding!, trade: p.tradeFunding! });
    });
    let announced = 0;
    for (let i = 0; i < ticks.length; i += 7) {
      const batch = ticks.slice(i, i + 7);
      // settled before the batch's last trade: known before the bar it lands on can close
      const due = events.filter((e) => e.ts <= batch.at(-1)!.ts);
      live.onFunding(due.slice(announced));
      announced = due.length;
      live.onTicks(batch);
    }
    const a = alignBars(closes(ticks, y), closes(ticks, x));
    const n = seen.length;
    const c = analyzeColumns({ ts: a.ts.slice(0, n), x: a.x.slice(0, n), y: a.y.slice(0, n), window: W, ddof: 1 });
    const bt = backtest({ x: a.x.slice(0, n), y: a.y.slice(0, n), z: c.zscore, beta: c.beta, ts: a.ts.slice(0, n), funding }, { entry: 1.5 });
    expect(Math.max(...seen.map((s, t) => rel(s.equity, bt.equity[t]!)))).toBeLessThanOrEqual(1e-9);
    expect(rel(seen.at(-1)!.funding, bt.metrics.funding!)).toBeLessThanOrEqual(1e-9);
    // the held trade's funding is the backtest's open trade's
    const last = bt.trades.at(-1)!;
    if (last.reason === 'open') expect(rel(seen.at(-1)!.trade, last.funding!)).toBeLessThanOrEqual(1e-9);
    // a case that shows funding: many trades, funding both paid and received along the way
    expect(bt.trades.length).toBeGreaterThan(5);
    expect(bt.trades.some((tr) => tr.funding! > 0) && bt.trades.some((tr) => tr.funding! < 0)).toBe(true);
  });

  it('warmed up from a SQLite store: the stored settlements are paid as the backtest pays them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-funding-'));
    const ticks = stream(y, x);
    const end = ticks.at(-1)!.ts;
    const store = await openSqliteStore({ path: join(dir, 'db.sqlite'), now: () => end + 5000 });
    try {
      await store.insertTicks(ticks);
      await store.insertFunding(events);
      // a statistics sample longer than the stream: the warm-up reads and steps every stored bar
      const live = new LiveAnalytics({ pairs: [pair], windows: [W], timeframes: ['1s'], entryZ: 1.5, statsSample: () => 1000, now: () => end + 5000 });
      await live.warmUp(store);
      const a = alignBars(closes(ticks, y), closes(ticks, x));
      const c = analyzeColumns({ ...a, window: W, ddof: 1 });
      const bt = backtest({ ...a, z: c.zscore, beta: c.beta, funding }, { entry: 1.5 });
      const p = live.latest(pair.id, '1s', W)!.position;
      expect(rel(p.equity, bt.equity.at(-1)!)).toBeLessThanOrEqual(1e-9);
      expect(rel(p.funding!, bt.metrics.funding!)).toBeLessThanOrEqual(1e-9);
      expect(bt.metrics.funding).not.toBe(0);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a settlement older than the last committed bar is not paid late: onFunding names its symbol for a rewarm', () => {
  const pair = parsePair('ETHUSDT.P/BTCUSDT.P');
  const live = new LiveAnalytics({ pairs: [pair], windows: [W], timeframes: ['1s'], now: () => 0 });
  const ticks = stream('ETHUSDT.P', 'BTCUSDT.P').filter((t) => t.ts < T0 + 60_000);
  live.onTicks(ticks);
  const last = ticks.at(-1)!.ts;
  // belongs to a bar long committed: for a rewarm from the store
  expect(live.onFunding([{ symbol: 'ETHUSDT.P', ts: T0 + 10_500, rate: 1e-4, mark: 3085 }])).toEqual(['ETHUSDT.P']);
  // the bar in progress, or the last committed one (a moment late): queued, nothing to rewarm
  expect(live.onFunding([{ symbol: 'BTCUSDT.P', ts: last - 300, rate: 1e-4, mark: 87_000 }])).toEqual([]);
  expect(live.onFunding([{ symbol: 'SOLUSDT.P', ts: T0, rate: 1e-4, mark: 200 }])).toEqual([]); // no pair of it
});

test('a spot pair reports no funding fields', () => {
  const pair = parsePair('ETHUSDT/BTCUSDT');
  const live = new LiveAnalytics({ pairs: [pair], windows: [W], timeframes: ['1s'], now: () => 0 });
  live.onFunding(settlements('ETHUSDT.P', 3085));
  live.onTicks(tickStream(60, 5, { noiseAr: 0.7, noiseSd: 0.5 }));
  const p = live.latest(pair.id, '1s', W)!.position;
  expect('funding' in p || 'tradeFunding' in p).toBe(false);
});
