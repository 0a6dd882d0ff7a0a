/**
 * Walk-forward (src/analytics/honest/walkForward.ts) and the sweep's verdict (sweepVerdict.ts)
 * against slow literal references written here from the definitions: every combination
 * run alone by backtestSeries-style `backtest` calls on the fold's slice of columns computed over
 * the whole series, the choice by argmax, the out-of-sample runs joined by hand; PBO and PSR/DSR
 * from each combination's explicit per-bar returns. Prices at real scales: a BTCUSDT-like hedge
 * leg near 1e5 and a PEPEUSDT-like regressand near 1e-5 (the sizing is notional, so the P&L is
 * the same story at any level).
 */
import { hedgeColumns } from '../../src/analytics/hedge';
import { backtest, type BacktestOptions } from '../../src/analytics/backtest';
import { blockSumsOf, pbo } from '../../src/analytics/honest/pbo';
import { returnMoments, sharpeVerdict } from '../../src/analytics/honest/sharpeStats';
import { sweepVerdict } from '../../src/analytics/honest/sweepVerdict';
import { walkForward, walkForwardFolds } from '../../src/analytics/honest/walkForward';
import { sweepDetail } from '../../src/analytics/backtest/sweep';
import { cointegratedPair } from './slow';

/** BTCUSDT (x ~ 1e5) and PEPEUSDT (y ~ 1e-5) from a seeded cointegrated pair. */
function btcPepe(n: number, seed: number): { x: number[]; y: number[] } {
  const p = cointegratedPair(n, seed);
  return { x: p.x.map((v) => v * 1000), y: p.y.map((v) => v * 7e-8) };
}

const grid = { window: [20, 40], entry: [1.5, 2, 2.5], exit: [0, 0.5] };
const opts: Partial<BacktestOptions> = { feeBps: 2, barsPerYear: 525_600 };

function columnsOf(p: { x: number[]; y: number[] }, w: number) {
  return hedgeColumns({ ts: p.x.map((_, i) => i), x: p.x, y: p.y, window: w, ddof: 1 }, { hedge: 'ols' });
}

/** Every combination run alone on bars [a, b) of whole-series columns. */
function slowRuns(p: { x: number[]; y: number[] }, a: number, b: number) {
  const out = [];
  for (const window of grid.window) {
    const c = columnsOf(p, window);
    for (const entry of grid.entry)
      for (const exit of grid.exit) {
        const r = backtest({ x: p.x.slice(a, b), y: p.y.slice(a, b), z: c.zscore.slice(a, b), beta: c.beta.slice(a, b) }, { ...opts, entry, exit });
        out.push({ window, entry, exit, r });
      }
  }
  return out;
}

const perBarReturns = (equity: number[], notional = 1000) => equity.map((e, i) => (e - (i === 0 ? notional : equity[i - 1]!)) / notional);

describe('walkForwardFolds', () => {
  it('the worked example: 10 bars, train 4, test 3; anchored; a short last test part', () => {
    expect(walkForwardFolds(10, { train: 4, test: 3 })).toEqual([
      { trainStart: 0, trainEnd: 4, testStart: 4, testEnd: 7 },
      { trainStart: 3, trainEnd: 7, testStart: 7, testEnd: 10 },
    ]);
    expect(walkForwardFolds(10, { train: 4, test: 3, anchored: true }).map((f) => [f.trainStart, f.trainEnd])).toEqual([
      [0, 4],
      [0, 7],
    ]);
    expect(walkForwardFolds(11, { train: 4, test: 3 }).at(-1)).toEqual({ trainStart: 6, trainEnd: 10, testStart: 10, testEnd: 11 });
  });
});

describe('walkForward', () => {
  const p = btcPepe(3000, 21);

  it.each([
    ['sharpe', false],
    ['totalReturn', true],
    ['sortino', false],
  ] as const)('equals the slow literal walk-forward (objective %s, anchored %s)', (objective, anchored) => {
    const wf = walkForward(p, grid, { train: 800, test: 450, anchored, objective }, opts);
    const slowEquity: number[] = [];
    let end = 1000;
    let inSum = 0;
    const folds = walkForwardFolds(3000, { train: 800, test: 450, anchored });
    expect(wf.folds).toHaveLength(folds.length);
    folds.forEach((f, k) => {
      const runs = slowRuns(p, f.trainStart, f.trainEnd);
      const score = (r: (typeof runs)[number]['r']) => {
        if (objective === 'sharpe') return r.metrics.sharpe ?? -Infinity;
        if (objective === 'totalReturn') return r.metrics.totalReturn;
        const ret = perBarReturns(r.equity);
        const down = Math.sqrt(ret.reduce((a, v) => a + Math.min(v, 0) ** 2, 0) / ret.length);
        return down > 0 ? (ret.reduce((a, v) => a + v, 0) / ret.length / down) * Math.sqrt(525_600) : -Infinity;
      };
      let best = 0;
      runs.forEach((r, i) => {
        if (score(r.r) > score(runs[best]!.r)) best = i;
      });
      const b = runs[best]!;
      expect(wf.folds[k]!.choice).toEqual({ window: b.window, entry: b.entry, exit: b.exit });
      expect(wf.folds[k]!.inSample.trades).toBe(b.r.metrics.trades);
      const c = columnsOf(p, b.window);
      const oos = backtest(
        {
          x: p.x.slice(f.testStart, f.testEnd),
          y: p.y.slice(f.testStart, f.testEnd),
          z: c.zscore.slice(f.testStart, f.testEnd),
          beta: c.beta.slice(f.testStart, f.testEnd),
        },
        { ...opts, entry: b.entry, exit: b.exit },
      );
      expect(wf.folds[k]!.outOfSample).toEqual(oos.metrics);
      const iv = sharpeVerdict(
        perBarReturns(b.r.equity),
        runs.map((u) => (u.r.metrics.sharpe ?? 0) / Math.sqrt(525_600)),
      );
      expect(wf.folds[k]!.psr!).toBeCloseTo(iv.psr!, 12);
      expect(wf.folds[k]!.dsr!).toBeCloseTo(iv.dsr!, 12);
      for (const e of oos.equity) slowEquity.push(end + (e - 1000));
      end = slowEquity.at(-1)!;
      inSum += b.r.metrics.sharpe!;
    });
    expect(wf.equity).toHaveLength(3000 - 800);
    wf.equity.forEach((e, i) => expect(Math.abs(e - slowEquity[i]!)).toBeLessThan(1e-9));
    const m = returnMoments(perBarReturns(slowEquity));
    expect(wf.metrics.sharpe!).toBeCloseTo(m.sharpe! * Math.sqrt(525_600), 9);
    expect(wf.metrics.totalReturn).toBeCloseTo(end / 1000 - 1, 12);
    expect(wf.metrics.trades).toBe(wf.folds.reduce((a, f) => a + f.outOfSample.trades, 0));
    expect(wf.psr!).toBeCloseTo(sharpeVerdict(perBarReturns(slowEquity), []).psr!, 9);
    expect(wf.efficiency!).toBeCloseTo(wf.metrics.sharpe! / (inSum / folds.length), 9);
  });

  it("has no look-ahead: changing every bar after a fold's train part changes none of its choice or in-sample metrics", () => {
    const plan = { train: 700, test: 500 };
    const base = walkForward(p, grid, plan, opts);
    for (const [k, f] of base.folds.entries()) {
      const changed = {
        x: p.x.map((v, t) => (t >= f.trainEnd ? v * (1 + 0.03 * Math.sin(t)) : v)),
        y: p.y.map((v, t) => (t >= f.trainEnd ? v * (1 - 0.05 * Math.cos(t / 3)) : v)),
      };
      const other = walkForward(changed, grid, plan, opts);
      expect(other.folds[k]!.choice).toEqual(f.choice);
      expect(other.folds[k]!.inSample).toEqual(f.inSample);
      if (k + 1 < base.folds.length) expect(other.folds.slice(k + 1).map((g) => g.outOfSample)).not.toEqual(base.folds.slice(k + 1).map((g) => g.outOfSample));
    }
  });

  it('bad plans name the parameter', () => {
    expect(() => walkForward(p, grid, { train: 3000, test: 10 })).toThrow(/train \(3000\) must leave bars to test/);
    expect(() => walkForward(p, grid, { train: 100, test: 0 })).toThrow(/test must be an integer >= 1/);
    expect(() => walkForward(p, grid, { train: 1.5, test: 10 })).toThrow(/train must be an integer >= 2/);
    expect(() => walkForward(p, grid, { train: 100, test: 10, objective: 'calmar' as never })).toThrow(/objective must be one of sharpe, totalReturn, sortino/);
  });
});

describe('sweepVerdict', () => {
  const p = btcPepe(2400, 33);

  it('block sums, downside, PBO and PSR/DSR equal those of each combination run alone', () => {
    const v = sweepVerdict(p, grid, opts, 8);
    const runs = slowRuns(p, 0, 2400);
    expect(v.results.map((r) => r.metrics.trades)).toEqual(runs.map((r) => r.r.metrics.trades));
    const returns = runs.map((r) => perBarReturns(r.r.equity));
    const slowPbo = pbo(blockSumsOf(returns, 8));
    expect(v.pbo!.logits).toHaveLength(70); // C(8, 4)
    v.pbo!.logits.forEach((l, i) => expect(Math.abs(l - slowPbo.logits[i]!)).toBeLessThan(1e-9));
    expect(v.pbo!.pbo).toBe(slowPbo.pbo);
    expect(v.pbo!.probLoss).toBe(slowPbo.probLoss);
    let best = 0;
    runs.forEach((r, i) => {
      if ((r.r.metrics.sharpe ?? -Infinity) > (runs[best]!.r.metrics.sharpe ?? -Infinity)) best = i;
    });
    expect(v.best).toBe(best);
    const slow = sharpeVerdict(
      returns[best]!,
      runs.map((r) => (r.r.metrics.sharpe ?? 0) / Math.sqrt(525_600)),
    );
    expect(v.psr!).toBeCloseTo(slow.psr!, 10);
    expect(v.dsr!).toBeCloseTo(slow.dsr!, 10);
    expect(v.dsr!).toBeLessThan(v.psr!);
    const d = sweepDetail({ x: Float64Array.from(p.x), y: Float64Array.from(p.y) }, grid, (w) => columnsOf(p, w), opts);
    returns.forEach((r, i) =>
      expect(d.downside[i]!).toBeCloseTo(
        r.reduce((a, u) => a + Math.min(u, 0) ** 2, 0),
        14,
      ),
    );
  });

  it('one combination: no DSR, no PBO; bad blocks name the parameter', () => {
    const one = sweepVerdict(p, { window: [30], entry: [2], exit: [0] }, opts);
    expect(one.dsr).toBeNull();
    expect(one.pbo).toBeNull();
    expect(one.results).toHaveLength(1);
    expect(() => sweepVerdict(p, grid, opts, 5)).toThrow(/blocks must be an even integer/);
  });
});
