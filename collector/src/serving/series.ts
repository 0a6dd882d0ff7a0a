/**
 * The analytics series of a pair for any window, computed from stored bars: both legs' bars
 * over [from - warm-up, to) are aligned with `alignBars` (the one alignment rule the live
 * engine follows too) and pushed through `analyzeSeries`; the points before `from` are the
 * warm-up and are dropped.
 *
 * Warm-up: beta needs `window` points and z needs `window` spreads, so the first z is at the
 * 2·(window−1)-th point after the start. The lookback starts at that many bars before `from`
 * (plus slack) and grows when gaps leave fewer aligned points, until it has enough or
 * reaches the first stored bar. With that warm-up every value in the range equals what a
 * pass over the whole history gives, except a hysteresis signal (exitZ), whose state can
 * depend on older history.
 */
import type { HedgeChoice, KalmanPeriodDto, KalmanReport } from '@quant-pairs/contract';
import { KALMAN_PERIOD_MS, PairEngine, alignBars, analyzeSeries, hedgedSeries, signalRuleProblem, type KalmanPeriod } from '../analytics';
import type { AnalyticsPoint, Pair, Timeframe } from '../domain';
import { TIMEFRAME_MS, bucketStart } from '../domain/timeframe';
import type { AlignedSlice } from './aligned';
import { readCloses, type Cols } from './closes';
import { fitterOf, type ServingCtx } from './context';
import { ClientError, badParam } from './errors';
import type { RunRule } from './results';

/** Lookback starts are multiples of this many bars. */
const GRID = 4096;

export interface SeriesQuery {
  pair: Pair;
  tf: Timeframe;
  window: number;
  from: number;
  to: number;
  ddof?: 0 | 1;
  entryZ?: number;
  exitZ?: number | null;
  /** Rolling OLS over window (default) or the Kalman hedge. */
  hedge?: HedgeChoice;
}

export interface SeriesResult {
  /** Points with from <= ts < to. */
  points: AnalyticsPoint[];
  /** The last point comes from a bar still in progress. */
  provisional: boolean;
  /** Signal of the last warm-up point before `from` (for change events), null if none. */
  signalBefore: AnalyticsPoint['signal'];
  /** The aligned closes of the points (y and x legs), same length as `points`. */
  y: Float64Array;
  x: Float64Array;
  /** hedge=kalman: the periods (UTC days) serving the points. */
  kalman?: KalmanReport;
}

/** Aligned closes of the pair over [from, to): from the caches, or alignBars over stored bars. */
async function aligned(ctx: ServingCtx, pair: Pair, tf: Timeframe, from: number, to: number): Promise<AlignedSlice> {
  if (ctx.caches) return ctx.caches.aligned.get(pair, tf, from, to);
  // Columns, then light {start, close} objects: a long range never holds full Bar objects.
  const [yc, xc] = await Promise.all([readCloses(ctx.store, { symbol: pair.y, tf, from, to }), readCloses(ctx.store, { symbol: pair.x, tf, from, to })]);
  const light = (c: Cols) => Array.from({ length: c.n }, (_, i) => ({ start: c.start[i]!, close: c.close[i]! }));
  const al = alignBars(light(yc), light(xc));
  const last = al.ts[al.ts.length - 1];
  const lastInProgress = last !== undefined && [yc, xc].some((c) => c.n > 0 && c.start[c.n - 1] === last && c.final[c.n - 1] === 0);
  return { ts: new Float64Array(al.ts), y: new Float64Array(al.y), x: new Float64Array(al.x), lastInProgress };
}

function toArray(a: Float64Array): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]!;
  return out;
}

/**
 * The analytics points of an aligned slice: from the run cache for its cached part (the run's
 * engine continues with `peek` for one newer point, a fresh engine warmed on the last cached
 * points for several), else one analyzeSeries pass over the slice.
 */
function run(ctx: ServingCtx, al: AlignedSlice, rule: RunRule): AnalyticsPoint[] {
  if (al.ts.length === 0) return [];
  const c = al.cached;
  const cached = c && ctx.caches ? ctx.caches.runs.points(c.entry, c.i, c.j, rule) : null;
  if (!c || !cached) return analyzeSeries({ ts: toArray(al.ts), x: toArray(al.x), y: toArray(al.y), ...rule });
  const rest = al.ts.length - (c.j - c.i);
  if (rest === 0) return cached.points;
  if (rest === 1 && c.j === c.entry.n) {
    const k = al.ts.length - 1;
    return [...cached.points, cached.engine.peek(al.ts[k]!, al.x[k]!, al.y[k]!)];
  }
  const e = c.entry;
  const engine = new PairEngine(rule);
  for (let k = Math.max(0, c.j - 2 * rule.window); k < c.j; k++) engine.push(e.ts[k]!, e.x[k]!, e.y[k]!);
  const tail: AnalyticsPoint[] = [];
  for (let k = c.j - c.i; k < al.ts.length; k++) tail.push(engine.push(al.ts[k]!, al.x[k]!, al.y[k]!));
  return cached.points.concat(tail);
}

export async function computeSeries(ctx: ServingCtx, q: SeriesQuery): Promise<SeriesResult> {
  if (q.hedge?.hedge === 'kalman') return computeKalman(ctx, q, q.hedge);
  const tfMs = TIMEFRAME_MS[q.tf];
  const warm = 2 * (q.window - 1);
  const inRange = Math.ceil((q.to - q.from) / tfMs);
  const budget = ctx.limits.maxAnalyticsBars;
  if (inRange + warm > budget) {
    throw new ClientError(413, `range too large: ${inRange} ${q.tf} bars plus ${warm} of warm-up exceed ${budget}; narrow from/to or use a longer tf`, 'from');
  }
  const entryZ = q.entryZ ?? ctx.entryZ;
  const exitZ = q.exitZ === undefined ? ctx.exitZ : q.exitZ;
  const rule = signalRuleProblem(entryZ, exitZ);
  if (rule) throw badParam(rule.startsWith('entryZ') ? 'entryZ' : 'exitZ', rule);

  let lookback = warm + 16;
  // The first stored bar of each leg (bars from klines reach further back than the first tick).
  const firsts = await Promise.all([q.pair.y, q.pair.x].map(async (s) => (await ctx.store.bars({ symbol: s, tf: q.tf, limit: 1 }))[0]?.start ?? Infinity));
  const firstStored = Math.max(...firsts);
  // No bar is older than the first stored bar of either leg.
  const floor = Number.isFinite(Math.min(...firsts)) ? bucketStart(Math.min(...firsts), q.tf) : 0;
  for (;;) {
    // Rounded down to a coarse grid so that windows of similar size share one cached range.
    const grid = GRID * tfMs;
    const start = Math.max(0, floor, Math.floor((q.from - lookback * tfMs) / grid) * grid);
    const al = await aligned(ctx, q.pair, q.tf, start, q.to);
    let first = 0;
    while (first < al.ts.length && al.ts[first]! < q.from) first++;
    const exhausted = start <= firstStored || start === 0 || lookback + inRange >= budget;
    if (first >= warm || exhausted) {
      const points = run(ctx, al, { window: q.window, ddof: q.ddof ?? 1, entryZ, exitZ });
      const provisional = al.lastInProgress;
      return {
        points: points.slice(first),
        provisional,
        signalBefore: first > 0 ? points[first - 1]!.signal : null,
        y: al.y.subarray(first),
        x: al.x.subarray(first),
      };
    }
    lookback = Math.min(lookback * 4, budget - inRange);
  }
}

/**
 * The Kalman hedge over [from, to): dailyKalmanSeries (through hedgedSeries) serves each UTC day
 * with a filter warmed on the day before (and, with tune, parameters fitted on it), so the read
 * starts at the day before from's day; every value is then the same whatever from is.
 */
async function computeKalman(ctx: ServingCtx, q: SeriesQuery, choice: Extract<HedgeChoice, { hedge: 'kalman' }>): Promise<SeriesResult> {
  const tfMs = TIMEFRAME_MS[q.tf];
  const entryZ = q.entryZ ?? ctx.entryZ;
  const exitZ = q.exitZ === undefined ? ctx.exitZ : q.exitZ;
  const rule = signalRuleProblem(entryZ, exitZ);
  if (rule) throw badParam(rule.startsWith('entryZ') ? 'entryZ' : 'exitZ', rule);
  const dayStart = Math.floor(q.from / KALMAN_PERIOD_MS) * KALMAN_PERIOD_MS;
  const start = Math.max(0, dayStart - KALMAN_PERIOD_MS);
  const bars = Math.ceil((q.to - start) / tfMs);
  const budget = ctx.limits.maxAnalyticsBars;
  if (bars > budget) {
    throw new ClientError(
      413,
      `range too large: ${bars} ${q.tf} bars from the day before from (the Kalman hedge's warm-up) exceed ${budget}; narrow from/to or use a longer tf`,
      'from',
    );
  }
  const al = await aligned(ctx, q.pair, q.tf, start, q.to);
  const { points, periods } = hedgedSeries({ ts: toArray(al.ts), x: toArray(al.x), y: toArray(al.y), window: q.window, entryZ, exitZ }, choice, {
    fit: fitterOf(ctx, q.pair, q.tf, KALMAN_PERIOD_MS),
  });
  let first = 0;
  while (first < points.length && points[first]!.ts < q.from) first++;
  const report: KalmanReport = {
    tune: choice.tune === true,
    periods: (periods ?? []).filter((p) => p.at >= dayStart).map(periodDto),
  };
  return {
    points: points.slice(first),
    provisional: al.lastInProgress,
    signalBefore: first > 0 ? points[first - 1]!.signal : null,
    y: al.y.subarray(first),
    x: al.x.subarray(first),
    kalman: report,
  };
}

/** A period as the API reports it (the fit's figures, not its internals). */
export function periodDto(p: KalmanPeriod): KalmanPeriodDto {
  return {
    at: p.at,
    trainFrom: p.trainFrom,
    trainTo: p.trainTo,
    delta: p.delta,
    ve: p.ve,
    fit: p.fit === null ? null : 'error' in p.fit ? { error: p.fit.error } : { logLik: p.fit.logLik, converged: p.fit.converged, nobs: p.fit.nobs },
  };
}
