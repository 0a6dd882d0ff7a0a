/**
 * globalSetup of the browser projects: dist/module.js and the backend the page's emulated Grafana
 * spawns current (buildOnce), and the test page's
 * host bundle in test-output/harness/ (test-output/harness-<compat>/ for a project that runs
 * against an older Grafana's packages, test/compat), rebuilt only when a lock file or the
 * harness sources change (a stamp file records the hash of its inputs).
 */
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import webpack from 'webpack';

import buildOnce, { compatVersionsInRun, runsProject, type RunSelection } from '../buildOnce';
const compat = require('../compat') as { compatDir(name: string): string; webpackAlias(name: string): Record<string, string>; REPLACED: string[] };

const ROOT = path.resolve(__dirname, '..', '..');

/** Where the page bundle for `compat` (undefined: the build's own @grafana packages) goes. */
export function harnessDir(compatVersion?: string): string {
  return path.join(ROOT, 'test-output', compatVersion ? `harness-${compatVersion}` : 'harness');
}

/**
 * Where each shared module comes from: the compat folder's node_modules, or the packages the
 * plugin is built with (resolved from here, as webpack would).
 */
function hostModules(compatVersion?: string): Record<string, string> {
  if (compatVersion) {
    const alias = compat.webpackAlias(compatVersion);
    // @grafana/runtime 11.5.0's published ES build imports '../node_modules/react-loading-skeleton/
    // dist/index.js', a folder npm leaves out of packages: take its CommonJS build (`main`).
    const runtime = alias['@grafana/runtime']!;
    const main = JSON.parse(fs.readFileSync(path.join(runtime, 'package.json'), 'utf8')).main as string;
    return { '@grafana/runtime$': path.join(runtime, main), ...alias };
  }
  return Object.fromEntries(compat.REPLACED.map((m) => [m, packageDir(m)]));
}

/** The folder of an installed package (its package.json may not be in its `exports`). */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json')) || JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== name) {
    const up = path.dirname(dir);
    if (up === dir) {
      throw new Error(`no package.json of ${name} above ${require.resolve(name)}`);
    }
    dir = up;
  }
  return dir;
}

function inputsHash(compatVersion?: string): string {
  const h = crypto.createHash('sha256');
  const files = [
    compatVersion ? path.join(compat.compatDir(compatVersion), 'package-lock.json') : path.join(ROOT, '..', 'package-lock.json'),
    path.join(__dirname, 'harness', 'entry.tsx'),
    path.join(__dirname, 'harness', 'dashboard.tsx'),
    path.join(__dirname, 'harness', 'webpack.config.js'),
    path.join(__dirname, '..', 'support', 'fetchBackendSrv.ts'),
  ];
  for (const f of files) {
    h.update(f).update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

async function buildHarness(compatVersion?: string): Promise<void> {
  const out = harnessDir(compatVersion);
  const stamp = path.join(out, 'inputs.sha256');
  const hash = inputsHash(compatVersion);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash && fs.existsSync(path.join(out, 'harness.js'))) {
    return;
  }
  process.stderr.write(
    `\n[grafana-plugin] building the browser test page bundle${compatVersion ? ` against ${compatVersion}` : ''} (once per dependency change)\n`,
  );
  fs.rmSync(out, { recursive: true, force: true });
  const config = require('./harness/webpack.config.js')(out, hostModules(compatVersion));
  await new Promise<void>((resolve, reject) =>
    webpack(config, (err, stats) => {
      if (err || !stats || stats.hasErrors()) {
        reject(err ?? new Error(stats?.toString('errors-only') ?? 'webpack failed'));
      } else {
        resolve();
      }
    }),
  );
  fs.writeFileSync(stamp, hash);
}

/** One call for every browser project of the run (jest runs this file once, see compatVersionsInRun). */
export default async function globalSetup(globalConfig: RunSelection): Promise<void> {
  await buildOnce(globalConfig);
  if (runsProject(globalConfig, 'browser')) {
    await buildHarness();
  }
  for (const v of compatVersionsInRun(globalConfig, ['browser'])) {
    await buildHarness(v);
  }
}
