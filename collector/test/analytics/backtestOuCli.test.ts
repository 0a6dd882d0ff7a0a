/**
 * `backtest --entry ou` (issue 26, src/cli/backtest.ts): the command prints what backtestOuSeries
 * (src/analytics/backtest/ouEntry.ts, checked against a slow per-bar fit in backtestOu.test.ts)
 * gives for the same series and flags; the flags that do not go with it exit 2 naming them.
 * Prices at real scales: a BTCUSDT-like hedge leg near 1e5, an ETHUSDT-like regressand near 3e3.
 */
import { backtestOuSeries, backtestSeries } from '../../src/analytics';
import { runBacktest } from '../../src/cli/backtest';
import { cointegratedPair } from './slow';

const base = cointegratedPair(1200, 12);
const pair = { x: base.x.map((v) => v * 1000), y: base.y.map((v) => v * 20) };
const read = () => JSON.stringify({ ...pair, window: 40 });

describe('backtest --entry ou', () => {
  it("equals backtestOuSeries: the band of the last --fit-window spreads (default the window), the backtest's costs", () => {
    const flags = ['--fee-bps', '4', '--slippage-bps', '1', '--stop', '3', '--json'];
    const r = runBacktest(['p.json', '--entry', 'ou', ...flags], read);
    expect([r.stderr, r.code]).toEqual(['', 0]);
    const want = backtestOuSeries({ ...pair, window: 40 }, { feeBps: 4, slippageBps: 1, stop: 3 }, { fitWindow: 40 });
    expect(JSON.parse(r.stdout)).toEqual({ trades: want.trades, equity: want.equity, metrics: want.metrics });
    expect(want.trades.length).toBeGreaterThan(5);
    const wider = runBacktest(['p.json', '--entry', 'ou', '--fit-window', '200', ...flags], read);
    const want200 = backtestOuSeries({ ...pair, window: 40 }, { feeBps: 4, slippageBps: 1, stop: 3 }, { fitWindow: 200 });
    expect(JSON.parse(wider.stdout).metrics).toEqual(want200.metrics);
    expect(want200.trades).not.toEqual(want.trades);
    // not the z rule's trades
    expect(want.trades).not.toEqual(backtestSeries({ ...pair, window: 40 }, { feeBps: 4, slippageBps: 1, stop: 3 }).trades);
  });

  it('bad combinations exit 2 naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['--entry', 'ou', '--exit', '0'], /--exit does not apply with --entry ou/],
      [['--fit-window', '50'], /--fit-window applies to --entry ou only/],
      [['--entry', 'ou', '--fit-window', '3'], /--fit-window must be an integer >= 4, got "3"/],
      [['--entry', 'OUX'], /--entry must be a number or ou, got "OUX"/],
      [['--entry', 'ou', '--stop', '0.5'], /--stop must be a number above entry \(1\)/],
    ];
    for (const [args, message] of cases) {
      const r = runBacktest(['p.json', ...args, '--json'], read);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toMatch(message);
    }
  });
});
