/**
 * Offline pair scan of a universe (rules: src/analytics/scan):
 *
 *   npm run --silent scan -- FILE [--fdr Q] [--min-half-life N] [--max-half-life N] [--max-hurst H] [--min-crossings N]
 *
 * FILE (or `-` for stdin) is `{"series": {"SYM": [numbers], ...}, "window": W}`: equal lengths,
 * the trailing W points are scanned, symbols in the object's order (the first of a pair is the
 * earlier one). Prints one JSON object: {"pairs": [{a, b, beta, alpha, coint: {stat, pvalue,
 * usedlag}, cointReverse: {...}, pvalue, qvalue, halfLife, hurst, meanCrossings, correlation,
 * selected, note}], "tested", "selected", "paths": {fft, direct}}, pairs sorted by q-value, null where
 * undefined (note says why); paths counts the Engle-Granger directions whose lag products came from the FFT and
 * those summed directly (where the FFT's error bound was not met).
 * Bad input or flags: a message on stderr and exit code 2. On a terminal (or with `--table`) a
 * table instead: the counts, then the first SUMMARY_ROWS pairs by q-value with p, q, half-life,
 * Hurst, crossings, selected and note (summary.ts: the JSON's numbers to 6 significant digits);
 * `--json` forces the JSON.
 */
import { describeValue, parseJson } from '@quant-pairs/contract';
import { CommandLineError, OUTPUT_OPTIONS, outputMode, parseCommandLine, runAsProcess, wantsHelp, type OutputMode } from './commandLine';
import { columnTable, JSON_HINT, keyValueTable } from './summary';
import type { CliResult } from './analyze';
import { scanInputProblem, scanSeries, SCAN_DEFAULTS, SCAN_THRESHOLD_RULES, type ScanResult, type ScanThresholds } from '../analytics/scan';

const USAGE =
  'usage: scan FILE [--fdr Q] [--min-half-life N] [--max-half-life N] [--max-hurst H] [--min-crossings N] [--json | --table]\n' +
  '  FILE: {"series": {"SYM": [numbers], ...}, "window": W} (equal lengths; the trailing W points are scanned); - reads stdin\n' +
  '  prints JSON, or on a terminal a table of the pairs of lowest q-value (--json / --table force either)';

/** Pairs the terminal table shows, lowest q-values first. */
const SUMMARY_ROWS = 20;

class UsageError extends Error {}

const FLAGS: Record<keyof ScanThresholds, string> = {
  fdr: 'fdr',
  minHalfLife: 'min-half-life',
  maxHalfLife: 'max-half-life',
  maxHurst: 'max-hurst',
  minCrossings: 'min-crossings',
};

interface Input {
  symbols: string[];
  series: number[][];
  window: number;
  thresholds: ScanThresholds;
  output: OutputMode;
}

function parse(argv: readonly string[], read: (file: string) => string, terminal: boolean): Input {
  let parsed: ReturnType<typeof parseCommandLine>;
  let output: OutputMode;
  try {
    parsed = parseCommandLine(argv, { ...Object.fromEntries(Object.values(FLAGS).map((f) => [f, { type: 'string' as const }])), ...OUTPUT_OPTIONS });
    output = outputMode(parsed.values, terminal);
  } catch (e) {
    throw e instanceof CommandLineError ? new UsageError(e.message) : e;
  }
  const thresholds: ScanThresholds = { ...SCAN_DEFAULTS };
  for (const [key, flag] of Object.entries(FLAGS) as [keyof ScanThresholds, string][]) {
    const text = parsed.values[flag];
    if (typeof text !== 'string') continue;
    const v = Number(text);
    const { ok, rule } = SCAN_THRESHOLD_RULES[key];
    if (text.trim() === '' || !ok(v)) throw new UsageError(`--${flag} must be ${rule}, got ${JSON.stringify(text)}`);
    thresholds[key] = v;
  }
  if (thresholds.minHalfLife > thresholds.maxHalfLife)
    throw new UsageError(`--min-half-life (${thresholds.minHalfLife}) must not be above --max-half-life (${thresholds.maxHalfLife})`);
  const files = parsed.positionals;
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'FILE is missing' : `one FILE expected, got ${files.length}: ${files.join(' ')}`);
  let text: string;
  try {
    text = read(files[0]!);
  } catch (e) {
    throw new UsageError(`cannot read ${files[0]}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (e) {
    throw new UsageError(`FILE is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError(`FILE must be a JSON object {"series": {...}, "window": W}`);
  const { series, window } = doc as Record<string, unknown>;
  if (typeof series !== 'object' || series === null || Array.isArray(series))
    throw new UsageError(`"series" must be an object of symbol -> array of numbers, got ${describeValue(series)}`);
  const symbols = Object.keys(series);
  const values: number[][] = [];
  for (const s of symbols) {
    const v = (series as Record<string, unknown>)[s];
    if (!Array.isArray(v)) throw new UsageError(`"series"."${s}" must be an array of numbers, got ${describeValue(v)}`);
    values.push(v as number[]);
  }
  if (typeof window !== 'number' || !Number.isInteger(window)) throw new UsageError(`"window" must be an integer, got ${describeValue(window)}`);
  const problem = scanInputProblem(symbols, values, window);
  if (problem) throw new UsageError(problem);
  return { symbols, series: values, window, thresholds, output };
}

/** The counts and the first SUMMARY_ROWS pairs of a scan as tables. */
function summary(r: ScanResult): string {
  const shown = r.pairs.slice(0, SUMMARY_ROWS);
  const rest = r.pairs.length - shown.length;
  return (
    keyValueTable([
      ['pairs', r.pairs.length],
      ['tested', r.tested],
      ['selected', r.selected],
    ]) +
    '\n' +
    columnTable(
      ['pair', 'p-value', 'q-value', 'half-life', 'Hurst', 'crossings', 'selected', 'note'],
      shown.map((p) => [`${p.a}/${p.b}`, p.pvalue, p.qvalue, p.halfLife, p.hurst, p.meanCrossings, p.selected, p.note ?? '']),
    ) +
    (rest > 0 ? `... ${rest} more pairs\n` : '') +
    `${JSON_HINT}\n`
  );
}

/** The whole command, without touching the process: argv -> output and exit code; `terminal`: stdout is one (the table unless --json). */
export function runScan(argv: readonly string[], read: (file: string) => string, terminal = false): CliResult {
  if (wantsHelp(argv)) return { code: 0, stdout: `${USAGE}\n`, stderr: '' };
  let input: Input;
  try {
    input = parse(argv, read, terminal);
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, stdout: '', stderr: `scan: ${e.message}\n${USAGE}\n` };
    throw e;
  }
  const r = scanSeries(input.symbols, input.series, input.window, input.thresholds);
  return { code: 0, stdout: input.output === 'json' ? JSON.stringify(r) + '\n' : summary(r), stderr: '' };
}

if (require.main === module) runAsProcess(runScan);
