/**
 * Jest projects of the plugin:
 * - frontend: src/** in jsdom (editors, query building, migration, interpolation), with the
 *   create-plugin configuration; `.mjs` files (d3-color and friends) get the same SWC transform.
 * - amd: the built dist/module.js loaded as Grafana loads it, in Node (test/amd).
 * - browser: the editors from dist/module.js in headless Chromium (test/browser).
 * - backend: the backend engineer's project, when jest.backend.config.js exists.
 * - amd-<version>, browser-<version>: the amd and browser tests again, with the modules Grafana
 *   shares with plugins taken from an older Grafana (test/compat: 11.5.0, the oldest version
 *   plugin.json's grafanaDependency claims, with its React 18.2.0); their globalSetup installs
 *   that folder's packages once (test/compat/install.js).
 * `npm test` type-checks and builds once before jest; the amd and browser projects rebuild
 * dist/ in their globalSetup only when it is missing or older than the sources.
 * Each project's roots are its own folders: jest never crawls test/compat's node_modules.
 */
const fs = require('fs');
const path = require('path');
const base = require('./.config/jest.config');
const compat = require('./test/compat');

const swc = base.transform['^.+\\.(t|j)sx?$'];

const frontend = {
  ...base,
  displayName: 'frontend',
  rootDir: __dirname,
  roots: ['<rootDir>/src'],
  transform: { ...base.transform, '^.+\\.mjs$': swc },
  testMatch: ['<rootDir>/src/**/*.{spec,test}.{ts,tsx}'],
};

const nodeTransform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true } }, module: { type: 'commonjs' } }],
};

const amd = {
  displayName: 'amd',
  rootDir: __dirname,
  roots: ['<rootDir>/test/amd'],
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/amd/**/*.test.ts'],
  // The real @grafana packages in Node: their CommonJS builds require .css files (no-ops
  // here, as the doc's Node loader registers them) and a few ESM-only dependencies.
  moduleNameMapper: { '\\.(css|scss|sass)$': 'identity-obj-proxy' },
  transform: { ...nodeTransform, '^.+\\.mjs$': nodeTransform['^.+\\.(t|j)sx?$'] },
  transformIgnorePatterns: base.transformIgnorePatterns,
  globalSetup: '<rootDir>/test/buildOnce.ts',
};

const browser = {
  displayName: 'browser',
  rootDir: __dirname,
  roots: ['<rootDir>/test/browser'],
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
  transform: nodeTransform,
  globalSetup: '<rootDir>/test/browser/globalSetup.ts',
};

/** The amd and browser projects once more against an older Grafana's shared modules (`globals.grafanaCompat` names it). */
const compatProjects = compat.COMPAT_VERSIONS.flatMap((name) => [
  { ...amd, displayName: `amd-${name}`, moduleNameMapper: { ...amd.moduleNameMapper, ...compat.jestModuleNameMapper(name) }, globals: { grafanaCompat: name } },
  { ...browser, displayName: `browser-${name}`, globals: { grafanaCompat: name } },
]);

const backendConfig = path.join(__dirname, 'jest.backend.config.js');

module.exports = {
  // Per-project testTimeout is not read by jest 29; this one applies to every project.
  testTimeout: 120000,
  projects: [frontend, amd, browser, ...compatProjects, ...(fs.existsSync(backendConfig) ? ['<rootDir>/jest.backend.config.js'] : [])],
};
