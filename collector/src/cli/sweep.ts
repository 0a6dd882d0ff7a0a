/**
 * The backtest sweep with its verdict (src/analytics/honest/sweepVerdict.ts): every combination's
 * metrics, the best by Sharpe ratio, its probabilistic and deflated Sharpe ratios and CSCV's
 * probability of backtest overfitting:
 *
 *   npm run --silent sweep -- FILE --window LIST --entry LIST --exit LIST [cost flags] [--blocks S]
 *
 * FILE (or `-` for stdin): `{"x":[...],"y":[...]}`, optionally `"ts"` (epoch ms: bars a year from
 * their median step, as `backtest`, unless --bars-per-year) and `"funding"` (each perp leg's events,
 * as `backtest` takes them: every row's metrics then carry `funding`). Prints {"results": [{window, entry, exit,
 * metrics}], "best": INDEX, "psr", "dsr", "pbo": {pbo, logits: [...], degradation, probLoss}}
 * (pbo null with one combination). Bad input or flags: a message on stderr and exit code 2.
 */
import { PBO_DEFAULT_BLOCKS, PBO_MAX_BLOCKS } from '@quant-pairs/contract';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sweepVerdict } from '../analytics/honest/sweepVerdict';
import type { CliResult } from './analyze';
import { COST_FLAGS, COST_USAGE, costOptions, intFlag, listFlag, PAIR_FILE_USAGE, parseFlags, readPair, runCommand, UsageError } from './honestFlags';

const USAGE =
  `usage: sweep FILE --window LIST --entry LIST --exit LIST ${COST_USAGE} [--blocks S]\n` +
  `${PAIR_FILE_USAGE}\n` +
  `  LIST: comma-separated. S: PBO's blocks, even, 2..${PBO_MAX_BLOCKS} (default ${PBO_DEFAULT_BLOCKS})`;

const OPTIONS = { window: { type: 'string' }, entry: { type: 'string' }, exit: { type: 'string' }, blocks: { type: 'string' }, ...COST_FLAGS } as const;

export function runSweep(argv: readonly string[], read: (file: string) => string): CliResult {
  return runCommand('sweep', USAGE, argv, read, (readText) => {
    const { values: v, file } = parseFlags(argv, OPTIONS);
    const grid = {
      window: listFlag('window', v.window as string | undefined),
      entry: listFlag('entry', v.entry as string | undefined),
      exit: listFlag('exit', v.exit as string | undefined),
    };
    const blocks = v.blocks === undefined ? PBO_DEFAULT_BLOCKS : intFlag('blocks', String(v.blocks), 2);
    if (blocks % 2 !== 0 || blocks > PBO_MAX_BLOCKS)
      throw new UsageError(`--blocks must be an even integer in [2, ${PBO_MAX_BLOCKS}], got ${JSON.stringify(v.blocks)}`);
    const pair = readPair(readText(file));
    const options = costOptions(v, pair.ts);
    return sweepVerdict(pair, grid, options, blocks);
  });
}

if (require.main === module) {
  const base = process.env.INIT_CWD ?? process.cwd();
  const r = runSweep(process.argv.slice(2), (file) => readFileSync(file === '-' ? 0 : resolve(base, file), 'utf8'));
  if (r.stderr) process.stderr.write(r.stderr);
  process.stdout.write(r.stdout, () => process.exit(r.code));
}
