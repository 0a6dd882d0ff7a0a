#!/usr/bin/env node
/**
 * Installs the Grafana versions the frontend harnesses also run against (see index.js):
 * `npm ci` in each folder, skipped when its node_modules was installed from the same
 * package-lock.json (a stamp file holds the lock's sha256). Run by .ci/run after the root
 * `npm ci`, and by the globalSetup of the compat jest projects (so `npm test` in a fresh clone
 * installs them once). Needs the npm registry the first time only.
 *
 *   node grafana-plugin/test/compat/install.js            every version
 *   node grafana-plugin/test/compat/install.js grafana-11.4
 */
const { execFileSync } = require('child_process');
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');
const { COMPAT_VERSIONS, compatDir, nodeModules } = require('./index');

function lockHash(name) {
  return createHash('sha256')
    .update(fs.readFileSync(path.join(compatDir(name), 'package-lock.json')))
    .digest('hex');
}

function install(name) {
  const stamp = path.join(nodeModules(name), '.installed-from-lock.sha256');
  const hash = lockHash(name);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) {
    return false;
  }
  process.stderr.write(
    `[grafana-plugin] installing the ${name} packages the harnesses also run against (npm ci in test/compat/${name}, once per lock change)\n`,
  );
  // --ignore-scripts: the packages are loaded, never built; none needs an install script.
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: compatDir(name),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  fs.writeFileSync(stamp, hash);
  return true;
}

function installAll(names = COMPAT_VERSIONS) {
  for (const n of names) {
    if (!COMPAT_VERSIONS.includes(n)) {
      throw new Error(`unknown compat version ${n} (known: ${COMPAT_VERSIONS.join(', ')})`);
    }
    install(n);
  }
}

module.exports = { installAll };

if (require.main === module) {
  installAll(process.argv.length > 2 ? process.argv.slice(2) : undefined);
}
