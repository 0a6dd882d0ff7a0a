/**
 * Kalman hedge speed (issue 18), ours next to statsmodels 0.15 in the same run:
 *   per-point update - KalmanHedge.push over 1,000,000 points (an AnalyticsPoint object each);
 *                      statsmodels: MLEModel.filter of the same model over 10,000 points / 10,000;
 *   fit, 10,000 bars - fitKalman (grid + Brent on the concentrated likelihood);
 *                      statsmodels: MLEModel.fit of the same model (test/analytics/kalman_statsmodels.py),
 *                      its default (L-BFGS) and Nelder-Mead with the tolerances the test uses.
 * The fitted log-likelihoods are printed side by side (the same maximum, or the comparison means
 * nothing). Python: the .venv of python/requirements.txt (or QP_PYTHON); skipped with a message
 * without it. Data: a BTC/ETH-like pair whose hedge drifts (test/analytics/driftingPair.ts).
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { KalmanHedge, fitKalman, type KalmanFit } from '../src/analytics';
import { driftingPair } from '../test/analytics/driftingPair';
import { findPython } from '../test/support/python';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** Median wall time of `reps` runs of f, in ms (after one warm-up run; each from a collected heap). */
function time(f: () => unknown, reps: number): number {
  f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    gc();
    const s = process.hrtime.bigint();
    f();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

const PY_SCRIPT = String.raw`
import json, sys, time, warnings
sys.path.insert(0, sys.argv[1])
import numpy as np, statsmodels
from kalman_statsmodels import TimeVaryingHedge
warnings.simplefilter("ignore")
d = json.load(sys.stdin)
m = TimeVaryingHedge(np.asarray(d["y"]), np.asarray(d["x"]), 2)
def med(f, reps):
    f(); t = []
    for _ in range(reps):
        s = time.perf_counter(); f(); t.append((time.perf_counter() - s) * 1000)
    t.sort(); return t[len(t) // 2]
out = {"version": statsmodels.__version__}
out["filter"] = med(lambda: m.filter([1e-4, 1e-3]), 5)
s = time.perf_counter(); r = m.fit(start_params=[1e-4, 1e-3], disp=0); out["fitLbfgs"] = (time.perf_counter() - s) * 1000
out["llfLbfgs"] = float(r.llf); out["evalsLbfgs"] = int(r.mle_retvals.get("fcalls", -1))
s = time.perf_counter(); r = m.fit(start_params=[1e-4, 1e-3], method="nm", maxiter=20000, xtol=1e-10, ftol=1e-14, disp=0)
out["fitNm"] = (time.perf_counter() - s) * 1000; out["llfNm"] = float(r.llf); out["evalsNm"] = int(r.mle_retvals["fcalls"])
print(json.dumps(out))
`;

function main(): void {
  console.log(`node ${process.version}, ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(2)}`);
  const long = driftingPair(1_000_000, 5, 'btc');
  const pushAll = () => {
    const k = new KalmanHedge({ delta: 6e-10, ve: 4e-3 });
    let acc = 0;
    for (let i = 0; i < long.x.length; i++) acc += k.push(i, long.x[i]!, long.y[i]!).spread!;
    return acc;
  };
  const pushNs = (time(pushAll, 5) * 1e6) / long.x.length;

  const { x, y } = driftingPair(10_000, 7, 'btc');
  let fit: KalmanFit | { error: string } = { error: 'not run' };
  const fitMs = time(() => (fit = fitKalman(x, y)), 9);
  if ('error' in fit) throw new Error(fit.error);
  const ours = fit as KalmanFit;

  let py: Record<string, number> | null = null;
  const python = findPython();
  if (python === null) console.log('skipping the statsmodels column: no Python references (run `bash scripts/python-env.sh` or set QP_PYTHON)');
  else {
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE; // pinned for old OpenBLAS builds on this machine: slows current numpy
    delete env.OPENBLAS_L2_SIZE;
    const r = spawnSync(python, ['-c', PY_SCRIPT, join(__dirname, '..', 'test', 'analytics')], {
      input: JSON.stringify({ x, y }),
      encoding: 'utf8',
      env,
      maxBuffer: 1 << 26,
    });
    if (r.status === 0) py = JSON.parse(r.stdout) as Record<string, number>;
    else console.log(`skipping the statsmodels column: the python run failed: ${r.stderr.trim().split('\n').pop()}`);
  }
  if (py) {
    console.log(`statsmodels ${String(py.version)}`);
    console.log(
      `check: fitted ln L over 10,000 bars: ours ${ours.logLik.toFixed(9)} (${ours.evaluations} filter passes, converged ${ours.converged}); ` +
        `statsmodels Nelder-Mead ${py.llfNm!.toFixed(9)} (${py.evalsNm} evaluations), L-BFGS ${py.llfLbfgs!.toFixed(9)}`,
    );
  }
  const f = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));
  const ratio = (v: number | undefined, o: number, unit: string) => (v === undefined ? '-' : `${f(v)} ${unit} (${(v / o).toFixed(0)}x)`);
  const rows = [
    ['', 'ours', 'statsmodels (ratio)', 'target'],
    [
      'per-point update',
      `${f(pushNs)} ns`,
      ratio(py ? (py.filter! * 1e6) / x.length : undefined, pushNs, 'ns'),
      `<= 200 ns: ${pushNs <= 200 ? 'met' : 'MISSED'}`,
    ],
    ['fit, 10,000 bars (statsmodels: default L-BFGS)', `${f(fitMs)} ms`, ratio(py?.fitLbfgs, fitMs, 'ms'), `<= 50 ms: ${fitMs <= 50 ? 'met' : 'MISSED'}`],
    ['fit, 10,000 bars (statsmodels: Nelder-Mead, tight)', `${f(fitMs)} ms`, ratio(py?.fitNm, fitMs, 'ms'), ''],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(
      r
        .map((v, c) => v.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    );
  console.log('(statsmodels per-point: its filter over 10,000 points divided by 10,000; its fits are single runs)');
}

main();
