/**
 * /api/analytics, /api/signals and the analytics CSV export against known bars: the expected
 * values are `analyzeSeries` (src/analytics) run on the same stored bars aligned by `alignBars`,
 * the computation the API promises to perform. Each case runs with and without the close cache.
 */
import { alignBars, analyzeSeries } from '../../src/analytics';
import type { AnalyticsPoint, Tick } from '../../src/domain';
import { CloseCache } from '../../src/serving/closes';
import { expectAcrossPaths } from '@quant-pairs/testkit';
import { parseCsv, startApi, type Harness } from './helpers';

const T0 = Date.UTC(2025, 0, 1);
const N = 400;
const END = T0 + N * 1000;

/** One trade per second per leg (some seconds missing in each leg, so alignment forward-fills). */
function pairTicks(): Tick[] {
  let s = 42;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const out: Tick[] = [];
  let x = 90_000;
  for (let i = 0; i < N; i++) {
    x = Math.round((x + rnd() * 60) * 100) / 100;
    const y = Math.round((0.035 * x + rnd() * 6) * 100) / 100;
    if (i % 17 !== 5) out.push({ symbol: 'BTCUSDT', id: i + 1, ts: T0 + i * 1000 + 300, price: x, qty: 1, isBuyerMaker: false });
    if (i % 23 !== 7) out.push({ symbol: 'ETHUSDT', id: i + 1, ts: T0 + i * 1000 + 600, price: y, qty: 1, isBuyerMaker: true });
  }
  return out;
}

async function expected(h: Harness, window: number, opts: { entryZ?: number; exitZ?: number } = {}): Promise<AnalyticsPoint[]> {
  const y = await h.store.bars({ symbol: 'ETHUSDT', tf: '1s', from: 0 });
  const x = await h.store.bars({ symbol: 'BTCUSDT', tf: '1s', from: 0 });
  const al = alignBars(y, x);
  return analyzeSeries({ ts: al.ts, x: al.x, y: al.y, window, ...opts });
}

const col = (pts: AnalyticsPoint[], k: keyof AnalyticsPoint) => pts.map((p) => p[k]);

describe.each([false, true])('analytics (close cache %s)', (cache) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startApi({ now: () => END + 500, closeCache: cache }); // inside the last bar's second: it is in progress
    await h.store.insertTicks(pairTicks());
  });
  afterAll(() => h.close());

  it('equals analyzeSeries on the aligned stored bars', async () => {
    // Exactly: the data starts after the warm-up floor, so the API's pass (cached run or not)
    // and analyzeSeries start at the same first bar and do the same floating-point operations.
    const want = await expected(h, 20);
    const r = await h.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=20&from=${T0}&to=${END}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 20, from: T0, to: END, points: want.length, thinned: false, provisional: true });
    for (const k of ['ts', 'beta', 'alpha', 'spread', 'spreadMean', 'zscore', 'signal', 'correlation'] as const) expect(r.body.series[k]).toEqual(col(want, k));
    expect(want.filter((p) => p.zscore !== null).length).toBeGreaterThan(300);
    expect(r.body.series.spreadMean.filter((v: number | null) => typeof v === 'number').length).toBeGreaterThan(300);
  });

  it('computes any window with warm-up before from: a mid-range query equals the full pass', async () => {
    // The rolling kernels are incremental, so a pass that starts later differs from the full
    // pass only in the last bits: compared within the tolerances across computation paths
    // (derived in test/support/acrossPaths.ts).
    const yScale = Math.max(
      ...pairTicks()
        .filter((t) => t.symbol === 'ETHUSDT')
        .map((t) => t.price),
    );
    for (const window of [7, 33, 64]) {
      const want = (await expected(h, window)).filter((p) => p.ts >= T0 + 250_000);
      const r = await h.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=${window}&from=${T0 + 250_000}&to=${END}`);
      expect(r.body.series.ts).toEqual(col(want, 'ts'));
      expectAcrossPaths(r.body.series.zscore, col(want, 'zscore') as (number | null)[], 'z', `w${window} zscore`);
      expectAcrossPaths(r.body.series.beta, col(want, 'beta') as (number | null)[], 'beta', `w${window} beta`);
      expectAcrossPaths(r.body.series.spreadMean, col(want, 'spreadMean') as (number | null)[], 'level', `w${window} spreadMean`, yScale);
      expect(r.body.series.zscore[0]).not.toBeNull(); // warmed up at the first point
    }
  });

  it('passes entryZ, exitZ and ddof through', async () => {
    const want = await expected(h, 20, { entryZ: 1.5, exitZ: 0.5 });
    const r = await h.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=20&from=${T0}&to=${END}&entryZ=1.5&exitZ=0.5`);
    expect(r.body.series.signal).toEqual(col(want, 'signal'));
    const bad = await h.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=20&entryZ=1&exitZ=1.5`);
    expect(bad.status).toBe(400);
    expect(bad.body.param).toBe('exitZ');
  });

  it('thins to maxDataPoints keeping the z extremes and the last point', async () => {
    const want = await expected(h, 20);
    const z = want.map((p) => p.zscore).filter((v): v is number => v !== null);
    const r = await h.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=20&from=${T0}&to=${END}&maxDataPoints=21`);
    expect(r.body.thinned).toBe(true);
    expect(r.body.series.ts.length).toBeLessThanOrEqual(21);
    const zs = r.body.series.zscore.filter((v: number | null) => v !== null);
    expect(Math.max(...zs)).toBe(Math.max(...z));
    expect(Math.min(...zs)).toBe(Math.min(...z));
    expect(r.body.series.ts[r.body.series.ts.length - 1]).toBe(want[want.length - 1]!.ts);
    // every kept row is a row of the full series
    const byTs = new Map(want.map((p) => [p.ts, p]));
    r.body.series.ts.forEach((t: number, i: number) => expect(r.body.series.beta[i]).toBe(byTs.get(t)!.beta));
  });

  it('lists signal changes as events', async () => {
    const want = await expected(h, 20);
    const events: { ts: number; signal: string; previous: string | null }[] = [];
    let prev: string | null = null;
    for (const p of want) {
      if (p.signal !== null && p.signal !== prev) events.push({ ts: p.ts, signal: p.signal, previous: prev });
      prev = p.signal;
    }
    const r = await h.get(`/api/signals?pair=ETHUSDT/BTCUSDT&tf=1s&window=20&from=${T0}&to=${END}`);
    expect(r.body.events.map((e: any) => ({ ts: e.ts, signal: e.signal, previous: e.previous }))).toEqual(events);
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(r.body.events[1].text).toMatch(/^(LONG|SHORT|NEUTRAL) \(z = -?\d+\.\d\d\)$/);
  });

  it('exports the analytics as CSV that parses back to the same numbers', async () => {
    const want = await expected(h, 20);
    const r = await h.get(`/export?pair=ETHUSDT/BTCUSDT&tf=1s&window=20&from=${T0}&to=${END}`);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="ETHUSDT-BTCUSDT_1s_w20_analytics_20250101T000000Z_20250101T000640Z.csv"');
    // without `to`, named for now (the clock is END + 500 ms), not a bar ahead of it
    const open = await h.get(`/export?pair=ETHUSDT/BTCUSDT&tf=1s&window=20&from=${T0}`);
    expect(open.headers.get('content-disposition')).toBe('attachment; filename="ETHUSDT-BTCUSDT_1s_w20_analytics_20250101T000000Z_20250101T000640Z.csv"'); // not ...000641Z
    const rows = parseCsv(r.text);
    expect(rows[0]).toEqual(['time', 'time_ms', 'pair', 'tf', 'window', 'beta', 'alpha', 'spread', 'spread_mean', 'zscore', 'signal', 'correlation', 'hedge']);
    const num = (s: string) => (s === '' ? null : Number(s));
    const back = rows.slice(1).map((c) => ({
      ts: Number(c[1]),
      beta: num(c[5]!),
      alpha: num(c[6]!),
      spread: num(c[7]!),
      spreadMean: num(c[8]!),
      zscore: num(c[9]!),
      signal: c[10] === '' ? null : c[10],
      correlation: num(c[11]!),
    }));
    expect(back).toEqual(
      want.map((p) => ({
        ts: p.ts,
        beta: p.beta,
        alpha: p.alpha,
        spread: p.spread,
        spreadMean: p.spreadMean,
        zscore: p.zscore,
        signal: p.signal,
        correlation: p.correlation,
      })),
    );
  });

  it('refuses unknown pairs (404) and oversize ranges (413)', async () => {
    const r = await h.get(`/api/analytics?pair=DOGEUSDT/BTCUSDT&tf=1s&window=20`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'unknown pair DOGEUSDT/BTCUSDT: no data for DOGEUSDT', param: 'pair' });
    const big = await h.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=20&from=0&to=${END}`);
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/range too large: .* exceed 700000; narrow from\/to or use a longer tf/);
    const w = await h.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=1`);
    expect(w.body).toEqual({ error: expect.stringMatching(/window="1" is invalid: expected a whole number from 2 to 10000/), param: 'window' });
  });
});

describe('CloseCache', () => {
  it('serves a late tick that lands in a cached, final bar after invalidation', async () => {
    const h = await startApi({ now: () => END + 500 });
    try {
      await h.store.insertTicks(pairTicks());
      let clock = END + 500;
      const cache = new CloseCache(h.store, { maxBars: 1_000_000, settleMs: 2000, now: () => clock });
      const a = await cache.closes('BTCUSDT', '1s', T0, END);
      expect(a.start.length).toBe(N - Math.ceil((N - 5) / 17) - 1); // final bars: the last second is in progress
      expect(a.close[10]).toBe((await h.store.bars({ symbol: 'BTCUSDT', tf: '1s', from: a.start[10]!, limit: 1 }))[0]!.close);
      // A late trade at the end of second 10 (a backfilled gap) changes that bar's close.
      const late: Tick = { symbol: 'BTCUSDT', id: 10_000, ts: a.start[10]! + 999, price: 1, qty: 1, isBuyerMaker: false };
      cache.invalidate('BTCUSDT', late.ts);
      await h.store.insertTicks([late]);
      const all = (c: { close: Float64Array; tail: { close: number }[] }) => [...c.close, ...c.tail.map((t) => t.close)];
      const b = await cache.closes('BTCUSDT', '1s', T0, END);
      expect(all(b)[10]).toBe(1);
      expect(all(b)).toHaveLength(all(a).length);
      clock += 5000; // settled: cached again, still right
      const c = await cache.closes('BTCUSDT', '1s', T0, END);
      expect(c.start.length).toBe(a.start.length);
      expect(all(c)).toEqual(all(b));
    } finally {
      await h.close();
    }
  });
});

describe('CloseCache under a continuous tick flow', () => {
  it('keeps caching bars older than the settle time (the uncached tail stays a few seconds)', async () => {
    let clock = T0;
    const h = await startApi({ now: () => clock });
    try {
      const cache = new CloseCache(h.store, { maxBars: 1_000_000, settleMs: 5000, now: () => clock });
      let id = 1;
      for (let sec = 0; sec < 120; sec++) {
        // 4 batches a second, each reported before it is stored (as the ingestor does)
        for (let q = 0; q < 4; q++) {
          clock = T0 + sec * 1000 + q * 250 + 10;
          const t = { symbol: 'BTCUSDT', id: id++, ts: clock - 5, price: 90_000 + id, qty: 1, isBuyerMaker: false };
          cache.invalidate('BTCUSDT', t.ts);
          await h.store.insertTicks([t]);
        }
        await cache.closes('BTCUSDT', '1s', T0, Infinity);
      }
      const c = await cache.closes('BTCUSDT', '1s', T0, Infinity);
      // Bars up to about settle (5 s) + one bar before the clock are cached; the rest is the tail.
      expect(c.start.length).toBeGreaterThanOrEqual(120 - 7);
      expect(c.tail.length).toBeLessThanOrEqual(7);
      expect(c.start.length + c.tail.length).toBe(120);
    } finally {
      await h.close();
    }
  });
});

describe('/api/stats computed from stored bars (a window the live engine does not run)', () => {
  it('gives the last committed and provisional points, ADF, Engle-Granger and half-life of the last STATS_SAMPLE points', async () => {
    const { adfuller, coint, halfLife } = await import('../../src/analytics');
    const { STATS_SAMPLE } = await import('../../src/serving');
    const h = await startApi({ now: () => END + 500 });
    try {
      await h.store.insertTicks(pairTicks());
      const y = await h.store.bars({ symbol: 'ETHUSDT', tf: '1s', from: 0 });
      const x = await h.store.bars({ symbol: 'BTCUSDT', tf: '1s', from: 0 });
      const al = alignBars(y, x);
      const all = analyzeSeries({ ts: al.ts, x: al.x, y: al.y, window: 20 });
      const from = END + 500 + 1000 - STATS_SAMPLE(20) * 1000; // the route's sample: [now + tf - sample·tf, now + tf)
      const idx = all.map((p, i) => (p.ts >= from ? i : -1)).filter((i) => i >= 0);
      const last = idx.length - 1; // the in-progress second
      const committed = all[idx[last - 1]!]!;
      const r = await h.get('/api/stats?pair=ETHUSDT/BTCUSDT&tf=1s&window=20');
      expect(r.status).toBe(200);
      expect(r.body.source).toBe('computed');
      expect(r.body.committed.ts).toBe(committed.ts);
      expectAcrossPaths([r.body.committed.zscore], [committed.zscore], 'z', 'committed z'); // the route's sample vs the full pass
      expect(r.body.provisional.ts).toBe(all[idx[last]!]!.ts);
      const spreads = idx
        .slice(0, last)
        .map((i) => all[i]!.spread!)
        .filter((v) => v !== null);
      const adf = adfuller(spreads) as { stat: number; pvalue: number; usedlag: number };
      expect(r.body.adf.stat).toBeCloseTo(adf.stat, 6);
      expect(r.body.adf.usedlag).toBe(adf.usedlag);
      expect(Object.keys(r.body.adf).sort()).toEqual(['crit', 'nobs', 'pvalue', 'stat', 'usedlag']);
      const eg = coint(
        idx.slice(0, last).map((i) => al.y[i]!),
        idx.slice(0, last).map((i) => al.x[i]!),
      ) as { stat: number };
      expect(r.body.coint.stat).toBeCloseTo(eg.stat, 9);
      const hl = halfLife(spreads) as { halfLife: number };
      expect(r.body.halfLife.halfLife).toBeCloseTo(hl.halfLife, 6);
      const lastEth = pairTicks()
        .filter((t) => t.symbol === 'ETHUSDT')
        .pop()!;
      expect(r.body.prices.y).toEqual({ price: lastEth.price, ts: lastEth.ts });
      expect(r.body.updatedAt).toBe(Math.max(lastEth.ts, r.body.prices.x.ts));
    } finally {
      await h.close();
    }
  });
});

describe('AlignedCache (incremental alignment) against alignBars over every stored bar', () => {
  it('stays equal through appends, late ticks and concurrent queries', async () => {
    const { AlignedCache } = await import('../../src/serving/aligned');
    const { parsePair } = await import('../../src/domain');
    let clock = T0;
    const h = await startApi({ now: () => clock });
    try {
      const cache = new CloseCache(h.store, { maxBars: 1_000_000, settleMs: 300, now: () => clock });
      const aligned = new AlignedCache(cache, 1_000_000);
      const pair = parsePair('ETHUSDT/BTCUSDT');
      const all = pairTicks();
      let s = 9;
      const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
      let id = 50_000;
      for (let round = 0; round < 12; round++) {
        // the next ~33 seconds of trades arrive
        const upto = T0 + (round + 1) * 33_000;
        const batch = all.filter((t) => t.ts >= T0 + round * 33_000 && t.ts < upto);
        for (const sym of ['ETHUSDT', 'BTCUSDT']) cache.invalidate(sym, Math.min(...batch.filter((t) => t.symbol === sym).map((t) => t.ts)));
        await h.store.insertTicks(batch);
        clock = upto + 5_000;
        if (round % 3 === 2) {
          // a late trade (backfill) into an earlier, final second of one leg
          const sym = rnd() < 0.5 ? 'ETHUSDT' : 'BTCUSDT';
          const ts = T0 + Math.floor(rnd() * round * 33) * 1000 + 999;
          cache.invalidate(sym, ts);
          await h.store.insertTicks([{ symbol: sym, id: id++, ts, price: sym === 'ETHUSDT' ? 3100 + round : 91_000 + round, qty: 1, isBuyerMaker: false }]);
        }
        const [a, b] = await Promise.all([aligned.get(pair, '1s', T0, Infinity), aligned.get(pair, '1s', T0 + 10_000, upto)]);
        const ref = alignBars(await h.store.bars({ symbol: 'ETHUSDT', tf: '1s', from: T0 }), await h.store.bars({ symbol: 'BTCUSDT', tf: '1s', from: T0 }));
        expect({ ts: Array.from(a.ts), y: Array.from(a.y), x: Array.from(a.x) }).toEqual(ref);
        const k = ref.ts.map((t, i) => (t >= T0 + 10_000 && t < upto ? i : -1)).filter((i) => i >= 0);
        expect({ ts: Array.from(b.ts), y: Array.from(b.y), x: Array.from(b.x) }).toEqual({
          ts: k.map((i) => ref.ts[i]),
          y: k.map((i) => ref.y[i]),
          x: k.map((i) => ref.x[i]),
        });
      }
    } finally {
      await h.close();
    }
  });
});

describe('RunCache (analytics runs continued over new bars) against analyzeSeries over every stored bar', () => {
  it('stays within the tolerances across paths (same nulls and signals) through appends and a late tick', async () => {
    let clock = T0;
    const h = await startApi({ now: () => clock, announce: true });
    try {
      const all = pairTicks();
      for (let round = 0; round < 8; round++) {
        const upto = T0 + (round + 1) * 50_000;
        const batch = all.filter((t) => t.ts >= T0 + round * 50_000 && t.ts < upto);
        if (round === 5) batch.push({ symbol: 'BTCUSDT', id: 90_000, ts: T0 + 123_999, price: 95_000, qty: 1, isBuyerMaker: false }); // late
        await h.store.insertTicks(batch); // the store announces it to the read side
        clock = upto + 100;
        const r = await h.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=15&from=${T0}&to=${upto + 1000}`);
        const want = await expected(h, 15);
        expect(r.body.series.ts).toEqual(col(want, 'ts'));
        expect(r.body.series.signal).toEqual(col(want, 'signal'));
        // test/support/acrossPaths.ts: a continued run and a fresh pass differ in the last bits
        expectAcrossPaths(r.body.series.beta, col(want, 'beta') as (number | null)[], 'beta', `round ${round} beta`);
        expectAcrossPaths(r.body.series.zscore, col(want, 'zscore') as (number | null)[], 'z', `round ${round} zscore`);
      }
    } finally {
      await h.close();
    }
  });
});
