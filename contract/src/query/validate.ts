/**
 * What is wrong with a query, field by field, in words; and the query's values once nothing is.
 *
 * One set of rules for every place a query is checked: the editor shows the problems under
 * the fields (and DataSource.filterQuery does not send a query that has any), the backend
 * answers them as the refId's error (an alert rule sends the saved JSON as it is). The bounds
 * are the API's (constants.ts), so whatever passes here the collector accepts.
 *
 * Template variables (`$pair`, `${tf}`, `[[window]]`) are accepted in the editor, where
 * Grafana replaces them before the query runs; where the query runs they are a problem.
 */
import {
  BACKTEST_DEFAULTS,
  DEFAULT_ENTRY_Z,
  HEDGES,
  KALMAN_MAX_VE,
  MAX_WINDOW,
  MAX_Z_THRESHOLD,
  MIN_WINDOW,
  TIMEFRAMES,
  hedgeRule,
  isSymbol,
  type HedgeChoice,
  type Timeframe,
  type WalkForwardObjective,
  MAX_SCAN_ROWS,
} from '../constants';
import { describeValue } from '../json';
import type { Pair } from '../pair';
import { backtestOf, whole } from './backtestChecks';
import { normalizeOf, summaryOf, type ResolvedSummary } from './summary';
import { hasVariable, numeric, present, stillVariable } from './values';
import { fundingOf, type ResolvedFunding } from './funding';
import {
  ANALYTICS_FIELDS,
  MAX_TICKS_LIMIT,
  PAIR_QUERY_TYPES,
  QUERY_TYPES,
  SCAN_FIELDS,
  type AnalyticsField,
  type BacktestOutput,
  type PairQueryType,
  type PairsQuery,
  type ScanField,
} from './model';

export type ProblemField =
  | 'symbol'
  | 'pair'
  | 'timeframe'
  | 'window'
  | 'entryZ'
  | 'exitZ'
  | 'limit'
  | 'queryType'
  | 'fields'
  | 'hedge'
  | 'delta'
  | 've'
  | 'tune'
  | 'normalize'
  | 'fundingOutput'
  | BacktestField;
/** The backtest query's own fields (issue 16). */
export type BacktestField =
  | 'output'
  | 'stop'
  | 'maxHold'
  | 'cooldown'
  | 'lag'
  | 'feeBps'
  | 'slippageBps'
  | 'notional'
  | 'sweepWindows'
  | 'sweepEntries'
  | 'sweepExits'
  | 'wfTrain'
  | 'wfTest'
  | 'wfAnchored'
  | 'wfObjective';
export type Problems = Partial<Record<ProblemField, string>>;

export interface CheckOptions {
  /** May a text field hold a template variable? true in the editor (the default), false where the query runs. */
  variables?: boolean;
}

export { hasVariable };

/** The legs of `Y/X` as written, or undefined when the text is not two parts around one `/`. */
export function splitPair(pair: string): { y: string; x: string } | undefined {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(pair.trim());
  return m ? { y: m[1]!, x: m[2]! } : undefined;
}

/** The values of a query with no problems, ready for the collector's API. */
export type ResolvedQuery =
  | { queryType: 'ticks'; symbol: string; limit: number | undefined }
  | { queryType: 'bars'; symbol: string; timeframe: Timeframe; normalize?: boolean }
  | ResolvedSummary
  | ResolvedFunding
  | {
      queryType: 'scan';
      timeframe: Timeframe;
      window: number;
      pair: Pair | undefined;
      limit: number | undefined;
      selectedOnly: boolean;
      /** The table's pairs with this leg only; undefined = every pair. */
      symbol: string | undefined;
      scanFields: ScanField[] | undefined;
    }
  | ResolvedBacktest
  | {
      queryType: PairQueryType;
      pair: Pair;
      timeframe: Timeframe;
      window: number;
      entryZ: number | undefined;
      exitZ: number | undefined;
      fields: AnalyticsField[] | undefined;
      hedge: HedgeChoice;
    };

/** A backtest query's values: BACKTEST_DEFAULTS filled in, stop and maxHold undefined when not set. */
export interface ResolvedBacktest {
  queryType: 'backtest';
  pair: Pair;
  timeframe: Timeframe;
  window: number;
  hedge: HedgeChoice;
  output: BacktestOutput;
  entry: number;
  exit: number;
  stop: number | undefined;
  maxHold: number | undefined;
  cooldown: number;
  lag: number;
  feeBps: number;
  slippageBps: number;
  notional: number;
  /** Outputs sweep, verdict, walkforward and folds: the grid (each list defaults to the query's window, entry or exit). */
  sweep: { windows: number[]; entries: number[]; exits: number[] } | undefined;
  /** Outputs walkforward and folds: the folds' plan (issue 26). */
  walkForward: { train: number; test: number; anchored: boolean; objective: WalkForwardObjective } | undefined;
}

/** Reads a query's fields; `problem` records the first problem of a field (later ones wait for it to be fixed). */
class Reader {
  readonly problems: Problems = {};
  readonly model: Record<string, unknown>;

  constructor(
    q: PairsQuery,
    readonly variables: boolean,
  ) {
    this.model = q as unknown as Record<string, unknown>;
  }

  readonly problem = (field: ProblemField, text: string): undefined => {
    this.problems[field] ??= text;
    return undefined;
  };

  get ok(): boolean {
    return Object.keys(this.problems).length === 0;
  }

  /** The trimmed text of a field, undefined when absent, a variable or not text. */
  text(field: ProblemField, missing: string): string | undefined {
    const v = this.model[field];
    if (!present(v) || (typeof v === 'string' && v.trim() === '')) return this.problem(field, missing);
    const s = String(v).trim();
    if (hasVariable(s)) return this.variables ? undefined : this.problem(field, stillVariable(s));
    return s;
  }

  symbolOf(raw: string | undefined, field: 'symbol' | 'pair'): string | undefined {
    if (raw === undefined) return undefined;
    const s = raw.toUpperCase();
    return isSymbol(s) ? s : this.problem(field, `"${raw}" is not a Binance symbol such as BTCUSDT or BTCUSDT.P`);
  }

  timeframe(): Timeframe | undefined {
    const tf = this.text('timeframe', 'choose a timeframe');
    if (tf === undefined) return undefined;
    if ((TIMEFRAMES as readonly string[]).includes(tf)) return tf as Timeframe;
    return this.problem('timeframe', `"${tf}" is not a timeframe; use one of ${TIMEFRAMES.join(', ')}`);
  }

  readonly optNumber = (field: ProblemField, ok: (n: number) => boolean, rule: string): number | undefined => {
    const v = this.model[field];
    if (!present(v)) return undefined;
    if (typeof v === 'string' && hasVariable(v)) return this.variables ? undefined : this.problem(field, stillVariable(v));
    const n = numeric(v);
    return n !== undefined && Number.isFinite(n) && ok(n) ? n : this.problem(field, `${rule}, got ${describeValue(v)}`);
  };

  pair(): Pair | undefined {
    const pairText = this.text('pair', 'choose a pair');
    if (pairText === undefined) return undefined;
    const legs = splitPair(pairText);
    if (!legs) return this.problem('pair', `"${pairText}" is not a pair; write it as Y/X, e.g. ETHUSDT/BTCUSDT`);
    const y = this.symbolOf(legs.y, 'pair');
    const x = y === undefined ? undefined : this.symbolOf(legs.x, 'pair');
    if (y === undefined || x === undefined) return undefined;
    return y === x ? this.problem('pair', 'the two legs of a pair must differ') : { y, x, id: `${y}/${x}` };
  }

  window(): number | undefined {
    const w = this.text('window', 'enter a window (number of bars)');
    if (w === undefined) return undefined;
    const n = Number(w);
    if (/^\d+$/.test(w) && n >= MIN_WINDOW && n <= MAX_WINDOW) return n;
    return this.problem('window', `the window must be a whole number of bars from ${MIN_WINDOW} to ${MAX_WINDOW}, got ${JSON.stringify(w)}`);
  }

  /** A list field (fields, scanFields) of names from `allowed`; undefined when absent or empty. Its problem is under `fields`. */
  list<T extends string>(key: 'fields' | 'scanFields', allowed: readonly T[]): T[] | undefined {
    const f = this.model[key];
    if (f === undefined || f === null) return undefined;
    if (!Array.isArray(f) || f.some((x) => !(allowed as readonly unknown[]).includes(x))) {
      return this.problem('fields', `${key} must be a list of ${allowed.join(', ')}, got ${JSON.stringify(f)}`);
    }
    return f.length > 0 ? (f as T[]) : undefined;
  }
}

type Checked = { problems: Problems; query?: ResolvedQuery };

/** Runs the checks of the query's type. */
function check(q: PairsQuery, variables: boolean): Checked {
  const r = new Reader(q, variables);
  const type = q.queryType as string;
  if (type === 'ticks') return checkTicks(r);
  if (type === 'bars') return checkBars(r);
  if (type === 'scan') return checkScan(r);
  if (!(PAIR_QUERY_TYPES as readonly string[]).includes(type) && type !== 'backtest') {
    r.problem('queryType', `unknown query type ${JSON.stringify(type)}; use one of ${QUERY_TYPES.join(', ')}`);
    return { problems: r.problems };
  }
  return checkPairQuery(r, type as PairQueryType | 'backtest');
}

function checkTicks(r: Reader): Checked {
  const symbol = r.symbolOf(r.text('symbol', 'choose a symbol'), 'symbol');
  const limit = r.optNumber('limit', whole(1, MAX_TICKS_LIMIT), `the limit must be a whole number from 1 to ${MAX_TICKS_LIMIT}`);
  return { problems: r.problems, query: symbol === undefined ? undefined : { queryType: 'ticks', symbol, limit } };
}

function checkBars(r: Reader): Checked {
  const symbol = r.symbolOf(r.text('symbol', 'choose a symbol'), 'symbol');
  const timeframe = r.timeframe();
  return { problems: r.problems, query: symbol === undefined || timeframe === undefined ? undefined : { queryType: 'bars', symbol, timeframe } };
}

function checkScan(r: Reader): Checked {
  const { model } = r;
  const timeframe = r.timeframe();
  const window = r.window();
  const pair = present(model.pair) ? r.pair() : undefined;
  const limit = r.optNumber('limit', whole(1, MAX_SCAN_ROWS), `the limit must be a whole number from 1 to ${MAX_SCAN_ROWS}`);
  // a search box: empty (or an empty $symbol) is no filter
  const symbol = present(model.symbol) && String(model.symbol).trim() !== '' ? r.symbolOf(r.text('symbol', ''), 'symbol') : undefined;
  const scanFields = r.list<ScanField>('scanFields', SCAN_FIELDS);
  if (timeframe === undefined || window === undefined || !r.ok) return { problems: r.problems };
  return { problems: r.problems, query: { queryType: 'scan', timeframe, window, pair, limit, selectedOnly: model.selectedOnly === true, symbol, scanFields } };
}

/** hedge, delta, ve, tune: the hedge choice, or undefined with the problem recorded. */
function hedgeOf(r: Reader): HedgeChoice | undefined {
  const h = r.model.hedge;
  if (present(h) && !(HEDGES as readonly unknown[]).includes(h))
    return r.problem('hedge', `the hedge must be one of ${HEDGES.join(', ')}, got ${describeValue(h)}`);
  const delta = r.optNumber('delta', (n) => n > 0 && n < 1, 'delta must be a number between 0 and 1 (exclusive)');
  const ve = r.optNumber('ve', (n) => n > 0 && n < KALMAN_MAX_VE, 've must be a number above 0');
  const t = r.model.tune;
  if (present(t) && typeof t !== 'boolean') r.problem('tune', `tune must be true or false, got ${describeValue(t)}`);
  // a query saved with kalman settings and then switched back to ols keeps them: they are ignored
  const rule = h === 'kalman' ? hedgeRule({ hedge: 'kalman', delta, ve, tune: t === true }) : hedgeRule({});
  return rule.param !== undefined ? r.problem(rule.param, rule.message) : rule.choice;
}

/** The pair queries (analytics, stats, signals, ...) and the backtest. */
function checkPairQuery(r: Reader, type: PairQueryType | 'backtest'): Checked {
  const pair = r.pair();
  const timeframe = r.timeframe();
  const window = r.window();
  const backtest = type === 'backtest';
  const entryZ = r.optNumber('entryZ', (n) => n > 0 && (!backtest || n <= MAX_Z_THRESHOLD), 'the entry threshold |z| must be a number above 0');
  const exitZ = backtest
    ? r.optNumber('exitZ', (n) => Math.abs(n) <= MAX_Z_THRESHOLD, `the exit level must be a number from -${MAX_Z_THRESHOLD} to ${MAX_Z_THRESHOLD}`)
    : r.optNumber('exitZ', (n) => n >= 0, 'the exit threshold |z| must be a number, 0 or more');
  if (exitZ !== undefined && exitZ >= (entryZ ?? DEFAULT_ENTRY_Z)) {
    r.problem('exitZ', `the exit threshold (${exitZ}) must be below the entry threshold (${entryZ ?? DEFAULT_ENTRY_Z})`);
  }
  const hedge = hedgeOf(r);
  const fields = r.list<AnalyticsField>('fields', ANALYTICS_FIELDS);
  if (type === 'backtest') {
    const settings = backtestOf(entryZ ?? BACKTEST_DEFAULTS.entry, exitZ ?? BACKTEST_DEFAULTS.exit, window, r.model, r.optNumber, r.problem, r.variables);
    if (pair === undefined || timeframe === undefined || window === undefined || hedge === undefined || !settings || !r.ok) return { problems: r.problems };
    return { problems: r.problems, query: { queryType: 'backtest', pair, timeframe, window, hedge, ...settings } };
  }
  if (pair === undefined || timeframe === undefined || window === undefined || hedge === undefined || !r.ok) return { problems: r.problems };
  return { problems: r.problems, query: { queryType: type, pair, timeframe, window, entryZ, exitZ, fields, hedge } };
}

/**
 * The problems of a query, by field; empty when there are none.
 * @example
 * validateQuery({ refId: 'A', version: 1, queryType: 'bars', symbol: 'BTCUSDT', timeframe: '2h' });
 * // => { timeframe: '"2h" is not a timeframe; use one of 1s, 1m, 5m' }
 */
export function validateQuery(q: PairsQuery, opts: CheckOptions = {}): Problems {
  return checkAny(q, opts.variables ?? true).problems;
}

/** `check`, and the desk's additions (summary.ts): the summary query, a bars query's normalize. */
function checkAny(q: PairsQuery, variables: boolean): { problems: Problems; query?: ResolvedQuery } {
  const model = q as unknown as Record<string, unknown>;
  const problems: Problems = {};
  const problem = (field: ProblemField, text: string): undefined => {
    problems[field] ??= text;
    return undefined;
  };
  if (q.queryType === 'summary' || q.queryType === 'funding') {
    const query = q.queryType === 'summary' ? summaryOf(model, variables, problem) : fundingOf(model, variables, problem);
    return Object.keys(problems).length > 0 ? { problems } : { problems, query };
  }
  const r = check(q, variables);
  if (q.queryType !== 'bars') return r;
  const normalize = normalizeOf(model, problem);
  if (problems.normalize !== undefined) return { problems: { ...r.problems, ...problems } };
  return r.query?.queryType === 'bars' ? { problems: r.problems, query: { ...r.query, normalize } } : r;
}

export function isValid(q: PairsQuery): boolean {
  return Object.keys(validateQuery(q)).length === 0;
}

/**
 * The values of a query that is to run now (no template variables left), or its problems.
 * Numbers written as text (`window: "100"`, `entryZ: "2.5"`) are read as numbers, symbols are
 * upper-cased.
 */
export function resolveQuery(q: PairsQuery): { query: ResolvedQuery; problems?: undefined } | { query?: undefined; problems: Problems } {
  const r = checkAny(q, false);
  return r.query && Object.keys(r.problems).length === 0 ? { query: r.query } : { problems: r.problems };
}
