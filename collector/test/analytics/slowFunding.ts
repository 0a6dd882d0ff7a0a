/**
 * Funding of a backtest as literally as issue 25's rule reads, for the tests: for every funding
 * event of every perp leg, find the first bar with ts >= T by walking the bars (none: the event is
 * after the last bar and counts nowhere), find the trade held just before T by walking the trades
 * (its entry fill's bar time < T, and its exit fill's bar time >= T or it is still open), and let
 * that trade's leg pay q · mark · rate. Funding changes no decision and no size, so the backtest
 * with funding is the one without it (itself checked against the slow bar-by-bar reference in
 * backtest.test.ts) plus this: equity_t + every funding received on bars <= t, each trade's pnl
 * plus its funding; the metrics recomputed from those by their definitions.
 */
import type { BacktestOptions, BacktestResult, BacktestTrade } from '../../src/analytics';
import type { FundingEvent, LegFunding } from '../../src/analytics/backtest';
import { gaussian, rng } from '../../src/fake-binance/rng';
import { cointegratedPair } from './slow';

const H = 3_600_000;
/** 2026-12-01T00:00Z: a funding time of every schedule (00:00, 08:00, 16:00 UTC; every 4 h; every hour). */
const T0 = Date.UTC(2026, 11, 1);

export function slowFunded(plain: BacktestResult, ts: readonly number[], funding: LegFunding, o: BacktestOptions): BacktestResult {
  const n = ts.length;
  const equity = [...plain.equity];
  const trades: BacktestTrade[] = plain.trades.map((t) => ({ ...t, funding: 0 }));
  let total = 0;
  for (const leg of ['y', 'x'] as const) {
    for (const [T, rate, mark] of funding[leg] ?? []) {
      let lands = -1;
      for (let t = 0; t < n; t++) {
        if (ts[t]! >= T) {
          lands = t;
          break;
        }
      }
      if (lands < 0) continue;
      const holder = trades.find((tr) => ts[tr.entryIndex]! < T && (tr.reason === 'open' || ts[tr.exitIndex]! >= T));
      if (holder === undefined) continue;
      const q = leg === 'y' ? holder.qy : holder.qx;
      const received = -(q * mark * rate);
      holder.funding! += received;
      holder.pnl += received;
      total += received;
      for (let t = lands; t < n; t++) equity[t]! += received;
    }
  }
  const returns = equity.map((e, t) => (e - (t === 0 ? o.notional : equity[t - 1]!)) / o.notional);
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1));
  let peak = o.notional;
  let maxDrawdown = 0;
  for (const e of equity) {
    peak = Math.max(peak, e);
    maxDrawdown = Math.max(maxDrawdown, (peak - e) / peak);
  }
  return {
    trades,
    equity,
    metrics: {
      ...plain.metrics,
      totalReturn: (equity[n - 1]! - o.notional) / o.notional,
      sharpe: n >= 2 && sd > 0 ? (mean / sd) * Math.sqrt(o.barsPerYear) : null,
      maxDrawdown,
      winRate: trades.length ? trades.filter((tr) => tr.pnl > 0).length / trades.length : null,
      funding: total,
    },
  };
}

export interface PerpCase {
  x: number[];
  y: number[];
  ts: number[];
  funding: LegFunding;
}

/**
 * n (default 3,000) 5-minute bars (about 10 days) of BTCUSDT.P (~9.7e4) and 1000PEPEUSDT.P (~1.6e-2), y the one
 * `yIs` names; ts shifted by `shiftMs` off the hour (0: funding times fall on bar times). Funding from
 * 8 h before the first bar to 8 h after the last: BTC every 8 h, PEPE every 4 h, rates 1e-4 · N(0, 1)
 * (both signs), marks the nearest bar's price · (1 + 1e-4 · N(0, 1)).
 */
export function perpCase(seed: number, yIs: 'PEPE' | 'BTC', shiftMs: number, n = 3000): PerpCase {
  const pair = cointegratedPair(n, seed);
  const btc = pair.x.map((v) => Number((v * 970).toPrecision(8)));
  const pepe = pair.y.map((v) => Number((v * 1e-4).toPrecision(6)));
  const ts = btc.map((_, i) => T0 + shiftMs + i * 300_000);
  const r = rng(seed + 1000);
  const events = (stepH: number, price: number[]): FundingEvent[] => {
    const out: FundingEvent[] = [];
    for (let T = T0 - 8 * H; T <= ts[n - 1]! + 8 * H; T += stepH * H) {
      const near = price[Math.min(n - 1, Math.max(0, Math.round((T - ts[0]!) / 300_000)))]!;
      out.push([T, 1e-4 * gaussian(r), near * (1 + 1e-4 * gaussian(r))]);
    }
    return out;
  };
  const fb = events(8, btc);
  const fp = events(4, pepe);
  return yIs === 'PEPE' ? { y: pepe, x: btc, ts, funding: { y: fp, x: fb } } : { y: btc, x: pepe, ts, funding: { y: fb, x: fp } };
}
