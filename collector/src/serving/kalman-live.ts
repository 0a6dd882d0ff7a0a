/**
 * The Kalman hedge of the Live push and of /api/stats, continued bar by bar.
 *
 * computeKalman (series.ts) serves day P with a fresh filter warmed on (with tune: fitted on) day
 * P-1, from scratch: up to two days of points per call, and the push asks every 500 ms for every
 * Kalman subscription (up to 172,800 points a push on 1s bars). Here each (pair, tf, hedge,
 * signal rule) keeps that filter positioned after the last final aligned point it has seen (the
 * AlignedCache's cached points: final, settled bars), with the period it serves (day, parameters,
 * fit). A call reads only the aligned points after that one, pushes the new cached points into
 * the filter and runs the rest (bars still settling, the bar in progress) on a clone of it.
 * The values are computeKalman's bit for bit: the same filter (openPeriod, the rule
 * dailyKalmanSeries starts each period with), the same parameters and fit, the same points in
 * the same order (test/api/kalmanLive.test.ts compares the two paths exactly).
 *
 * A state is rebuilt, as computeKalman builds its last day (read from the day before), when:
 * there is none yet; the newest point is in a later day than the state serves (the daily
 * re-fit); the bars under it changed (a late tick or backfill reported to the CloseCache at or
 * before its last point, `barsChanged`; a read in flight then starts again). While the previous
 * day is not wholly cached (its last bars still settling, the first seconds of a day) nothing is
 * kept and a call computes its answer from scratch the same way.
 *
 * /api/stats also needs the last `sample` final points (ADF, Engle-Granger, half-life): a state
 * keeps its served final points (the last MAX_SAMPLE, carried across the daily re-fit); the
 * earlier days' points are computed once (computeSeries), when a stats call first needs them.
 */
import { STATS_SAMPLE_MAX, type HedgeChoice, type KalmanPeriodDto } from '@quant-pairs/contract';
import { KALMAN_PERIOD_MS, kalmanDailyOptions, nullPoint, openPeriod, signalRuleProblem, type KalmanHedge } from '../analytics';
import type { AnalyticsPoint, Pair, Timeframe } from '../domain';
import { TIMEFRAME_MS, bucketStart } from '../domain/timeframe';
import type { AlignedCache, AlignedSlice } from './aligned';
import { fitterOf, type ServingCtx } from './context';
import { badParam } from './errors';
import { KeyedLock } from './keyed-lock';
import { computeSeries, periodDto } from './series';

const DAY = KALMAN_PERIOD_MS;
/** Final points kept per state for the statistics (the largest STATS_SAMPLE). */
const MAX_SAMPLE = STATS_SAMPLE_MAX;
const MAX_STATES = 32;

export interface KalmanQuery {
  pair: Pair;
  tf: Timeframe;
  hedge: Extract<HedgeChoice, { hedge: 'kalman' }>;
  entryZ?: number;
  exitZ?: number | null;
}

/** A final point of the served series with its legs' closes. */
export interface SamplePoint {
  x: number;
  y: number;
  point: AnalyticsPoint;
}

export interface KalmanLatest {
  /** The last final point (null before any). */
  committed: AnalyticsPoint | null;
  /** The point of the bar in progress, null when none. */
  provisional: AnalyticsPoint | null;
  /** The last `sample` final points (fewer when there are not as many), oldest first. */
  sample: SamplePoint[];
  /** The periods serving `sample` and the latest point, oldest first. */
  periods: KalmanPeriodDto[];
}

interface State {
  pair: Pair;
  tf: Timeframe;
  /** Index of the period (UTC day) served. */
  day: number;
  period: KalmanPeriodDto;
  /** Positioned after the point at lastTs (null: the period has no parameters, its points are null). */
  filter: KalmanHedge | null;
  /** ts of the last point pushed into the filter (warm-up or served). */
  lastTs: number;
  /** Served final points, the last MAX_SAMPLE at most (amortised trim: up to twice that). */
  sample: SamplePoint[];
  /** sample holds every final point from this ts on (before: not yet computed). */
  sampleFrom: number;
  /** Periods of the points before the current one's (filled with sample). */
  earlier: KalmanPeriodDto[];
  dead: boolean;
}

type Rule = { entryZ: number; exitZ: number | null };

export class KalmanLive {
  private readonly states = new Map<string, State>();
  private readonly lock = new KeyedLock();
  /** Calls answered by continuing a state, by building one (first call, daily re-fit, after an invalidation), and from scratch (nothing kept). */
  readonly counts = { continued: 0, built: 0, scratch: 0 };

  constructor(private readonly aligned: AlignedCache) {}

  /** Bars of `symbol` from `minTs` on changed (CloseCache.onInvalidate): states that have seen them start again. */
  barsChanged(symbol: string, minTs: number): void {
    for (const [k, st] of this.states) {
      if (st.pair.y !== symbol && st.pair.x !== symbol) continue;
      if (bucketStart(minTs, st.tf) > st.lastTs) continue;
      st.dead = true;
      this.states.delete(k);
    }
  }

  /** The latest points of `q` (and, for the statistics, its last `sample` final points). */
  latest(ctx: ServingCtx, q: KalmanQuery, sample = 0): Promise<KalmanLatest> {
    const entryZ = q.entryZ ?? ctx.entryZ;
    const exitZ = q.exitZ === undefined ? ctx.exitZ : q.exitZ;
    const problem = signalRuleProblem(entryZ, exitZ);
    if (problem) throw badParam(problem.startsWith('entryZ') ? 'entryZ' : 'exitZ', problem);
    const key = `${q.pair.id}|${q.tf}|${JSON.stringify(q.hedge)}|${entryZ}|${exitZ}`;
    return this.lock.run(key, () => this.read(ctx, key, q, { entryZ, exitZ }, Math.min(sample, MAX_SAMPLE)));
  }

  private async read(ctx: ServingCtx, key: string, q: KalmanQuery, rule: Rule, want: number): Promise<KalmanLatest> {
    const to = ctx.now() + TIMEFRAME_MS[q.tf];
    for (;;) {
      let st = this.states.get(key);
      let out: { rest: SamplePoint[]; provisional: AnalyticsPoint | null } | null = null;
      if (st) {
        const al = await this.aligned.get(q.pair, q.tf, st.lastTs + 1, to);
        if (st.dead) continue; // invalidated during the read
        const n = al.ts.length;
        // else the newest point is in a later day: the daily re-fit (a new state from the day before)
        if (n === 0 || Math.floor(al.ts[n - 1]! / DAY) === st.day) {
          out = this.advance(st, al);
          this.counts.continued++;
        }
      }
      if (!st || !out) {
        const built = await this.build(ctx, q, rule, to, st);
        if (!built) return { committed: null, provisional: null, sample: [], periods: [] };
        st = built.state;
        out = built;
        if (built.kept) {
          this.counts.built++;
          this.states.delete(key);
          this.states.set(key, st);
          while (this.states.size > MAX_STATES) this.states.delete(this.states.keys().next().value as string);
        } else this.counts.scratch++;
      }
      if (want > st.sample.length + out.rest.length && st.sampleFrom > -Infinity) {
        await this.fillSample(ctx, q, rule, st);
        if (st.dead) continue;
      }
      return answer(st, out.rest, out.provisional, want);
    }
  }

  /** Pushes the slice's cached points into the filter; runs the rest on a clone. */
  private advance(st: State, al: AlignedSlice): { rest: SamplePoint[]; provisional: AnalyticsPoint | null } {
    const m = cachedCount(al);
    for (let k = 0; k < m; k++) {
      const p = st.filter ? st.filter.push(al.ts[k]!, al.x[k]!, al.y[k]!) : nullPoint(al.ts[k]!);
      st.lastTs = al.ts[k]!;
      keep(st.sample, { x: al.x[k]!, y: al.y[k]!, point: p });
    }
    return runRest(st.filter, al, m);
  }

  /**
   * A state for the day of the newest point, built as computeKalman builds that day (`kept`); or,
   * while the day before is not wholly cached, one that answers this call only (its day's points
   * all in `rest`); null when there is no point in the last two days.
   */
  private async build(
    ctx: ServingCtx,
    q: KalmanQuery,
    rule: Rule,
    to: number,
    old: State | undefined,
  ): Promise<{ state: State; kept: boolean; rest: SamplePoint[]; provisional: AnalyticsPoint | null } | null> {
    const nowDay = Math.floor(ctx.now() / DAY);
    let al = await this.aligned.get(q.pair, q.tf, (nowDay - 2) * DAY, to);
    let n = al.ts.length;
    if (n === 0) return null;
    const P = Math.floor(al.ts[n - 1]! / DAY);
    if ((P - 1) * DAY < (nowDay - 2) * DAY) {
      al = await this.aligned.get(q.pair, q.tf, (P - 1) * DAY, to);
      n = al.ts.length;
    }
    // From here on nothing awaits: the slice is what the cache holds until the state is in place
    // (a later invalidation finds it there).
    let warm = 0;
    while (warm < n && al.ts[warm]! < (P - 1) * DAY) warm++;
    let start = warm;
    while (start < n && al.ts[start]! < P * DAY) start++;
    const { period, filter } = openPeriod(al, warm, start, P * DAY, kalmanDailyOptions(q.hedge, rule, { fit: fitterOf(ctx, q.pair, q.tf, DAY) }));
    for (let k = warm; k < start; k++) filter?.push(al.ts[k]!, al.x[k]!, al.y[k]!);
    const m = cachedCount(al);
    const st: State = {
      pair: q.pair,
      tf: q.tf,
      day: P,
      period: periodDto(period),
      filter,
      // nothing before the day: the next read starts at the day
      lastTs: start > 0 ? al.ts[start - 1]! : P * DAY - 1,
      sample: [],
      sampleFrom: P * DAY,
      earlier: [],
      dead: false,
    };
    if (start > m) {
      // the day before is still settling: answered from scratch (every point of the day run on a clone), nothing kept
      return { state: st, kept: false, ...runRest(filter, al, start) };
    }
    if (old && old.day === P - 1) {
      // The daily re-fit carries the served points on, with the old day's points it had not
      // consumed yet (they settled since), served by its filter.
      const f = old.filter;
      st.sample = old.sample;
      st.sampleFrom = old.sampleFrom;
      st.earlier = [...old.earlier, old.period];
      for (let k = warm; k < start; k++) {
        if (al.ts[k]! > old.lastTs) keep(st.sample, { x: al.x[k]!, y: al.y[k]!, point: f ? f.push(al.ts[k]!, al.x[k]!, al.y[k]!) : nullPoint(al.ts[k]!) });
      }
      old.dead = true;
    }
    for (let k = start; k < m; k++) {
      const p = filter ? filter.push(al.ts[k]!, al.x[k]!, al.y[k]!) : nullPoint(al.ts[k]!);
      st.lastTs = al.ts[k]!;
      keep(st.sample, { x: al.x[k]!, y: al.y[k]!, point: p });
    }
    return { state: st, kept: true, ...runRest(filter, al, m) };
  }

  /** Computes the final points before `sampleFrom` (computeSeries, from scratch) and puts them in front of the sample. */
  private async fillSample(ctx: ServingCtx, q: KalmanQuery, rule: Rule, st: State): Promise<void> {
    const tfMs = TIMEFRAME_MS[q.tf];
    const to = st.sampleFrom;
    const s = await computeSeries(ctx, { pair: q.pair, tf: q.tf, window: 1, from: to - MAX_SAMPLE * tfMs, to, hedge: q.hedge, ...rule });
    if (st.dead) return;
    const before: SamplePoint[] = s.points.map((point, i) => ({ x: s.x[i]!, y: s.y[i]!, point }));
    st.sample = [...before.slice(-MAX_SAMPLE), ...st.sample];
    st.sampleFrom = -Infinity;
    st.earlier = [...(s.kalman?.periods ?? []).filter((p) => p.at < to), ...st.earlier];
  }
}

/** How many of the slice's first points are cached (final and settled). */
function cachedCount(al: AlignedSlice): number {
  return al.cached ? al.cached.j - al.cached.i : 0;
}

/** The slice's points from `m` on, run on a clone of `filter`: the final ones (still settling) and the one in progress. */
function runRest(filter: KalmanHedge | null, al: AlignedSlice, m: number): { rest: SamplePoint[]; provisional: AnalyticsPoint | null } {
  const n = al.ts.length;
  const f = filter && m < n ? filter.clone() : null;
  const rest: SamplePoint[] = [];
  for (let k = m; k < n; k++) rest.push({ x: al.x[k]!, y: al.y[k]!, point: f ? f.push(al.ts[k]!, al.x[k]!, al.y[k]!) : nullPoint(al.ts[k]!) });
  const provisional = al.lastInProgress && rest.length > 0 ? rest.pop()!.point : null;
  return { rest, provisional };
}

/** Appends p, dropping the oldest half once twice MAX_SAMPLE points are held. */
function keep(sample: SamplePoint[], p: SamplePoint): void {
  sample.push(p);
  if (sample.length >= 2 * MAX_SAMPLE) sample.splice(0, sample.length - MAX_SAMPLE);
}

function answer(st: State, rest: SamplePoint[], provisional: AnalyticsPoint | null, want: number): KalmanLatest {
  const last = rest.length ? rest[rest.length - 1] : st.sample[st.sample.length - 1];
  const sample = want > 0 ? (rest.length ? st.sample.concat(rest) : st.sample).slice(-want) : [];
  const first = sample[0]?.point.ts ?? Infinity;
  return {
    committed: last ? last.point : null,
    provisional,
    sample,
    periods: [...st.earlier.filter((p) => p.at + DAY > first), st.period],
  };
}
