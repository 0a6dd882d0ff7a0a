/**
 * globalSetup of the amd and browser projects: the packages of the project's compat Grafana
 * version when it has one (test/compat), and dist/module.js the build of the current sources (src/ and the built @quant-pairs/contract). `npm test` builds before jest, so this is a no-op there; running one project
 * alone after an edit rebuilds once instead of testing a stale bundle.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

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

/** The compat version a jest project runs against (jest.config.js `globals.grafanaCompat`), or undefined for the build's own. */
export function compatName(projectConfig?: { globals?: Record<string, unknown> }): string | undefined {
  const name = projectConfig?.globals?.grafanaCompat;
  return typeof name === 'string' ? name : undefined;
}

export default async function buildOnce(_globalConfig?: unknown, projectConfig?: { globals?: Record<string, unknown> }): Promise<void> {
  const compat = compatName(projectConfig);
  if (compat) {
    (require('./compat/install') as { installAll(names: string[]): void }).installAll([compat]);
  }
  if (frontendIsStale()) {
    process.stderr.write('\n[grafana-plugin] dist/module.js is missing or older than src/: npm run build:frontend\n');
    execFileSync('npm', ['run', '--silent', 'build:frontend'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}
