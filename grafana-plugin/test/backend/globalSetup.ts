/**
 * Builds the backend once before the suites that run the executable, when dist/ is missing or
 * older than the sources (npm run build:backend; ~3 s).
 */
import { execFileSync } from 'child_process';
import { existsSync, readdirSync, statSync } from 'fs';
import { join } from 'path';

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
  const exe = join(ROOT, 'dist', 'backend', 'main.js');
  const srcTime = Math.max(newest(join(ROOT, 'backend')), statSync(join(ROOT, 'src', 'types.ts')).mtimeMs);
  if (existsSync(exe) && statSync(exe).mtimeMs >= srcTime) return;
  execFileSync(process.execPath, [join(ROOT, 'backend', 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
