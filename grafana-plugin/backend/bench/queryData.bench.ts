/**
 * Benchmark: QueryData's work for 100,000 analytics points -> one Arrow IPC file
 * (collector answer -> frame with display config -> Arrow bytes), against two baselines
 * measured in the same run on the same data:
 *   - frame JSON: the same frame encoded as Grafana's frame JSON (what a JSON-format backend
 *     would send, and what the emulator produces for browsers);
 *   - JSON.stringify of the collector's answer (the cost of merely re-serialising the input);
 *   - apache-arrow's own RecordBatchFileWriter for the same frame (what ipc.ts replaces).
 * Each case runs in its own block (warm-up, then up to 25 runs or 10 s), the blocks twice in
 * turn (A B C D A B C D), and each case reports the lower of its two block medians: blocks keep
 * one case's garbage from being collected in another's timing, and the repetition evens out
 * load from other processes on a shared machine.
 * Target: <= 30 ms per 100,000 points. Wall-clock time and this process's CPU time are both
 * reported: on a shared machine the wall time also counts the time spent waiting for a core.
 *
 *   cd grafana-plugin && npx tsx backend/bench/queryData.bench.ts [points]
 */
import { cpus, loadavg } from 'os';
import type { AnalyticsResponse, ApiSignal } from '@quant-pairs/contract';
import { frameToArrowReference } from '../../test/support/arrow';
import { frameToArrow } from '../src/frame/arrow';
import { frameToJSON } from '../src/frame/json';
import { analyticsFrame } from '../src/query/analytics';
import type { PairQ } from '../src/query/model';

const N = Number(process.argv[2] ?? 100_000);
const RUNS = 25;
const WARMUP = 5;

function response(n: number): AnalyticsResponse {
  const s: AnalyticsResponse['series'] = { ts: [], beta: [], alpha: [], spread: [], spreadMean: [], zscore: [], signal: [], correlation: [] };
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    const warm = i < 100; // warm-up nulls, as the engine gives them
    const z = Math.sin(i / 50) * 2.5;
    s.ts.push(t0 + i * 1000);
    s.beta.push(warm ? null : 0.05 + Math.sin(i / 1000) * 0.001);
    s.alpha.push(warm ? null : 3 + Math.cos(i / 700));
    s.spread.push(warm ? null : z * 1.7);
    s.spreadMean.push(warm ? null : 0.01 * Math.sin(i / 300));
    s.zscore.push(warm ? null : z);
    s.signal.push(warm ? null : ((z > 2 ? 'SHORT' : z < -2 ? 'LONG' : 'NEUTRAL') as ApiSignal));
    s.correlation.push(warm ? null : 0.9);
  }
  return {
    pair: 'ETHUSDT/BTCUSDT',
    tf: '1s',
    window: 100,
    from: t0,
    to: t0 + n * 1000,
    points: n,
    thinned: false,
    provisional: false,
    series: s,
  } as AnalyticsResponse;
}

const q: PairQ = {
  refId: 'A',
  queryType: 'analytics',
  live: false,
  from: 0,
  to: 1,
  maxDataPoints: N,
  intervalMs: 1000,
  pair: 'ETHUSDT/BTCUSDT',
  y: 'ETHUSDT',
  x: 'BTCUSDT',
  tf: '1s',
  window: 100,
  entryZ: undefined,
  exitZ: undefined,
  fields: undefined,
  hedge: { hedge: 'ols' },
};

type Case = { name: string; fn: () => { length: number }; times: number[]; cpu: number[]; size: number };

const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One block: wall-clock and CPU time (user + system of this process) medians, ms. */
function block(c: Case): [number, number] {
  for (let i = 0; i < WARMUP; i++) c.fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  const until = performance.now() + 10_000;
  while (wall.length < RUNS && (wall.length < 3 || performance.now() < until)) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    c.size = c.fn().length;
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c0);
    cpu.push((d.user + d.system) / 1000);
  }
  return [mid(wall), mid(cpu)];
}
function run(cases: Case[]): void {
  for (let round = 0; round < 2; round++) {
    for (const c of cases) {
      const [w, u] = block(c);
      c.times.push(w);
      c.cpu.push(u);
    }
  }
}
const median = (c: Case) => ({ ms: Math.min(...c.times), cpu: Math.min(...c.cpu), size: c.size });

const res = response(N);
const cases: Case[] = [
  { name: 'response -> frame -> Arrow IPC file', fn: () => frameToArrow(analyticsFrame(q, res, [])), times: [], cpu: [], size: 0 },
  { name: "baseline: same with apache-arrow's writer", fn: () => frameToArrowReference(analyticsFrame(q, res, [])), times: [], cpu: [], size: 0 },
  { name: 'baseline: response -> frame -> frame JSON', fn: () => frameToJSON(analyticsFrame(q, res, [])), times: [], cpu: [], size: 0 },
  { name: 'baseline: JSON.stringify(collector response)', fn: () => JSON.stringify(res), times: [], cpu: [], size: 0 },
];
run(cases);
const [arrow, ref, json, raw] = cases.map(median) as [
  ReturnType<typeof median>,
  ReturnType<typeof median>,
  ReturnType<typeof median>,
  ReturnType<typeof median>,
];
const line = (name: string, r: { ms: number; cpu: number; size: number }) =>
  `${name.padEnd(44)} ${r.ms.toFixed(1).padStart(7)} ms wall ${r.cpu.toFixed(1).padStart(7)} ms CPU  ${(r.size / 1e6).toFixed(2).padStart(6)} MB`;
console.log(`QueryData, ${N.toLocaleString('en')} analytics points x 8 fields (best of two block medians)`);
cases.forEach((c, i) => console.log(line(c.name, [arrow, ref, json, raw][i]!)));
console.log(
  `Arrow is ${(json.ms / arrow.ms).toFixed(1)}x faster than frame JSON, ${(ref.ms / arrow.ms).toFixed(1)}x faster than apache-arrow's writer, ${(raw.ms / arrow.ms).toFixed(1)}x faster than JSON.stringify`,
);
console.log(
  `target <= 30 ms per ${N.toLocaleString('en')} points: wall ${arrow.ms <= 30 ? 'met' : 'MISSED'} (${arrow.ms.toFixed(1)} ms), CPU ${arrow.cpu <= 30 ? 'met' : 'MISSED'} (${arrow.cpu.toFixed(1)} ms); load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
);
