/**
 * The Kalman hedge continued bar by bar (src/serving/kalman-live.ts: the Live push's and
 * /api/stats') against the from-scratch computation, over many pushes: two hours of 1m bars
 * around a UTC midnight (the daily re-fit), a backfill into a final bar of the day served and one
 * into the day before (which changes the next day's fit and warm-up).
 *
 * Expected values: `hedgedSeries` (src/analytics, the definition /api/analytics serves) over every
 * stored 1m bar, aligned by `alignBars`; the latest point is the in-progress bar's when the store
 * says a leg's last bar is not final. Tolerance: none (toEqual). The continued filter pushes the
 * same points, with the same parameters (openPeriod, the same fit of the same training points),
 * in the same order as a pass from scratch, so every operation is the same one: bit-for-bit
 * equality is the claim, and a state continued past a rewritten bar would break it (the backfills
 * move closes by hundreds of dollars).
 */
import type { HedgeChoice } from '@quant-pairs/contract';
import { attachLive } from '../../src/api';
import { STATS_SAMPLE } from '../../src/serving';
import { adfuller, alignBars, hedgedSeries } from '../../src/analytics';
import { parsePair, type Tick } from '../../src/domain';
import { driftingPair } from '../analytics/driftingPair';
import { startApi, type Harness } from './helpers';
import { LiveClient } from './wsclient';

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 1);
const STEP = 20_000; // a trade of each leg every 20 s
const N = (3 * DAY) / STEP;
const MIDNIGHT = T0 + 2 * DAY;
const PAIR = parsePair('ETHUSDT/BTCUSDT');
const WINDOW = 30;
const S = STATS_SAMPLE(WINDOW); // 200 final points: the sample crosses midnight for the first 200 minutes of day 3

function allTicks(): Tick[] {
  const { x, y } = driftingPair(N, 5, 'btc');
  const out: Tick[] = [];
  for (let i = 0; i < N; i++) {
    const r = (v: number) => Math.round(v * 100) / 100;
    out.push({ symbol: 'BTCUSDT', id: i + 1, ts: T0 + i * STEP + 1000, price: r(x[i]!), qty: 1, isBuyerMaker: false });
    out.push({ symbol: 'ETHUSDT', id: i + 1, ts: T0 + i * STEP + 2000, price: r(y[i]!), qty: 1, isBuyerMaker: true });
  }
  return out;
}

/** From scratch: the latest point, the last S final points and the bars' final flags, over every stored bar. */
async function storedBars(h: Harness) {
  return Promise.all([h.store.bars({ symbol: 'ETHUSDT', tf: '1m', from: T0 }), h.store.bars({ symbol: 'BTCUSDT', tf: '1m', from: T0 })]);
}
async function fromScratch(h: Harness, choice: HedgeChoice, bars?: Awaited<ReturnType<typeof storedBars>>) {
  const [yb, xb] = bars ?? (await storedBars(h));
  const al = alignBars(yb, xb);
  const points = hedgedSeries({ ts: al.ts, x: al.x, y: al.y, window: WINDOW }, choice).points;
  const last = points[points.length - 1]!;
  const inProgress = [yb, xb].some((b) => b[b.length - 1]!.start === last.ts && !b[b.length - 1]!.final);
  const finals = inProgress ? points.length - 1 : points.length;
  const lo = Math.max(0, finals - S);
  const sample = points.slice(lo, finals).map((point, k) => ({ point, x: al.x[lo + k], y: al.y[lo + k] }));
  return { provisional: inProgress ? last : null, committed: points[finals - 1] ?? null, sample };
}

describe('the Kalman hedge continued over new bars (Live push, /api/stats)', () => {
  let clock = MIDNIGHT - 60 * MIN + 7_000;
  let h: Harness;
  const ticks = allTicks();
  let stored = 0;
  /** Stores the trades up to the clock (the store announces them to the read side). */
  async function feed(): Promise<void> {
    let k = stored;
    while (k < ticks.length && ticks[k]!.ts <= clock) k++;
    const batch = ticks.slice(stored, k);
    stored = k;
    if (!batch.length) return;
    await h.store.insertTicks(batch);
  }
  async function backfill(symbol: string, ts: number, price: number): Promise<void> {
    await h.store.insertTicks([{ symbol, id: 1_000_000 + Math.floor(ts / 1000), ts, price, qty: 1, isBuyerMaker: false }]);
  }

  beforeAll(async () => {
    h = await startApi({ now: () => clock, announce: true, pairs: [PAIR], windows: [WINDOW] });
    await feed();
  });
  afterAll(() => h.close());

  it('equals the from-scratch filter on every push (tune and fixed), through the daily re-fit and two backfills', async () => {
    const serving = h.app.locals.ctx.serving;
    const choices: HedgeChoice[] = [
      { hedge: 'kalman', tune: true },
      { hedge: 'kalman', delta: 1e-9, ve: 0.05 },
    ];
    let rounds = 0;
    let crossed = 0;
    for (let t = clock; t <= MIDNIGHT + 60 * MIN; t += 73_000, rounds++) {
      clock = t;
      await feed();
      if (rounds === 20) await backfill('BTCUSDT', Math.floor(clock / MIN) * MIN - 30 * MIN + 59_999, 90_500); // the last trade of a final bar of the day served
      if (rounds === 70) await backfill('ETHUSDT', MIDNIGHT - 2 * 3_600_000 + 59_999, 3_500); // the day before: its fit changes
      const bars = await storedBars(h);
      for (const choice of choices) {
        if (choice.hedge !== 'kalman') continue;
        const got = (await serving.kalmanLatest({ pair: PAIR, tf: '1m', hedge: choice }, S))!;
        const want = await fromScratch(h, choice, bars);
        const what = `round ${rounds} ${JSON.stringify(choice)}`;
        expect([what, got.provisional, got.committed]).toEqual([what, want.provisional, want.committed]);
        expect([what, got.sample.map((p) => p.point)]).toEqual([what, want.sample.map((p) => p.point)]);
        expect([what, got.sample.map((p) => [p.x, p.y])]).toEqual([what, want.sample.map((p) => [p.x, p.y])]);
        expect(want.sample.every((p) => p.point.zscore !== null)).toBe(true); // every point served (tune: each day fitted on the day before)
        if (got.sample[0]!.point.ts < MIDNIGHT && got.sample[S - 1]!.point.ts >= MIDNIGHT) crossed++;
      }
    }
    expect(crossed).toBeGreaterThan(50);
    // The pushes continued the filter. Each round's new bars settle (CloseCache, 5 s) only after
    // the round, so: from scratch at round 0 (nothing settled yet) and after the backfill into day
    // 2 (round 70: day 2 settling from 22:00), built at the next round; built too at round 20
    // (the backfill into the day served: day 1 is settled) and at the re-fit (round 50, 00:00:57:
    // day 2's last trades, 23:59:42, came in round 49); continued otherwise.
    expect(serving.counts.kalman).toEqual({ built: 2 * 4, scratch: 2 * 2, continued: 2 * (rounds - 6) });
  });

  it('/api/stats (source live) and the Live push serve the same point as /api/analytics', async () => {
    clock = MIDNIGHT + 75 * MIN + 30_000;
    await feed();
    const q = `pair=ETHUSDT/BTCUSDT&tf=1m&window=${WINDOW}&hedge=kalman&tune=true`;
    const st = await h.get(`/api/stats?${q}`);
    expect(st.status).toBe(200);
    expect(st.body).toMatchObject({ hedge: 'kalman', source: 'live', kalman: { tune: true } });
    expect(st.body.kalman.periods.map((p: { at: number }) => p.at)).toEqual([MIDNIGHT - DAY, MIDNIGHT]); // the sample starts on day 2
    const a = await h.get(`/api/analytics?${q}&from=${MIDNIGHT}&to=${clock + MIN}`);
    const s = a.body.series;
    const n = s.ts.length - 1;
    const at = (k: number) => ({ ts: s.ts[k], beta: s.beta[k], alpha: s.alpha[k], spread: s.spread[k], zscore: s.zscore[k], signal: s.signal[k] });
    expect(a.body.provisional).toBe(true);
    expect(st.body.provisional).toMatchObject(at(n));
    expect(st.body.committed).toMatchObject(at(n - 1));
    // the statistics are those of the last S final points of that series
    const want = await fromScratch(h, { hedge: 'kalman', tune: true });
    const adf = adfuller(want.sample.map((p) => p.point.spread!));
    if ('error' in adf) throw new Error(adf.error);
    expect(st.body.adf).toEqual({ stat: adf.stat, pvalue: adf.pvalue, usedlag: adf.usedlag, nobs: adf.nobs, crit: adf.crit });
    // the push: the same point
    const live = attachLive(h.server, h.app, { intervalMs: 50 });
    const c = await LiveClient.connect(h.url.replace('http', 'ws') + '/api/live');
    try {
      c.send({ type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: WINDOW, hedge: 'kalman', tune: true }] });
      const u = await c.next((m) => m.type === 'update');
      expect(u.analytics[0]).toMatchObject({ provisional: true, point: at(n) });
    } finally {
      c.ws.close();
      await live.close();
    }
  });

  it('the Live push keeps the last point after a minute closes with no trade yet in the next', async () => {
    // trades come at :01 and :02 past each 20 s step: at :00.5 the last bar is the minute before
    clock = MIDNIGHT + 77 * MIN + 500;
    await feed();
    const q = `pair=ETHUSDT/BTCUSDT&tf=1m&window=${WINDOW}&hedge=kalman&tune=true`;
    const a = await h.get(`/api/analytics?${q}&from=${MIDNIGHT}&to=${clock + MIN}`);
    const s = a.body.series;
    const n = s.ts.length - 1;
    expect(s.ts[n]).toBe(MIDNIGHT + 76 * MIN);
    const live = attachLive(h.server, h.app, { intervalMs: 50 });
    const c = await LiveClient.connect(h.url.replace('http', 'ws') + '/api/live');
    try {
      c.send({ type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: WINDOW, hedge: 'kalman', tune: true }] });
      const u = await c.next((m) => m.type === 'update');
      expect(u.analytics[0].point).toMatchObject({ ts: s.ts[n], beta: s.beta[n], zscore: s.zscore[n] });
    } finally {
      c.ws.close();
      await live.close();
    }
  });
});
