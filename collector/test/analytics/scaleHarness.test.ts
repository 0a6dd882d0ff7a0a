/**
 * The scale harness (issue 22): the rolling kernels on one seeded market pair (PEPE = c·ETH +
 * AR(1) spread, test data of src/fake-binance/market.ts) with each leg moved to every price level
 * of 1e-8 .. 1e6 (49 level pairs, 8 significant digits kept as a tick would), against the slow
 * reference that recomputes every window from scratch (test/analytics/slow.ts `slowAnalyze`).
 * Measured worst relative errors over the 49 pairs (the analytics README's table): beta 1.4e-14,
 * correlation 1.4e-14, alpha 1.7e-10, z 8e-13 (absolute, z is of order 1); the spread is within
 * 2e-9 of the size of its terms |y| (a spread is a difference of two nearly equal legs).
 * Funding in the backtest (issue 25): at every level pair, both legs perps (y every 4 h, x every
 * 8 h, rates of both signs near 1e-4, marks at the legs' levels), each trade's funding and pnl,
 * the equity and metrics.funding equal the literal per-event reference (slowFunding.ts) within
 * 1e-9 relative. Funding carry (issue 25): the spread's LONG / SHORT carry at every level pair
 * equals the legs' payments summed in quote currency within 1e-12 relative.
 * The scanner's kernels at every level: scanScale.test.ts.
 */
import { analyzeSeries, backtestSeries, BACKTEST_DEFAULTS } from '../../src/analytics';
import { pairCarry } from '../../src/analytics/carry';
import type { FundingEvent } from '../../src/analytics/backtest';
import { marketUniverse } from '../../src/fake-binance/market';
import { gaussian, rng } from '../../src/fake-binance/rng';
import { slowAnalyze } from './slow';
import { slowFunded } from './slowFunding';

const LEVELS = [1e-8, 1e-5, 1e-2, 1, 1e3, 1e5, 1e6] as const;
const u = marketUniverse(600, 9);
const pick = (s: string) => u.series[u.symbols.indexOf(s)]!;
const atLevel = (v: readonly number[], level: number) => v.map((a) => Number(((a * level) / v[0]!).toPrecision(8)));

describe('rolling OLS beta, alpha, spread, z and correlation at every price level equal the slow per-window recompute', () => {
  it.each(LEVELS.flatMap((ly) => LEVELS.map((lx) => [ly, lx] as const)))('y at %p, x at %p (window 100)', (ly, lx) => {
    const x = atLevel(pick('ETHUSDT'), lx);
    const y = atLevel(pick('PEPEUSDT'), ly);
    const ts = x.map((_, i) => i * 60_000);
    const fast = analyzeSeries({ ts, x, y, window: 100 });
    const slow = slowAnalyze(x, y, 100);
    expect(fast.length).toBe(slow.length);
    let defined = 0;
    fast.forEach((f, i) => {
      const s = slow[i]!;
      for (const k of ['beta', 'alpha', 'spread', 'zscore', 'correlation'] as const) {
        const a = f[k];
        const b = s[k];
        if (a === null || b === null) {
          expect([i, k, a]).toEqual([i, k, b]);
          continue;
        }
        defined++;
        const tol =
          k === 'beta' || k === 'correlation' ? 1e-12 * Math.abs(b) : k === 'alpha' ? 1e-9 * Math.abs(b) : k === 'zscore' ? 1e-8 : 2e-9 * Math.abs(y[i]!);
        if (!(Math.abs(a - b) <= tol)) throw new Error(`bar ${i} ${k}: ${a} vs slow ${b} (|diff| ${Math.abs(a - b)} > ${tol})`);
      }
    });
    expect(defined).toBeGreaterThan(4 * 400); // the window's points on
  });
});

describe('funding P&L at every price level equals the literal per-event reference', () => {
  const H = 3_600_000;
  const T0 = Date.UTC(2026, 11, 1);
  const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));
  it.each(LEVELS.flatMap((ly) => LEVELS.map((lx) => [ly, lx] as const)))('y at %p, x at %p (window 100, 5-minute bars)', (ly, lx) => {
    const x = atLevel(pick('ETHUSDT'), lx);
    const y = atLevel(pick('PEPEUSDT'), ly);
    const ts = x.map((_, i) => T0 + i * 300_000);
    const r = rng(Math.round(Math.log10(ly) * 100 + Math.log10(lx)));
    const events = (stepH: number, price: number[]): FundingEvent[] =>
      Array.from({ length: Math.ceil(50 / stepH) + 1 }, (_, k) => [T0 + k * stepH * H, 1e-4 * gaussian(r), price[Math.min(599, k * stepH * 12)]!] as const);
    const funding = { y: events(4, y), x: events(8, x) };
    const fast = backtestSeries({ x, y, ts, window: 100, funding });
    const slow = slowFunded(backtestSeries({ x, y, ts, window: 100 }), ts, funding, BACKTEST_DEFAULTS);
    let worst = 0;
    fast.equity.forEach((e, t) => (worst = Math.max(worst, rel(e, slow.equity[t]!))));
    fast.trades.forEach((t, i) => (worst = Math.max(worst, rel(t.funding!, slow.trades[i]!.funding!), rel(t.pnl, slow.trades[i]!.pnl))));
    worst = Math.max(worst, rel(fast.metrics.funding!, slow.metrics.funding!));
    expect(worst).toBeLessThanOrEqual(1e-9);
    expect(fast.trades.filter((t) => t.funding !== 0).length).toBeGreaterThan(0);
  });
});

describe('funding carry at every price level equals the legs’ payments summed in quote currency', () => {
  const HOUR = 3_600_000;
  const now = Date.UTC(2026, 11, 1);
  // 30 days of settlements: y every 4 h, x every 8 h, rates of both signs near 1e-4
  const events = (everyH: number, seed: number): FundingEvent[] => {
    const r = rng(seed);
    const n = Math.floor((30 * 24) / everyH);
    return Array.from({ length: n }, (_, k) => [now - (n - 1 - k) * everyH * HOUR, 1e-4 * (gaussian(r) + 0.3), 1] as FundingEvent);
  };
  const ey = events(4, 5);
  const ex = events(8, 6);
  it.each(LEVELS.flatMap((ly) => LEVELS.map((lx) => [ly, lx] as const)))('y at %p, x at %p', (ly, lx) => {
    const py = atLevel(pick('PEPEUSDT'), ly).at(-1)!;
    const px = atLevel(pick('ETHUSDT'), lx).at(-1)!;
    const beta = (0.7 * py) / px; // a hedge ratio at these levels: x's notional is 0.7 of y's
    const fast = pairCarry({ y: ey, x: ex }, now, beta, py, px);
    // literal: LONG holds qy of y and -beta*qy of x, 1,000 USDT of y; each settlement after the first pays
    // quantity * price * rate (longs pay), a year's worth by the events' span, over the y notional
    const qy = 1000 / py;
    const yearly = (ev: FundingEvent[], qty: number, price: number) => {
      let paid = 0;
      for (let k = 1; k < ev.length; k++) paid += qty * price * ev[k]![1];
      return (paid * (365.25 * 24 * HOUR)) / (ev.at(-1)![0] - ev[0]![0]);
    };
    const slowLong = (-yearly(ey, qy, py) + yearly(ex, beta * qy, px)) / (qy * py);
    expect(Math.abs(fast.spread.long - slowLong)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(slowLong)));
    expect(fast.spread.short).toBe(-fast.spread.long);
    expect(Math.abs(slowLong)).toBeGreaterThan(1e-4); // a carry that shows: neither leg's rates cancel
  });
});
