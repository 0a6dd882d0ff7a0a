/**
 * Analytics speed, three implementations side by side in the same run:
 *   ours     - the O(1) streaming PairEngine / analyzeSeries, and adfuller (every nested lag
 *              model from one set of normal equations and one Cholesky factorisation);
 *   naive TS - the obvious implementation: every window recomputed from scratch (centred
 *              two-pass OLS of the window, then mean/std of the window's spreads), and an ADF
 *              that fits each lag's regression separately;
 *   python   - statsmodels 0.13.5 / pandas 1.5.3 from Debian's python3-statsmodels
 *              (`adfuller(s, regression='c', autolag='AIC')`; `RollingOLS(y, add_constant(x), 500)`
 *              + `spread.rolling(500).mean()/std()`); installed with apt-get when missing, and
 *              skipped with a message where that is impossible.
 * Rows: per-tick update cost (w = 500), ADF(c, AIC) at n = 500 and 2,000, a 100k-point rolling
 * pass with w = 500, both into typed columns (`analyzeColumns`, NaN for undefined as pandas'
 * float columns: the like-for-like comparison) and into AnalyticsPoint objects (`analyzeSeries`,
 * where most of the time is the garbage collector's, 6 heap numbers per point). Everything is reported as ratios against the baselines measured here.
 * ADF is timed the same way on both sides, steady state: after a warm-up, the median over batches
 * of the per-call time of a batch of calls (ours 1,000 or 250 calls a batch, statsmodels 20 or 5).
 * The python child runs without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (this machine sets them for
 * old OpenBLAS builds; they pin current numpy to a slower kernel): its OpenBLAS core is printed.
 * Data: a cointegrated BTC/ETH-like pair (random walk around 87,000 on a 0.01 tick, ETH ≈
 * 0.035·BTC + 40 + AR(1) noise), generated deterministically.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PairEngine, adfuller, analyzeColumns, analyzeSeries } from '../src/analytics';
import { householderLs } from '../src/analytics/qr';
import type { AnalyticsPoint } from '../src/domain';
import { normal, rng } from '../src/fake-binance/rng';

function pair(n: number, seed: number): { x: number[]; y: number[] } {
  const r = rng(seed);
  const g = () => normal(r);
  const x: number[] = [];
  const y: number[] = [];
  let px = 87_000;
  let e = 0;
  for (let i = 0; i < n; i++) {
    px += g() * 15;
    e = 0.9 * e + g();
    x.push(Math.round(px * 100) / 100);
    y.push(Math.round((0.035 * px + 40 + e * 1.5) * 100) / 100);
  }
  return { x, y };
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/**
 * Steady-state time of one call of f, in ms: `warm` calls first (so the JIT has optimised it),
 * then the median over `batches` batches of `calls` calls each of the batch time / calls.
 */
function perCall(f: () => unknown, calls: number, batches: number, warm: number): number {
  let sink = 0;
  for (let i = 0; i < warm; i++) if (f() !== undefined) sink++;
  const t: number[] = [];
  for (let b = 0; b < batches; b++) {
    const s = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) if (f() !== undefined) sink++;
    t.push(Number(process.hrtime.bigint() - s) / 1e6 / calls);
  }
  if (sink < 0) console.log(sink);
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

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

// ---- naive baselines ----

/** Every window recomputed with a centred two-pass (O(n·w)). */
function naiveRolling(x: readonly number[], y: readonly number[], w: number): AnalyticsPoint[] {
  const out: AnalyticsPoint[] = [];
  const spread: (number | null)[] = [];
  for (let t = 0; t < x.length; t++) {
    let beta: number | null = null;
    let alpha: number | null = null;
    let s: number | null = null;
    if (t >= w - 1) {
      let mx = 0;
      let my = 0;
      for (let i = t - w + 1; i <= t; i++) {
        mx += x[i]!;
        my += y[i]!;
      }
      mx /= w;
      my /= w;
      let sxx = 0;
      let sxy = 0;
      for (let i = t - w + 1; i <= t; i++) {
        sxx += (x[i]! - mx) ** 2;
        sxy += (x[i]! - mx) * (y[i]! - my);
      }
      if (sxx > 0) {
        beta = sxy / sxx;
        alpha = my - beta * mx;
        s = y[t]! - (alpha + beta * x[t]!);
      }
    }
    spread.push(s);
    let z: number | null = null;
    let sm: number | null = null;
    if (s !== null && t >= 2 * w - 2) {
      let m = 0;
      let ok = true;
      for (let i = t - w + 1; i <= t; i++) {
        if (spread[i] === null) ok = false;
        else m += spread[i]!;
      }
      if (ok) {
        m /= w;
        sm = m;
        let v = 0;
        for (let i = t - w + 1; i <= t; i++) v += (spread[i]! - m) ** 2;
        z = (s - m) / Math.sqrt(v / (w - 1));
      }
    }
    out.push({
      ts: t,
      beta,
      alpha,
      spread: s,
      spreadMean: sm,
      zscore: z,
      signal: z === null ? null : z > 2 ? 'SHORT' : z < -2 ? 'LONG' : 'NEUTRAL',
      correlation: null,
    });
  }
  return out;
}

/** ADF(c, AIC) fitting each lag's regression on its own (same QR routine, no reuse across lags). */
function naiveAdf(s: readonly number[]): number {
  const n = s.length;
  const maxlag = Math.min(Math.floor(n / 2) - 2, Math.ceil(12 * Math.pow(n / 100, 0.25)));
  const cols = (nobs: number, lags: number) => {
    const off = n - 1 - nobs;
    const c: Float64Array[] = [new Float64Array(nobs).fill(1), Float64Array.from({ length: nobs }, (_, r) => s[off + r]!)];
    for (let i = 1; i <= lags; i++) c.push(Float64Array.from({ length: nobs }, (_, r) => s[off + r - i + 1]! - s[off + r - i]!));
    return c;
  };
  const resp = (nobs: number) => Float64Array.from({ length: nobs }, (_, r) => s[n - 1 - nobs + r + 1]! - s[n - 1 - nobs + r]!);
  const nobs = n - 1 - maxlag;
  let best = Infinity;
  let bestLag = 0;
  for (let lag = 0; lag <= maxlag; lag++) {
    const f = householderLs(cols(nobs, lag), resp(nobs));
    const k = lag + 2;
    const aic = nobs * (Math.log(2 * Math.PI) + Math.log(f.ssr[k]! / nobs) + 1) + 2 * k;
    if (aic < best) {
      best = aic;
      bestLag = lag;
    }
  }
  const m = n - 1 - bestLag;
  const c = cols(m, bestLag);
  const lvl = c.splice(1, 1)[0]!;
  c.push(lvl);
  const f = householderLs(c, resp(m));
  const k = bestLag + 2;
  return (Math.sign(f.rdiag[k - 1]!) * f.z[k - 1]!) / Math.sqrt(f.ssr[k]! / (m - k));
}

// ---- python (statsmodels / pandas) ----

const PY = ['/usr/bin/python3', 'python3'].find((p) => p === 'python3' || existsSync(p)) ?? 'python3';

function havePython(): string | null {
  const probe = () => spawnSync(PY, ['-c', 'import statsmodels, pandas; print(statsmodels.__version__, pandas.__version__)'], { encoding: 'utf8' });
  let r = probe();
  if (r.status === 0) return r.stdout.trim();
  console.log('statsmodels not found; trying apt-get install -y python3-statsmodels ...');
  const apt = spawnSync('apt-get', ['install', '-y', '-qq', 'python3-statsmodels'], {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (apt.status !== 0) {
    console.log(`skipping the statsmodels/pandas column: apt-get install failed (${(apt.stderr || apt.error?.message || '').trim().split('\n').pop()})`);
    return null;
  }
  r = probe();
  if (r.status === 0) return r.stdout.trim();
  console.log('skipping the statsmodels/pandas column: python3 still cannot import statsmodels');
  return null;
}

const PY_SCRIPT = String.raw`
import json, sys, time, warnings
import numpy as np, pandas as pd
from statsmodels.tsa.stattools import adfuller
from statsmodels.regression.rolling import RollingOLS
from statsmodels.tools import add_constant
warnings.simplefilter("ignore")
d = json.load(open(sys.argv[1]))
def per_call(f, calls, batches, warm):
    for _ in range(warm): f()
    t = []
    for _ in range(batches):
        s = time.perf_counter()
        for _ in range(calls): f()
        t.append((time.perf_counter() - s) * 1000 / calls)
    t.sort(); return t[len(t) // 2]
def med(f, reps):
    f(); t = []
    for _ in range(reps):
        s = time.perf_counter(); f(); t.append((time.perf_counter() - s) * 1000)
    t.sort(); return t[len(t) // 2]
out = {}
for key in ("adf500", "adf2000"):
    s = np.asarray(d[key])
    calls = 20 if key == "adf500" else 5
    out[key] = per_call(lambda: adfuller(s, regression="c", autolag="AIC"), calls, 15, 2 * calls)
    out[key + "_stat"] = float(adfuller(s, regression="c", autolag="AIC")[0])
x = pd.Series(d["x"]); y = pd.Series(d["y"]); w = d["w"]
def rolling():
    p = RollingOLS(y, add_constant(x), window=w).fit().params
    spread = y - (p["const"] + p[0] * x)
    return (spread - spread.rolling(w).mean()) / spread.rolling(w).std()
out["pass100k"] = med(rolling, 3)
z = rolling(); out["z_last"] = float(z.iloc[-1])
try:  # which OpenBLAS kernel numpy runs (no threadpoolctl here)
    import ctypes
    lib = ctypes.CDLL("libopenblas.so.0"); lib.openblas_get_corename.restype = ctypes.c_char_p
    out["blas"] = "OpenBLAS " + lib.openblas_get_corename().decode()
except Exception:
    out["blas"] = "unknown"
print(json.dumps(out))
`;
import { printTable } from './table';

// ---- run ----

function row(label: string, ours: number, naive: number | null, py: number | null, unit: string, target?: string): string[] {
  const f = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));
  return [
    label,
    `${f(ours)} ${unit}`,
    naive === null ? '-' : `${f(naive)} ${unit} (${(naive / ours).toFixed(0)}x)`,
    py === null ? '-' : `${f(py)} ${unit} (${(py / ours).toFixed(0)}x)`,
    target ?? '',
  ];
}

function main(): void {
  console.log(`node ${process.version}, ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(2)}`);
  const W = 500;
  const big = pair(100_000, 1);
  const ts = big.x.map((_, i) => i);

  // per-tick update: push 1,000,000 points through one engine (w = 500)
  const long = pair(1_000_000, 2);
  const pushAll = () => {
    const e = new PairEngine({ window: W });
    let acc = 0;
    for (let i = 0; i < long.x.length; i++) acc += e.push(i, long.x[i]!, long.y[i]!).spread ?? 0;
    return acc;
  };
  const tickNs = (time(pushAll, 5) * 1e6) / long.x.length;
  const naiveN = 20_000;
  const naiveTickNs = (time(() => naiveRolling(big.x.slice(0, naiveN), big.y.slice(0, naiveN), W), 3) * 1e6) / naiveN;
  const e = new PairEngine({ window: W });
  for (let i = 0; i < 2 * W; i++) e.push(i, long.x[i]!, long.y[i]!);
  const peekNs =
    (time(() => {
      let acc = 0;
      for (let i = 0; i < 100_000; i++) acc += e.peek(i, long.x[i]!, long.y[i]!).spread ?? 0;
      return acc;
    }, 5) *
      1e6) /
    100_000;

  // ADF(c, AIC)
  const s500 = analyzeSeries({ ts: ts.slice(0, 1500), x: big.x.slice(0, 1500), y: big.y.slice(0, 1500), window: 100 })
    .slice(-500)
    .map((p) => p.spread!);
  const s2000 = analyzeSeries({ ts: ts.slice(0, 3000), x: big.x.slice(0, 3000), y: big.y.slice(0, 3000), window: 100 })
    .slice(-2000)
    .map((p) => p.spread!);
  const adf500 = perCall(() => adfuller(s500), 1000, 15, 5000);
  const adf2000 = perCall(() => adfuller(s2000), 250, 15, 1000);
  const nAdf500 = perCall(() => naiveAdf(s500), 20, 11, 40);
  const nAdf2000 = perCall(() => naiveAdf(s2000), 5, 11, 10);
  const ours500 = adfuller(s500);
  if ('error' in ours500 || Math.abs(naiveAdf(s500) - ours500.stat) > 1e-8) throw new Error('naive ADF disagrees with ours');

  // 100k rolling pass
  const pass = time(() => analyzeSeries({ ts, x: big.x, y: big.y, window: W }), 5);
  const passCols = time(() => analyzeColumns({ ts, x: big.x, y: big.y, window: W }), 5);
  const naivePass = time(() => naiveRolling(big.x, big.y, W), 1);
  const ourPts = analyzeSeries({ ts, x: big.x, y: big.y, window: W });

  // python
  let py: Record<string, number> | null = null;
  const ver = havePython();
  if (ver) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-analytics-'));
    try {
      const data = join(dir, 'data.json');
      const script = join(dir, 'bench.py');
      writeFileSync(data, JSON.stringify({ adf500: s500, adf2000: s2000, x: big.x, y: big.y, w: W }));
      writeFileSync(script, PY_SCRIPT);
      // unset together, for this child only (see the header)
      const env = { ...process.env };
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
      const r = spawnSync(PY, [script, data], { encoding: 'utf8', maxBuffer: 1 << 24, env });
      if (r.status === 0) {
        const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number | string>;
        console.log(`statsmodels/pandas ${ver}, numpy on ${String(res.blas)}`);
        delete res.blas;
        py = res as Record<string, number>;
        // same numbers, or the comparison means nothing
        const ourZ = ourPts[ourPts.length - 1]!.zscore!;
        console.log(
          `check: ADF stat n=500 ours ${(ours500 as { stat: number }).stat.toFixed(9)} vs statsmodels ${py.adf500_stat!.toFixed(9)}; last z ours ${ourZ.toFixed(9)} vs pandas ${py.z_last!.toFixed(9)}`,
        );
      } else console.log(`skipping the statsmodels/pandas column: the python run failed: ${r.stderr.trim().split('\n').pop()}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const rows = [
    ['', 'ours', 'naive TS (ratio)', 'statsmodels/pandas (ratio)', 'target'],
    row(
      'per-tick update, w=500',
      tickNs,
      naiveTickNs,
      py ? (py.pass100k! * 1e6) / big.x.length : null,
      'ns',
      `<= 1000 ns: ${tickNs <= 1000 ? 'met' : 'MISSED'}`,
    ),
    row('peek (bar in progress), w=500', peekNs, null, null, 'ns'),
    row('ADF(c, AIC) n=500', adf500, nAdf500, py?.adf500 ?? null, 'ms', py ? `>= 60x statsmodels: ${py.adf500! / adf500 >= 60 ? 'met' : 'MISSED'}` : ''),
    row('ADF(c, AIC) n=2000', adf2000, nAdf2000, py?.adf2000 ?? null, 'ms'),
    row(
      '100k rolling pass, w=500, columns',
      passCols,
      naivePass,
      py?.pass100k ?? null,
      'ms',
      py ? `>= 130x pandas: ${py.pass100k! / passCols >= 130 ? 'met' : 'MISSED'}` : '',
    ),
    row('100k rolling pass, w=500, points', pass, naivePass, py?.pass100k ?? null, 'ms', '(AnalyticsPoint objects)'),
  ];
  printTable(rows);
  console.log('(per-tick in the pandas column: its 100k rolling pass divided by 100k points, amortised)');
}

main();
