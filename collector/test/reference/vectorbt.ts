/**
 * Cross-check of the backtest's P&L against vectorbt (PyPI) Portfolio.from_signals on the same
 * fills, sizes, fees and slippage (vectorbt_check.py beside this file). Not part of `npm test`:
 * it needs Python with vectorbt (`python3 -m venv /tmp/vbt && /tmp/vbt/bin/pip install vectorbt`).
 *
 *   VECTORBT_PYTHON=/tmp/vbt/bin/python npx tsx collector/test/reference/vectorbt.ts
 *
 * Prints, per parameter set, the trades compared and the largest relative difference of a
 * trade's P&L and of the total; exits 1 if any exceeds 1e-9 relative.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { backtestSeries, type BacktestOptions } from '../../src/analytics';
import { cointegratedPair } from '../analytics/slow';

const python = process.env.VECTORBT_PYTHON ?? 'python3';
const TOL = 1e-9;

const cases: [string, number, number, Partial<BacktestOptions>][] = [
  ['defaults', 2000, 30, {}],
  ['fees 25 bps, slippage 5 bps', 2000, 30, { feeBps: 25, slippageBps: 5 }],
  ['stop 3, cooldown 5, max-hold 40, lag 2', 5000, 60, { stop: 3, cooldown: 5, maxHold: 40, lag: 2, slippageBps: 2 }],
  ['entry 1.5, exit 0.5, notional 10000', 5000, 20, { entry: 1.5, exit: 0.5, notional: 10000 }],
];

let worst = 0;
for (const [name, n, window, opts] of cases) {
  const { x, y } = cointegratedPair(n, 7 + n + window);
  const r = backtestSeries({ x, y, window }, opts);
  const o = { feeBps: 10, slippageBps: 0, ...opts };
  const input = JSON.stringify({ x, y, feeBps: o.feeBps, slippageBps: o.slippageBps, trades: r.trades });
  const p = spawnSync(python, [join(__dirname, 'vectorbt_check.py')], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (p.status !== 0) {
    process.stderr.write(`vectorbt_check.py failed (${python}): ${p.stderr}\n`);
    process.exit(2);
  }
  const v = JSON.parse(p.stdout) as { vectorbt: string; pnl: number[]; legTrades: number };
  let maxRel = 0;
  r.trades.forEach((t, i) => {
    maxRel = Math.max(maxRel, Math.abs(t.pnl - v.pnl[i]!) / Math.max(1e-12, Math.abs(t.pnl)));
  });
  const ours = r.trades.reduce((a, t) => a + t.pnl, 0);
  const theirs = v.pnl.reduce((a, b) => a + b, 0);
  const totalRel = Math.abs(ours - theirs) / Math.abs(ours);
  // the trades' P&L add up to the equity curve's: E_end - notional
  const equityPnl = r.equity[r.equity.length - 1]! - (opts.notional ?? 1000);
  worst = Math.max(worst, maxRel, totalRel);
  // every backtest trade is two vectorbt trades (one a leg), none missing or extra
  if (v.legTrades !== 2 * r.trades.length) worst = Infinity;
  const open = r.trades.filter((t) => t.reason === 'open').length;
  console.log(
    `${name}: ${r.trades.length} trades, ${open} open at the end (${v.legTrades} vectorbt ${v.vectorbt} leg trades), ` +
      `P&L ours ${ours.toFixed(6)} vectorbt ${theirs.toFixed(6)} equity ${equityPnl.toFixed(6)}; ` +
      `max rel diff per trade ${maxRel.toExponential(2)}, total ${totalRel.toExponential(2)}`,
  );
}
console.log(`worst relative difference ${worst.toExponential(2)} (tolerance ${TOL})`);
process.exit(worst <= TOL ? 0 : 1);
