'use strict';
/**
 * The sha256 of what the backend bundle is made of: its sources, protocol files and build
 * scripts, the built @quant-pairs/contract it bundles and the lock file (its other
 * dependencies). build.mjs records it in <dist>/backend/inputs.sha256; the test setups
 * (test/buildBackend.ts) rebuild when it differs, so a fresh clone, a pull or a switched branch
 * rebuilds once and an unchanged tree costs one hash of ~0.5 MB.
 */
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');

const PLUGIN = path.resolve(__dirname, '..', '..');

/**
 * Every file under `dir`, sorted, so the hash does not depend on directory order.
 * @param {string} dir
 * @returns {string[]}
 */
function filesUnder(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/** @returns {string} the hex sha256 of the backend's inputs */
function backendInputsHash() {
  const contract = path.dirname(require.resolve('@quant-pairs/contract'));
  const files = [
    ...['src', 'proto', 'scripts'].flatMap((d) => filesUnder(path.join(PLUGIN, 'backend', d))),
    ...filesUnder(contract),
    path.join(PLUGIN, '..', 'package-lock.json'),
  ];
  const h = createHash('sha256');
  for (const f of files) h.update(path.relative(PLUGIN, f)).update('\0').update(fs.readFileSync(f));
  return h.digest('hex');
}

/**
 * Where the hash of `dist`'s backend inputs is recorded (inside the folder each build replaces).
 * @param {string} dist
 * @returns {string}
 */
function backendStamp(dist) {
  return path.join(dist, 'backend', 'inputs.sha256');
}

module.exports = { backendInputsHash, backendStamp };
