/**
 * The scheduled re-fit (kalmanTuned.ts) and the hedge switch (hedge.ts): each period's
 * parameters are fitKalman's on the previous period only, a point never depends on later data,
 * and each hedge choice gives the path it names.
 */
import {
  analyzeSeries,
  backtestSeries,
  fitKalman,
  hedgeColumns,
  hedgedSeries,
  KalmanHedge,
  kalmanSeries,
  tunedKalmanSeries,
  type KalmanFit,
} from '../../src/analytics';
import { driftingPair } from './driftingPair';

const DAY = 86_400_000;
// 3 days of 5-minute bars (288 a day)
const N = 3 * 288;
const { x, y } = driftingPair(N, 21, 'btc');
const ts = x.map((_, i) => 1_700_006_400_000 + i * 300_000); // 1_700_006_400_000 is a UTC midnight (÷ 86_400_000)

describe('tunedKalmanSeries', () => {
  it('fits each day on the day before and serves nothing before the first fit', () => {
    expect(ts[0]! % DAY).toBe(0);
    const { points, refits } = tunedKalmanSeries({ ts, x, y });
    expect(refits.map((r) => r.at)).toEqual([ts[0]! + DAY, ts[0]! + 2 * DAY]);
    // day 1: nothing to tune on
    expect(points.slice(0, 288).every((p) => p.beta === null && p.zscore === null)).toBe(true);
    // the fit at day 2 is fitKalman's on day 1's 288 points, exactly
    const day1 = fitKalman(x.slice(0, 288), y.slice(0, 288)) as KalmanFit;
    expect(refits[0]).toEqual({ at: ts[288], trainFrom: ts[0], trainTo: ts[287], fit: day1 });
    const day2 = fitKalman(x.slice(288, 576), y.slice(288, 576)) as KalmanFit;
    expect(refits[1]!.fit).toEqual(day2);
    // day 2 = a filter started at day 1's first point with day 1's fit; day 3: the same filter retuned
    const k = new KalmanHedge({ delta: day1.delta, ve: day1.ve });
    for (let i = 0; i < 288; i++) k.push(ts[i]!, x[i]!, y[i]!);
    for (let i = 288; i < N; i++) {
      if (i === 576) k.retune(day2.delta, day2.ve);
      expect(points[i]).toEqual(k.push(ts[i]!, x[i]!, y[i]!));
    }
  });

  it('never looks ahead: changing the data after a point leaves it unchanged', () => {
    const full = tunedKalmanSeries({ ts, x, y }).points;
    for (const cut of [300, 575, 576, 700]) {
      const y2 = y.map((v, i) => (i > cut ? v * 1.5 + 100 : v));
      const x2 = x.map((v, i) => (i > cut ? v * 0.7 : v));
      const other = tunedKalmanSeries({ ts, x: x2, y: y2 }).points;
      expect(other.slice(0, cut + 1)).toEqual(full.slice(0, cut + 1));
      expect(other[cut + 1]).not.toEqual(full[cut + 1]);
    }
  });

  it('keeps the parameters in force when a fit fails, and checks its options', () => {
    // a day with only 5 points: too few to fit (fitKalman needs 12)
    const t2 = [...ts.slice(0, 288), ...[0, 1, 2, 3, 4].map((k) => ts[0]! + DAY + k * 300_000), ts[0]! + 2 * DAY];
    const x2 = x.slice(0, t2.length);
    const y2 = y.slice(0, t2.length);
    const { points, refits } = tunedKalmanSeries({ ts: t2, x: x2, y: y2 });
    expect(refits[1]!.fit).toEqual({ error: 'need at least 12 points to fit the Kalman hedge, got 5' });
    expect(points[t2.length - 1]!.beta).not.toBeNull();
    expect(() => tunedKalmanSeries({ ts, x, y }, { refitMs: 0 })).toThrow(/refitMs/);
  });
});

describe('hedgedSeries / hedgeColumns / backtestSeries', () => {
  const input = { ts, x, y, window: 60 };
  it('each choice is the path it names', () => {
    expect(hedgedSeries(input, { hedge: 'ols' })).toEqual({ points: analyzeSeries(input), refits: null });
    expect(hedgedSeries(input, { hedge: 'kalman', delta: 1e-9, ve: 0.01 }).points).toEqual(kalmanSeries({ ts, x, y, delta: 1e-9, ve: 0.01 }));
    expect(hedgedSeries(input, { hedge: 'kalman', tune: true })).toEqual(tunedKalmanSeries({ ts, x, y }));
    expect(() => hedgedSeries(input, { hedge: 'kalman', tune: true, ve: 1 })).toThrow(/not both/);
  });

  it('the backtest trades on the chosen hedge’s beta and z', () => {
    const kalman = { hedge: 'kalman', delta: 1e-9, ve: 0.01 } as const;
    const cols = hedgeColumns(input, kalman);
    const pts = kalmanSeries({ ts, x, y, delta: 1e-9, ve: 0.01 });
    expect(Array.from(cols.zscore)).toEqual(pts.map((p) => p.zscore ?? NaN));
    const k = backtestSeries({ ...input, hedge: kalman });
    const o = backtestSeries(input);
    expect(k.trades.length).toBeGreaterThan(0);
    expect(k).not.toEqual(o);
    expect(backtestSeries({ ...input, hedge: { hedge: 'ols' } })).toEqual(o);
  });
});
