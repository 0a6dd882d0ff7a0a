/**
 * Our kernels next to the independent references their tests use (simple-statistics, ml-matrix),
 * in one process, same data, same run: what each costs and how far each is from the exact answer.
 *   rolling   - a 20,000-point pass with window 100 (the spread at BTCUSDT's level): our O(1)
 *               MovingMoments / MovingCoMoments against simple-statistics' sampleVariance /
 *               sampleCorrelation of every window (O(w) each, two-pass).
 *   one fit   - y = alpha + beta·x on 1,000 points: olsLine (centred two-pass) against
 *               simple-statistics linearRegression (centred too), ml-matrix QR and SVD solves and
 *               the uncentred normal equations (ml-matrix solve of XᵀX β = Xᵀy); the error column is
 *               the worst relative error of beta over 36 price-level pairs 1e-8 .. 1e6
 *               (test/analytics/priceLevels.ts) against exact rational arithmetic (exactOls.ts).
 * Ratios are the reference's time over ours. The figures go into src/analytics/README.md.
 */
import { Matrix, QrDecomposition, SingularValueDecomposition, solve } from 'ml-matrix';
import * as ss from 'simple-statistics';
import { cpus, loadavg } from 'node:os';
import { MovingCoMoments, MovingMoments } from '../src/analytics';
import { olsLine } from '../src/analytics/ols';
import { exactOls } from '../test/analytics/exactOls';
import { levelPairs } from '../test/analytics/priceLevels';
import { printTable } from './table';

/** Median wall time of `reps` runs of f, in ms, after one warm-up run. */
function time(f: () => number, reps: number): number {
  let sink = f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = process.hrtime.bigint();
    sink += f();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  if (Number.isNaN(sink)) console.log('NaN');
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

const fmt = (ms: number) => (ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toPrecision(3)} µs`);

function rolling(): string[][] {
  const { x, y, spread: s } = levelPairs(20_000).find((p) => p.name === 'ETHUSDT/BTCUSDT')!;
  const W = 100;
  const oursVar = time(() => {
    const m = new MovingMoments(W);
    let acc = 0;
    for (const v of s) {
      m.push(v);
      if (m.n > 1) acc += m.m2 / (m.n - 1);
    }
    return acc;
  }, 9);
  const ssVar = time(() => {
    let acc = 0;
    for (let t = 1; t < s.length; t++) acc += ss.sampleVariance(s.slice(Math.max(0, t - W + 1), t + 1));
    return acc;
  }, 7);
  const oursCorr = time(() => {
    const m = new MovingCoMoments(W);
    let acc = 0;
    for (let t = 0; t < x.length; t++) {
      m.push(x[t]!, y[t]!);
      if (m.n > 1) acc += m.sxy / Math.sqrt(m.sxx * m.syy);
    }
    return acc;
  }, 9);
  const ssCorr = time(() => {
    let acc = 0;
    for (let t = 1; t < x.length; t++) acc += ss.sampleCorrelation(x.slice(Math.max(0, t - W + 1), t + 1), y.slice(Math.max(0, t - W + 1), t + 1));
    return acc;
  }, 7);
  return [
    ['rolling variance, 20k points, w 100', fmt(oursVar), `simple-statistics sampleVariance per window ${fmt(ssVar)} (${(ssVar / oursVar).toFixed(0)}x)`, ''],
    [
      'rolling correlation, 20k points, w 100',
      fmt(oursCorr),
      `simple-statistics sampleCorrelation per window ${fmt(ssCorr)} (${(ssCorr / oursCorr).toFixed(0)}x)`,
      '',
    ],
  ];
}

type Solver = (x: number[], y: number[]) => number;
const design = (x: number[]) => new Matrix(x.map((v) => [1, v]));
const SOLVERS: [string, Solver][] = [
  ['olsLine (ours)', (x, y) => olsLine(x, y)!.beta],
  ['simple-statistics linearRegression', (x, y) => ss.linearRegression(x.map((v, i) => [v, y[i]!])).m],
  ['ml-matrix QR solve', (x, y) => new QrDecomposition(design(x)).solve(Matrix.columnVector(y)).get(1, 0)],
  ['ml-matrix SVD solve', (x, y) => new SingularValueDecomposition(design(x), { autoTranspose: true }).solve(Matrix.columnVector(y)).get(1, 0)],
  [
    'normal equations (ml-matrix solve)',
    (x, y) => {
      const X = design(x);
      const Xt = X.transpose();
      return solve(Xt.mmul(X), Xt.mmul(Matrix.columnVector(y))).get(1, 0);
    },
  ],
];

function oneFit(): string[][] {
  const pairs = levelPairs(1_000);
  const exact = pairs.map((p) => exactOls(p.x, p.y).beta);
  const { x, y } = pairs.find((p) => p.name === 'ETHUSDT/BTCUSDT')!;
  const rows: string[][] = [];
  let ours = 0;
  for (const [name, f] of SOLVERS) {
    const ms =
      time(() => {
        let acc = 0;
        for (let i = 0; i < 20; i++) acc += f(x, y);
        return acc;
      }, 15) / 20;
    if (ours === 0) ours = ms;
    const err = Math.max(...pairs.map((p, i) => Math.abs(f(p.x, p.y) - exact[i]!) / Math.abs(exact[i]!)));
    rows.push([`one fit, 1,000 points: ${name}`, fmt(ms), ours === ms ? '-' : `${(ms / ours).toFixed(1)}x ours`, err.toExponential(1)]);
  }
  return rows;
}

console.log(`node ${process.version}, ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(2)}`);
printTable([['what', 'time', 'against ours', 'worst rel. error of beta (36 level pairs)'], ...rolling(), ...oneFit()]);
