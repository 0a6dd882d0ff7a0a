/**
 * globalSetup of the browser project: dist/module.js current (buildOnce), and the test page's
 * host bundle in test-output/harness/, rebuilt only when the lock file or the harness sources
 * change (a stamp file records the hash of its inputs).
 */
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import webpack from 'webpack';

import buildOnce from '../buildOnce';

const ROOT = path.resolve(__dirname, '..', '..');
export const HARNESS_DIR = path.join(ROOT, 'test-output', 'harness');

function inputsHash(): string {
  const h = crypto.createHash('sha256');
  const files = [
    path.join(ROOT, '..', 'package-lock.json'),
    path.join(__dirname, 'harness', 'entry.tsx'),
    path.join(__dirname, 'harness', 'webpack.config.js'),
    path.join(__dirname, '..', 'support', 'fetchBackendSrv.ts'),
  ];
  for (const f of files) {
    h.update(f).update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

async function buildHarness(): Promise<void> {
  const stamp = path.join(HARNESS_DIR, 'inputs.sha256');
  const hash = inputsHash();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash && fs.existsSync(path.join(HARNESS_DIR, 'harness.js'))) {
    return;
  }
  process.stderr.write('\n[grafana-plugin] building the browser test page bundle (once per dependency change)\n');
  fs.rmSync(HARNESS_DIR, { recursive: true, force: true });
  const config = require('./harness/webpack.config.js')(HARNESS_DIR);
  await new Promise<void>((resolve, reject) =>
    webpack(config, (err, stats) => {
      if (err || !stats || stats.hasErrors()) {
        reject(err ?? new Error(stats?.toString('errors-only') ?? 'webpack failed'));
      } else {
        resolve();
      }
    })
  );
  fs.writeFileSync(stamp, hash);
}

export default async function globalSetup(): Promise<void> {
  await buildOnce();
  await buildHarness();
}
