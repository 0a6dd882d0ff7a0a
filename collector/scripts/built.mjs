// @ts-check
/**
 * `node scripts/built.mjs`: builds collector/dist (and the contract's dist, which it imports)
 * when missing or older than its sources, so the commands users run (`npm run analyze`,
 * `npm run demo`) start from compiled JavaScript, never from a stale build and never through
 * tsx (whose start-up took 1.3 s of the 1.7 s a 20k-point analysis took). Up to date, it costs a
 * few milliseconds: one stat per source file. The build's output goes to stderr, so a command's
 * stdout stays its own (analyze prints JSON there).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const collector = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time of the .ts files under `dir` (0 when none). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Runs `npm run build` in `workspace` when `output` is missing or older than `workspace/src`. */
function ensure(workspace, output) {
  const out = join(workspace, output);
  if (existsSync(out) && statSync(out).mtimeMs >= newest(join(workspace, 'src'))) return;
  process.stderr.write(`building ${workspace} (dist is ${existsSync(out) ? 'older than src' : 'missing'}) ...\n`);
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: workspace, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // tsc leaves an output whose text did not change as it was (a change to types only, say): mark
  // it built now, or every later command would find it older than src and build again, saying so
  const now = new Date();
  if (existsSync(out)) utimesSync(out, now, now);
}

const contract = join(collector, '..', 'contract');
if (existsSync(join(contract, 'src'))) ensure(contract, 'dist/index.js');
ensure(collector, 'dist/main.js');
