/**
 * globalSetup of the amd and browser projects: the packages of the older Grafana versions whose
 * projects the run includes (test/compat), dist/module.js the build of the current sources (src/ and the built @quant-pairs/contract),
 * and the backend in dist/ that their emulated Grafana spawns (ensureBackend). `npm test` builds before jest, so this is a no-op there; running one project
 * alone after an edit, or in a fresh clone, builds once instead of testing a stale bundle or failing for want of `npm run build:backend`.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

import { ensureBackend } from './buildBackend';

const ROOT = path.resolve(__dirname, '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      newest = Math.max(newest, newestMtime(p));
    } else if (!/\.test\.tsx?$/.test(e.name)) {
      newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  }
  return newest;
}

export function frontendIsStale(): boolean {
  const out = path.join(ROOT, 'dist', 'module.js');
  if (!fs.existsSync(out)) {
    return true;
  }
  // The bundle holds the built @quant-pairs/contract too.
  const contract = path.dirname(require.resolve('@quant-pairs/contract'));
  return Math.max(newestMtime(path.join(ROOT, 'src')), newestMtime(contract)) > fs.statSync(out).mtimeMs;
}

export interface RunSelection {
  selectProjects?: string[];
  ignoreProjects?: string[];
}

/** Whether this jest run includes the project named `displayName` (--selectProjects / --ignoreProjects). */
export function runsProject(globalConfig: RunSelection | undefined, displayName: string): boolean {
  const selected = globalConfig?.selectProjects;
  return (!selected || selected.includes(displayName)) && !globalConfig?.ignoreProjects?.includes(displayName);
}

/**
 * The older Grafana versions (test/compat) whose `<kind>-<version>` projects this run includes.
 * Jest runs a globalSetup file once per run, with the config of the first project that names it,
 * not once per project: so a setup shared by the amd/browser projects and their compat twins
 * decides from the run's selection, never from its projectConfig.
 */
export function compatVersionsInRun(globalConfig: RunSelection | undefined, kinds: string[]): string[] {
  const { COMPAT_VERSIONS } = require('./compat') as { COMPAT_VERSIONS: string[] };
  return COMPAT_VERSIONS.filter((v) => kinds.some((k) => runsProject(globalConfig, `${k}-${v}`)));
}

export default async function buildOnce(globalConfig?: RunSelection): Promise<void> {
  (require('./compat/install') as { installAll(names: string[]): void }).installAll(compatVersionsInRun(globalConfig, ['amd', 'browser']));
  if (frontendIsStale()) {
    process.stderr.write('\n[grafana-plugin] dist/module.js is missing or older than src/: npm run build:frontend\n');
    execFileSync('npm', ['run', '--silent', 'build:frontend'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    // webpack does not rewrite an output whose content is unchanged (compareBeforeEmit): a new image
    // under src/img/ would leave module.js "older than src/" and rebuild it on every run
    const now = new Date();
    fs.utimesSync(path.join(ROOT, 'dist', 'module.js'), now, now);
  }
  ensureBackend(path.join(ROOT, 'dist'));
}
