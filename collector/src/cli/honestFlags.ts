/**
 * What the honest-backtest commands (walkforward, sweep, ou) share: one FILE, number / list flags
 * checked with the flag's name in the message, the backtest's cost flags and the pair file.
 * Bad input is a UsageError: the message and the usage on stderr, exit code 2.
 */
import { describeValue, parseJson } from '@quant-pairs/contract';
import { BACKTEST_DEFAULTS, backtestInputProblem, backtestOptionsProblem, fundingProblem, type BacktestOptions, type LegFunding } from '../analytics';
import type { CliResult } from './analyze';
import { CommandLineError, parseCommandLine, wantsHelp, type Options } from './commandLine';

export class UsageError extends Error {}

/** The backtest's flags other than entry and exit (its rules and costs), as `backtest` names them. */
export const COST_FLAGS = {
  stop: { type: 'string' },
  'max-hold': { type: 'string' },
  cooldown: { type: 'string' },
  lag: { type: 'string' },
  'fee-bps': { type: 'string' },
  'slippage-bps': { type: 'string' },
  notional: { type: 'string' },
  'bars-per-year': { type: 'string' },
} as const;

/** FILE's shape for the honest commands, funding named. */
export const PAIR_FILE_USAGE =
  '  FILE: {"x":[...],"y":[...][,"ts":[...]][,"funding":{"y":[[T,rate,mark],...],"x":[...]}]}; - reads stdin\n' +
  '  funding: each perp leg\'s funding events (T epoch ms as ts, rate 0.0001 = 0.01 %, mark price); needs "ts";\n' +
  '           metrics then carry "funding", received (negative: paid)';

export const COST_USAGE = '[--stop Z] [--max-hold N] [--cooldown N] [--lag N] [--fee-bps B] [--slippage-bps B] [--notional N] [--bars-per-year N]';

type CostOptions = Omit<BacktestOptions, 'entry' | 'exit'>;

/** Flag name of each cost option, for messages in the words the user typed. */
export const COST_FLAG_OF: Record<keyof CostOptions, keyof typeof COST_FLAGS> = {
  stop: 'stop',
  maxHold: 'max-hold',
  cooldown: 'cooldown',
  lag: 'lag',
  feeBps: 'fee-bps',
  slippageBps: 'slippage-bps',
  notional: 'notional',
  barsPerYear: 'bars-per-year',
};

export type Values = Record<string, string | boolean | undefined>;

/** The flags and the one FILE of a command line. */
export function parseFlags(argv: readonly string[], options: Options): { values: Values; file: string } {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv, options);
  } catch (e) {
    throw e instanceof CommandLineError ? new UsageError(e.message) : e;
  }
  const files = parsed.positionals;
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'FILE is missing' : `one FILE expected, got ${files.length}: ${files.join(' ')}`);
  return { values: parsed.values, file: files[0]! };
}

export function numberFlag(flag: string, value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${flag} must be a number, got ${JSON.stringify(value)}`);
  return v;
}

export function intFlag(flag: string, value: string, min: number): number {
  const v = numberFlag(flag, value);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return v;
}

/** A comma-separated list of numbers (at least one). */
export function listFlag(flag: string, value: string | undefined): number[] {
  if (value === undefined) throw new UsageError(`--${flag} is required: a comma-separated list of numbers`);
  return value.split(',').map((cell) => {
    const v = Number(cell);
    if (cell.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${flag} must be a comma-separated list of numbers, got ${JSON.stringify(value)}`);
    return v;
  });
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** Bars a year from timestamps' median step (as `backtest`), or the default without them. */
export function barsPerYearOf(ts: readonly number[] | undefined): number {
  if (ts === undefined || ts.length < 2) return BACKTEST_DEFAULTS.barsPerYear;
  const d = ts
    .slice(1)
    .map((t, i) => t - ts[i]!)
    .sort((a, b) => a - b);
  const m = d.length % 2 ? d[(d.length - 1) / 2]! : (d[d.length / 2 - 1]! + d[d.length / 2]!) / 2;
  return YEAR_MS / m;
}

/**
 * The cost flags given, defaults for the rest (bars a year from FILE's "ts" when it has them),
 * checked by the backtest's rule (messages name the flag).
 */
export function costOptions(v: Values, ts?: readonly number[]): CostOptions {
  const num = (flag: keyof typeof COST_FLAGS): number | undefined => (typeof v[flag] === 'string' ? numberFlag(flag, v[flag]) : undefined);
  const o: CostOptions = {
    stop: num('stop') ?? BACKTEST_DEFAULTS.stop,
    maxHold: num('max-hold') ?? BACKTEST_DEFAULTS.maxHold,
    cooldown: num('cooldown') ?? BACKTEST_DEFAULTS.cooldown,
    lag: num('lag') ?? BACKTEST_DEFAULTS.lag,
    feeBps: num('fee-bps') ?? BACKTEST_DEFAULTS.feeBps,
    slippageBps: num('slippage-bps') ?? BACKTEST_DEFAULTS.slippageBps,
    notional: num('notional') ?? BACKTEST_DEFAULTS.notional,
    barsPerYear: num('bars-per-year') ?? barsPerYearOf(ts),
  };
  // entry and exit come from the grid (a stop is checked against each entry there): the smallest
  // valid pair here, so only the cost flags' own rules apply
  const bad = backtestOptionsProblem({ ...o, entry: Number.MIN_VALUE, exit: -1 });
  if (bad) {
    const key = bad.split(' ')[0] as keyof CostOptions;
    throw new UsageError(`--${COST_FLAG_OF[key]}${bad.slice(key.length)}`);
  }
  return o;
}

/**
 * FILE's pair: `{"x":[...],"y":[...]}` with optional `"ts"` (epoch ms, increasing, one per bar),
 * optional `"funding"` (each perp leg's events, needs ts: src/analytics/backtest/funding.ts;
 * other fields ignored), positive finite prices.
 */
export function readPair(text: string): { x: number[]; y: number[]; ts?: number[]; funding?: LegFunding } {
  let doc: unknown;
  try {
    doc = parseJson(text.trim());
  } catch (e) {
    throw new UsageError(`FILE is not valid JSON: ${(e as Error).message}`);
  }
  const o = (doc ?? {}) as Record<string, unknown>;
  for (const k of ['x', 'y'] as const) {
    if (!Array.isArray(o[k])) throw new UsageError(`"${k}" must be an array of numbers, got ${describeValue(o[k])}`);
  }
  const x = o.x as number[];
  const y = o.y as number[];
  const bad = backtestInputProblem({ x, y, z: x, beta: x });
  if (bad) throw new UsageError(bad);
  if (o.ts === undefined) {
    if (o.funding !== undefined) throw new UsageError(fundingProblem(o.funding, undefined, x.length)!);
    return { x, y };
  }
  const ts = o.ts;
  if (!Array.isArray(ts) || ts.length !== x.length)
    throw new UsageError(`"ts" must be an array of ${x.length} numbers (one per bar), got ${describeValue(ts)}`);
  for (let i = 0; i < ts.length; i++) {
    if (typeof ts[i] !== 'number' || !Number.isFinite(ts[i]) || (i > 0 && !((ts[i] as number) > (ts[i - 1] as number)))) {
      throw new UsageError(`"ts" must be increasing numbers, got ts[${i}] = ${describeValue(ts[i])}`);
    }
  }
  if (o.funding === undefined) return { x, y, ts: ts as number[] };
  const fundingBad = fundingProblem(o.funding, ts as number[], x.length);
  if (fundingBad) throw new UsageError(fundingBad);
  return { x, y, ts: ts as number[], funding: o.funding as LegFunding };
}

/**
 * A command without touching the process: --help prints the usage; a UsageError or the
 * analytics' RangeError (a bad grid, plan or blocks, naming it) is exit code 2.
 */
export function runCommand(
  name: string,
  usage: string,
  argv: readonly string[],
  read: (file: string) => string,
  body: (readText: (file: string) => string) => unknown,
): CliResult {
  if (wantsHelp(argv)) return { code: 0, stdout: `${usage}\n`, stderr: '' };
  const readText = (file: string): string => {
    try {
      return read(file);
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
  };
  try {
    return { code: 0, stdout: JSON.stringify(body(readText)) + '\n', stderr: '' };
  } catch (e) {
    if (e instanceof UsageError || e instanceof RangeError) return { code: 2, stdout: '', stderr: `${name}: ${e.message}\n${usage}\n` };
    throw e;
  }
}
