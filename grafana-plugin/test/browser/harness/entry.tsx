/**
 * The test page's own bundle: what Grafana provides to a plugin at run time (React, ReactDOM,
 * @grafana/data, ui and runtime, rxjs, emotion), an AMD `define` that hands them to the real
 * dist/module.js, and a tiny "panel editor" that renders the plugin's QueryEditor and
 * ConfigEditor inside @grafana/ui's theme context with Grafana's dark theme.
 *
 * Every value passed to an editor is deep-frozen, as in the jest tests: a mutation throws in
 * the plugin's strict-mode code and fails the browser test through `pageerror`.
 */
import * as emotionCss from '@emotion/css';
import * as grafanaData from '@grafana/data';
import { CoreApp, createTheme, type DataSourceInstanceSettings, type DataSourcePlugin, type DataSourceSettings, type ScopedVars } from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import { setBackendSrv, setTemplateSrv } from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import { GlobalStyles, PortalContainer, ThemeContext } from '@grafana/ui';
import * as React from 'react';
import { useState } from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';

import { fetchBackendSrv } from '../../support/fetchBackendSrv';
import { renderDashboard, type DashboardShot } from './dashboard';

/** The versions of the shared modules this bundle holds (webpack DefinePlugin, from the folders it aliased). */
declare const __HOST_VERSIONS__: Record<string, string>;
export const versions = __HOST_VERSIONS__;

const EXTERNALS: Record<string, unknown> = {
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUi,
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  rxjs,
};

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    Object.values(o as Record<string, unknown>).forEach(deepFreeze);
  }
  return o;
}

/** Loads an AMD module the way Grafana's loader does: its dependencies are the host's modules. */
async function loadAmd(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(`GET ${url}: ${res.status}`);
  }
  const source = await res.text();
  let exported: Record<string, unknown> | undefined;
  const define = (deps: string[], factory: (...args: unknown[]) => Record<string, unknown>) => {
    const args = deps.map((d) => {
      if (d === 'module') {
        return { id: url, uri: url };
      }
      if (!(d in EXTERNALS)) {
        throw new Error(`module.js needs "${d}", which Grafana does not provide to plugins`);
      }
      return EXTERNALS[d];
    });
    exported = factory(...args);
  };
  new Function('define', source)(define);
  if (!exported) {
    throw new Error(`${url} did not call define()`);
  }
  return exported;
}

/** Grafana's single-value interpolation for the harness's dashboard variables. */
const VARIABLES: Record<string, string> = { pair: 'SOLUSDT/ETHUSDT', tf: '5m', window: '250' };
setTemplateSrv({
  getVariables: () => Object.keys(VARIABLES).map((name) => ({ name, type: 'custom' })) as never,
  replace: (t?: string, scoped?: ScopedVars) =>
    (t ?? '').replace(/\$(\w+)|\$\{(\w+)\}/g, (all, a, b) => String(scoped?.[a ?? b]?.value ?? VARIABLES[a ?? b] ?? all)),
  containsTemplate: (t?: string) => /\$\w/.test(t ?? ''),
  updateTimeRange: () => {},
});

/** Grafana's HTTP layer, backed by the browser's fetch against the test's loopback server. */
setBackendSrv(fetchBackendSrv(window.location.origin));

const theme = createTheme({ colors: { mode: 'dark' } });

type AnyPlugin = DataSourcePlugin<any, any, any, any>;

const instanceSettings = {
  id: 1,
  // ?uid=: the emulated Grafana's data source (the screenshots run the provisioned one, quant-pairs)
  uid: new URLSearchParams(window.location.search).get('uid') ?? 'pairs',
  type: 'quant-pairs-datasource',
  name: 'Pairs',
  access: 'proxy',
  readOnly: false,
  jsonData: { collectorUrl: 'http://collector:8080' },
  meta: { id: 'quant-pairs-datasource', name: 'Quant Pairs', type: 'datasource', backend: true, streaming: true, info: { version: 'test' } },
} as unknown as DataSourceInstanceSettings;

const initialOptions = {
  id: 1,
  uid: 'pairs',
  orgId: 1,
  name: 'Pairs',
  type: 'quant-pairs-datasource',
  typeName: 'Quant Pairs',
  typeLogoUrl: '',
  access: 'proxy',
  url: '',
  user: '',
  database: '',
  basicAuth: false,
  basicAuthUser: '',
  isDefault: true,
  jsonData: { collectorUrl: 'http://collector:8080' },
  secureJsonFields: { apiToken: true },
  readOnly: false,
  withCredentials: false,
} as DataSourceSettings;

function Section({ title, id, children }: { title: string; id: string; children: React.ReactNode }) {
  return (
    <section
      data-testid={id}
      style={{ padding: 16, background: theme.colors.background.primary, border: `1px solid ${theme.colors.border.weak}`, borderRadius: 4, width: 900 }}
    >
      <h4 style={{ marginBottom: 12 }}>{title}</h4>
      {children}
    </section>
  );
}

function App({ plugin }: { plugin: AnyPlugin }) {
  const [ds] = useState(() => new (plugin.DataSourceClass as any)(instanceSettings));
  const [query, setQuery] = useState(() => deepFreeze({ refId: 'A', ...ds.getDefaultQuery(CoreApp.PanelEditor) }));
  const [runs, setRuns] = useState(0);
  const [options, setOptions] = useState(() => deepFreeze(initialOptions));
  const [variableQuery, setVariableQuery] = useState(() => deepFreeze({ refId: 'V', version: 1, kind: 'pairs' }));
  const VariableEditor = (ds.variables as { editor?: React.ComponentType<any> } | undefined)?.editor;
  const QueryEditor = plugin.components.QueryEditor!;
  const ConfigEditor = plugin.components.ConfigEditor!;
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <div style={{ padding: 16, display: 'flex', flexDirection: 'column', gap: 16 }}>
        <Section title="Query editor" id="query-section">
          <QueryEditor
            query={query}
            datasource={ds}
            app={CoreApp.PanelEditor}
            onChange={(q: unknown) => setQuery(deepFreeze(q) as typeof query)}
            onRunQuery={() => setRuns((r) => r + 1)}
          />
          <pre data-testid="query-json" style={{ marginTop: 12 }}>
            {JSON.stringify(query, null, 2)}
          </pre>
          <div>
            queries run: <span data-testid="runs">{runs}</span>
          </div>
        </Section>
        {VariableEditor && (
          <Section title="Variable query" id="variable-section">
            <VariableEditor
              query={variableQuery}
              datasource={ds}
              onChange={(q: unknown) => setVariableQuery(deepFreeze(q) as typeof variableQuery)}
              onRunQuery={() => {}}
            />
            <pre data-testid="variable-json" style={{ marginTop: 12 }}>
              {JSON.stringify(variableQuery)}
            </pre>
          </Section>
        )}
        <Section title="Data source settings" id="config-section">
          <ConfigEditor options={options} onOptionsChange={(o: DataSourceSettings) => setOptions(deepFreeze(o))} />
          <pre data-testid="options-json" style={{ marginTop: 12 }}>
            {JSON.stringify({ jsonData: options.jsonData, secureJsonData: options.secureJsonData, secureJsonFields: options.secureJsonFields }, null, 2)}
          </pre>
        </Section>
      </div>
      <PortalContainer />
    </ThemeContext.Provider>
  );
}

export async function start(moduleUrl: string): Promise<void> {
  const exported = await loadAmd(moduleUrl);
  const plugin = exported.plugin as AnyPlugin;
  if (!plugin || !plugin.components?.QueryEditor || !plugin.components?.ConfigEditor) {
    throw new Error('module.js exports no plugin with a QueryEditor and a ConfigEditor');
  }
  const root = document.getElementById('root')!;
  createRoot(root).render(<App plugin={plugin} />);
}

/** A provisioned dashboard drawn from our frames (dashboard.tsx), `width` px wide, in the editors' theme. */
export function showDashboard(shot: DashboardShot, width: number): void {
  renderDashboard(shot, width, theme);
}
