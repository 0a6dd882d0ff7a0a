/**
 * The Grafana versions the plugin's frontend is loaded against besides the one it is built with
 * (package.json: @grafana/* 13.1.1): each is a folder here with its own package.json and
 * package-lock.json holding what that Grafana provides to plugins at run time (@grafana/data,
 * runtime, ui, schema, React, rxjs, emotion). They are not workspaces, so the root lock file's
 * 13.1.1 resolution never changes; `install.js` installs them (npm ci, once per lock change).
 *
 * The AMD (test/amd) and Chromium (test/browser) harnesses run once per version: jest projects
 * `amd-<name>` / `browser-<name>` in jest.config.js, which hand the shared modules over from
 * the folder's node_modules (jest moduleNameMapper; webpack resolve.alias for the page bundle).
 */
const fs = require('fs');
const path = require('path');

/**
 * Oldest first; the first is the version plugin.json's grafanaDependency names (>=11.5.0; the
 * AMD test checks they agree). 11.4.x cannot be claimed: its @grafana/ui does not export the
 * Combobox the query editor uses (README.md).
 */
const COMPAT_VERSIONS = ['grafana-11.5'];

/** The modules Grafana shares with plugins that a compat folder replaces (and their subpaths). */
const REPLACED = [
  '@grafana/data',
  '@grafana/runtime',
  '@grafana/ui',
  '@grafana/schema',
  '@grafana/e2e-selectors',
  '@emotion/css',
  '@emotion/react',
  'react',
  'react-dom',
  'rxjs',
];

function compatDir(name) {
  return path.join(__dirname, name);
}

function nodeModules(name) {
  return path.join(compatDir(name), 'node_modules');
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** jest moduleNameMapper entries: each replaced module (and any subpath of it) from the folder. */
function jestModuleNameMapper(name) {
  return { [`^(${REPLACED.map(escapeRegExp).join('|')})(/.*)?$`]: `${nodeModules(name)}/$1$2` };
}

/** webpack resolve.alias: the same replacement for the Chromium page's bundle. */
function webpackAlias(name) {
  return Object.fromEntries(REPLACED.map((m) => [m, path.join(nodeModules(name), m)]));
}

/**
 * The versions a harness must see: from grafana-plugin/package.json for the build's own
 * version (name undefined), else from the compat folder's package.json.
 */
function expectedVersions(name) {
  const file = name ? path.join(compatDir(name), 'package.json') : path.join(__dirname, '..', '..', 'package.json');
  const deps = JSON.parse(fs.readFileSync(file, 'utf8')).dependencies;
  return { '@grafana/data': deps['@grafana/data'], '@grafana/runtime': deps['@grafana/runtime'], '@grafana/ui': deps['@grafana/ui'], react: deps.react };
}

module.exports = { COMPAT_VERSIONS, REPLACED, compatDir, nodeModules, jestModuleNameMapper, webpackAlias, expectedVersions };
