/**
 * Backtest speed (issue 16), ours next to two baselines measured in the same run:
 *   one backtest, 100k bars   - backtestSeries (z and beta from prices, then the PositionBook bar
 *                                by bar), and backtest() alone on z/beta columns;
 *   sweep, 1,000 combinations - backtestSweep over 10 windows x 10 entries x 10 exits, 100k bars;
 *   naive TS                  - backtestSeries once per combination (no shared work);
 *   vectorbt                  - Portfolio.from_signals on the same signals: each combination's fills
 *                                (entries/exits on the fill bars, the frozen leg sizes), two columns a
 *                                combination, 50 combinations a call (bench/backtest_vectorbt.py).
 *                                vectorbt is given the decisions and only simulates the fills and
 *                                the cash; ours decides too.
 * The per-combination P&L of the three is compared (the same work, or the timing means nothing).
 * Funding (issue 25): the one backtest and the sweep again with both legs perps (funding events
 * every 8 h on each, three a day beside 1-minute bars), each as a ratio against the same call
 * without funding in this run (target <= 1.2x).
 * Python: the .venv of python/requirements.txt (or QP_PYTHON); the vectorbt column is skipped
 * with a message without it. Data: a BTC/ETH-like cointegrated pair, 1-minute bars.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeColumns, backtest, backtestSeries, backtestSweep, type LegFunding } from '../src/analytics';
import { GRID, N, OPTS, pair, time } from './backtestData';
import { findPython } from '@quant-pairs/testkit';
import { printTable } from './table';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function vectorbt(x: number[], y: number[], trades: number[], combos: number, reps: number): { ms: number; pnl: number[]; version: string } | null {
  const python = findPython();
  if (python === null) {
    console.log('skipping the vectorbt column: no Python references (run `bash scripts/python-env.sh` or set QP_PYTHON)');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bt-bench-'));
  try {
    writeFileSync(join(dir, 'x.f64'), Float64Array.from(x));
    writeFileSync(join(dir, 'y.f64'), Float64Array.from(y));
    writeFileSync(join(dir, 'trades.f64'), Float64Array.from(trades));
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ combos, chunk: 50, reps, ...OPTS }));
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE; // pinned for old OpenBLAS builds on this machine: slows current numpy
    delete env.OPENBLAS_L2_SIZE;
    const r = spawnSync(python, [join(__dirname, 'backtest_vectorbt.py'), dir], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
    if (r.status !== 0) {
      console.log(`skipping the vectorbt column: the python run failed: ${r.stderr.trim().split('\n').pop()}`);
      return null;
    }
    const out = JSON.parse(r.stdout) as { ms: number; pnl: number[]; vectorbt: string };
    return { ms: out.ms, pnl: out.pnl, version: out.vectorbt };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Trades as rows (combination, entryIndex, exitIndex or -1 when open, qy, qx) for the vectorbt script. */
function tradeRows(combo: number, trades: ReturnType<typeof backtest>['trades'], out: number[]): void {
  for (const t of trades) out.push(combo, t.entryIndex, t.reason === 'open' ? -1 : t.exitIndex, t.qy, t.qx);
}

/**
 * Funding against no funding, same calls, same data: the pair as perps with 1-minute bar times and
 * funding every 8 h on both legs (rates ~1e-4 of both signs, marks the bar's close). Timed in
 * alternation (one of each, repeatedly) so that a change of load hits both sides, and without a
 * forced collection before each run: one made both sides 2-4x slower here, unevenly (`time`'s note).
 */
function fundingRows(x: number[], y: number[], window: number): string[][] {
  const T0 = Date.UTC(2026, 0, 1);
  const ts = x.map((_, i) => T0 + i * 60_000);
  const events = (p: number[], phase: number): [number, number, number][] => {
    const out: [number, number, number][] = [];
    for (let i = 0; i < p.length; i += 480) out.push([ts[i]!, 1e-4 * Math.sin(i / 4800 + phase), p[i]!]);
    return out;
  };
  const funding: LegFunding = { y: events(y, 0), x: events(x, 1) };
  const c = analyzeColumns({ ts, x, y, window, ddof: 1 });
  const cols = { x, y, z: c.zscore, beta: c.beta, ts };
  const pairs: [string, () => unknown, () => unknown, number][] = [
    ['one backtest, 100k bars (on z/beta columns)', () => backtest(cols, OPTS), () => backtest({ ...cols, funding }, OPTS), 21],
    [
      'one backtest, 100k bars (z/beta from prices)',
      () => backtestSeries({ x, y, ts, window }, OPTS),
      () => backtestSeries({ x, y, ts, window, funding }, OPTS),
      9,
    ],
    ['sweep, 1,000 combinations x 100k bars', () => backtestSweep({ x, y, ts }, GRID, OPTS), () => backtestSweep({ x, y, ts, funding }, GRID, OPTS), 5],
  ];
  const funded = backtest({ ...cols, funding }, OPTS);
  console.log(
    `funding: ${funding.y!.length} + ${funding.x!.length} events; one backtest: ${funded.trades.length} trades, funding ${funded.metrics.funding!.toFixed(4)}`,
  );
  return pairs.map(([name, plain, withFunding, reps]) => {
    const a: number[] = [];
    const b: number[] = [];
    const once = (f: () => unknown): number => {
      const s = process.hrtime.bigint();
      f();
      return Number(process.hrtime.bigint() - s) / 1e6;
    };
    // warm-up
    for (let i = 0; i < 2; i++) {
      once(plain);
      once(withFunding);
    }
    for (let i = 0; i < reps; i++) {
      a.push(once(plain));
      b.push(once(withFunding));
    }
    const med = (v: number[]) => v.sort((p, q) => p - q)[Math.floor(v.length / 2)]!;
    const r = med(b) / med(a);
    return [`${name}, both legs perps`, `${med(b).toFixed(1)} ms`, `${med(a).toFixed(1)} ms`, `${r.toFixed(2)}x`, `<= 1.2x: ${r <= 1.2 ? 'met' : 'MISSED'}`];
  });
}

function main(): void {
  console.log(`node ${process.version}, ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(2)}`);
  const { x, y } = pair(N, 3);
  const ts = x.map((_, i) => i);
  const window = 100;

  // one backtest
  const oneSeries = time(() => backtestSeries({ x, y, window }, OPTS), 9);
  const c = analyzeColumns({ ts, x, y, window, ddof: 1 });
  const cols = { x, y, z: c.zscore, beta: c.beta };
  const oneCols = time(() => backtest(cols, OPTS), 9);
  const one = backtest(cols, OPTS);
  const oneRows: number[] = [];
  tradeRows(0, one.trades, oneRows);
  const vOne = vectorbt(x, y, oneRows, 1, 9);

  // the sweep
  const combos = GRID.window.length * GRID.entry.length * GRID.exit.length;
  const sweepMs = time(() => backtestSweep({ x, y }, GRID, OPTS), 3);
  const rows = backtestSweep({ x, y }, GRID, OPTS);
  // naive: one backtestSeries per combination, once (it takes a while); its trades feed vectorbt
  gc();
  const trades: number[] = [];
  const naivePnl: number[] = [];
  let k = 0;
  const s = process.hrtime.bigint();
  for (const w of GRID.window)
    for (const entry of GRID.entry)
      for (const exit of GRID.exit) {
        const r = backtestSeries({ x, y, window: w }, { ...OPTS, entry, exit });
        naivePnl.push(r.equity[N - 1]! - 1000);
        tradeRows(k++, r.trades, trades);
      }
  const naiveMs = Number(process.hrtime.bigint() - s) / 1e6;
  const vSweep = vectorbt(x, y, trades, combos, 1);

  // the same work: P&L per combination, relative to the notional
  let sweepVsNaive = 0;
  let vbtVsOurs = 0;
  rows.forEach((r, i) => {
    sweepVsNaive = Math.max(sweepVsNaive, Math.abs(r.metrics.totalReturn * 1000 - naivePnl[i]!) / 1000);
    if (vSweep) vbtVsOurs = Math.max(vbtVsOurs, Math.abs(vSweep.pnl[i]! - naivePnl[i]!) / 1000);
  });
  const tradesTotal = rows.reduce((a, r) => a + r.metrics.trades, 0);
  console.log(
    `check: ${combos} combinations, ${tradesTotal} trades; largest P&L difference / notional: sweep vs naive ${sweepVsNaive.toExponential(1)}` +
      (vSweep ? `, vectorbt ${vSweep.version} vs ours ${vbtVsOurs.toExponential(1)}` : '') +
      (vOne ? `; one backtest: vectorbt ${(Math.abs(vOne.pnl[0]! - (one.equity[N - 1]! - 1000)) / 1000).toExponential(1)}` : ''),
  );

  const f = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2));
  const ratio = (v: number | undefined, o: number) => (v === undefined ? '-' : `${f(v)} ms (${(v / o).toFixed(1)}x)`);
  const table = [
    ['', 'ours', 'naive TS (ratio)', 'vectorbt from_signals (ratio)', 'target'],
    ['one backtest, 100k bars (z/beta from prices)', `${f(oneSeries)} ms`, '', ratio(vOne?.ms, oneSeries), ''],
    ['one backtest, 100k bars (on z/beta columns)', `${f(oneCols)} ms`, '', ratio(vOne?.ms, oneCols), ''],
    [
      `sweep, ${combos} combinations x 100k bars`,
      `${f(sweepMs)} ms`,
      ratio(naiveMs, sweepMs),
      ratio(vSweep?.ms, sweepMs),
      `<= 1000 ms and faster than vectorbt: ${sweepMs <= 1000 && (!vSweep || sweepMs < vSweep.ms) ? 'met' : 'MISSED'}`,
    ],
  ];
  printTable(table);
  console.log(
    '(ours and vectorbt one backtest: medians of 9 runs; sweep: median of 3; naive and vectorbt sweep: single runs, vectorbt summed over its 20 calls)',
  );
  printTable([['', 'with funding', 'without (this run)', 'ratio', 'target'], ...fundingRows(x, y, window)]);
  console.log('(medians of runs taken in alternation: 21 one backtests on columns, 9 from prices, 5 sweeps, each side)');
}

main();
