/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process, one after another, so that
 * one benchmark's garbage and JIT state do not colour the next. Each part prints its own table,
 * always as a ratio against a baseline measured in the same run. `npm run bench -- NAME` runs
 * only the parts whose file name contains NAME.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommandLineError, parseCommandLine } from '../src/cli/commandLine';

const USAGE = 'usage: npm run bench [-- PART]   (PART: a part of a bench/*.bench.ts name, e.g. api, analytics, ingest)';
let filter: string | undefined;
try {
  const { values, positionals } = parseCommandLine(process.argv.slice(2), { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length > 1) throw new CommandLineError('', `one PART at most, got ${positionals.join(' ')}`);
  filter = positionals[0];
} catch (e) {
  if (!(e instanceof CommandLineError)) throw e;
  console.error(`bench: ${e.message}\n${USAGE}`);
  process.exit(2);
}
const dir = __dirname;
const parts = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
if (parts.length === 0) {
  console.error(`no benchmark matches ${JSON.stringify(filter)}`);
  process.exit(2);
}
let failed = 0;
for (const f of parts) {
  console.log(`\n=== ${f.replace('.bench.ts', '')} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`benchmark ${f} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
