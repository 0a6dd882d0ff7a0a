/**
 * Builds the backend once before the suites that run the executable, when the build is missing
 * or its inputs changed (ensureBackend: its sources, the built @quant-pairs/contract it bundles,
 * the lock file): backend/scripts/build.mjs (what `npm run build:backend` runs) into
 * PLUGIN_DIR, with src/plugin.json beside it as in a Grafana plugin directory (~3 s).
 */
import { copyFileSync, mkdirSync } from 'fs';
import { join } from 'path';

import { ensureBackend } from '../buildBackend';

const ROOT = join(__dirname, '..', '..');

export default async function globalSetup(): Promise<void> {
  const dir = join(ROOT, 'test-output', 'backend-plugin');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(ROOT, 'src', 'plugin.json'), join(dir, 'plugin.json'));
  ensureBackend(dir);
}
