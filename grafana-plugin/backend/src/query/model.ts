/**
 * Reads a DataQuery's JSON (the panel's or the alert rule's saved query model, the contract's
 * `PairsQuery`) into a validated query, or throws a `QueryError` saying which parameter is
 * wrong and why. An alert rule sends the saved JSON as it is (no frontend ran), so it goes
 * through the same `migrateQuery` as in the editor (an old `{symbol}` is a ticks query in both)
 * and the same rules (`resolveQuery`), which also read numbers written as text
 * (`window: "100"`) and reject an uninterpolated `$variable`.
 */
import {
  DEFAULT_TICKS_LIMIT,
  migrateQuery,
  parseJson,
  resolveQuery,
  type AnalyticsField,
  type HedgeChoice,
  type PairQueryType,
  type ProblemField,
  type ResolvedBacktest,
  type ScanField,
  type SavedQuery,
  type Timeframe,
} from '@quant-pairs/contract';

export class QueryError extends Error {
  constructor(
    message: string,
    readonly param?: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface Common {
  refId: string;
  live: boolean;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  maxDataPoints: number;
  intervalMs: number;
}
export interface TicksQ extends Common {
  queryType: 'ticks';
  symbol: string;
  limit: number;
}
export interface BarsQ extends Common {
  queryType: 'bars';
  symbol: string;
  tf: Timeframe;
  /** Each close over the range's first close, one field (not streamed). */
  normalize: boolean;
}
/** Every configured pair at one timeframe and window (issue 28's all-pairs table). */
export interface SummaryQ extends Common {
  queryType: 'summary';
  tf: Timeframe;
  window: number;
}
export interface PairQ extends Common {
  queryType: PairQueryType;
  pair: string;
  y: string;
  x: string;
  tf: Timeframe;
  window: number;
  entryZ: number | undefined;
  exitZ: number | undefined;
  fields: AnalyticsField[] | undefined;
  /** Rolling OLS over window, or the Kalman hedge (issue 18). */
  hedge: HedgeChoice;
}
export interface ScanQ extends Common {
  queryType: 'scan';
  tf: Timeframe;
  window: number;
  /** History mode: the pair's legs (either order) and its id as written. */
  pair: { y: string; x: string; id: string } | undefined;
  limit: number | undefined;
  selectedOnly: boolean;
  /** The table's pairs with this leg only (the collector filters). */
  symbol: string | undefined;
  scanFields: ScanField[] | undefined;
}
/** The backtest (issue 16): its settings as resolved (BACKTEST_DEFAULTS filled in). */
export interface BacktestQ extends Common, Omit<ResolvedBacktest, 'queryType' | 'pair' | 'timeframe'> {
  queryType: 'backtest';
  pair: string;
  tf: Timeframe;
}
/** Funding of perpetuals (issue 25): a symbol's settled rates or state now, or a pair's paper position's funding. */
export type FundingQ = Common & { queryType: 'funding' } & (
    | { fundingOutput: 'rates' | 'state'; symbol: string }
    | { fundingOutput: 'position' | 'carry'; pair: string; y: string; x: string; tf: Timeframe; window: number }
  );
export type Query = TicksQ | BarsQ | PairQ | ScanQ | BacktestQ | SummaryQ | FundingQ;

export interface RawQuery {
  refId: string;
  json: Buffer | Uint8Array;
  queryType?: string;
  maxDataPoints?: number;
  intervalMS?: number;
  timeRange?: { fromEpochMS: number; toEpochMS: number } | null;
}

/** The fields in the order their problems are reported (the first one is the error). */
const FIELD_ORDER: readonly ProblemField[] = [
  'queryType',
  'symbol',
  'pair',
  'timeframe',
  'window',
  'limit',
  'entryZ',
  'exitZ',
  'fields',
  'hedge',
  'delta',
  've',
  'tune',
  'normalize',
  'fundingOutput',
  'output',
  'stop',
  'maxHold',
  'cooldown',
  'lag',
  'feeBps',
  'slippageBps',
  'notional',
  'sweepWindows',
  'sweepEntries',
  'sweepExits',
  'wfTrain',
  'wfTest',
  'wfAnchored',
  'wfObjective',
];

/** Validates one DataQuery. Throws QueryError. */
export function parseQuery(q: RawQuery): Query {
  let model: Record<string, unknown>;
  try {
    // parseJson: a number too large for a double (1e999) is named as written in the problem, not as null
    const parsed = parseJson(Buffer.from(q.json).toString('utf8') || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    model = parsed as Record<string, unknown>;
  } catch {
    throw new QueryError('the query is not a JSON object');
  }
  // Grafana also sends the query type beside the JSON; the JSON's own wins.
  if ((model.queryType === undefined || model.queryType === '') && q.queryType) model = { ...model, queryType: q.queryType };
  const r = resolveQuery(migrateQuery({ ...model, refId: q.refId } as SavedQuery));
  if (r.problems) {
    const field = FIELD_ORDER.find((f) => r.problems[f] !== undefined)!;
    throw new QueryError(`${field}: ${r.problems[field]}`, field);
  }
  const from = Number(q.timeRange?.fromEpochMS ?? 0);
  const to = Number(q.timeRange?.toEpochMS ?? 0);
  if (!(to > from)) throw new QueryError(`the time range is empty (from ${from} to ${to})`, 'timeRange');
  const common: Common = {
    refId: q.refId,
    live: model.live === true,
    from,
    to,
    maxDataPoints: Number(q.maxDataPoints) > 0 ? Number(q.maxDataPoints) : 0,
    intervalMs: Number(q.intervalMS) > 0 ? Number(q.intervalMS) : 0,
  };
  const v = r.query;
  switch (v.queryType) {
    case 'ticks':
      return { ...common, queryType: 'ticks', symbol: v.symbol, limit: v.limit ?? DEFAULT_TICKS_LIMIT };
    case 'bars':
      return { ...common, queryType: 'bars', symbol: v.symbol, tf: v.timeframe, normalize: v.normalize === true };
    case 'summary':
      return { ...common, queryType: 'summary', tf: v.timeframe, window: v.window };
    case 'funding':
      return !('symbol' in v)
        ? { ...common, queryType: 'funding', fundingOutput: v.fundingOutput, pair: v.pair.id, y: v.pair.y, x: v.pair.x, tf: v.timeframe, window: v.window }
        : { ...common, queryType: 'funding', fundingOutput: v.fundingOutput, symbol: v.symbol };
    case 'scan':
      return {
        ...common,
        queryType: 'scan',
        tf: v.timeframe,
        window: v.window,
        pair: v.pair,
        limit: v.limit,
        selectedOnly: v.selectedOnly,
        symbol: v.symbol,
        scanFields: v.scanFields,
      };
    case 'backtest': {
      const { pair, timeframe, queryType: _t, ...settings } = v;
      return { ...common, ...settings, queryType: 'backtest', pair: pair.id, tf: timeframe };
    }
    default:
      return {
        ...common,
        queryType: v.queryType,
        pair: v.pair.id,
        y: v.pair.y,
        x: v.pair.x,
        tf: v.timeframe,
        window: v.window,
        entryZ: v.entryZ,
        exitZ: v.exitZ,
        fields: v.fields,
        hedge: v.hedge,
      };
  }
}
