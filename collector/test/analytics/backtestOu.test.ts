/**
 * entry=ou in the backtest (src/analytics/backtest/ouEntry.ts): the band column against a slow
 * per-bar reference written here (fitOu + bertramBand on each trailing window of the spread), the
 * header's worked example, the default cost from the fees and slippage, the look-ahead test (bars
 * after t change nothing decided up to t), and bad options naming the parameter. Prices at real
 * scales: a BTCUSDT-like hedge leg near 1e5 and an ETHUSDT-like regressand near 3e3.
 */
import { analyzeColumns, backtest, hedgedSeries } from '../../src/analytics';
import { backtestOuSeries, ouBandColumn } from '../../src/analytics/backtest/ouEntry';
import { bertramBand, fitOu } from '../../src/analytics/honest/ou';
import { cointegratedPair } from './slow';

const base = cointegratedPair(2500, 12);
const pair = { x: base.x.map((v) => v * 1000), y: base.y.map((v) => v * 20) };
const window = 50;
const fitWindow = 150;

describe('ouBandColumn', () => {
  it('the worked example: u_5 = 0.4155, u_6 = -0.5708, NaN before', () => {
    const u = Array.from(ouBandColumn([NaN, 1, 0.6, 0.5, 0.2, 0.3, 0.1], 5, () => 0.02));
    expect(u.slice(0, 5).every(Number.isNaN)).toBe(true);
    expect(u[5]).toBeCloseTo((0.3 - 0.26933333333333) / 0.07380208236189, 10);
    expect(u[6]).toBeCloseTo(-0.5708410497583891, 12);
    expect(() => ouBandColumn([1, 2, 3], 3, () => 1)).toThrow(/fitWindow must be an integer >= 4/);
  });

  it('equals a slow per-bar fit of each trailing window (default cost: fees and slippage on both legs, twice)', () => {
    const r = backtestOuSeries({ ...pair, window }, { feeBps: 4, slippageBps: 1 }, { fitWindow });
    const c = analyzeColumns({ ts: pair.x.map((_, i) => i), x: pair.x, y: pair.y, window, ddof: 1 });
    const u = new Float64Array(pair.x.length).fill(NaN);
    for (let t = 0; t < pair.x.length; t++) {
      const w = Array.from(c.spread.subarray(t - fitWindow + 1, t + 1));
      if (t < fitWindow - 1 || w.some(Number.isNaN)) continue;
      const fit = fitOu(w);
      if (fit === null) continue;
      const cost = ((2 * 5) / 1e4) * (pair.y[t]! + Math.abs(c.beta[t]!) * pair.x[t]!);
      const band = bertramBand(fit, cost);
      u[t] = (c.spread[t]! - fit.mu) / band.a;
    }
    const slow = backtest({ x: pair.x, y: pair.y, z: u, beta: c.beta }, { feeBps: 4, slippageBps: 1, entry: 1, exit: -1 });
    expect(r).toEqual(slow);
    expect(r.trades.length).toBeGreaterThan(10);
    // each trade entered outside the band and exited at the other side's level
    for (const t of r.trades.filter((k) => k.reason === 'exit')) {
      const entryU = u[t.entryIndex - 1]!;
      const exitU = u[t.exitIndex - 1]!;
      if (t.side === 'LONG') expect([entryU < -1, exitU >= 1]).toEqual([true, true]);
      else expect([entryU > 1, exitU <= -1]).toEqual([true, true]);
    }
  });

  it('has no look-ahead: changing every bar after t changes no band value or trade decided up to t', () => {
    const r = backtestOuSeries({ ...pair, window }, { feeBps: 4 }, { fitWindow });
    for (const cut of [700, 1300, 2000]) {
      const changed = { x: pair.x.map((v, t) => (t > cut ? v * 1.02 : v)), y: pair.y.map((v, t) => (t > cut ? v * (1 + 0.01 * Math.sin(t)) : v)) };
      const other = backtestOuSeries({ ...changed, window }, { feeBps: 4 }, { fitWindow });
      const band = (p: { x: number[]; y: number[] }) =>
        ouBandColumn(analyzeColumns({ ts: p.x.map((_, i) => i), x: p.x, y: p.y, window, ddof: 1 }).spread, fitWindow, () => 30);
      const before = band(pair);
      const after = band(changed);
      expect(Array.from(after.subarray(0, cut + 1))).toEqual(Array.from(before.subarray(0, cut + 1)));
      expect(Array.from(after.subarray(cut + 1))).not.toEqual(Array.from(before.subarray(cut + 1)));
      // a decision at t fills at t + 1 (lag 1): trades whose exit fill is at or before cut + 1 were decided on bars <= cut
      const decided = (k: (typeof r.trades)[number]) => k.reason !== 'open' && k.exitIndex <= cut + 1;
      expect(other.trades.filter(decided)).toEqual(r.trades.filter(decided));
      expect(other.equity.slice(0, cut + 1)).toEqual(r.equity.slice(0, cut + 1));
    }
  });

  // the Kalman hedge (issue 26): its spread y - alpha_t - beta_t x, the state filtered on bars up to t
  const kalman = { hedge: 'kalman' as const, delta: 1e-6, ve: 4 };
  const kalmanSpread = (p: { x: number[]; y: number[] }) => {
    const { points } = hedgedSeries({ ts: p.x.map((_, i) => i), x: p.x, y: p.y, window, ddof: 1 }, kalman);
    return { spread: points.map((q) => q.spread ?? NaN), beta: points.map((q) => q.beta ?? NaN) };
  };

  it('with the Kalman hedge: the band of the Kalman spread, equal to a slow per-bar fit of it', () => {
    const r = backtestOuSeries({ ...pair, window, hedge: kalman }, { feeBps: 4, slippageBps: 1 }, { fitWindow });
    const c = kalmanSpread(pair);
    const u = new Float64Array(pair.x.length).fill(NaN);
    for (let t = fitWindow - 1; t < pair.x.length; t++) {
      const w = c.spread.slice(t - fitWindow + 1, t + 1);
      if (w.some(Number.isNaN)) continue;
      const fit = fitOu(w);
      if (fit === null) continue;
      u[t] = (c.spread[t]! - fit.mu) / bertramBand(fit, ((2 * 5) / 1e4) * (pair.y[t]! + Math.abs(c.beta[t]!) * pair.x[t]!)).a;
    }
    expect(r).toEqual(backtest({ x: pair.x, y: pair.y, z: u, beta: Float64Array.from(c.beta) }, { feeBps: 4, slippageBps: 1, entry: 1, exit: -1 }));
    expect(r.trades.length).toBeGreaterThan(10);
    // not the OLS band: another spread, other trades
    expect(r.trades).not.toEqual(backtestOuSeries({ ...pair, window }, { feeBps: 4, slippageBps: 1 }, { fitWindow }).trades);
  });

  it('with the Kalman hedge, no look-ahead: changing every bar after t changes no band value or trade decided up to t', () => {
    const r = backtestOuSeries({ ...pair, window, hedge: kalman }, { feeBps: 4 }, { fitWindow });
    for (const cut of [700, 1800]) {
      const changed = { x: pair.x.map((v, t) => (t > cut ? v * 1.02 : v)), y: pair.y.map((v, t) => (t > cut ? v * (1 + 0.01 * Math.sin(t)) : v)) };
      const other = backtestOuSeries({ ...changed, window, hedge: kalman }, { feeBps: 4 }, { fitWindow });
      const band = (p: { x: number[]; y: number[] }) => ouBandColumn(kalmanSpread(p).spread, fitWindow, () => 30);
      const before = band(pair);
      const after = band(changed);
      expect(Array.from(after.subarray(0, cut + 1))).toEqual(Array.from(before.subarray(0, cut + 1)));
      expect(Array.from(after.subarray(cut + 1))).not.toEqual(Array.from(before.subarray(cut + 1)));
      const decided = (k: (typeof r.trades)[number]) => k.reason !== 'open' && k.exitIndex <= cut + 1;
      expect(other.trades.filter(decided)).toEqual(r.trades.filter(decided));
      expect(other.equity.slice(0, cut + 1)).toEqual(r.equity.slice(0, cut + 1));
    }
  });

  it('a fixed cost replaces the default; bad options name the parameter', () => {
    const fixed = backtestOuSeries({ ...pair, window }, { feeBps: 4 }, { fitWindow, cost: 5 });
    const dflt = backtestOuSeries({ ...pair, window }, { feeBps: 4 }, { fitWindow });
    expect(fixed.trades).not.toEqual(dflt.trades);
    expect(() => backtestOuSeries({ ...pair, window }, {}, { cost: 0 })).toThrow(/cost must be a positive number/);
    expect(() => backtestOuSeries({ ...pair, window }, { stop: 0.5 })).toThrow(/stop must be a number above entry.*units of the band's half-width/);
    expect(() => backtestOuSeries({ ...pair, window }, {}, { fitWindow: 2 })).toThrow(/fitWindow must be an integer >= 4/);
  });
});
