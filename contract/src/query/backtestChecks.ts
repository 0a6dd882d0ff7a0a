/**
 * The backtest query's own checks (issue 16), beside validate.ts's `check`: its rules and costs,
 * the sweep grid of the outputs that run one (sweep; verdict, walkforward and folds of issue 26)
 * and the walk-forward's plan. Bounds as the collector's routes'; same words as the other kinds.
 */
import {
  BACKTEST_DEFAULTS,
  BACKTEST_MAX_BARS,
  BACKTEST_MAX_BPS,
  BACKTEST_MAX_NOTIONAL,
  MAX_WINDOW,
  MAX_Z_THRESHOLD,
  MIN_WINDOW,
  SWEEP_MAX_COMBINATIONS,
  SWEEP_MAX_WINDOWS,
  WALKFORWARD_DEFAULT_OBJECTIVE,
  WALKFORWARD_DEFAULT_TEST,
  WALKFORWARD_DEFAULT_TRAIN,
  WALKFORWARD_OBJECTIVES,
  type WalkForwardObjective,
} from '../constants';
import { describeValue } from '../json';
import { BACKTEST_OUTPUTS, GRID_OUTPUTS, type BacktestOutput } from './model';
import type { ProblemField, ResolvedBacktest } from './validate';
import { hasVariable, numeric, present, stillVariable } from './values';

type OptNumber = (field: ProblemField, ok: (n: number) => boolean, rule: string) => number | undefined;
type Problem = (field: ProblemField, text: string) => undefined;
export const whole = (lo: number, hi: number) => (n: number) => Number.isInteger(n) && n >= lo && n <= hi;

/**
 * A sweep grid as the model holds it: a list of numbers (or numeric text), or text with
 * comma-separated numbers (a template variable's value; `{a,b}`, Grafana's multi-value format,
 * too). Undefined when absent or still a variable in the editor.
 */
function gridOf(
  model: Record<string, unknown>,
  field: 'sweepWindows' | 'sweepEntries' | 'sweepExits',
  ok: (n: number) => boolean,
  rule: string,
  problem: Problem,
  variables: boolean,
): number[] | undefined {
  const v = model[field];
  if (!present(v)) return undefined;
  let items: unknown[];
  if (typeof v === 'string') {
    if (hasVariable(v)) {
      return variables ? undefined : problem(field, stillVariable(v));
    }
    items = v.replace(/^\s*\{|\}\s*$/g, '').split(',');
  } else if (Array.isArray(v)) items = v;
  else return problem(field, `${field} must be a list of numbers, got ${describeValue(v)}`);
  const out: number[] = [];
  for (const item of items) {
    const n = numeric(item);
    if (n === undefined || !Number.isFinite(n) || !ok(n)) return problem(field, `${rule}, got ${describeValue(item)}`);
    if (!out.includes(n)) out.push(n);
  }
  return out.length > 0 ? out : problem(field, `${field} must list at least one number`);
}

/**
 * The backtest's rules and costs (bounds as /api/backtest's, cross rules as the collector's
 * backtestOptionsProblem: exit below entry, stop above it) and, for output sweep, its grid
 * (bounds as /api/backtest/sweep's: at most SWEEP_MAX_WINDOWS windows and SWEEP_MAX_COMBINATIONS
 * combinations, the longest list named).
 */
export function backtestOf(
  entry: number,
  exit: number,
  window: number | undefined,
  model: Record<string, unknown>,
  optNumber: OptNumber,
  problem: Problem,
  variables: boolean,
): Omit<ResolvedBacktest, 'queryType' | 'pair' | 'timeframe' | 'window' | 'hedge'> | undefined {
  const D = BACKTEST_DEFAULTS;
  const o = model.output;
  let output: BacktestOutput = 'equity';
  if (present(o)) {
    if ((BACKTEST_OUTPUTS as readonly unknown[]).includes(o)) output = o as BacktestOutput;
    else problem('output', `the output must be one of ${BACKTEST_OUTPUTS.join(', ')}, got ${describeValue(o)}`);
  }
  // every output but one backtest's runs the grid (the sweep, its verdict, the walk-forward)
  const sweeping = GRID_OUTPUTS.includes(output);
  const stop = optNumber('stop', (n) => n > 0 && n <= MAX_Z_THRESHOLD, `the stop |z| must be a number above 0, at most ${MAX_Z_THRESHOLD}`);
  // in a sweep the stop is checked per combination (the collector leaves out those it does not fit)
  const entryVariable = typeof model.entryZ === 'string' && hasVariable(model.entryZ);
  if (stop !== undefined && !sweeping && !entryVariable && stop <= entry) problem('stop', `the stop (${stop}) must be above the entry threshold (${entry})`);
  const maxHold = optNumber('maxHold', whole(1, BACKTEST_MAX_BARS), `the time stop must be a whole number of bars from 1 to ${BACKTEST_MAX_BARS}`);
  const cooldown = optNumber('cooldown', whole(0, BACKTEST_MAX_BARS), `the cooldown must be a whole number of bars from 0 to ${BACKTEST_MAX_BARS}`);
  const lag = optNumber('lag', whole(0, BACKTEST_MAX_BARS), `the lag must be a whole number of bars from 0 to ${BACKTEST_MAX_BARS}`);
  const bps = (n: number) => n >= 0 && n <= BACKTEST_MAX_BPS;
  const feeBps = optNumber('feeBps', bps, `the fee must be a number of basis points from 0 to ${BACKTEST_MAX_BPS}`);
  const slippageBps = optNumber('slippageBps', bps, `the slippage must be a number of basis points from 0 to ${BACKTEST_MAX_BPS}`);
  const notional = optNumber('notional', (n) => n > 0 && n <= BACKTEST_MAX_NOTIONAL, `the notional must be a number above 0, at most ${BACKTEST_MAX_NOTIONAL}`);
  let sweep: ResolvedBacktest['sweep'];
  if (sweeping) {
    const windows = gridOf(
      model,
      'sweepWindows',
      whole(MIN_WINDOW, MAX_WINDOW),
      `each window must be a whole number of bars from ${MIN_WINDOW} to ${MAX_WINDOW}`,
      problem,
      variables,
    );
    const entries = gridOf(
      model,
      'sweepEntries',
      (n) => n > 0 && n <= MAX_Z_THRESHOLD,
      `each entry level must be a number above 0, at most ${MAX_Z_THRESHOLD}`,
      problem,
      variables,
    );
    const exits = gridOf(
      model,
      'sweepExits',
      (n) => Math.abs(n) <= MAX_Z_THRESHOLD,
      `each exit level must be a number from -${MAX_Z_THRESHOLD} to ${MAX_Z_THRESHOLD}`,
      problem,
      variables,
    );
    const grid = { windows: windows ?? (window === undefined ? [] : [window]), entries: entries ?? [entry], exits: exits ?? [exit] };
    if (grid.windows.length > SWEEP_MAX_WINDOWS) problem('sweepWindows', `at most ${SWEEP_MAX_WINDOWS} windows, got ${grid.windows.length}`);
    const combos = grid.windows.length * grid.entries.length * grid.exits.length;
    if (combos > SWEEP_MAX_COMBINATIONS) {
      const lengths: Array<['sweepWindows' | 'sweepEntries' | 'sweepExits', number]> = [
        ['sweepWindows', grid.windows.length],
        ['sweepEntries', grid.entries.length],
        ['sweepExits', grid.exits.length],
      ];
      const longest = lengths.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
      problem(
        longest,
        `the grid has ${grid.windows.length} windows x ${grid.entries.length} entries x ${grid.exits.length} exits = ${combos} combinations; at most ${SWEEP_MAX_COMBINATIONS}: shorten a list`,
      );
    }
    if (!grid.exits.some((x) => grid.entries.some((e) => x < e)))
      problem('sweepExits', 'no exit level is below an entry level: the grid has no combination to run');
    sweep = grid;
  }
  const walkForward = output === 'walkforward' || output === 'folds' ? walkForwardOf(model, optNumber, problem) : undefined;
  return {
    output,
    entry,
    exit,
    stop,
    maxHold,
    cooldown: cooldown ?? D.cooldown,
    lag: lag ?? D.lag,
    feeBps: feeBps ?? D.feeBps,
    slippageBps: slippageBps ?? D.slippageBps,
    notional: notional ?? D.notional,
    sweep,
    walkForward,
  };
}

/** The walk-forward's plan (issue 26; bounds as /api/backtest/walkforward's), defaults filled in. */
function walkForwardOf(model: Record<string, unknown>, optNumber: OptNumber, problem: Problem): ResolvedBacktest['walkForward'] {
  const train = optNumber('wfTrain', whole(2, BACKTEST_MAX_BARS), `the train part must be a whole number of bars from 2 to ${BACKTEST_MAX_BARS}`);
  const test = optNumber('wfTest', whole(1, BACKTEST_MAX_BARS), `the test part must be a whole number of bars from 1 to ${BACKTEST_MAX_BARS}`);
  const a = model.wfAnchored;
  if (present(a) && typeof a !== 'boolean') problem('wfAnchored', `anchored must be true or false, got ${describeValue(a)}`);
  const o = model.wfObjective;
  let objective = WALKFORWARD_DEFAULT_OBJECTIVE;
  if (present(o)) {
    if ((WALKFORWARD_OBJECTIVES as readonly unknown[]).includes(o)) objective = o as WalkForwardObjective;
    else problem('wfObjective', `the objective must be one of ${WALKFORWARD_OBJECTIVES.join(', ')}, got ${describeValue(o)}`);
  }
  return { train: train ?? WALKFORWARD_DEFAULT_TRAIN, test: test ?? WALKFORWARD_DEFAULT_TEST, anchored: a === true, objective };
}
