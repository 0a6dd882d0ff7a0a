/**
 * Before any suite: build dist/ (and the contract's) when missing or older than the sources,
 * once, with the same script `npm run analyze` / `npm run demo` run first (scripts/built.mjs).
 * The tests that start those commands as users do then find the build ready, instead of each
 * paying for (or racing on) a fresh tsc run inside its own timeout in a fresh clone.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function globalSetup(): void {
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'built.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
}
