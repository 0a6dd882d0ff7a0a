/**
 * node:util.parseArgs with its errors in our words, for every command line (collector, demo,
 * analyze, soak): strict (an unknown option is an error), positionals allowed.
 *
 *   parseCommandLine(['f.csv', '--window', '30'], { window: { type: 'string' } })
 *   // => { values: { window: '30' }, positionals: ['f.csv'] }
 *   parseCommandLine(['--windw=3'], { window: { type: 'string' } })
 *   // throws CommandLineError('--windw', 'unknown option --windw')
 *
 * And for the offline commands (analyze, backtest, scan): which output they print (outputMode: JSON,
 * or a table on a terminal) and running one as the process (runAsProcess).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

export class CommandLineError extends Error {
  constructor(
    /** The option as written, e.g. `--port`. */
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandLineError';
  }
}

/** True when the command line asks for help (`--help` or `-h` before a `--`): the usage on stdout, exit 0. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export function parseCommandLine(argv: readonly string[], options: Options): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    const err = e as Error & { code?: string };
    const option = /'(-[^' ]+)/.exec(err.message)?.[1] ?? '';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new CommandLineError(option, `unknown option ${option}`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous/.test(err.message)) {
      throw new CommandLineError(option, `option ${option} needs a value (one starting with - is written ${option}=-1)`);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new CommandLineError(option, `option ${option} needs a value`);
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new CommandLineError(option, err.message);
    throw e;
  }
}

/** What an offline command (analyze, backtest, scan) prints: its JSON, or a summary table of it. */
export type OutputMode = 'json' | 'table';

/** The flags that force either output; without them a terminal gets the table and a pipe the JSON. */
export const OUTPUT_OPTIONS = { json: { type: 'boolean' }, table: { type: 'boolean' } } as const;

/** The output `--json` / `--table` ask for, else the table on a terminal and the JSON elsewhere. */
export function outputMode(values: Record<string, string | boolean | undefined>, terminal: boolean): OutputMode {
  if (values.json && values.table) throw new CommandLineError('--table', '--json and --table exclude each other');
  if (values.json) return 'json';
  return values.table || terminal ? 'table' : 'json';
}

/** One offline command: argv, a file reader and whether stdout is a terminal -> output and exit code. */
export type OfflineCommand = (argv: readonly string[], read: (file: string) => string, terminal: boolean) => { code: number; stdout: string; stderr: string };

/** Runs `command` as the process: FILE (`-` = stdin) relative to where npm was invoked, exit code once stdout is written. */
export function runAsProcess(command: OfflineCommand): void {
  // `npm run analyze -- FILE` runs in the package's folder: resolve FILE against where npm was invoked.
  const base = process.env.INIT_CWD ?? process.cwd();
  const r = command(process.argv.slice(2), (file) => readFileSync(file === '-' ? 0 : resolve(base, file), 'utf8'), process.stdout.isTTY === true);
  if (r.stderr) process.stderr.write(r.stderr);
  process.stdout.write(r.stdout, () => process.exit(r.code));
}
