/**
 * Loads the built dist/module.js in Node the way Grafana's plugin loader does in a browser:
 * the file is an AMD module (`define([deps], factory)`), and each dependency is one of the
 * modules Grafana shares with plugins (@grafana/data, ui, runtime, react, rxjs, @emotion/css…),
 * here the real npm packages. `module` is the AMD meta module `{ id, uri }` from which the
 * plugin computes its public path.
 *
 * `define` is a parameter of the function that runs the source, not a global: a global
 * `define` would make UMD libraries loaded later take their AMD branch.
 */
import fs from 'fs';
import { JSDOM } from 'jsdom';
import path from 'path';

/** The modules Grafana provides to plugins (public/app/features/plugins/loader/sharedDependencies.ts). */
const SHARED = [
  '@emotion/css',
  '@emotion/react',
  '@grafana/data',
  '@grafana/runtime',
  '@grafana/ui',
  '@grafana/schema',
  'react',
  'react-dom',
  'react/jsx-runtime',
  'rxjs',
  'lodash',
  'moment',
  'i18next',
];

/**
 * The versions of the shared modules this test process hands to the plugin, read from the
 * package.json above what `require` resolves (jest's moduleNameMapper swaps in an older
 * Grafana's packages in the amd-<version> projects).
 */
export function hostVersions(): Record<string, string> {
  const version = (name: string): string => {
    let dir = path.dirname(require.resolve(name));
    for (;;) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version: string };
        if (pkg.name === name) {
          return pkg.version;
        }
      }
      if (path.dirname(dir) === dir) {
        throw new Error(`no package.json of ${name} above ${require.resolve(name)}`);
      }
      dir = path.dirname(dir);
    }
  };
  return Object.fromEntries(['@grafana/data', '@grafana/runtime', '@grafana/ui', 'react'].map((m) => [m, version(m)]));
}

export interface AmdModule {
  deps: string[];
  exports: Record<string, unknown>;
}

export function loadAmdModule(file: string, uri: string, provide: (name: string) => unknown): AmdModule {
  const source = fs.readFileSync(file, 'utf8');
  let result: AmdModule | undefined;
  const define = (deps: string[], factory: (...args: unknown[]) => Record<string, unknown>) => {
    if (!Array.isArray(deps) || typeof factory !== 'function') {
      throw new Error(`${file}: expected define([deps], factory)`);
    }
    const args = deps.map((d) => {
      if (d === 'module') {
        return { id: uri, uri };
      }
      if (!SHARED.includes(d)) {
        throw new Error(`${file} needs "${d}", which Grafana does not share with plugins`);
      }
      return provide(d);
    });
    result = { deps, exports: factory(...args) };
  };
  new Function('define', source)(define);
  if (!result) {
    throw new Error(`${file} did not call define()`);
  }
  return result;
}

/**
 * What @grafana/ui and @grafana/runtime expect of a browser, from jsdom: window, document and
 * friends on globalThis (only names Node does not have), jsdom's Event classes (uPlot checks
 * `instanceof`), matchMedia, and `grafanaBootData` with the settings the runtime reads.
 * Returns a function that removes what it added.
 */
export function installBrowserGlobals(): () => void {
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://127.0.0.1/', pretendToBeVisual: true });
  const win = dom.window as unknown as Record<string, unknown>;
  const g = globalThis as unknown as Record<string, unknown>;
  const added: string[] = [];
  const replaced: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(win)) {
    if (key in g || key.startsWith('_')) {
      continue;
    }
    try {
      g[key] = win[key];
      added.push(key);
    } catch {
      /* read-only on globalThis: leave Node's */
    }
  }
  for (const key of ['Event', 'CustomEvent', 'EventTarget']) {
    replaced[key] = g[key];
    g[key] = win[key];
  }
  g.window = win;
  g.document = win.document;
  g.matchMedia = (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener() {},
    removeListener() {},
    addEventListener() {},
    removeEventListener() {},
    dispatchEvent: () => false,
  });
  win.matchMedia = g.matchMedia;
  // The Grafana version the app reports is that of the @grafana packages it runs with.
  const boot = {
    settings: { buildInfo: { version: hostVersions()['@grafana/data'], edition: 'Open Source' }, featureToggles: {} },
    user: { timezone: 'utc' },
    navTree: [],
  };
  g.grafanaBootData = boot;
  win.grafanaBootData = boot;
  added.push('window', 'document', 'matchMedia', 'grafanaBootData');
  return () => {
    for (const key of added) {
      delete g[key];
    }
    Object.assign(g, replaced);
    dom.window.close();
  };
}
