/**
 * The Kalman hedge served by period (kalmanDaily.ts) and the hedge switch (hedge.ts): each UTC
 * day is served by a filter warmed on the day before, with parameters fitted on that day only
 * (tune); a point never depends on later data nor on where the series starts; each hedge choice
 * gives the path it names.
 */
import {
  analyzeSeries,
  backtestSeries,
  dailyKalmanSeries,
  fitKalman,
  hedgeColumns,
  hedgedSeries,
  KalmanHedge,
  kalmanSeries,
  type KalmanFit,
} from '../../src/analytics';
import type { AnalyticsPoint } from '../../src/domain';
import { driftingPair } from './driftingPair';

const DAY = 86_400_000;
// 3 days of 5-minute bars (288 a day), from a UTC midnight (1_700_006_400_000 = 19_676 days)
const N = 3 * 288;
const { x, y } = driftingPair(N, 21, 'btc');
const ts = x.map((_, i) => 1_700_006_400_000 + i * 300_000);

/** A fresh filter warmed on points [a, b), then serving [b, c). */
function served(a: number, b: number, c: number, delta: number, ve: number): AnalyticsPoint[] {
  const k = new KalmanHedge({ delta, ve });
  for (let i = a; i < b; i++) k.push(ts[i]!, x[i]!, y[i]!);
  const out: AnalyticsPoint[] = [];
  for (let i = b; i < c; i++) out.push(k.push(ts[i]!, x[i]!, y[i]!));
  return out;
}

describe('dailyKalmanSeries', () => {
  it('tune: each day warmed on and fitted on the day before; nothing served before the first fit', () => {
    expect(ts[0]! % DAY).toBe(0);
    const { points, periods } = dailyKalmanSeries({ ts, x, y }, { tune: true });
    expect(periods.map((p) => p.at)).toEqual([ts[0], ts[288], ts[576]]);
    expect(periods[0]).toEqual({ at: ts[0], trainFrom: null, trainTo: null, fit: { error: 'no previous period to fit on' }, delta: null, ve: null });
    expect(points.slice(0, 288).every((p) => p.beta === null && p.zscore === null)).toBe(true);
    const day1 = fitKalman(x.slice(0, 288), y.slice(0, 288)) as KalmanFit;
    const day2 = fitKalman(x.slice(288, 576), y.slice(288, 576)) as KalmanFit;
    expect(periods[1]).toEqual({ at: ts[288], trainFrom: ts[0], trainTo: ts[287], fit: day1, delta: day1.delta, ve: day1.ve });
    expect(periods[2]!.fit).toEqual(day2);
    expect(points.slice(288, 576)).toEqual(served(0, 288, 576, day1.delta, day1.ve));
    expect(points.slice(576)).toEqual(served(288, 576, N, day2.delta, day2.ve));
  });

  it('fixed parameters: the first day starts cold, later days warm on the day before', () => {
    const { points, periods } = dailyKalmanSeries({ ts, x, y }, { delta: 1e-9, ve: 0.01 });
    expect(periods.map((p) => [p.delta, p.ve, p.fit])).toEqual([
      [1e-9, 0.01, null],
      [1e-9, 0.01, null],
      [1e-9, 0.01, null],
    ]);
    expect(points.slice(0, 288)).toEqual(kalmanSeries({ ts: ts.slice(0, 288), x: x.slice(0, 288), y: y.slice(0, 288), delta: 1e-9, ve: 0.01 }));
    expect(points.slice(576)).toEqual(served(288, 576, N, 1e-9, 0.01));
    // Chan's defaults when none are given
    expect(dailyKalmanSeries({ ts, x, y }).periods[0]).toMatchObject({ delta: 1e-4, ve: 1e-3 });
  });

  it('never looks ahead, and does not depend on where the series starts', () => {
    const full = dailyKalmanSeries({ ts, x, y }, { tune: true }).points;
    for (const cut of [300, 575, 576, 700]) {
      const y2 = y.map((v, i) => (i > cut ? v * 1.5 + 100 : v));
      const x2 = x.map((v, i) => (i > cut ? v * 0.7 : v));
      const other = dailyKalmanSeries({ ts, x: x2, y: y2 }, { tune: true }).points;
      expect(other.slice(0, cut + 1)).toEqual(full.slice(0, cut + 1));
      expect(other[cut + 1]).not.toEqual(full[cut + 1]);
    }
    // a series starting on day 2 serves day 3 exactly as the whole one
    const late = dailyKalmanSeries({ ts: ts.slice(288), x: x.slice(288), y: y.slice(288) }, { tune: true }).points;
    expect(late.slice(288)).toEqual(full.slice(576));
  });

  it('a failed fit or a missing day leaves the period null, and checks its options', () => {
    // day 2 has 5 points: too few to fit day 3 on (fitKalman needs 12)
    const t2 = [...ts.slice(0, 288), ...[0, 1, 2, 3, 4].map((k) => ts[0]! + DAY + k * 300_000), ts[0]! + 2 * DAY];
    const { points, periods } = dailyKalmanSeries({ ts: t2, x: x.slice(0, t2.length), y: y.slice(0, t2.length) }, { tune: true });
    expect(periods[2]!.fit).toEqual({ error: 'need at least 12 points to fit the Kalman hedge, got 5' });
    expect(points[t2.length - 1]!.beta).toBeNull();
    // a day after a gap of a whole day has no previous period
    const gap = dailyKalmanSeries(
      { ts: [...ts.slice(0, 288), ...ts.slice(576)], x: [...x.slice(0, 288), ...x.slice(576)], y: [...y.slice(0, 288), ...y.slice(576)] },
      { tune: true },
    );
    expect(gap.periods[1]!.fit).toEqual({ error: 'no previous period to fit on' });
    expect(() => dailyKalmanSeries({ ts, x, y }, { periodMs: 0 })).toThrow(/periodMs/);
    expect(() => dailyKalmanSeries({ ts, x, y }, { delta: 2 })).toThrow(/delta/);
  });
});

describe('hedgedSeries / hedgeColumns / backtestSeries', () => {
  const input = { ts, x, y, window: 60 };
  it('each choice is the path it names', () => {
    expect(hedgedSeries(input, { hedge: 'ols' })).toEqual({ points: analyzeSeries(input), periods: null });
    expect(hedgedSeries(input, { hedge: 'kalman', delta: 1e-9, ve: 0.01 })).toEqual(dailyKalmanSeries({ ts, x, y }, { delta: 1e-9, ve: 0.01 }));
    expect(hedgedSeries(input, { hedge: 'kalman', tune: true })).toEqual(dailyKalmanSeries({ ts, x, y }, { tune: true }));
    expect(() => hedgedSeries(input, { hedge: 'kalman', tune: true, ve: 1 })).toThrow(/not both/);
  });

  it('the backtest trades on the chosen hedge’s beta and z', () => {
    const kalman = { hedge: 'kalman', delta: 1e-9, ve: 0.01 } as const;
    const cols = hedgeColumns(input, kalman);
    expect(Array.from(cols.zscore)).toEqual(hedgedSeries(input, kalman).points.map((p) => p.zscore ?? NaN));
    const k = backtestSeries({ ...input, hedge: kalman });
    const o = backtestSeries(input);
    expect(k.trades.length).toBeGreaterThan(0);
    expect(k).not.toEqual(o);
    expect(backtestSeries({ ...input, hedge: { hedge: 'ols' } })).toEqual(o);
  });
});
