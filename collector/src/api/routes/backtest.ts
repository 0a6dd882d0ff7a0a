/**
 * GET /api/backtest (the z signal's trades, equity and metrics over stored bars) and
 * GET /api/backtest/sweep (the metrics of every window x entry x exit, with the best one's PSR and
 * DSR and the grid's PBO: src/analytics/honest/sweepVerdict.ts). Both trade the series
 * /api/analytics serves (runSeries: stored bars aligned, z and beta with warm-up before `from`,
 * ddof 1), final bars only: a bar in progress is not traded. Rules and costs:
 * src/analytics/backtest. Bars a year for the Sharpe ratio: 365 days of the timeframe.
 */
import type { Router } from 'express';
import {
  PBO_DEFAULT_BLOCKS,
  SWEEP_MAX_COMBINATIONS,
  TIMEFRAME_MS,
  type BacktestResponse,
  type BacktestSettings,
  type SweepResponse,
  type Timeframe,
} from '@quant-pairs/contract';
import { backtestRequest, sweepRequest, type RequestArgs } from '@quant-pairs/contract/requests';
import { backtest, backtestOptionsProblem, pboBlocksProblem, sweepVerdict, type BacktestOptions, type PairSeries } from '../../analytics';
import type { Ctx } from '../deps';
import { badParam } from '../http/errors';
import { readQuery } from '../http/params';
import { pairFunding, thinIndices } from '../../serving';
import { runSeries } from './analytics';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** The options of a request, defaults filled in (by the schema) and barsPerYear from the timeframe. */
function settings(q: Omit<RequestArgs<typeof backtestRequest>, 'pair' | 'window'>, tf: Timeframe): BacktestSettings {
  return {
    entry: q.entry,
    exit: q.exit,
    stop: q.stop ?? null,
    maxHold: q.maxHold ?? null,
    cooldown: q.cooldown,
    lag: q.lag,
    feeBps: q.feeBps,
    slippageBps: q.slippageBps,
    notional: q.notional,
    barsPerYear: YEAR_MS / TIMEFRAME_MS[tf],
  };
}

/** A problem of backtestOptionsProblem as a 400 naming its parameter (the message's first word). */
function optionsError(problem: string) {
  return badParam(problem.split(' ')[0]!, problem);
}

/** The series of a pair and window over the request's range, final bars only, as the backtest's columns. */
async function columns(ctx: Ctx, q: Omit<RequestArgs<typeof backtestRequest>, 'window'>, window: number) {
  const s = await runSeries(ctx, { pair: q.pair, tf: q.tf, window, from: q.from, to: q.to, hedge: q.hedge, delta: q.delta, ve: q.ve, tune: q.tune });
  const n = s.provisional ? s.points.length - 1 : s.points.length;
  const ts = new Float64Array(n);
  const zscore = new Float64Array(n);
  const beta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = s.points[i]!;
    ts[i] = p.ts;
    zscore[i] = p.zscore ?? NaN;
    beta[i] = p.beta ?? NaN;
  }
  // each perp leg's settlements that can land on these bars (funding.ts: on the first bar at or after T)
  const funding = n === 0 ? undefined : await pairFunding(ctx.store, q.pair, ts[0]!, ts[n - 1]! + 1);
  return { from: s.from, to: s.to, hedge: s.hedge.hedge, ts, zscore, beta, x: s.x.subarray(0, n), y: s.y.subarray(0, n), funding };
}

export function mount(r: Router, ctx: Ctx): void {
  r.get('/api/backtest', async (req, res) => {
    const q = readQuery(req.query, backtestRequest);
    const set = settings(q, q.tf);
    const problem = backtestOptionsProblem(set);
    if (problem) throw optionsError(problem);
    const c = await columns(ctx, q, q.window);
    const funded = c.funding === undefined ? {} : { ts: c.ts, funding: c.funding };
    const result = backtest({ x: c.x, y: c.y, z: c.zscore, beta: c.beta, ...funded }, set as BacktestOptions);
    const n = c.ts.length;
    const idx = q.maxDataPoints !== undefined && n > q.maxDataPoints ? thinIndices(result.equity, q.maxDataPoints) : null;
    const pick = <T>(v: ArrayLike<T>): T[] => (idx ? idx.map((i) => v[i]!) : Array.from(v));
    const body: BacktestResponse = {
      pair: q.pair.id,
      tf: q.tf,
      window: q.window,
      hedge: c.hedge,
      from: c.from,
      to: c.to,
      bars: n,
      settings: set,
      metrics: result.metrics,
      trades: result.trades.map((t) => ({ entryTs: c.ts[t.entryIndex]!, exitTs: c.ts[t.exitIndex]!, ...t })),
      equity: { ts: pick(c.ts), equity: pick(result.equity) },
      thinned: idx !== null,
    };
    res.json(body);
  });

  r.get('/api/backtest/sweep', async (req, res) => {
    const q = readQuery(req.query, sweepRequest);
    const g = await gridColumns(ctx, q);
    // PBO at S blocks needs 2 bars a block: asked for, too few bars is a 400; by default, no PBO
    const blocks = q.blocks ?? (pboBlocksProblem(PBO_DEFAULT_BLOCKS, g.n) === null ? PBO_DEFAULT_BLOCKS : null);
    const v = rangeChecked(() => sweepVerdict(g.series, { window: q.window, entry: q.entry, exit: q.exit }, g.fixed, blocks));
    const body: SweepResponse = {
      ...g.head,
      rows: v.results,
      best: v.best,
      psr: v.psr,
      dsr: v.dsr,
      pbo: v.pbo,
    };
    res.json(body);
  });
}

/** Runs an analytics call, its RangeError (bad grid, options, blocks or plan) a 400 naming the parameter. */
export function rangeChecked<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof RangeError) throw optionsError(e.message);
    throw e;
  }
}

/**
 * The series of every window of a grid request over the same final bars (a bar completed between
 * two windows' reads is left out), as the honest analytics' PairSeries with its columns, and the
 * options fixed across the grid, checked on their own (stop against the entries is per combination).
 */
export async function gridColumns(ctx: Ctx, q: RequestArgs<typeof sweepRequest>) {
  const axes = { window: q.window.length, entry: q.entry.length, exit: q.exit.length };
  const combos = axes.window * axes.entry * axes.exit;
  if (combos > SWEEP_MAX_COMBINATIONS) {
    const longest = (Object.keys(axes) as (keyof typeof axes)[]).reduce((a, b) => (axes[b] > axes[a] ? b : a));
    throw badParam(
      longest,
      `the grid has ${axes.window} windows x ${axes.entry} entries x ${axes.exit} exits = ${combos} combinations; at most ${SWEEP_MAX_COMBINATIONS}: shorten a list`,
    );
  }
  const one = { ...q, entry: q.entry[0]!, exit: q.exit[0]!, maxDataPoints: undefined };
  const { entry: _e, exit: _x, ...fixed } = settings(one, q.tf);
  const fixedProblem = backtestOptionsProblem({ ...fixed, entry: 1, exit: 0, stop: null });
  if (fixedProblem) throw optionsError(fixedProblem);
  const byWindow = new Map<number, Awaited<ReturnType<typeof columns>>>();
  for (const w of q.window) byWindow.set(w, await columns(ctx, one, w));
  const n = Math.min(...[...byWindow.values()].map((c) => c.ts.length));
  const first = byWindow.get(q.window[0]!)!;
  const series: PairSeries = {
    x: Array.from(first.x.subarray(0, n)),
    y: Array.from(first.y.subarray(0, n)),
    // a pair with perpetual legs: their settlements, paid in every combination and fold (backtest/funding.ts)
    ...(first.funding === undefined ? {} : { ts: Array.from(first.ts.subarray(0, n)), funding: first.funding }),
    columns: (w) => {
      const c = byWindow.get(w)!;
      return { zscore: c.zscore.subarray(0, n), beta: c.beta.subarray(0, n) };
    },
  };
  // what every grid answer starts with: the pair, its range and the settings fixed across the grid
  const head = { pair: q.pair.id, tf: q.tf, hedge: first.hedge, from: first.from, to: first.to, bars: n, settings: fixed };
  return { n, first, ts: first.ts.subarray(0, n), series, fixed, head };
}
