/**
 * Our own frames for every panel of the provisioned dashboards (provisioning/dashboards/json, as
 * Grafana loads them) on our data source: the demo's collector (the fake Binance's cointegrated
 * BTC / ETH / SOL with its hours of past trades, src/demo.ts) behind the real backend in the
 * Grafana emulator, each panel's targets asked through /api/ds/query over the dashboard's time
 * range with its variables at their defaults, as provisioning/test/demo.test.ts resolves them
 * (y / x through their regexes; a repeated panel once, for the first top pair). New panels and
 * dashboards are picked up as they are generated.
 *
 *   const demo = await startDemo(dir);
 *   const shots = await dashboardShots(demo.emulator.url); // DashboardShot[] for the harness
 */
import type { AddressInfo } from 'net';
import path from 'path';
import type { PairsQuery } from '@quant-pairs/contract';

import { loadConfig } from '../../../collector/src/config';
import { demoPast, demoPastMs } from '../../../collector/src/demo';
import { startFakeBinance } from '../../../collector/src/fake-binance';
import { log } from '../../../collector/src/log';
import { startCollector } from '../../../collector/src/main';
import { DATASOURCE_UID } from '../../../provisioning/src/settings';
import { dashboards, type Panel } from '../../../provisioning/test/files';
import { regexOptions } from '../../../provisioning/test/variables';
import { interpolateQuery } from '../../src/query';
import { resourceValues } from '../../src/resources';
import type { DashboardShot, PanelShot } from '../browser/harness/dashboard';
import { startEmulator, type Emulator } from '../emulator';

const PLUGIN_DIR = path.resolve(__dirname, '..', '..', 'dist');
const TOKEN = 'screenshots-token';

export interface Demo {
  emulator: Emulator;
  stop(): Promise<void>;
}

/** The demo's fake Binance and collector on loopback, with a fresh database in `dir`, and the emulator in front. */
export async function startDemo(dir: string): Promise<Demo> {
  log.configure({ level: 'error' });
  const config = loadConfig({ DB_PATH: path.join(dir, 'demo.db'), HOST: '127.0.0.1', PORT: '0', API_TOKEN: TOKEN });
  const symbols = [...new Set([...config.pairs.map((p) => p.x), ...config.symbols])];
  const fake = await startFakeBinance({ symbols, rate: 20, historyLimit: 400_000, past: demoPast(demoPastMs(config)) });
  const collector = await startCollector({ ...config, binanceWsUrl: fake.wsUrl, binanceRestUrl: fake.restUrl });
  const collectorUrl = `http://127.0.0.1:${(collector.server!.address() as AddressInfo).port}`;
  const emulator = await startEmulator({
    pluginDir: PLUGIN_DIR,
    dataSource: { uid: DATASOURCE_UID, jsonData: { collectorUrl }, secureJsonData: { apiToken: TOKEN } },
  });
  return {
    emulator,
    async stop() {
      await emulator.stop();
      await collector.stop();
      await fake.stop();
    },
  };
}

/** `now-6h` (a dashboard's `time`) as epoch ms. */
function relative(text: string, now: number): number {
  const m = /^now(?:-(\d+)([smhd]))?$/.exec(text);
  if (!m) {
    throw new Error(`time ${JSON.stringify(text)}: only now and now-<n><s|m|h|d> are read`);
  }
  return now - Number(m[1] ?? 0) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[(m[2] ?? 's') as 's'];
}

async function resource(url: string, kind: 'pairs' | 'topPairs'): Promise<string[]> {
  const r = await fetch(`${url}/api/datasources/uid/${DATASOURCE_UID}/resources/${kind}`);
  return resourceValues(kind, await r.json());
}

type Target = Record<string, unknown> & { refId: string; datasource?: { uid?: string } };

/** One panel's frames: each of its targets on our data source, interpolated with `vars`. */
async function panelShot(
  url: string,
  panel: Panel,
  vars: Map<string, string>,
  from: number,
  to: number,
): Promise<PanelShot & { rows: number; optional: boolean }> {
  const fill = (t: string) => t.replace(/\$\{?(\w+)(?::\w+)?\}?/g, (m, name: string) => vars.get(name) ?? m);
  const queries = ((panel.targets ?? []) as Target[])
    .filter((t) => t.datasource?.uid === DATASOURCE_UID)
    .map((t) => interpolateQuery(t as unknown as PairsQuery, fill));
  const r = await fetch(`${url}/api/ds/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queries: queries.map((q) => ({ ...q, intervalMs: 60_000, maxDataPoints: 800 })), from: String(from), to: String(to) }),
  });
  const body = (await r.json()) as { results: Record<string, { error?: string; frames?: PanelShot['frames'] }> };
  const failed = Object.entries(body.results).filter(([, v]) => v.error);
  if (failed.length) {
    throw new Error(`${panel.title}: ${failed.map(([k, v]) => `${k}: ${v.error}`).join('; ')}`);
  }
  const frames = Object.values(body.results).flatMap((v) => v.frames ?? []);
  const p = panel as Panel & { transformations?: PanelShot['transformations'] };
  return {
    title: fill(panel.title),
    type: panel.type,
    gridPos: panel.gridPos,
    fieldConfig: panel.fieldConfig,
    options: panel.options,
    transformations: p.transformations,
    frames,
    rows: frames.reduce((n, f) => n + ((f.data?.values?.[0] as unknown[] | undefined)?.length ?? 0), 0),
    // the selected pairs alone may rightly be none
    optional: queries.every((q) => (q as { selectedOnly?: boolean }).selectedOnly === true),
  };
}

export interface Shot extends DashboardShot {
  /** Rows each panel got (panels in order), so a caller can tell an empty panel from a drawn one. */
  rows: number[];
  /** Whether each panel may rightly have no rows (the selected pairs only). */
  optional: boolean[];
}

/**
 * The dashboards with at least one panel on our data source, each with those panels' frames.
 * `keep` picks panels (default: all).
 */
export async function dashboardShots(url: string, keep: (dashboard: string, panel: Panel) => boolean = () => true): Promise<Shot[]> {
  const now = Date.now();
  const pairs = await resource(url, 'pairs');
  const top = await resource(url, 'topPairs');
  const out: Shot[] = [];
  for (const { json: dash } of dashboards()) {
    const list = dash.templating?.list ?? [];
    const vars = new Map<string, string>(list.map((v) => [v.name, String(v.current?.value ?? '')]));
    for (const v of list as Array<{ name: string; regex?: string }>) {
      if (v.regex) {
        vars.set(v.name, regexOptions(v.regex, { pair: vars.get('pair')! }, pairs)[0]!);
      }
    }
    if (top[0]) {
      vars.set('toppairs', top[0]);
    }
    const time = (dash as { time?: { from: string; to: string } }).time ?? { from: 'now-6h', to: 'now' };
    const from = relative(time.from, now);
    const to = relative(time.to, now);
    const ours = dash.panels.filter((p) => (p.targets ?? []).some((t) => t.datasource?.uid === DATASOURCE_UID) && keep(dash.title, p));
    if (ours.length === 0) {
      continue;
    }
    const panels = await Promise.all(ours.map((p) => panelShot(url, p, vars, from, to)));
    out.push({
      uid: dash.uid,
      title: dash.title,
      from,
      to,
      panels: panels.map(({ rows: _r, optional: _o, ...p }) => p),
      rows: panels.map((p) => p.rows),
      optional: panels.map((p) => p.optional),
    });
  }
  return out;
}

/** Waits (up to `timeoutMs`) until every panel that asks for more than the selected pairs has rows: the demo's history is in. */
export async function waitForData(url: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const shots = await dashboardShots(url);
      const empty = shots.flatMap((s) => s.panels.filter((_, i) => s.rows[i] === 0 && !s.optional[i]).map((p) => `${s.title}: ${p.title}`));
      if (shots.length && empty.length === 0) {
        return;
      }
      last = `no rows yet: ${empty.join(', ')}`;
    } catch (e) {
      last = String(e);
    }
    if (Date.now() > end) {
      throw new Error(`the demo's panels had no data within ${timeoutMs} ms (${last})`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
