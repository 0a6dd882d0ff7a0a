/**
 * Offline backtest of the z-score signal on one pair of series (rules: src/analytics/backtest):
 *
 *   npm run --silent backtest -- FILE [--window W] [--entry Z] [--exit Z] [--stop Z] [--max-hold N]
 *        [--cooldown N] [--lag N] [--fee-bps B] [--slippage-bps B] [--notional N] [--bars-per-year N]
 *
 * FILE (or `-` for stdin) as `analyze` takes it: `{"x":[...],"y":[...],"window":W}` or a
 * two-column x,y CSV (then --window W), plus optional timestamps (epoch ms): a `"ts"` array in the
 * JSON, or a `ts` column named in the CSV header. With timestamps and no --bars-per-year, bars a
 * year come from the median step (a year of 365.25 days over it). Perp legs: a `"funding"` object in
 * the JSON, `{"y": [[T, rate, mark], ...], "x": [...]}` (needs "ts"; rules and sign:
 * src/analytics/backtest/funding.ts). Prints one JSON object:
 * {"trades": [{entryIndex, exitIndex, side, reason, beta, qy, qx, pnl, fees, bars}], "equity": [...],
 * "metrics": {totalReturn, sharpe, maxDrawdown, trades, winRate, avgBars, fees}}; with funding each
 * trade and the metrics also carry `funding` (received; negative: paid).
 * Bad input or flags: a message on stderr and exit code 2. On a terminal (or with `--table`) a
 * table of the metrics and the final equity instead (summary.ts: the JSON's numbers to 6
 * significant digits); `--json` forces the JSON. `--entry ou` (issue 26) enters at Bertram's band of
 * an OU fit of the spread's last `--fit-window` values (default the window) before each decision,
 * net of the fees and slippage (src/analytics/backtest/ouEntry.ts); the band sets the exit, and a
 * stop is in units of its half-width.
 */
import { describeValue, parseJson } from '@quant-pairs/contract';
import { CommandLineError, OUTPUT_OPTIONS, outputMode, parseCommandLine, runAsProcess, wantsHelp, type OutputMode } from './commandLine';
import { JSON_HINT, keyValueTable } from './summary';
import { COST_FLAGS, COST_FLAG_OF, barsPerYearOf } from './honestFlags';
import { parseInput, type CliResult } from './analyze';
import {
  BACKTEST_DEFAULTS,
  fundingProblem,
  backtestInputProblem,
  backtestOptionsProblem,
  backtestSeries,
  backtestOuSeries,
  seriesInputProblem,
  type BacktestOptions,
  type BacktestResult,
  type LegFunding,
} from '../analytics';

const USAGE =
  'usage: backtest FILE [--window W] [--entry Z | --entry ou [--fit-window N]] [--exit Z] [--stop Z] [--max-hold N] [--cooldown N] [--lag N]\n' +
  '                     [--fee-bps B] [--slippage-bps B] [--notional N] [--bars-per-year N] [--json | --table]\n' +
  '  FILE: {"x":[...],"y":[...],"window":W[,"ts":[...]][,"funding":{"y":[[T,rate,mark],...],"x":[...]}]}\n' +
  '        or an x,y[,ts] CSV (then --window W); - reads stdin\n' +
  '  funding: each perp leg\'s funding events (T epoch ms as ts, rate 0.0001 = 0.01 %, mark price); needs "ts";\n' +
  '           each trade and the metrics then carry "funding", received (negative: paid)\n' +
  '  prints JSON, or on a terminal a table of the metrics (--json / --table force either)';

class UsageError extends Error {}

const OPTIONS = { window: { type: 'string' }, entry: { type: 'string' }, exit: { type: 'string' }, 'fit-window': { type: 'string' }, ...COST_FLAGS } as const;

type Flag = keyof typeof OPTIONS;

const ALL_OPTIONS = { ...OPTIONS, ...OUTPUT_OPTIONS } as const;

/** Flag name of each option, for messages in the words the user typed. */
const FLAG_OF: Record<keyof BacktestOptions, Flag> = { entry: 'entry', exit: 'exit', ...COST_FLAG_OF };

function numberFlag(flag: Flag, value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v))
    throw new UsageError(`--${flag} must be a number${flag === 'entry' ? ' or ou' : ''}, got ${JSON.stringify(value)}`);
  return v;
}

/** Splits a `ts` column off a CSV whose header names it; the rest is the x,y CSV `analyze` reads. */
function splitTs(text: string): { rest: string; ts?: number[] } {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const head = (lines[0] ?? '').split(/[,;\t]/).map((c) => c.trim().toLowerCase().replace(/^"|"$/g, ''));
  const k = head.indexOf('ts');
  if (k < 0) return { rest: text };
  const ts: number[] = [];
  const rest = lines.map((line, i) => {
    const cells = line.split(/[,;\t]/);
    if (i > 0) {
      const v = Number(cells[k]?.trim() ?? '');
      if (cells[k] === undefined || cells[k]!.trim() === '' || !Number.isFinite(v)) throw new UsageError(`CSV line ${i + 1}: ts is not a number: ${line}`);
      ts.push(v);
    }
    return cells.filter((_, j) => j !== k).join(',');
  });
  return { rest: rest.join('\n'), ts };
}

interface Parsed {
  x: number[];
  y: number[];
  window: number;
  ts?: number[];
  funding?: LegFunding;
  options: BacktestOptions;
  output: OutputMode;
  /** --entry ou: the OU fit's window. */
  ou?: { fitWindow: number };
}

function parse(argv: readonly string[], read: (file: string) => string, terminal: boolean): Parsed {
  let parsed: ReturnType<typeof parseCommandLine>;
  let output: OutputMode;
  try {
    parsed = parseCommandLine(argv, ALL_OPTIONS);
    output = outputMode(parsed.values, terminal);
  } catch (e) {
    throw e instanceof CommandLineError ? new UsageError(e.message) : e;
  }
  const v = parsed.values as Partial<Record<Flag, string>>;
  const files = parsed.positionals;
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'FILE is missing' : `one FILE expected, got ${files.length}: ${files.join(' ')}`);
  const num = (flag: Flag): number | undefined => (v[flag] === undefined ? undefined : numberFlag(flag, v[flag]));
  const windowFlag = num('window');
  if (windowFlag !== undefined && (!Number.isInteger(windowFlag) || windowFlag < 2))
    throw new UsageError(`--window must be an integer >= 2, got ${JSON.stringify(v.window)}`);

  let text: string;
  try {
    text = read(files[0]!);
  } catch (e) {
    throw new UsageError(`cannot read ${files[0]}: ${(e as Error).message}`);
  }
  let ts: number[] | undefined;
  let funding: LegFunding | undefined;
  let body = text;
  if (text.trim().startsWith('{')) {
    let doc: unknown;
    try {
      doc = parseJson(text.trim());
    } catch (e) {
      throw new UsageError(`FILE is not valid JSON: ${(e as Error).message}`);
    }
    const raw = (doc as Record<string, unknown>).ts;
    if (raw !== undefined) {
      if (!Array.isArray(raw)) throw new UsageError(`"ts" must be an array of numbers, got ${describeValue(raw)}`);
      ts = raw as number[];
    }
    funding = (doc as Record<string, unknown>).funding as LegFunding | undefined;
  } else {
    ({ rest: body, ts } = splitTs(text));
  }
  let series: { x: number[]; y: number[]; window: number };
  try {
    series = parseInput(body, windowFlag);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const problem = seriesInputProblem({ ts: ts ?? series.x.map((_, i) => i), x: series.x, y: series.y, window: series.window });
  // prices must be positive (sizing divides by y): the same check the backtest makes
  const prices = problem ?? backtestInputProblem({ x: series.x, y: series.y, z: series.x, beta: series.x });
  if (prices) throw new UsageError(prices);
  if (ts) {
    for (let i = 1; i < ts.length; i++)
      if (!(ts[i]! > ts[i - 1]!)) throw new UsageError(`ts must increase, got ts[${i - 1}] = ${ts[i - 1]} and ts[${i}] = ${ts[i]}`);
  }
  const fundingBad = funding === undefined ? null : fundingProblem(funding, ts, series.x.length);
  if (fundingBad) throw new UsageError(fundingBad);

  const ou = ouFlags(v, series.window);
  const options: BacktestOptions = {
    // --entry ou: the backtest's rules run on u = (spread - mu) / a, entering beyond 1 and exiting at -1 (ouEntry.ts)
    entry: ou ? 1 : (num('entry') ?? BACKTEST_DEFAULTS.entry),
    exit: ou ? -1 : (num('exit') ?? BACKTEST_DEFAULTS.exit),
    stop: num('stop') ?? BACKTEST_DEFAULTS.stop,
    maxHold: num('max-hold') ?? BACKTEST_DEFAULTS.maxHold,
    cooldown: num('cooldown') ?? BACKTEST_DEFAULTS.cooldown,
    lag: num('lag') ?? BACKTEST_DEFAULTS.lag,
    feeBps: num('fee-bps') ?? BACKTEST_DEFAULTS.feeBps,
    slippageBps: num('slippage-bps') ?? BACKTEST_DEFAULTS.slippageBps,
    notional: num('notional') ?? BACKTEST_DEFAULTS.notional,
    barsPerYear: num('bars-per-year') ?? barsPerYearOf(ts),
  };
  const bad = backtestOptionsProblem(options);
  if (bad) {
    // "maxHold must be ..." -> "--max-hold must be ...": the message names the flag typed
    const key = bad.split(' ')[0] as keyof BacktestOptions;
    throw new UsageError(`--${FLAG_OF[key]}${bad.slice(key.length)}`);
  }
  return { ...series, ts, funding, options, output, ou };
}

/** --entry ou and its --fit-window (at least 4, default the window); --exit and --fit-window need it and it excludes --exit. */
function ouFlags(v: Partial<Record<Flag, string>>, window: number): Parsed['ou'] {
  if (v.entry !== 'ou') {
    if (v['fit-window'] !== undefined) throw new UsageError('--fit-window applies to --entry ou only');
    return undefined;
  }
  if (v.exit !== undefined) throw new UsageError("--exit does not apply with --entry ou: Bertram's band sets the exit (the other side's level)");
  const fitWindow = v['fit-window'] === undefined ? window : numberFlag('fit-window', v['fit-window']);
  if (!Number.isInteger(fitWindow) || fitWindow < 4)
    throw new UsageError(`--fit-window must be an integer >= 4, got ${JSON.stringify(v['fit-window'] ?? window)}`);
  return { fitWindow };
}

/** The metrics of a backtest and its final equity as a table. */
function summary(r: BacktestResult): string {
  const m = r.metrics;
  return (
    keyValueTable([
      ['total return', m.totalReturn],
      ['Sharpe', m.sharpe],
      ['max drawdown', m.maxDrawdown],
      ['trades', m.trades],
      ['win rate', m.winRate],
      ['avg bars held', m.avgBars],
      ['fees', m.fees],
      ...(m.funding === undefined ? [] : [['funding', m.funding] as [string, number]]),
      ['final equity', r.equity[r.equity.length - 1]],
      ['bars', r.equity.length],
    ]) + `${JSON_HINT}\n`
  );
}

/** The whole command, without touching the process: argv -> output and exit code; `terminal`: stdout is one (the table unless --json). */
export function runBacktest(argv: readonly string[], read: (file: string) => string, terminal = false): CliResult {
  if (wantsHelp(argv)) return { code: 0, stdout: `${USAGE}\n`, stderr: '' };
  let p: Parsed;
  try {
    p = parse(argv, read, terminal);
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, stdout: '', stderr: `backtest: ${e.message}\n${USAGE}\n` };
    throw e;
  }
  const input = { x: p.x, y: p.y, window: p.window, ts: p.ts, funding: p.funding };
  const r = p.ou ? backtestOuSeries(input, p.options, p.ou) : backtestSeries(input, p.options);
  const stdout = p.output === 'json' ? JSON.stringify({ trades: r.trades, equity: r.equity, metrics: r.metrics }) + '\n' : summary(r);
  return { code: 0, stdout, stderr: '' };
}

if (require.main === module) runAsProcess(runBacktest);
