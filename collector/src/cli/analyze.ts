/**
 * Offline analysis of one pair of series:
 *
 *   npm run --silent analyze -- FILE [--regression c|ct|n] [--autolag AIC|BIC|t-stat|none]
 *                                    [--maxlag K] [--ddof 0|1] [--window W] [--entry-z Z] [--exit-z Z]
 *                                    [--hedge ols|kalman [--delta D --ve V | --tune]]
 *
 * FILE (or `-` for stdin) is `{"x":[...],"y":[...],"window":W}` (the `inputs` of an oracle
 * case) or a two-column CSV of x and y (an optional header naming the columns `x` and `y`, in
 * either order; then `--window` is required). Prints one JSON object on stdout:
 * beta, alpha, spread, zscore, signal (arrays, null where undefined), adf on the defined rolling
 * spreads spread[w-1:] (stat, pvalue, usedlag, nobs, crit, icbest), coint(y, x) on the full
 * series (stat, pvalue, crit) and halfLife on spread[w-1:] (b, halfLife). A statistic that is
 * undefined for the input is `{"error": "..."}` in its place. Bad input or flags: a message on
 * stderr and exit code 2. On a terminal (or with `--table`) a table of the key figures instead:
 * the last point's beta, alpha, spread, z and signal, ADF, Engle-Granger and the half-life
 * (summary.ts: the JSON's numbers to 6 significant digits); `--json` forces the JSON.
 *
 * `--hedge kalman`: beta, alpha, spread and z from the Kalman filter (kalman.ts: z is the
 * normalised innovation, null for its first 30 points) with `--delta` / `--ve` (Chan's 1e-4 /
 * 1e-3 by default) or `--tune`: delta and Ve fitted by maximum likelihood on the whole FILE
 * (in-sample, fitKalman), reported as "kalman": {delta, ve, logLik, converged, nobs}. ADF and
 * the half-life then run on the spreads after those 30 points; `--window` is not needed.
 */
import { describeValue, parseJson } from '@quant-pairs/contract';
import { CommandLineError, OUTPUT_OPTIONS, outputMode, parseCommandLine, runAsProcess, wantsHelp, type OutputMode } from './commandLine';
import { field, JSON_HINT, keyValueTable } from './summary';
import { hedgeRule, type Hedge, type HedgeChoice } from '@quant-pairs/contract';
import { adfuller, analyzeSeries, coint, fitKalman, halfLife, kalmanSeries, seriesInputProblem, type AdfOptions } from '../analytics';

/** Points of the Kalman filter whose z is null (its default warm-up): where ADF and the half-life start. */
const KALMAN_WARMUP = 30;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const USAGE =
  'usage: analyze FILE [--regression c|ct|n] [--autolag AIC|BIC|t-stat|none] [--maxlag K] [--ddof 0|1] [--window W] [--entry-z Z] [--exit-z Z]\n' +
  '                    [--hedge ols|kalman [--delta D --ve V | --tune]] [--json | --table]\n' +
  '  FILE: {"x":[...],"y":[...],"window":W} or a two-column x,y CSV (then --window W); - reads stdin\n' +
  '  prints JSON, or on a terminal a table of the key figures (--json / --table force either)';

class UsageError extends Error {}

interface Args {
  file: string;
  regression: 'n' | 'c' | 'ct';
  autolag: AdfOptions['autolag'];
  maxlag?: number;
  ddof: 0 | 1;
  window?: number;
  entryZ?: number;
  exitZ?: number;
  hedge: HedgeChoice;
  output: OutputMode;
}

const OPTIONS = {
  hedge: { type: 'string' },
  delta: { type: 'string' },
  ve: { type: 'string' },
  tune: { type: 'boolean' },
  regression: { type: 'string' },
  autolag: { type: 'string' },
  maxlag: { type: 'string' },
  ddof: { type: 'string' },
  window: { type: 'string' },
  'entry-z': { type: 'string' },
  'exit-z': { type: 'string' },
  ...OUTPUT_OPTIONS,
} as const;

/** `--name` as a number of at least `min`; `what` says what it is. */
function numberOption(name: string, value: string, what: string, integer: boolean, min: number): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min} (${what}), got ${JSON.stringify(value)}`);
  }
  return v;
}

function regressionOption(value: string): Args['regression'] {
  if (value !== 'c' && value !== 'ct' && value !== 'n') throw new UsageError(`--regression must be c, ct or n, got ${JSON.stringify(value)}`);
  return value;
}

function autolagOption(value: string): Args['autolag'] {
  if (value === 'none') return null;
  if (value === 'AIC' || value === 'BIC' || value === 't-stat') return value;
  if (value.toLowerCase() === 'aic' || value.toLowerCase() === 'bic') return value.toUpperCase() as 'AIC' | 'BIC';
  throw new UsageError(`--autolag must be AIC, BIC, t-stat or none, got ${JSON.stringify(value)}`);
}

function parseArgs(argv: readonly string[], terminal: boolean): Args {
  let parsed: ReturnType<typeof parseCommandLine>;
  let output: OutputMode;
  try {
    parsed = parseCommandLine(argv, OPTIONS);
    output = outputMode(parsed.values, terminal);
  } catch (e) {
    throw e instanceof CommandLineError ? new UsageError(e.message) : e;
  }
  const v = parsed.values as Partial<Record<Exclude<keyof typeof OPTIONS, 'tune' | 'json' | 'table'>, string>> & { tune?: boolean };
  const files = parsed.positionals;
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'FILE is missing' : `one FILE expected, got ${files.length}: ${files.join(' ')}`);
  if (v.ddof !== undefined && v.ddof !== '0' && v.ddof !== '1') throw new UsageError(`--ddof must be 0 or 1, got ${JSON.stringify(v.ddof)}`);
  if (v.hedge !== undefined && v.hedge !== 'ols' && v.hedge !== 'kalman') throw new UsageError(`--hedge must be ols or kalman, got ${JSON.stringify(v.hedge)}`);
  const open01 = (name: 'delta' | 've', max: number) => {
    const raw = v[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !(n > 0 && n < max))
      throw new UsageError(`--${name} must be a number greater than 0 and less than ${max}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const rule = hedgeRule({ hedge: v.hedge as Hedge | undefined, delta: open01('delta', 1), ve: open01('ve', Infinity), tune: v.tune });
  if (rule.param !== undefined)
    throw new UsageError(`--${rule.param}: ${rule.message.replace(/hedge=kalman/g, '--hedge kalman').replace('tune=true', '--tune')}`);
  return {
    hedge: rule.choice,
    output,
    file: files[0]!,
    regression: v.regression === undefined ? 'c' : regressionOption(v.regression),
    autolag: v.autolag === undefined ? 'AIC' : autolagOption(v.autolag),
    maxlag: v.maxlag === undefined ? undefined : numberOption('maxlag', v.maxlag, 'largest ADF lag', true, 0),
    ddof: v.ddof === '0' ? 0 : 1,
    window: v.window === undefined ? undefined : numberOption('window', v.window, 'rolling window in points', true, 2),
    entryZ: v['entry-z'] === undefined ? undefined : numberOption('entry-z', v['entry-z'], 'signal entry threshold', false, 0),
    exitZ: v['exit-z'] === undefined ? undefined : numberOption('exit-z', v['exit-z'], 'signal exit band', false, 0),
  };
}

/** Reads `{"x","y","window"}` JSON or a two-column CSV. Throws UsageError saying what is wrong. */
export function parseInput(text: string, windowFlag: number | undefined): { x: number[]; y: number[]; window: number } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = parseJson(trimmed);
    } catch (e) {
      throw new UsageError(`FILE is not valid JSON: ${(e as Error).message}`);
    }
    const o = doc as Record<string, unknown>;
    for (const k of ['x', 'y'] as const) {
      if (!Array.isArray(o[k])) throw new UsageError(`"${k}" must be an array of numbers`);
    }
    const window = windowFlag ?? o.window;
    if (typeof window !== 'number' || !Number.isInteger(window) || window < 2) {
      throw new UsageError(`"window" must be an integer >= 2, got ${describeValue(window)}`);
    }
    return { x: o.x as number[], y: o.y as number[], window };
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new UsageError('FILE is empty');
  let xi = 0;
  let yi = 1;
  let start = 0;
  const head = lines[0]!.split(/[,;\t]/).map((c) => c.trim().toLowerCase().replace(/^"|"$/g, ''));
  if (head.some((c) => c !== '' && Number.isNaN(Number(c)))) {
    if (head.length !== 2 || !head.includes('x') || !head.includes('y')) throw new UsageError(`CSV header must name the two columns x and y, got ${lines[0]}`);
    xi = head.indexOf('x');
    yi = head.indexOf('y');
    start = 1;
  }
  if (windowFlag === undefined) throw new UsageError('a CSV needs --window W');
  const x: number[] = [];
  const y: number[] = [];
  for (let i = start; i < lines.length; i++) {
    const cells = lines[i]!.split(/[,;\t]/).map((c) => c.trim());
    if (cells.length !== 2) throw new UsageError(`CSV line ${i + 1} must have 2 columns, got ${cells.length}: ${lines[i]}`);
    const vx = cells[xi] === '' ? NaN : Number(cells[xi]);
    const vy = cells[yi] === '' ? NaN : Number(cells[yi]);
    if (!Number.isFinite(vx) || !Number.isFinite(vy)) throw new UsageError(`CSV line ${i + 1}: not a number: ${lines[i]}`);
    x.push(vx);
    y.push(vy);
  }
  return { x, y, window: windowFlag };
}

/** The key figures of analyze's JSON `out` (its last point, the tests) as a table. */
function summary(out: AnalyzeOutput, window: number | undefined): string {
  const last = (a: readonly unknown[]) => a[a.length - 1];
  const k = out.kalman;
  return (
    keyValueTable([
      ['hedge', out.hedge],
      ...(k
        ? ([
            ['Kalman delta', k.delta],
            ['Kalman ve', k.ve],
          ] as const)
        : ([['window', window]] as const)),
      ['points', out.beta.length],
      ['beta (last)', last(out.beta)],
      ['alpha (last)', last(out.alpha)],
      ['spread (last)', last(out.spread)],
      ['z (last)', last(out.zscore)],
      ['signal (last)', last(out.signal)],
      ['ADF stat', field(out.adf, 'stat')],
      ['ADF p-value', field(out.adf, 'pvalue')],
      ['ADF lag', field(out.adf, 'usedlag')],
      ['ADF nobs', field(out.adf, 'nobs')],
      ['Engle-Granger stat', field(out.coint, 'stat')],
      ['Engle-Granger p-value', field(out.coint, 'pvalue')],
      ['half-life (points)', field(out.halfLife, 'halfLife')],
    ]) + `${JSON_HINT}\n`
  );
}

interface AnalyzeOutput {
  hedge: string;
  kalman?: { delta: number; ve: number };
  beta: unknown[];
  alpha: unknown[];
  spread: unknown[];
  zscore: unknown[];
  signal: unknown[];
  adf: unknown;
  coint: unknown;
  halfLife: unknown;
}

/**
 * The whole command, without touching the process: argv (after FILE's script name) -> output and
 * exit code; `terminal`: stdout is one (the table unless --json).
 */
export function runAnalyze(argv: readonly string[], read: (file: string) => string, terminal = false): CliResult {
  if (wantsHelp(argv)) return { code: 0, stdout: `${USAGE}\n`, stderr: '' };
  let args: Args;
  let input: { x: number[]; y: number[]; window: number };
  try {
    args = parseArgs(argv, terminal);
    let text: string;
    try {
      text = read(args.file);
    } catch (e) {
      throw new UsageError(`cannot read ${args.file}: ${(e as Error).message}`);
    }
    input = parseInput(text, args.window ?? (args.hedge.hedge === 'kalman' ? KALMAN_WARMUP : undefined));
    const problem = seriesInputProblem({
      ts: input.x.map((_, i) => i),
      x: input.x,
      y: input.y,
      window: input.window,
      ddof: args.ddof,
      entryZ: args.entryZ,
      exitZ: args.exitZ,
    });
    if (problem) throw new UsageError(problem);
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, stdout: '', stderr: `analyze: ${e.message}\n${USAGE}\n` };
    throw e;
  }
  const { x, y } = input;
  const ts = x.map((_, i) => i);
  const rule = { entryZ: args.entryZ, exitZ: args.exitZ };
  let kalman: Record<string, unknown> | undefined;
  let pts;
  let w = input.window;
  if (args.hedge.hedge === 'kalman') {
    w = KALMAN_WARMUP + 1; // spreads from index 30 on, as z
    let { delta, ve } = args.hedge;
    if (args.hedge.tune) {
      const f = fitKalman(x, y);
      if ('error' in f) return { code: 2, stdout: '', stderr: `analyze: --tune: ${f.error}\n${USAGE}\n` };
      ({ delta, ve } = f);
      kalman = { delta, ve, logLik: f.logLik, converged: f.converged, nobs: f.nobs, tune: true };
    } else kalman = { delta, ve, tune: false };
    pts = kalmanSeries({ ts, x, y, delta, ve, warmup: KALMAN_WARMUP, ...rule });
  } else pts = analyzeSeries({ ts, x, y, window: w, ddof: args.ddof, ...rule });
  const spread = pts.map((p) => p.spread);
  const defined = spread.slice(w - 1);
  const segment = (): number[] | { error: string } => {
    if (x.length < w)
      return { error: `no spread: the series (${x.length} points) is shorter than ${kalman ? `the Kalman warm-up (${w})` : `the window (${w})`}` };
    const i = defined.indexOf(null);
    if (i >= 0) return { error: `spread[${w - 1 + i}] is undefined (x constant in its window): spread[w-1:] has gaps` };
    return defined as number[];
  };
  const seg = segment();
  const adfRaw = Array.isArray(seg) ? adfuller(seg, { regression: args.regression, autolag: args.autolag, maxlag: args.maxlag }) : seg;
  const adf =
    'error' in adfRaw
      ? adfRaw
      : { stat: adfRaw.stat, pvalue: adfRaw.pvalue, usedlag: adfRaw.usedlag, nobs: adfRaw.nobs, crit: adfRaw.crit, icbest: adfRaw.icbest };
  const c = coint(y, x);
  const hlRaw = Array.isArray(seg) ? halfLife(seg) : seg;
  const out = {
    hedge: args.hedge.hedge,
    ...(kalman ? { kalman } : {}),
    beta: pts.map((p) => p.beta),
    alpha: pts.map((p) => p.alpha),
    spread,
    zscore: pts.map((p) => p.zscore),
    signal: pts.map((p) => p.signal),
    adf,
    coint: 'error' in c ? c : { stat: c.stat, pvalue: c.pvalue, crit: c.crit },
    halfLife: 'error' in hlRaw ? hlRaw : { b: hlRaw.b, halfLife: hlRaw.halfLife },
  };
  const stdout = args.output === 'json' ? JSON.stringify(out) + '\n' : summary(out as AnalyzeOutput, kalman ? undefined : input.window);
  return { code: 0, stdout, stderr: '' };
}

if (require.main === module) runAsProcess(runAnalyze);
