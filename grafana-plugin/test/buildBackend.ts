/**
 * The backend executable a test suite spawns (dist/gpx_pairs_linux_<arch> and dist/backend/), built
 * by backend/scripts/build.mjs (what `npm run build:backend` runs) when missing or when the hash of
 * its inputs (backend/scripts/inputs.cjs) differs from the one the last build recorded beside it:
 * a fresh clone, a pulled change and a switched branch rebuild once (~3 s); after `npm run build`
 * or an unchanged tree it costs one hash of ~0.5 MB of sources.
 *
 *   ensureBackend(path.join(ROOT, 'dist')) // => true when it built, false when current
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

const ROOT = path.resolve(__dirname, '..');

export const { backendInputsHash, backendStamp } = require('../backend/scripts/inputs.cjs') as {
  backendInputsHash(): string;
  backendStamp(dist: string): string;
};

/** Builds the backend into `dist` unless the input hash its last build recorded is current. */
export function ensureBackend(dist: string): boolean {
  const stamp = backendStamp(dist);
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const current =
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, 'utf8') === backendInputsHash() &&
    fs.existsSync(path.join(dist, 'backend', 'main.js')) &&
    fs.existsSync(path.join(dist, `gpx_pairs_linux_${arch}`));
  if (current) {
    return false;
  }
  const where = dist.startsWith(ROOT + path.sep) ? path.relative(ROOT, dist) : dist;
  process.stderr.write(`\n[grafana-plugin] the backend in ${where} is missing or older than its sources: npm run build:backend\n`);
  execFileSync(process.execPath, [path.join(ROOT, 'backend', 'scripts', 'build.mjs'), '--dist', dist], { stdio: ['ignore', 'ignore', 'inherit'] });
  return true;
}
