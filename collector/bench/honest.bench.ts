/**
 * Honest backtests (issue 26), ours next to baselines measured in the same run:
 *   walk-forward, 100k bars, 1,000 combinations, 10 folds (train 50,000, test 5,000) - against one
 *     sweep of the same grid over all 100k bars (what a walk-forward costs in sweeps), and a naive
 *     walk-forward (each combination run alone by `backtest` on the fold's columns), timed on 50
 *     combinations of one fold and scaled to 10 folds x 1,000 (an estimate: it would take minutes);
 *   PBO, S = 16 (12,870 splits) over 1,000 combinations - from the sweep's block sums; against the
 *     literal CSCV (each half's returns joined, Sharpe by two passes), timed on 20 splits of the
 *     same 1,000 combinations at 1,600 bars and scaled to 12,870 (ours does not depend on T); and
 *     the sweep's cost of keeping the block sums (with / without);
 *   one OU fit + Bertram thresholds at 1,000 points - against arbitragelab 1.0.0's
 *     fit_ou_model_to_data + get_threshold_by_maximize_expected_return (bench/ou_arbitragelab.py;
 *     skipped with a message without the venv).
 * Targets (the issue): walk-forward <= 5 s, PBO <= 2 s, OU <= 1 ms.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { analyzeColumns, backtest, backtestSweep } from '../src/analytics';
import { sweepDetail } from '../src/analytics/backtest/sweep';
import { bertramBand, fitOu } from '../src/analytics/honest/ou';
import { pbo } from '../src/analytics/honest/pbo';
import { walkForward } from '../src/analytics/honest/walkForward';
import { GRID, N, OPTS, pair, time } from './backtestData';
import { normal, rng } from '../src/fake-binance/rng';
import { findPython } from '@quant-pairs/testkit';
import { printTable } from './table';

const f = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2));

function walkForwardRows(x: number[], y: number[]): string[][] {
  const plan = { train: 50_000, test: 5_000 };
  const wfMs = time(() => walkForward({ x, y }, GRID, plan, OPTS), 3);
  const folds = walkForward({ x, y }, GRID, plan, OPTS).folds.length;
  const sweepMs = time(() => backtestSweep({ x, y }, GRID, OPTS), 3);
  // naive: 50 combinations of fold 1 run alone, scaled to every fold and combination
  const ts = x.map((_, i) => i);
  const cols = new Map(GRID.window.map((w) => [w, analyzeColumns({ ts, x, y, window: w, ddof: 1 })]));
  const s = process.hrtime.bigint();
  for (let k = 0; k < 50; k++) {
    const c = cols.get(GRID.window[k % 10]!)!;
    backtest(
      { x: x.slice(0, 50_000), y: y.slice(0, 50_000), z: c.zscore.subarray(0, 50_000), beta: c.beta.subarray(0, 50_000) },
      { ...OPTS, entry: GRID.entry[k % 10]!, exit: -0.5 },
    );
  }
  const naiveMs = (Number(process.hrtime.bigint() - s) / 1e6) * (1000 / 50) * folds;
  return [
    [
      `walk-forward, 100k bars, 1,000 combinations, ${folds} folds`,
      `${f(wfMs)} ms`,
      `${f(sweepMs)} ms (${(wfMs / sweepMs).toFixed(1)} sweeps)`,
      `~${f(naiveMs)} ms est. (${(naiveMs / wfMs).toFixed(0)}x)`,
      `<= 5000 ms: ${wfMs <= 5000 ? 'met' : 'MISSED'}`,
    ],
  ];
}

function pboRows(x: number[], y: number[]): string[][] {
  const prices = { x: Float64Array.from(x), y: Float64Array.from(y) };
  const ts = x.map((_, i) => i);
  const cols = (w: number) => analyzeColumns({ ts, x, y, window: w, ddof: 1 });
  const cache = new Map(GRID.window.map((w) => [w, cols(w)]));
  const withBlocks = time(() => sweepDetail(prices, GRID, (w) => cache.get(w)!, OPTS, { blocks: 16 }), 3);
  const without = time(() => sweepDetail(prices, GRID, (w) => cache.get(w)!, OPTS), 3);
  const d = sweepDetail(prices, GRID, (w) => cache.get(w)!, OPTS, { blocks: 16 });
  const acc = { ...d.blocks!, trials: d.rows.length };
  const pboMs = time(() => pbo(acc), 3);
  // literal CSCV on 1,600 bars (100 a block) of 1,000 noise series: 20 splits timed, scaled to 12,870
  const r = rng(5);
  const T = 1600;
  const series = Array.from({ length: 1000 }, () => Array.from({ length: T }, () => normal(r) * 1e-3));
  const sharpe = (a: number[]) => {
    const m = a.reduce((p, v) => p + v, 0) / a.length;
    return m / Math.sqrt(a.reduce((p, v) => p + (v - m) ** 2, 0) / (a.length - 1));
  };
  const s = process.hrtime.bigint();
  let mask = 0xff;
  for (let k = 0; k < 20; k++, mask += 1) {
    const inTrain = (t: number) => Boolean(mask & (1 << Math.floor(t / 100)));
    const rin = series.map((a) => sharpe(a.filter((_, t) => inTrain(t))));
    series.map((a) => sharpe(a.filter((_, t) => !inTrain(t))));
    rin.indexOf(Math.max(...rin));
  }
  const literalMs = (Number(process.hrtime.bigint() - s) / 1e6) * (12_870 / 20);
  return [
    [
      `PBO, S = 16 (12,870 splits), ${d.rows.length} combinations`,
      `${f(pboMs)} ms`,
      `sweep with block sums ${f(withBlocks)} ms / without ${f(without)} ms`,
      `literal, 1,600 bars: ~${f(literalMs)} ms est. (${(literalMs / pboMs).toFixed(0)}x)`,
      `<= 2000 ms: ${pboMs <= 2000 ? 'met' : 'MISSED'}`,
    ],
  ];
}

function ouRows(): string[][] {
  const r = rng(9);
  const spread = [0];
  for (let i = 1; i < 1000; i++) spread.push(0.95 * spread[i - 1]! + 0.01 * normal(r));
  const reps = 2000;
  const s = process.hrtime.bigint();
  for (let k = 0; k < reps; k++) bertramBand(fitOu(spread)!, 0.004);
  const ms = Number(process.hrtime.bigint() - s) / 1e6 / reps;
  const python = findPython();
  let base = '-';
  if (python === null) console.log('skipping the arbitragelab column: no Python references (run `bash scripts/python-env.sh` or set QP_PYTHON)');
  else {
    const p = spawnSync(python, [join(__dirname, 'ou_arbitragelab.py')], { input: JSON.stringify({ spread, cost: 0.004, reps: 20 }), encoding: 'utf8' });
    if (p.status !== 0) console.log(`skipping the arbitragelab column: ${p.stderr.trim().split('\n').pop()}`);
    else {
      const out = JSON.parse(p.stdout) as { ms: number; version: string };
      base = `arbitragelab ${out.version}: ${f(out.ms)} ms (${(out.ms / ms).toFixed(0)}x)`;
    }
  }
  return [['one OU fit + Bertram band, 1,000 points', `${ms.toPrecision(2)} ms`, '', base, `<= 1 ms: ${ms <= 1 ? 'met' : 'MISSED'}`]];
}

function main(): void {
  console.log(`node ${process.version}, ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(2)}`);
  const { x, y } = pair(N, 3);
  printTable([['', 'ours', 'baseline', 'baseline (ratio)', 'target'], ...walkForwardRows(x, y), ...pboRows(x, y), ...ouRows()]);
  console.log('(walk-forward, sweeps, PBO: medians of 3 runs; OU: mean of 2,000 runs, arbitragelab median of 20; estimates scaled from the runs timed)');
}

main();
