/**
 * What the backtest and honest benches share: the 100k-bar pair, the 1,000-combination grid, the
 * costs, and the timer (so both parts measure the same work the same way).
 */
import type { SweepGrid } from '../src/analytics';
import { normal, rng } from '../src/fake-binance/rng';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/**
 * Median wall time of `reps` runs of f, in ms, after one warm-up run and one collection (not one
 * before each run: on this 2-core machine a forced full collection before a 5 ms run made it 5-10x
 * slower, the collector's concurrent threads competing for the other core).
 */
export function time(f: () => unknown, reps: number): number {
  f();
  gc();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = process.hrtime.bigint();
    f();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

/** BTCUSDT-like x (~87,000) and an ETHUSDT-like y, 1-minute bars, cointegrated. */
export function pair(n: number, seed: number): { x: number[]; y: number[] } {
  const r = rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  let px = 87_000;
  let e = 0;
  for (let i = 0; i < n; i++) {
    px += normal(r) * 15;
    e = 0.9 * e + normal(r);
    x.push(Math.round(px * 100) / 100);
    y.push(Math.round((0.035 * px + 40 + e * 1.5) * 100) / 100);
  }
  return { x, y };
}

export const N = 100_000;
export const GRID: SweepGrid = {
  window: [20, 40, 60, 80, 100, 150, 200, 300, 400, 500],
  entry: [1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 4],
  exit: [-0.5, -0.25, 0, 0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.4],
};
export const OPTS = { feeBps: 10, slippageBps: 1 };
