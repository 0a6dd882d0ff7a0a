/**
 * The backtest outputs whose JSON must not change when no funding events are given: seeded
 * pairs through backtestSeries, backtestSweep, sweepVerdict, walkForward and the backtest command
 * line. Their sha256 digests were recorded from commit 8779f80 (before funding existed) by running
 * this file's `goldenDigests()`.
 */
import { createHash } from 'node:crypto';
import { backtestSeries, backtestSweep } from '../../src/analytics';
import { sweepVerdict } from '../../src/analytics/honest/sweepVerdict';
import { walkForward } from '../../src/analytics/honest/walkForward';
import { runBacktest } from '../../src/cli/backtest';
import { awkwardPair, cointegratedPair } from './slow';

const sha = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex');

export function goldenDigests(): Record<string, string> {
  const a = cointegratedPair(3000, 11);
  const ts = a.x.map((_, i) => 1_780_000_000_000 + i * 60_000);
  const b = awkwardPair(2000, 5);
  const grid = { window: [40, 80], entry: [1.5, 2], exit: [0, 0.5] };
  const file = JSON.stringify({ x: a.x, y: a.y, ts, window: 60 });
  return {
    series: sha(backtestSeries({ ...a, ts, window: 60 }, { stop: 3.5, maxHold: 200, cooldown: 5, slippageBps: 2 })),
    awkward: sha(backtestSeries({ ...b, window: 100 }, { lag: 0, feeBps: 4 })),
    sweep: sha(backtestSweep({ ...a, ts }, grid, { stop: 4 })),
    verdict: sha(sweepVerdict({ ...a, ts }, grid, {}, 8)),
    walkForward: sha(walkForward({ ...a, ts }, grid, { train: 1000, test: 500 })),
    cli: sha(runBacktest(['FILE', '--json', '--stop', '3'], () => file).stdout),
  };
}
