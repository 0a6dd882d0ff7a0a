/**
 * One validated query -> collector API calls -> frames. Paging: ticks and bars answers carry
 * `next` while more of the range is left; we follow it up to a bound and say so in a notice
 * when the bound cuts the answer.
 */
import { TICKS_PAGE_MAX, type BarDto, type TickDto } from '@quant-pairs/contract';
import { CollectorError, type CollectorClient } from '../collector/client';
import type { Frame, Notice } from '../frame/frame';
import { barsPath, channelId, queryPath, ticksPath } from '../stream/channel';
import {
  analyticsFrame,
  backtestMetricsFrame,
  barsFrame,
  equityFrame,
  scanFrame,
  sweepFrame,
  tradesFrame,
  scanHistoryFrame,
  signalsFrame,
  statsFrame,
  ticksFrame,
} from './frames';
import type { BacktestQ, BarsQ, PairQ, Query, ScanQ, TicksQ } from './model';
import { normalizedFrame } from './normalized';
import { runSummary } from './summary';

/** Most ticks read from the collector for one query (in pages of TICKS_PAGE_MAX). */
const MAX_TICKS_SCANNED = 500_000;
/** Most bars read for one query (in pages of BARS_PAGE_MAX). */
const MAX_BARS = 500_000;

async function runTicks(q: TicksQ, client: CollectorClient, uid: string, signal?: AbortSignal): Promise<Frame> {
  const notices: Notice[] = [];
  // The API pages oldest-first; keep the newest `limit` ticks of the range.
  let kept: TickDto[] = [];
  let from: number = q.from;
  let scanned = 0;
  for (;;) {
    const page = await client.ticks({ symbol: q.symbol, from, to: q.to, limit: TICKS_PAGE_MAX }, signal);
    scanned += page.ticks.length;
    kept = kept.length === 0 ? page.ticks : kept.concat(page.ticks);
    if (kept.length > q.limit) kept = kept.slice(kept.length - q.limit);
    if (page.next === null || page.ticks.length === 0) break;
    if (scanned >= MAX_TICKS_SCANNED) {
      notices.push({ severity: 'warning', text: `stopped after ${scanned} ticks; narrow the time range to see the newest ticks of it` });
      break;
    }
    from = page.next;
  }
  if (scanned > kept.length) notices.push({ severity: 'info', text: `showing the newest ${kept.length} of ${scanned} ticks (limit ${q.limit})` });
  return ticksFrame(q, kept, notices, q.live ? channelId(uid, ticksPath(q.symbol)) : undefined);
}

async function runBars(q: BarsQ, client: CollectorClient, uid: string, signal?: AbortSignal): Promise<Frame> {
  const notices: Notice[] = [];
  let bars: BarDto[] = [];
  let from: number = q.from;
  for (;;) {
    const page = await client.bars({ symbol: q.symbol, tf: q.tf, from, to: q.to }, signal);
    bars = bars.length === 0 ? page.bars : bars.concat(page.bars);
    if (page.next === null || page.bars.length === 0) break;
    if (bars.length >= MAX_BARS) {
      notices.push({ severity: 'warning', text: `stopped after ${bars.length} bars; use a larger timeframe or a shorter range` });
      break;
    }
    from = page.next;
  }
  // the Live channel carries raw prices: a normalised series is not streamed
  if (q.normalize) return normalizedFrame(q, bars, notices);
  const live = q.live && q.tf !== '1s' ? channelId(uid, barsPath(q.symbol, q.tf)) : undefined;
  if (q.live && q.tf === '1s') notices.push({ severity: 'info', text: 'live updates exist for 1m and 5m bars only' });
  return barsFrame(q, bars, notices, live);
}

type PairParams = {
  pair: string;
  tf: PairQ['tf'];
  window: number;
  entryZ?: number;
  exitZ?: number;
  hedge?: 'kalman';
  delta?: number;
  ve?: number;
  tune?: 'true';
};

export function pairParams(q: PairQ): PairParams {
  const p: PairParams = { pair: q.pair, tf: q.tf, window: q.window };
  if (q.entryZ !== undefined) p.entryZ = q.entryZ;
  if (q.exitZ !== undefined) p.exitZ = q.exitZ;
  return withHedge(p, q.hedge);
}

type HedgeParams = Pick<PairParams, 'hedge' | 'delta' | 've' | 'tune'>;

/** The request's parameters with the query's hedge. */
function withHedge<P extends object>(p: P, hedge: PairQ['hedge']): P & HedgeParams {
  const h: HedgeParams = {};
  // ols is the collector's default: not sent, so OLS requests stay as they were
  if (hedge.hedge === 'kalman') {
    h.hedge = 'kalman';
    if (hedge.tune) h.tune = 'true';
    else {
      if (hedge.delta !== undefined) h.delta = hedge.delta;
      if (hedge.ve !== undefined) h.ve = hedge.ve;
    }
  }
  return { ...p, ...h };
}

/**
 * The backtest over the query's time range (collector /api/backtest; output sweep:
 * /api/backtest/sweep with the grids as comma-separated lists). The equity curve is thinned by
 * the collector to the panel's maxDataPoints.
 */
async function runBacktest(q: BacktestQ, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  const costs = {
    pair: q.pair,
    tf: q.tf,
    from: q.from,
    to: q.to,
    cooldown: q.cooldown,
    lag: q.lag,
    feeBps: q.feeBps,
    slippageBps: q.slippageBps,
    notional: q.notional,
    ...(q.stop !== undefined ? { stop: q.stop } : {}),
    ...(q.maxHold !== undefined ? { maxHold: q.maxHold } : {}),
  };
  if (q.output === 'sweep') {
    const g = q.sweep!;
    const params = withHedge({ ...costs, window: g.windows.join(','), entry: g.entries.join(','), exit: g.exits.join(',') }, q.hedge);
    // the contract types the grids as parsed lists; on the wire they are comma-separated text
    return sweepFrame(q, await client.sweep(params as unknown as Parameters<CollectorClient['sweep']>[0], signal), []);
  }
  const params = withHedge(
    { ...costs, window: q.window, entry: q.entry, exit: q.exit, ...(q.output === 'equity' && q.maxDataPoints > 0 ? { maxDataPoints: q.maxDataPoints } : {}) },
    q.hedge,
  );
  const res = await client.backtest(params as Parameters<CollectorClient['backtest']>[0], signal);
  if (q.output === 'trades') return tradesFrame(q, res, []);
  if (q.output === 'metrics') return backtestMetricsFrame(q, res, []);
  return equityFrame(q, res, []);
}

/**
 * The scan table: the latest stored scan at the end of the range; with a pair, its history over
 * the range (the pair as stored is A/B in universe order: asked the other way round, the
 * history of B/A is the same pair, since the p-value is the larger of both directions).
 */
async function runScan(q: ScanQ, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  if (q.pair === undefined) {
    try {
      return scanFrame(
        q,
        await client.scan({ tf: q.tf, window: q.window, at: q.to, symbol: q.symbol, selected: q.selectedOnly ? 'true' : undefined, limit: q.limit }, signal),
        [],
      );
    } catch (e) {
      if (e instanceof CollectorError && e.kind === 'not-found') return scanFrame(q, null, [{ severity: 'info', text: e.message }]);
      throw e;
    }
  }
  const ask = (a: string, b: string) => client.scanHistory({ pair: `${a}/${b}`, tf: q.tf, window: q.window, from: q.from, to: q.to }, signal);
  let res = await ask(q.pair.y, q.pair.x);
  if (res.points.length === 0) res = await ask(q.pair.x, q.pair.y);
  return scanHistoryFrame(q, res, []);
}

export async function runQuery(q: Query, client: CollectorClient, uid: string, signal?: AbortSignal): Promise<Frame> {
  switch (q.queryType) {
    case 'ticks':
      return runTicks(q, client, uid, signal);
    case 'bars':
      return runBars(q, client, uid, signal);
    case 'analytics': {
      const res = await client.analytics({ ...pairParams(q), from: q.from, to: q.to, maxDataPoints: q.maxDataPoints || undefined }, signal);
      // a Kalman query streams on its own pair channel (the hedge is part of the path)
      return analyticsFrame(q, res, [], q.live ? channelId(uid, queryPath(q)) : undefined);
    }
    case 'stats':
      // its channel asks /api/stats the same question every 500 ms (stream/streams.ts)
      return statsFrame(q, await client.stats(pairParams(q), signal), [], q.live ? channelId(uid, queryPath(q)) : undefined);
    case 'signals': {
      const res = await client.signals({ ...pairParams(q), from: q.from, to: q.to }, signal);
      return signalsFrame(q, res.events, []);
    }
    case 'scan':
      return runScan(q, client, signal);
    case 'backtest':
      return runBacktest(q, client, signal);
    case 'summary':
      return runSummary(q, client, signal);
  }
}
