/**
 * hedge=kalman on /api/analytics, /api/signals, /api/stats and the analytics CSV export (issue
 * 18), against known bars: the expected values are `hedgedSeries` (src/analytics) run on the
 * same stored 5m bars aligned by `alignBars`, over the day before from's day onwards, the
 * computation the API promises (query/series.ts computeKalman). Three UTC days of 5-minute trades.
 */
import { KALMAN_DEFAULT_DELTA, KALMAN_DEFAULT_VE, type HedgeChoice } from '@quant-pairs/contract';
import { alignBars, hedgedSeries } from '../../src/analytics';
import type { AnalyticsPoint, Tick } from '../../src/domain';
import { driftingPair } from '../analytics/driftingPair';
import { parseCsv, startApi, type Harness } from './helpers';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const N = 3 * 288;
const END = T0 + N * 300_000;
const P = 'pair=ETHUSDT/BTCUSDT&tf=5m&window=30';

function pairTicks(): Tick[] {
  const { x, y } = driftingPair(N, 3, 'btc');
  const out: Tick[] = [];
  for (let i = 0; i < N; i++) {
    const r = (v: number) => Math.round(v * 100) / 100;
    out.push({ symbol: 'BTCUSDT', id: i + 1, ts: T0 + i * 300_000 + 1000, price: r(x[i]!), qty: 1, isBuyerMaker: false });
    out.push({ symbol: 'ETHUSDT', id: i + 1, ts: T0 + i * 300_000 + 2000, price: r(y[i]!), qty: 1, isBuyerMaker: true });
  }
  return out;
}

/** hedgedSeries over the stored bars from `start`, the points with from <= ts < to. */
async function expected(h: Harness, choice: HedgeChoice, start: number, from: number, to = END): Promise<AnalyticsPoint[]> {
  const y = await h.store.bars({ symbol: 'ETHUSDT', tf: '5m', from: start });
  const x = await h.store.bars({ symbol: 'BTCUSDT', tf: '5m', from: start });
  const al = alignBars(y, x);
  return hedgedSeries({ ts: al.ts, x: al.x, y: al.y, window: 30 }, choice).points.filter((p) => p.ts >= from && p.ts < to);
}
const col = (pts: AnalyticsPoint[], k: keyof AnalyticsPoint) => pts.map((p) => p[k]);

describe('hedge=kalman over the API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startApi({ now: () => END + 1000 });
    await h.store.insertTicks(pairTicks());
  });
  afterAll(() => h.close());

  it('fixed delta / ve: /api/analytics equals hedgedSeries from the day before from', async () => {
    const from = T0 + DAY + 7 * 3_600_000; // day 2, 07:00: the filter warms on day 1
    const choice: HedgeChoice = { hedge: 'kalman', delta: 1e-9, ve: 0.01 };
    const want = await expected(h, choice, T0, from);
    const r = await h.get(`/api/analytics?${P}&from=${from}&to=${END}&hedge=kalman&delta=1e-9&ve=0.01`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ hedge: 'kalman', points: want.length, kalman: { tune: false } });
    for (const k of ['ts', 'beta', 'alpha', 'spread', 'zscore', 'signal', 'correlation'] as const) expect(r.body.series[k]).toEqual(col(want, k));
    expect(r.body.kalman.periods.map((p: { at: number; delta: number }) => [p.at, p.delta])).toEqual([
      [T0 + DAY, 1e-9],
      [T0 + 2 * DAY, 1e-9],
    ]);
    // Chan's defaults when hedge=kalman alone
    const d = await h.get(`/api/analytics?${P}&from=${from}&hedge=kalman`);
    expect(d.body.kalman.periods[0]).toMatchObject({ delta: KALMAN_DEFAULT_DELTA, ve: KALMAN_DEFAULT_VE, fit: null });
  });

  it('tune=true: each day fitted on the day before, the same values whatever from is', async () => {
    const want = await expected(h, { hedge: 'kalman', tune: true }, T0, T0 + DAY);
    const r = await h.get(`/api/analytics?${P}&from=${T0 + DAY}&to=${END}&hedge=kalman&tune=true`);
    expect(r.status).toBe(200);
    expect(r.body.series.zscore).toEqual(col(want, 'zscore'));
    expect(r.body.series.zscore.filter((z: number | null) => z !== null).length).toBeGreaterThan(500);
    const [d2, d3] = r.body.kalman.periods;
    expect(d2).toMatchObject({ at: T0 + DAY, trainFrom: T0, trainTo: T0 + DAY - 300_000, fit: { converged: true, nobs: 286 } });
    expect(d3).toMatchObject({ at: T0 + 2 * DAY, trainFrom: T0 + DAY });
    // a query starting on day 3 serves day 3 exactly as the one above (its filter warms on day 2 either way)
    const late = await h.get(`/api/analytics?${P}&from=${T0 + 2 * DAY + 3_600_000}&to=${END}&hedge=kalman&tune=true`);
    const k = r.body.series.ts.indexOf(T0 + 2 * DAY + 3_600_000);
    expect(late.body.series.beta).toEqual(r.body.series.beta.slice(k));
    // signals: the change events of the same z
    const s = await h.get(`/api/signals?${P}&from=${T0 + DAY}&to=${END}&hedge=kalman&tune=true`);
    expect(s.status).toBe(200);
    expect(s.body.events.length).toBeGreaterThan(0);
    for (const e of s.body.events) expect(e.zscore).toBe(r.body.series.zscore[r.body.series.ts.indexOf(e.ts)]);
  });

  it('/api/stats and the CSV export take the hedge', async () => {
    const st = await h.get(`/api/stats?${P}&hedge=kalman&tune=true`);
    expect(st.status).toBe(200);
    expect(st.body).toMatchObject({ hedge: 'kalman', source: 'computed', kalman: { tune: true } });
    const a = await h.get(`/api/analytics?${P}&from=${T0 + 2 * DAY}&hedge=kalman&tune=true`);
    const last = a.body.series.ts.length - 1;
    const latest = st.body.provisional ?? st.body.committed;
    expect([latest.ts, latest.beta, latest.zscore]).toEqual([a.body.series.ts[last], a.body.series.beta[last], a.body.series.zscore[last]]);
    const csv = await h.get(`/export?${P}&from=${T0 + DAY}&to=${END}&hedge=kalman&tune=true`);
    expect(csv.headers.get('content-disposition')).toMatch(/ETHUSDT-BTCUSDT_5m_kalman_analytics_/);
    const rows = parseCsv(csv.text);
    expect(rows[0]!.at(-1)).toBe('hedge');
    expect(rows.slice(1).every((c) => c.at(-1) === 'kalman')).toBe(true);
    const ols = await h.get(`/export?${P}&from=${T0 + DAY}&to=${END}`);
    expect(parseCsv(ols.text)[1]!.at(-1)).toBe('ols');
  });

  it('a bad or conflicting hedge parameter is a 400 naming it', async () => {
    const cases: [string, string, string, RegExp][] = [
      ['/api/analytics', 'delta=1e-5', 'delta', /delta applies to hedge=kalman only/],
      ['/api/stats', 'hedge=kalman&tune=true&ve=2', 'tune', /give tune or ve, not both/],
      ['/api/signals', 'hedge=kalman&delta=0', 'delta', /greater than 0/],
      ['/api/analytics', 'hedge=lasso', 'hedge', /expected one of ols, kalman/],
      ['/export', 'hedge=kalman&tune=maybe', 'tune', /expected true or false/],
    ];
    for (const [path, q, param, msg] of cases) {
      const r = await h.get(`${path}?${P}&${q}`);
      expect([path, q, r.status, r.body.param]).toEqual([path, q, 400, param]);
      expect(JSON.stringify(r.body)).toMatch(msg);
    }
  });
});
