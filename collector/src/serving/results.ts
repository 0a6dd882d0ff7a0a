/**
 * A cache of analytics runs per pair / tf / window / rule, continued incrementally: each run
 * is a PairEngine that has consumed the cached aligned points of its pair (AlignedCache) in
 * order, and the points it returned. A query for any range then costs only the points that
 * completed since the last query, instead of a pass over the whole day.
 *
 * Validity: a run belongs to one AlignedCache entry at one generation; when the entry is
 * rebuilt or truncated by a late tick, the run starts again from the entry's first point.
 * The run starts at the entry's first point, so its values are those of a pass over the whole
 * cached history: within rounding (1e-9) of a pass that starts `2·(window−1)` points before the
 * query, and equal to it where they start together.
 *
 * Bounded: at most MAX_RUNS runs (least recently used are dropped) of at most MAX_POINTS points.
 */
import { PairEngine } from '../analytics';
import type { AnalyticsPoint } from '../domain';
import type { AlignedEntry } from './aligned';

export interface RunRule {
  window: number;
  ddof: 0 | 1;
  entryZ: number;
  exitZ: number | null;
}

interface Run {
  entry: AlignedEntry;
  gen: number;
  /** Absolute aligned index of points[0]. */
  base0: number;
  engine: PairEngine;
  points: AnalyticsPoint[];
}

const MAX_RUNS = 8;
const MAX_POINTS = 200_000;

export class RunCache {
  private readonly runs = new Map<string, Run>();

  /**
   * Points of the cached aligned points [i, j) of `entry`, from the run for `rule`, and the
   * run's engine (positioned after the entry's last point; use `peek` only); null when the
   * entry is too large to cache.
   */
  points(entry: AlignedEntry, i: number, j: number, rule: RunRule): { points: AnalyticsPoint[]; engine: PairEngine } | null {
    if (entry.n > MAX_POINTS) return null;
    const key = `${entry.pair.id}|${entry.tf}|${rule.window}|${rule.ddof}|${rule.entryZ}|${rule.exitZ}`;
    let run = this.runs.get(key);
    if (run) this.runs.delete(key);
    if (!run || run.entry !== entry || run.gen !== entry.gen || run.base0 > entry.base) {
      run = { entry, gen: entry.gen, base0: entry.base, engine: new PairEngine(rule), points: [] };
    }
    this.runs.set(key, run);
    while (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value as string);
    // Drop points the aligned entry no longer holds, then consume the new ones.
    if (run.base0 < entry.base) {
      run.points.splice(0, entry.base - run.base0);
      run.base0 = entry.base;
    }
    for (let k = run.points.length; k < entry.n; k++) run.points.push(run.engine.push(entry.ts[k]!, entry.x[k]!, entry.y[k]!));
    return { points: run.points.slice(i, j), engine: run.engine };
  }
}
