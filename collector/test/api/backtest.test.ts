/**
 * /api/backtest, /api/backtest/sweep and /api/backtest/walkforward over a real SQLite store: the
 * expected values are the analytics run on the same stored bars (alignBars, then analyzeColumns
 * with ddof 1 and backtest, sweepVerdict and walkForward of src/analytics), the computation the
 * API promises. The data starts after the warm-up floor, so the API's pass and the expected one
 * start at the same bar and match exactly.
 */
import { sweepResponse, walkForwardResponse } from '@quant-pairs/contract/requests';
import { alignBars, analyzeColumns, backtest, backtestSeries, sweepVerdict, walkForward, type BacktestOptions } from '../../src/analytics';
import type { Tick } from '../../src/domain';
import { startApi, type Harness } from './helpers';

const T0 = Date.UTC(2025, 0, 1);
const N = 1500;
const END = T0 + N * 1000;
const PAIR = 'pair=ETHUSDT/BTCUSDT&tf=1s';

/** One trade a second a leg (some seconds missing, so alignment forward-fills); y mean-reverts around 0.035 x. */
function pairTicks(): Tick[] {
  let s = 7;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const out: Tick[] = [];
  let x = 90_000;
  let e = 0;
  for (let i = 0; i < N; i++) {
    x = Math.round((x + rnd() * 60) * 100) / 100;
    e = 0.8 * e + rnd() * 4;
    const y = Math.round((0.035 * x + e) * 100) / 100;
    if (i % 17 !== 5) out.push({ symbol: 'BTCUSDT', id: i + 1, ts: T0 + i * 1000 + 300, price: x, qty: 1, isBuyerMaker: false });
    if (i % 23 !== 7) out.push({ symbol: 'ETHUSDT', id: i + 1, ts: T0 + i * 1000 + 600, price: y, qty: 1, isBuyerMaker: true });
  }
  return out;
}

/** The aligned final bars (the last one is in progress at `now` and is not traded). */
async function bars(h: Harness): Promise<{ ts: number[]; x: number[]; y: number[] }> {
  const y = await h.store.bars({ symbol: 'ETHUSDT', tf: '1s', from: 0 });
  const x = await h.store.bars({ symbol: 'BTCUSDT', tf: '1s', from: 0 });
  const al = alignBars(y, x);
  const n = al.ts.length - 1;
  return { ts: al.ts.slice(0, n), x: al.x.slice(0, n), y: al.y.slice(0, n) };
}

const BARS_PER_YEAR_1S = 365 * 86400;

describe('GET /api/backtest and /api/backtest/sweep', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startApi({ now: () => END + 500 }); // inside the last bar's second: it is in progress
    await h.store.insertTicks(pairTicks());
  });
  afterAll(() => h.close());

  it('equals backtest() on the stored bars: trades (with their bar times), equity and metrics', async () => {
    const b = await bars(h);
    const c = analyzeColumns({ ...b, window: 20, ddof: 1 });
    const opts: Partial<BacktestOptions> = { entry: 1.5, exit: 0.25, stop: 2.6, maxHold: 8, cooldown: 2, lag: 2, feeBps: 5, slippageBps: 1, notional: 2500 };
    const want = backtest({ x: b.x, y: b.y, z: c.zscore, beta: c.beta }, { ...opts, barsPerYear: BARS_PER_YEAR_1S });
    const q = Object.entries(opts)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('&');
    const r = await h.get(`/api/backtest?${PAIR}&window=20&from=${T0}&to=${END}&${q}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 20, hedge: 'ols', from: T0, to: END, bars: b.ts.length, thinned: false });
    expect(r.body.settings).toEqual({ ...opts, barsPerYear: BARS_PER_YEAR_1S });
    expect(r.body.trades).toEqual(want.trades.map((t) => ({ entryTs: b.ts[t.entryIndex], exitTs: b.ts[t.exitIndex], ...t })));
    expect(r.body.equity).toEqual({ ts: b.ts, equity: want.equity });
    expect(r.body.metrics).toEqual(want.metrics);
    expect(want.trades.length).toBeGreaterThan(20);
    expect(new Set(want.trades.map((t) => t.reason))).toEqual(new Set(['exit', 'stop', 'time', 'open']));
  });

  it('defaults: entry 2, exit 0, no stop, lag 1, 10 bps, notional 1000, bars a year of the timeframe', async () => {
    const b = await bars(h);
    const want = backtestSeries({ ...b, window: 30 }, { barsPerYear: BARS_PER_YEAR_1S });
    const r = await h.get(`/api/backtest?${PAIR}&window=30&from=${T0}&to=${END}`);
    expect(r.body.settings).toEqual({
      entry: 2,
      exit: 0,
      stop: null,
      maxHold: null,
      cooldown: 0,
      lag: 1,
      feeBps: 10,
      slippageBps: 0,
      notional: 1000,
      barsPerYear: 31536000,
    });
    expect(r.body.metrics).toEqual(want.metrics);
    expect(r.body.trades.length).toBeGreaterThan(5);
  });

  it('a range in the middle trades from `from` on, on z warmed up before it', async () => {
    const b = await bars(h);
    const c = analyzeColumns({ ...b, window: 25, ddof: 1 });
    const k = b.ts.findIndex((t) => t >= T0 + 600_000);
    const to = T0 + 1_200_000;
    const m = b.ts.findIndex((t) => t >= to);
    const sl = <T extends { slice(a: number, b: number): T }>(v: T) => v.slice(k, m);
    const want = backtest({ x: sl(b.x), y: sl(b.y), z: sl(c.zscore), beta: sl(c.beta) }, { barsPerYear: BARS_PER_YEAR_1S });
    const r = await h.get(`/api/backtest?${PAIR}&window=25&from=${T0 + 600_000}&to=${to}`);
    expect(r.body.bars).toBe(m - k);
    // the API's pass starts at its warm-up, not at the first bar: z equal to rounding, so the same decisions
    expect(r.body.trades.map((t: { entryIndex: number; exitIndex: number; reason: string }) => [t.entryIndex, t.exitIndex, t.reason])).toEqual(
      want.trades.map((t) => [t.entryIndex, t.exitIndex, t.reason]),
    );
    expect(r.body.metrics.totalReturn).toBeCloseTo(want.metrics.totalReturn, 12);
    expect(r.body.trades[0].entryTs).toBeGreaterThanOrEqual(T0 + 600_000);
  });

  it('maxDataPoints thins the equity curve, keeping its extremes and the last point', async () => {
    const full = (await h.get(`/api/backtest?${PAIR}&window=20&from=${T0}&to=${END}`)).body;
    const r = (await h.get(`/api/backtest?${PAIR}&window=20&from=${T0}&to=${END}&maxDataPoints=101`)).body;
    expect(r.thinned).toBe(true);
    expect(r.equity.ts.length).toBeLessThanOrEqual(101);
    expect(r.equity.ts.at(-1)).toBe(full.equity.ts.at(-1));
    expect(Math.min(...r.equity.equity)).toBe(Math.min(...full.equity.equity));
    expect(Math.max(...r.equity.equity)).toBe(Math.max(...full.equity.equity));
    expect(r.metrics).toEqual(full.metrics);
  });

  it('the sweep: one row per valid combination, each the metrics /api/backtest gives (Sharpe within 1e-12)', async () => {
    const q = `stop=4&feeBps=2&lag=1&from=${T0}&to=${END}`;
    const r = await h.get(`/api/backtest/sweep?${PAIR}&window=15,40&entry=1.5,2,2.5&exit=0,0.5,2&${q}`);
    expect(r.status).toBe(200);
    expect(r.body.settings).toEqual({ stop: 4, maxHold: null, cooldown: 0, lag: 1, feeBps: 2, slippageBps: 0, notional: 1000, barsPerYear: BARS_PER_YEAR_1S });
    // exit 2 is not below entries 1.5 and 2: those combinations are left out
    const expected = [15, 40].flatMap((window) =>
      [1.5, 2, 2.5].flatMap((entry) => [0, 0.5, 2].filter((exit) => exit < entry).map((exit) => ({ window, entry, exit }))),
    );
    expect(r.body.rows.map((row: { window: number; entry: number; exit: number }) => ({ window: row.window, entry: row.entry, exit: row.exit }))).toEqual(
      expected,
    );
    for (const row of r.body.rows) {
      const one = (await h.get(`/api/backtest?${PAIR}&window=${row.window}&entry=${row.entry}&exit=${row.exit}&${q}`)).body;
      expect({ ...row.metrics, sharpe: null }).toEqual({ ...one.metrics, sharpe: null });
      expect(Math.abs(row.metrics.sharpe - one.metrics.sharpe)).toBeLessThanOrEqual(1e-12 * Math.abs(one.metrics.sharpe));
      expect(row.metrics.trades).toBeGreaterThan(0);
    }
  });

  it('under hedge=kalman (issue 18): the sweep row equals /api/backtest with the same hedge', async () => {
    const q = `hedge=kalman&delta=1e-10&ve=4&from=${T0}&to=${END}`;
    const sweep = (await h.get(`/api/backtest/sweep?${PAIR}&window=20&entry=1.5&exit=0&${q}`)).body;
    const one = (await h.get(`/api/backtest?${PAIR}&window=20&entry=1.5&exit=0&${q}`)).body;
    const ols = (await h.get(`/api/backtest?${PAIR}&window=20&entry=1.5&exit=0&from=${T0}&to=${END}`)).body;
    expect([sweep.hedge, one.hedge, ols.hedge]).toEqual(['kalman', 'kalman', 'ols']);
    expect({ ...sweep.rows[0].metrics, sharpe: null }).toEqual({ ...one.metrics, sharpe: null });
    expect(one.metrics.trades).toBeGreaterThan(0);
    expect(one.trades).not.toEqual(ols.trades);
  });

  it('bad parameters: 400 naming each, and the grid bounded', async () => {
    const cases: [string, string, RegExp][] = [
      [`/api/backtest?${PAIR}&window=20&entry=abc`, 'entry', /expected a number/],
      [`/api/backtest?${PAIR}&window=20&entry=0`, 'entry', /entry must be a positive number/],
      [`/api/backtest?${PAIR}&window=20&entry=2&exit=2`, 'exit', /exit must be a number below entry \(2\)/],
      [`/api/backtest?${PAIR}&window=20&stop=1.5`, 'stop', /stop must be a number above entry/],
      [`/api/backtest?${PAIR}&window=20&notional=0`, 'notional', /notional must be a positive number/],
      [`/api/backtest?${PAIR}&window=20&lag=-1`, 'lag', /whole number from 0/],
      [`/api/backtest?${PAIR}&window=20&fee=3`, 'fee', /unknown parameter "fee"/],
      [`/api/backtest?${PAIR}`, 'window', /window is required/],
      [`/api/backtest/sweep?${PAIR}&window=20,x&entry=2&exit=0`, 'window', /comma-separated list of 1 to 20 whole numbers/],
      [`/api/backtest/sweep?${PAIR}&window=20&entry=2,-1&exit=0`, 'entry', /comma-separated list/],
      [`/api/backtest/sweep?${PAIR}&window=20&entry=2`, 'exit', /exit is required/],
      [`/api/backtest/sweep?${PAIR}&window=20&entry=2&exit=0&feeBps=-1`, 'feeBps', /from 0 to 1000/],
      [`/api/backtest/sweep?${PAIR}&window=20&entry=2&exit=0&notional=0`, 'notional', /notional must be a positive number/],
      [`/api/backtest/sweep?${PAIR}&window=20&entry=1,2&exit=3`, 'exit', /exit must be a number below entry \(1\)/],
      [`/api/backtest/sweep?${PAIR}&window=20&entry=2&exit=0&stop=1`, 'stop', /stop must be a number above entry \(2\)/],
    ];
    const windows = Array.from({ length: 20 }, (_, i) => 10 + i).join(',');
    const entries = Array.from({ length: 51 }, (_, i) => 1 + i / 10).join(',');
    cases.push([
      `/api/backtest/sweep?${PAIR}&window=${windows}&entry=${entries}&exit=0`,
      'entry',
      /20 windows x 51 entries x 1 exits = 1020 combinations; at most 1000/,
    ]);
    for (const [url, param, message] of cases) {
      const r = await h.get(url);
      expect([url, r.status, r.body.param]).toEqual([url, 400, param]);
      expect(r.body.error).toMatch(message);
    }
    expect((await h.get('/api/backtest?pair=SOLUSDT/BTCUSDT&tf=1s&window=20')).status).toBe(404);
    expect((await h.get('/api/backtest/sweep?pair=SOLUSDT/BTCUSDT&tf=1s&window=20&entry=2&exit=0')).status).toBe(404);
  });
});

describe('the honest verdicts over the API (issue 26): sweep PSR / DSR / PBO, GET and POST /api/backtest/walkforward', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startApi({ now: () => END + 500 });
    await h.store.insertTicks(pairTicks());
  });
  afterAll(() => h.close());
  const RANGE = `from=${T0}&to=${END}`;
  const costs = { feeBps: 2, slippageBps: 1, barsPerYear: BARS_PER_YEAR_1S };
  const grid = { window: [15, 40], entry: [1.5, 2], exit: [0, 0.5] };
  const post = async (body: unknown) => {
    const r = await fetch(`${h.url}/api/backtest/walkforward`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };

  it('the sweep carries the best row, its PSR and DSR and the PBO of sweepVerdict on the same bars', async () => {
    const b = await bars(h);
    const want = sweepVerdict(b, grid, costs, 16);
    const r = await h.get(`/api/backtest/sweep?${PAIR}&window=15,40&entry=1.5,2&exit=0,0.5&feeBps=2&slippageBps=1&${RANGE}`);
    expect(r.status).toBe(200);
    sweepResponse.parse(r.body);
    expect(r.body.rows).toEqual(want.results);
    expect([r.body.best, r.body.psr, r.body.dsr]).toEqual([want.best, want.psr, want.dsr]);
    expect(r.body.pbo).toEqual(want.pbo);
    // C(16, 8) = 12,870 CSCV splits at the default S
    expect(r.body.pbo.logits).toHaveLength(12870);
    expect(r.body.psr).toBeGreaterThan(0);
    const s4 = (await h.get(`/api/backtest/sweep?${PAIR}&window=15,40&entry=1.5,2&exit=0,0.5&feeBps=2&slippageBps=1&blocks=4&${RANGE}`)).body;
    expect(s4.pbo).toEqual(sweepVerdict(b, grid, costs, 4).pbo);
    expect(s4.pbo.logits).toHaveLength(6); // C(4, 2)
  });

  it('a sweep over fewer than 32 bars has no PBO at the default 16 blocks, and a 400 when blocks is asked for', async () => {
    const to = T0 + 20_000;
    const r = await h.get(`/api/backtest/sweep?${PAIR}&window=15&entry=1.5,2&exit=0&from=${T0}&to=${to}`);
    expect(r.status).toBe(200);
    expect(r.body.bars).toBeLessThan(32);
    expect(r.body.pbo).toBeNull();
    const asked = await h.get(`/api/backtest/sweep?${PAIR}&window=15&entry=1.5,2&exit=0&blocks=16&from=${T0}&to=${to}`);
    expect([asked.status, asked.body.param]).toEqual([400, 'blocks']);
    expect(asked.body.error).toMatch(/blocks \(16\) must leave at least 2 bars a block/);
  });

  it("GET walkforward equals walkForward() on the stored bars, with the bars' times of the folds and the equity", async () => {
    const b = await bars(h);
    const plan = { train: 400, test: 250, objective: 'sortino' as const };
    const want = walkForward(b, grid, plan, costs);
    const r = await h.get(
      `/api/backtest/walkforward?${PAIR}&window=15,40&entry=1.5,2&exit=0,0.5&feeBps=2&slippageBps=1&train=400&test=250&objective=sortino&${RANGE}`,
    );
    expect(r.status).toBe(200);
    walkForwardResponse.parse(r.body);
    expect(r.body).toMatchObject({
      pair: 'ETHUSDT/BTCUSDT',
      tf: '1s',
      hedge: 'ols',
      bars: b.ts.length,
      train: 400,
      test: 250,
      anchored: false,
      objective: 'sortino',
    });
    // n = 1495 bars: folds test [400, 650), [650, 900), [900, 1150), [1150, 1400), [1400, n)
    expect(r.body.folds.map((f: { testStart: number; testEnd: number }) => [f.testStart, f.testEnd])).toEqual([
      [400, 650],
      [650, 900],
      [900, 1150],
      [1150, 1400],
      [1400, b.ts.length],
    ]);
    expect(r.body.folds.map(({ trainStartTs: _a, testStartTs: _b, testLastTs: _c, ...f }: Record<string, unknown>) => f)).toEqual(want.folds);
    expect(r.body.folds.map((f: { trainStartTs: number; testStartTs: number; testLastTs: number }) => [f.trainStartTs, f.testStartTs, f.testLastTs])).toEqual(
      want.folds.map((f) => [b.ts[f.trainStart], b.ts[f.testStart], b.ts[f.testEnd - 1]]),
    );
    expect([r.body.equity, r.body.metrics, r.body.efficiency, r.body.psr]).toEqual([want.equity, want.metrics, want.efficiency, want.psr]);
    expect(r.body.equityTs).toEqual(b.ts.slice(400));
    expect(new Set(want.folds.map((f) => JSON.stringify(f.choice))).size).toBeGreaterThan(1);
  });

  it('POST takes the same parameters as a JSON object (lists as arrays, numbers, booleans) and answers the same', async () => {
    const q = `${PAIR}&window=15,40&entry=1.5,2&exit=0,0.5&train=500&test=300&anchored=true&${RANGE}`;
    const got = await h.get(`/api/backtest/walkforward?${q}`);
    const body = {
      pair: 'ETHUSDT/BTCUSDT',
      tf: '1s',
      window: [15, 40],
      entry: '1.5,2',
      exit: [0, 0.5],
      train: 500,
      test: 300,
      anchored: true,
      from: T0,
      to: END,
    };
    const posted = await post(body);
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual(got.body);
    expect(got.body.folds.every((f: { trainStart: number }) => f.trainStart === 0)).toBe(true);
    expect(got.body.folds[1].trainEnd).toBe(800);
  });

  it('bad parameters: 400 naming each', async () => {
    const n = (await bars(h)).ts.length;
    const base = `/api/backtest/walkforward?${PAIR}&window=15&entry=2&exit=0&${RANGE}`;
    const cases: [string, string, RegExp][] = [
      [`${base}&test=100`, 'train', /train is required/],
      [`${base}&train=400`, 'test', /test is required/],
      [`${base}&train=1&test=100`, 'train', /whole number from 2/],
      [`${base}&train=400&test=0`, 'test', /whole number from 1/],
      [`${base}&train=400&test=100&objective=calmar`, 'objective', /one of sharpe, totalReturn, sortino/],
      [`${base}&train=400&test=100&anchored=yes`, 'anchored', /true or false/],
      [`${base}&train=400&test=100&blocks=4`, 'blocks', /unknown parameter "blocks"/],
      [`${base}&train=5000&test=100`, 'train', new RegExp(`train \\(5000\\) must leave bars to test: the series has ${n}$`)],
      [`${base}&train=400&test=2`, 'test', new RegExp(`${Math.ceil((n - 400) / 2)} folds over ${n} bars; at most 200`)],
      [`${base}&train=400&test=100&stop=1`, 'stop', /stop must be a number above entry \(2\)/],
      [`${base}&train=400&test=100&notional=0`, 'notional', /notional must be a positive number/],
    ];
    for (const [url, param, message] of cases) {
      const r = await h.get(url);
      expect([url, r.status, r.body.param]).toEqual([url, 400, param]);
      expect(r.body.error).toMatch(message);
    }
    const bodies: [unknown, string, RegExp][] = [
      [[1, 2], 'body', /expected a JSON object of the parameters/],
      [{ pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: { a: 1 }, entry: 2, exit: 0, train: 400, test: 100 }, 'window', /window must be a string, a finite number/],
      [{ pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: [15], entry: 2, exit: 0, train: 400 }, 'test', /test is required/],
      [{ pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: [15], entry: 2, exit: 0, train: 400, test: 100, fee: 3 }, 'fee', /unknown parameter "fee"/],
    ];
    for (const [body, param, message] of bodies) {
      const r = await post(body);
      expect([body, r.status, r.body.param]).toEqual([body, 400, param]);
      expect(r.body.error).toMatch(message);
    }
    expect((await h.get('/api/backtest/walkforward?pair=SOLUSDT/BTCUSDT&tf=1s&window=20&entry=2&exit=0&train=10&test=5')).status).toBe(404);
  });
});
