/**
 * Walk-forward optimisation of the backtest's grid (rules: src/analytics/honest/walkForward.ts):
 *
 *   npm run --silent walkforward -- FILE --train N --test M [--anchored] --window LIST --entry LIST
 *        --exit LIST [--objective sharpe|totalReturn|sortino] [the backtest's cost flags]
 *
 * FILE (or `-` for stdin): `{"x":[...],"y":[...]}`, optionally `"ts"` (epoch ms: bars a year from
 * their median step, as `backtest`, unless --bars-per-year) and `"funding"` (each perp leg's events,
 * as `backtest` takes them: the folds' and the joined metrics then carry `funding`). Prints {"folds": [{trainStart, trainEnd,
 * testStart, testEnd, choice: {window, entry, exit}, inSample, outOfSample, psr, dsr}], "equity": [...],
 * "metrics", "efficiency", "psr"} (indices into FILE's bars; metrics as the backtest's). Bad input or
 * flags: a message on stderr and exit code 2.
 */
import { WALKFORWARD_OBJECTIVES, type WalkForwardObjective } from '@quant-pairs/contract';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { walkForward } from '../analytics/honest/walkForward';
import type { CliResult } from './analyze';
import { COST_FLAGS, COST_USAGE, costOptions, intFlag, listFlag, PAIR_FILE_USAGE, parseFlags, readPair, runCommand, UsageError } from './honestFlags';

const USAGE =
  'usage: walkforward FILE --train N --test M [--anchored] --window LIST --entry LIST --exit LIST\n' +
  `                   [--objective ${WALKFORWARD_OBJECTIVES.join('|')}] ${COST_USAGE}\n` +
  `${PAIR_FILE_USAGE}\n` +
  '  LIST: comma-separated, e.g. --entry 1.5,2,2.5';

const OPTIONS = {
  train: { type: 'string' },
  test: { type: 'string' },
  anchored: { type: 'boolean' },
  window: { type: 'string' },
  entry: { type: 'string' },
  exit: { type: 'string' },
  objective: { type: 'string' },
  ...COST_FLAGS,
} as const;

export function runWalkForward(argv: readonly string[], read: (file: string) => string): CliResult {
  return runCommand('walkforward', USAGE, argv, read, (readText) => {
    const { values: v, file } = parseFlags(argv, OPTIONS);
    if (v.train === undefined || v.test === undefined) throw new UsageError(`--${v.train === undefined ? 'train' : 'test'} is required`);
    const train = intFlag('train', String(v.train), 2);
    const test = intFlag('test', String(v.test), 1);
    const objective = (v.objective ?? 'sharpe') as WalkForwardObjective;
    if (!WALKFORWARD_OBJECTIVES.includes(objective))
      throw new UsageError(`--objective must be one of ${WALKFORWARD_OBJECTIVES.join(', ')}, got ${JSON.stringify(v.objective)}`);
    const grid = {
      window: listFlag('window', v.window as string | undefined),
      entry: listFlag('entry', v.entry as string | undefined),
      exit: listFlag('exit', v.exit as string | undefined),
    };
    const pair = readPair(readText(file));
    const options = costOptions(v, pair.ts);
    if (train >= pair.x.length) throw new UsageError(`--train (${train}) must leave bars to test: FILE has ${pair.x.length}`);
    return walkForward(pair, grid, { train, test, anchored: v.anchored === true, objective }, options);
  });
}

if (require.main === module) {
  // `npm run walkforward -- FILE` runs in the package's folder: resolve FILE against where npm was invoked.
  const base = process.env.INIT_CWD ?? process.cwd();
  const r = runWalkForward(process.argv.slice(2), (file) => readFileSync(file === '-' ? 0 : resolve(base, file), 'utf8'));
  if (r.stderr) process.stderr.write(r.stderr);
  process.stdout.write(r.stdout, () => process.exit(r.code));
}
