/**
 * Builds the backend once before the suites that run the executable, when the build is missing
 * or older than the sources (its own and the built @quant-pairs/contract it bundles):
 * backend/scripts/build.mjs (what `npm run build:backend` runs) into
 * PLUGIN_DIR, with src/plugin.json beside it as in a Grafana plugin directory (~3 s).
 */
import { execFileSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'fs';
import { dirname, join } from 'path';

const ROOT = join(__dirname, '..', '..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default async function globalSetup(): Promise<void> {
  const dir = join(ROOT, 'test-output', 'backend-plugin');
  const exe = join(dir, 'backend', 'main.js');
  const contract = dirname(require.resolve('@quant-pairs/contract'));
  const srcTime = Math.max(newest(join(ROOT, 'backend')), newest(contract), statSync(join(ROOT, 'src', 'plugin.json')).mtimeMs);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(ROOT, 'src', 'plugin.json'), join(dir, 'plugin.json'));
  if (existsSync(exe) && statSync(exe).mtimeMs >= srcTime) return;
  execFileSync(process.execPath, [join(ROOT, 'backend', 'scripts', 'build.mjs'), '--dist', dir], { stdio: 'inherit' });
}
