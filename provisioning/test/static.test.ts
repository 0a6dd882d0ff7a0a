/**
 * The committed provisioning files, checked without Grafana: uids, the plugin's query model,
 * variables, layout, alert rule shape, and the environment variables the files expect.
 * Expected values come from Grafana's provisioning contracts (copied to test/fixtures/grafana-contracts.md)
 * and from the plugin's query model (@quant-pairs/contract).
 */
import {
  ANALYTICS_FIELDS,
  DEFAULT_PAIRS,
  LIVE_QUERY_TYPES,
  QUERY_MODEL_VERSION,
  QUERY_TYPES,
  TIMEFRAMES,
  migrateQuery,
  validateQuery,
  type PairsQuery,
} from '@quant-pairs/contract';
import { DATASOURCE_UID, PLUGIN_ID, PROMETHEUS_UID, optionsFromEnv } from '../src/settings';
import { alertingFiles, dashboards, durationSeconds, expandEnv, readYaml, type DashboardJson, type Panel } from './files';
import { BACKTEST_UID } from '../src/dashboards/links';
import { rulesFile } from '../src/alerting';
import { regexOptions } from './variables';

const datasources = readYaml('datasources/datasources.yaml');
const rules = readYaml('alerting/rules.yaml');
const contactPoints = readYaml('alerting/contact-points.yaml');
const policies = readYaml('alerting/policies.yaml');
const provider = readYaml('dashboards/dashboards.yaml');

const provisionedUids = new Map<string, string>(datasources.datasources.map((d: any) => [d.uid, d.type]));

/** Every `$name` / `${name}` / `${name:format}` a string refers to. */
const variablesIn = (s: string) => [...s.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)].map((m) => m[1] ?? m[2]!);

describe('data sources', () => {
  it('provisions ours with a fixed uid, the collector URL and the token from the environment', () => {
    const ours = datasources.datasources.find((d: any) => d.type === PLUGIN_ID);
    expect(ours).toMatchObject({ uid: DATASOURCE_UID, access: 'proxy', isDefault: true, editable: false });
    // contracts.md §4a: secureJsonData is encrypted by Grafana; the value comes from env.
    expect(ours.secureJsonData).toEqual({ apiToken: '${API_TOKEN}' });
    expect(ours.jsonData.collectorUrl).toBe('${COLLECTOR_URL}');
    expect(expandEnv(ours.jsonData.collectorUrl, { COLLECTOR_URL: 'http://collector:8080' })).toBe('http://collector:8080');
  });
  it('provisions Prometheus for the ingest metrics', () => {
    expect(provisionedUids.get(PROMETHEUS_UID)).toBe('prometheus');
  });
  it('uids are unique', () => {
    expect(provisionedUids.size).toBe(datasources.datasources.length);
  });
  // Issue 23: Grafana 12/13 have open reports of start-up failures ("data source not found") with
  // `prune: true` (test/fixtures/grafana-contracts.md §4a lists the key); our fixed uids need none.
  it('does not prune', () => {
    expect(datasources).not.toHaveProperty('prune');
    expect(datasources.apiVersion).toBe(1);
  });
});

describe('dashboard provider', () => {
  it('reads the JSON folder that docker-compose.yml mounts', () => {
    const p = provider.providers[0];
    expect(p.type).toBe('file');
    // ./provisioning/dashboards is mounted at /etc/grafana/provisioning/dashboards.
    expect(p.options.path).toBe('/etc/grafana/provisioning/dashboards/json');
    expect(p.allowUiUpdates).toBe(false);
  });
  it('puts the dashboards in the folder of the alert rules, by title', () => {
    const p = provider.providers[0];
    expect(p.folder).toBe(rules.groups[0].folder);
    expect(p.folderUid).toBeUndefined();
  });
});

const all = dashboards();

describe.each(all.map((d) => [d.file, d.json] as const))('dashboard %s', (_file, dash: DashboardJson) => {
  const panels = dash.panels;
  const varNames = new Set((dash.templating.list ?? []).map((v) => v.name));

  it('has a stable uid, a title, no id', () => {
    expect(dash.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dash.title).not.toBe('');
    expect((dash as { id?: unknown }).id ?? null).toBeNull();
  });

  it('every panel and target uses a provisioned data source of the right type', () => {
    expect(panels.length).toBeGreaterThan(0);
    // Grafana's alert list reads the alerting API: no data source, no query (its options,
    // public/app/plugins/panel/alertlist/types.ts UnifiedAlertListOptions, hold none)
    for (const p of panels.filter((x) => x.type !== 'alertlist')) {
      expect(p.datasource).toBeDefined();
      expect(provisionedUids.get(p.datasource!.uid)).toBe(p.datasource!.type);
      expect(p.targets?.length ?? 0).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.datasource).toEqual(p.datasource);
    }
  });

  it('targets of our data source fit the plugin query model', () => {
    const ours = panels.flatMap((p) => p.targets ?? []).filter((t) => t.datasource?.uid === DATASOURCE_UID);
    const anno = (dash.annotations.list ?? []).filter((a) => a.datasource?.uid === DATASOURCE_UID).map((a) => a.target!);
    for (const t of [...ours, ...anno]) {
      expect(t.version).toBe(QUERY_MODEL_VERSION);
      expect(QUERY_TYPES).toContain(t.queryType);
      if (t.fields) for (const f of t.fields) expect(ANALYTICS_FIELDS).toContain(f);
      // Every variable a target uses is defined by the dashboard.
      for (const v of variablesIn(JSON.stringify(t))) expect(varNames).toContain(v);
      // The frontend's own checks: nothing for the editor to complain about, nothing to migrate.
      expect({ refId: t.refId, problems: validateQuery(t as PairsQuery) }).toEqual({ refId: t.refId, problems: {} });
      expect(migrateQuery(t as PairsQuery)).toBe(t);
    }
  });

  it('panels do not overlap and fit the 24-column grid', () => {
    const cells = new Set<string>();
    for (const { gridPos: g, title } of panels) {
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          const key = `${x},${y}`;
          if (cells.has(key)) throw new Error(`panel "${title}" overlaps another at ${key}`);
          cells.add(key);
        }
    }
  });

  it('panel ids are unique', () => {
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });
});

describe('pair overview', () => {
  const dash = all.find((d) => d.json.uid === 'quant-pairs-overview')!.json;
  const byType = (t: string) => dash.panels.filter((p) => p.type === t);
  const targetsOf = (p: Panel) => p.targets ?? [];

  it('has the variables pair, timeframe and window; pair lists our data source pairs', () => {
    const vars = dash.templating.list as any[];
    expect(vars.map((v) => v.name)).toEqual(expect.arrayContaining(['pair', 'timeframe', 'window', 'y', 'x']));
    const pair = vars.find((v) => v.name === 'pair');
    expect(pair).toMatchObject({ type: 'query', datasource: { uid: DATASOURCE_UID }, query: { kind: 'pairs', version: QUERY_MODEL_VERSION } });
    expect(vars.find((v) => v.name === 'timeframe').query.split(',')).toEqual([...TIMEFRAMES]);
    // windows: the collector's WINDOWS (the windows it keeps live, paper position included), no typed-in others (issue 28)
    const window = vars.find((v) => v.name === 'window');
    expect(window).toMatchObject({ type: 'query', datasource: { uid: DATASOURCE_UID }, query: { kind: 'windows' }, current: { value: '100' } });
    expect(window.allowCustomValue).not.toBe(true);
  });

  it.each(DEFAULT_PAIRS)('y and x are the legs of the chosen pair %s (Grafana regex semantics)', (chosen) => {
    const vars = dash.templating.list as any[];
    const [y, x] = chosen.split('/');
    const list = [...DEFAULT_PAIRS, 'ETHUSDT/SOLUSDT', `X${chosen}`];
    expect(regexOptions(vars.find((v) => v.name === 'y').regex, { pair: chosen }, list)).toEqual([y]);
    expect(regexOptions(vars.find((v) => v.name === 'x').regex, { pair: chosen }, list)).toEqual([x]);
  });

  it('streams live', () => {
    expect(dash.liveNow).toBe(true);
    // normalised bars are not streamed (the Live channel carries raw prices): they follow the time range
    const ours = dash.panels
      .flatMap(targetsOf)
      .filter((t) => t.queryType === 'analytics' || (t.queryType === 'bars' && t.normalize !== true) || t.queryType === 'stats');
    expect(ours.length).toBeGreaterThan(0);
    for (const t of ours) expect(t.live).toBe(true);
  });

  it('compares the rolling OLS and the tuned Kalman hedge of the selected pair, β and z (issue 18)', () => {
    const panels = dash.panels.filter((p) => /rolling OLS vs Kalman/.test(String(p.title)));
    expect(panels.map((p) => p.title)).toEqual(['Hedge ratio β: rolling OLS vs Kalman', 'z-score: rolling OLS vs Kalman']);
    for (const p of panels) {
      const [a, b] = targetsOf(p);
      if (!a || !b) throw new Error(`${String(p.title)}: two targets expected`);
      const field = String(p.title).startsWith('z') ? 'zscore' : 'beta';
      expect(a).toMatchObject({ queryType: 'analytics', pair: '$pair', timeframe: '$timeframe', window: '$window', fields: [field] });
      expect(a.hedge).toBeUndefined();
      expect(b).toMatchObject({ ...a, refId: 'B', hedge: 'kalman', tune: true, live: true });
      // each target is a valid query of the plugin's model
      expect(validateQuery(b as unknown as PairsQuery)).toEqual({});
    }
  });

  it('has candlesticks of both legs', () => {
    const c = byType('candlestick');
    expect(c.map((p) => targetsOf(p)[0]!.symbol).sort()).toEqual(['$x', '$y']);
  });

  it('draws z with ±2 threshold bands as shaded regions', () => {
    const z = dash.panels.find((p) => p.type === 'timeseries' && targetsOf(p)[0]!.fields?.includes('zscore'))!;
    expect(z.fieldConfig.defaults.custom.thresholdsStyle.mode).toMatch(/area/);
    expect(z.fieldConfig.defaults.thresholds.steps.map((s: { value: number | null }) => s.value)).toEqual([null, -2, 2]);
  });

  it('has stat panels that colour by threshold for z, beta, ADF p, Engle-Granger p, half-life, correlation', () => {
    const stats = byType('stat');
    expect(stats.map((p) => p.title)).toEqual(expect.arrayContaining(['z-score', 'Hedge ratio β', 'ADF p', 'Engle-Granger p', 'Half-life', 'Correlation']));
    for (const p of stats) {
      expect(p.options.colorMode).toBe('background');
      expect(targetsOf(p)[0]!.queryType).toBe('stats');
    }
  });

  it('shows the live paper position: side with LONG / FLAT / SHORT colours, unrealised P&L, equity, trades closed (issue 16)', () => {
    const paperFields = ['position', 'unrealisedPnl', 'equity', 'closedTrades'];
    const panels = byType('stat').filter((p) => paperFields.includes((p as any).transformations[0].options.include.names[1]));
    expect(panels.map((p) => [p.title, (p as any).transformations[0].options.include.names])).toEqual([
      ['Paper position', ['time', 'position']],
      ['Unrealised P&L', ['time', 'unrealisedPnl']],
      ['Paper equity', ['time', 'equity']],
      ['Paper trades closed', ['time', 'closedTrades']],
    ]);
    for (const p of panels) {
      const t = targetsOf(p)[0]!;
      // no entryZ / exitZ: the collector's live engine answers, the one that keeps the position
      expect(t).toEqual({
        refId: 'A',
        version: QUERY_MODEL_VERSION,
        queryType: 'stats',
        pair: '$pair',
        timeframe: '$timeframe',
        window: '$window',
        live: true,
        datasource: t.datasource,
      });
      expect(validateQuery(t as unknown as PairsQuery)).toEqual({});
    }
    // the side's words and colours: the backend's codes (query/display.ts POSITION_CODE)
    expect(panels[0]!.fieldConfig.defaults.mappings[0].options).toEqual({
      '1': { text: 'LONG', color: 'green', index: 0 },
      '0': { text: 'FLAT', color: 'text', index: 1 },
      '-1': { text: 'SHORT', color: 'red', index: 2 },
    });
    // P&L red below 0, green from 0; no unit set here, so the backend's (the y leg's quote asset) shows
    expect(panels[1]!.fieldConfig.defaults.thresholds.steps).toEqual([
      { value: null, color: 'red' },
      { value: 0, color: 'green' },
    ]);
    for (const p of panels) expect(p.fieldConfig.defaults.unit).toBeUndefined();
  });

  it('has a signal state timeline and signal annotations', () => {
    expect(byType('state-timeline')).toHaveLength(1);
    const a = dash.annotations.list.find((x) => x.datasource?.uid === DATASOURCE_UID)!;
    expect(a.target!.queryType).toBe('signals');
  });
});

/**
 * Issue 23: a stat panel shows the numbers of page load unless it streams or its dashboard
 * refreshes. @grafana/runtime's DataSourceWithBackend streams a query only when its frame carries
 * `meta.channel` (contracts.md §2), which our backend sets for `live: true` queries of
 * LIVE_QUERY_TYPES (bars at 1m / 5m only); any other query (a backtest, Prometheus) needs the
 * dashboard's refresh, at least Grafana's default min_refresh_interval of 5 s.
 */
describe('every stat panel updates live', () => {
  const streams = (t: Record<string, any>, p: Panel) =>
    (t.datasource ?? p.datasource)?.uid === DATASOURCE_UID &&
    t.live === true &&
    (LIVE_QUERY_TYPES as readonly string[]).includes(t.queryType) &&
    !(t.queryType === 'bars' && t.timeframe === '1s');

  it.each(all.map((d) => [d.file, d.json] as const))(
    '%s: on a Live channel or refreshed, and a streamed one shows a change',
    (_file, dash: DashboardJson & { refresh?: string }) => {
      const refreshes = dash.refresh !== undefined && dash.refresh !== '' && durationSeconds(dash.refresh) >= 5;
      const wrong: string[] = [];
      for (const p of dash.panels.filter((x) => x.type === 'stat')) {
        const targets = p.targets ?? [];
        if (targets.length === 0 || !(refreshes || targets.every((t) => streams(t, p)))) wrong.push(`${p.title}: neither streams nor refreshes`);
        // a streamed stat shows a change (Grafana's stat has no flash): its colour follows the value
        // (thresholds of 2+ steps or value mappings, as background or value colour), or, where no
        // threshold means anything (β, equity, a count), its sparkline of the streamed rows moves
        const d = p.fieldConfig?.defaults;
        const colours = /^(background|value)$/.test(String(p.options?.colorMode)) && (d?.thresholds?.steps?.length > 1 || d?.mappings?.length > 0);
        if (targets.some((t) => streams(t, p)) && !colours && p.options?.graphMode !== 'area') wrong.push(`${p.title}: shows no change`);
      }
      expect(wrong).toEqual([]);
    },
  );

  it('checks the stat panels of the pair overview (15: 11 and the 4 funding ones of issue 25) and the backtest', () => {
    const count = (uid: string) => all.find((d) => d.json.uid === uid)!.json.panels.filter((p) => p.type === 'stat').length;
    expect(count('quant-pairs-overview')).toBe(15);
    expect(count(BACKTEST_UID)).toBeGreaterThan(0);
  });
});

describe('backtest (issue 16)', () => {
  const bt = all.find((d) => d.json.uid === BACKTEST_UID)!.json;
  const targets = [...bt.panels.flatMap((p) => p.targets ?? []), ...(bt.annotations.list ?? []).map((a) => a.target!)] as any[];

  it("has variables pair, timeframe, window, entry, exit, stop and fee, defaulting to BACKTEST_DEFAULTS, and the walk-forward's train and test", () => {
    const vars = Object.fromEntries((bt.templating.list as any[]).map((v) => [v.name, v.current?.value]));
    // train and test: WALKFORWARD_DEFAULT_TRAIN and _TEST (issue 26)
    expect(vars).toEqual({ pair: DEFAULT_PAIRS[0], timeframe: '1m', window: '100', entry: '2', exit: '0', stop: '', fee: '10', train: '120', test: '60' });
  });

  it('feeds entry, exit, stop and fee to every backtest query', () => {
    expect(targets.length).toBeGreaterThan(8);
    for (const t of targets) {
      expect(t).toMatchObject({ queryType: 'backtest', entryZ: '$entry', exitZ: '$exit', stop: '$stop', feeBps: '$fee' });
    }
  });

  it('shows stat panels of the metrics, the equity curve, trades as annotations and table, and the sweep grid coloured by Sharpe', () => {
    const outputs = (type: string) => bt.panels.filter((p) => p.type === type).map((p) => (p.targets![0] as any).output);
    // the metrics, then the grid's verdict and the OU thresholds (issue 26)
    expect(outputs('stat')).toEqual([...Array(6).fill('metrics'), ...Array(3).fill('verdict'), ...Array(3).fill('ouband')]);
    expect(bt.panels.filter((p) => p.type === 'stat').map((p) => (p as any).transformations[0].options.include.names[0])).toEqual([
      'totalReturn',
      'sharpe',
      'maxDrawdown',
      'trades',
      'winRate',
      'fees',
      'dsr',
      'psr',
      'pbo',
      'ouEntryLong',
      'ouEntryShort',
      'ouMu',
    ]);
    expect(outputs('timeseries')).toEqual(['equity', 'walkforward']);
    expect(outputs('table')).toEqual(['sweep', 'sweep', 'folds', 'trades']);
    expect((bt.annotations.list ?? []).map((a) => (a.target as any).output)).toEqual(['trades']);
    const grid = bt.panels.find((p) => (p as any).transformations?.[0]?.id === 'groupingToMatrix') as any;
    expect(grid.transformations[0].options).toMatchObject({ rowField: 'Window', columnField: 'Entry', valueField: 'Sharpe' });
    expect(grid.fieldConfig.defaults.custom.cellOptions.type).toBe('color-background');
    expect(grid.fieldConfig.defaults.thresholds.steps.map((s: { value: number | null }) => s.value)).toEqual([null, 0, 1]);
  });

  it("issue 26: PBO red from 0.5, DSR green from 0.95; the verdict and walk-forward run the sweep panels' grid, the walk-forward on $train and $test", () => {
    const panel = (field: string) => bt.panels.find((p) => (p as any).transformations?.[0]?.options?.include?.names?.[0] === field) as any;
    const steps = (field: string) => panel(field).fieldConfig.defaults.thresholds.steps.map((s: { value: number | null; color: string }) => [s.value, s.color]);
    expect(steps('pbo')).toEqual([
      [null, 'green'],
      [0.25, 'orange'],
      [0.5, 'red'],
    ]);
    expect(steps('dsr')).toEqual([
      [null, 'red'],
      [0.5, 'orange'],
      [0.95, 'green'],
    ]);
    const sweep = targets.find((t) => t.output === 'sweep');
    for (const t of targets.filter((x) => ['verdict', 'walkforward', 'folds'].includes(x.output))) {
      expect([t.output, t.sweepWindows, t.sweepEntries, t.sweepExits]).toEqual([t.output, sweep.sweepWindows, sweep.sweepEntries, sweep.sweepExits]);
    }
    for (const t of targets.filter((x) => ['walkforward', 'folds'].includes(x.output))) expect(t).toMatchObject({ wfTrain: '$train', wfTest: '$test' });
  });
});

describe('alert rules', () => {
  const group = rules.groups[0];
  const opts = optionsFromEnv({});

  // Grafana's alert scheduler ticks every 10 s and refuses (at start-up, for provisioned files)
  // a group interval that is not a positive multiple of it: "interval (15s) should be non-zero
  // and divided exactly by scheduler interval: 10" (grafana/grafana
  // pkg/services/ngalert/models/alert_rule.go ValidateRuleGroupInterval).
  it.each(alertingFiles().flatMap(({ file, doc }) => (doc.groups ?? []).map((g: any) => [file, g.name, g.interval] as const)))(
    '%s group %s: interval %s is a positive multiple of the 10 s scheduler tick',
    (_file, _name, interval) => {
      const s = durationSeconds(interval);
      expect({ interval, seconds: s, ok: s > 0 && s % 10 === 0 }).toEqual({ interval, seconds: s, ok: true });
    },
  );

  it('the interval check refuses what Grafana refuses', () => {
    const ok = (d: string) => durationSeconds(d) > 0 && durationSeconds(d) % 10 === 0;
    expect(['10s', '1m', '1m30s', '2h'].map(ok)).toEqual([true, true, true, true]);
    expect(['15s', '0s', '5s', '1m5s'].map(ok)).toEqual([false, false, false, false]);
    expect(() => durationSeconds('fast')).toThrow(/not a duration/);
  });

  it('evaluate every 10 to 30 seconds', () => {
    const s = durationSeconds(group.interval);
    expect(s).toBeGreaterThanOrEqual(10);
    expect(s).toBeLessThanOrEqual(30);
  });

  it('exist once per configured pair', () => {
    expect(group.rules.map((r: any) => r.labels.pair)).toEqual(DEFAULT_PAIRS);
    expect(new Set(group.rules.map((r: any) => r.uid)).size).toBe(group.rules.length);
    for (const r of group.rules) expect(r.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
  });

  it('perpetual pairs (issue 25) get uids Grafana takes: no "." (pkg/util/shortid_generator.go validUIDPattern), distinct, labels as written', () => {
    const pairs = ['ETHUSDT.P/BTCUSDT.P', 'BTCUSDT.P/BTCUSDT', 'BTCUSDT/BTCUSDT.P', '1000PEPEUSDT.P/PEPEUSDT'];
    const file = rulesFile({ ...opts, pairs });
    const rules = file.groups.flatMap((g) => g.rules);
    expect(rules.filter((r) => r.uid.startsWith('z-')).map((r) => r.uid)).toEqual([
      'z-ethusdt_p-btcusdt_p',
      'z-btcusdt_p-btcusdt',
      'z-btcusdt-btcusdt_p',
      'z-1000pepeusdt_p-pepeusdt',
    ]);
    for (const r of rules) expect(r.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
    expect(new Set(rules.map((r) => r.uid)).size).toBe(rules.length);
    expect(rules.filter((r) => r.uid.startsWith('z-')).map((r) => r.labels.pair)).toEqual(pairs);
    for (const r of rules) for (const d of r.data) if (d.datasourceUid === DATASOURCE_UID) expect(validateQuery(d.model as any)).toEqual({});
  });

  it.each(DEFAULT_PAIRS)('%s: A = our z query, B = last of A, C = B outside (-2, 2)', (pair) => {
    const r = group.rules.find((x: any) => x.labels.pair === pair);
    expect(r.condition).toBe('C');
    const [a, b, c] = r.data;
    expect(a).toMatchObject({ refId: 'A', datasourceUid: DATASOURCE_UID });
    expect(a.model).toMatchObject({ queryType: 'analytics', pair, version: QUERY_MODEL_VERSION, fields: ['zscore'] });
    expect(validateQuery(a.model)).toEqual({});
    expect(migrateQuery(a.model)).toBe(a.model);
    expect(TIMEFRAMES).toContain(a.model.timeframe);
    // contracts.md §3: relativeTimeRange in seconds, from > to.
    expect(a.relativeTimeRange.from).toBeGreaterThan(a.relativeTimeRange.to);
    expect(b).toMatchObject({ refId: 'B', datasourceUid: '__expr__', model: { type: 'reduce', expression: 'A', reducer: 'last' } });
    expect(c).toMatchObject({ refId: 'C', datasourceUid: '__expr__', model: { type: 'threshold', expression: 'B' } });
    expect(c.model.conditions).toEqual([{ evaluator: { type: 'outside_range', params: [-opts.alertZ, opts.alertZ] } }]);
  });

  it('link to the z-score chart of the pair overview', () => {
    const overview = all.find((d) => d.json.uid === 'quant-pairs-overview')!.json;
    for (const r of group.rules) {
      expect(r.dashboardUid).toBe(overview.uid);
      const panel = overview.panels.find((p) => p.id === r.panelId)!;
      expect(panel.type).toBe('timeseries');
      expect(panel.targets![0]!.fields).toEqual(['zscore']);
    }
  });

  it('labels carry pair, timeframe, direction; the summary states z and the signal', () => {
    for (const r of group.rules) {
      expect(Object.keys(r.labels)).toEqual(expect.arrayContaining(['pair', 'timeframe', 'direction']));
      // Grafana expands env vars in labels ($$ = literal $) and only ${VAR} in annotations.
      const direction = expandEnv(r.labels.direction, {});
      expect(direction).toBe('{{ if gt $values.B.Value 0.0 }}SHORT{{ else }}LONG{{ end }}');
      const summary = expandEnv(r.annotations.summary, {}, true);
      expect(summary).toBe(r.annotations.summary);
      expect(summary).toContain('{{ printf "%.2f" $values.B.Value }}');
      expect(summary).toMatch(/SHORT the spread.*LONG the spread/);
    }
  });
});

describe('contact points and policy', () => {
  it('send to the collector webhook, with the token; an e-mail example exists', () => {
    const hook = contactPoints.contactPoints.find((c: any) => c.receivers[0].type === 'webhook');
    const s = hook.receivers[0].settings;
    expect(expandEnv(s.url, { COLLECTOR_URL: 'http://collector:8080' })).toBe('http://collector:8080/api/alerts');
    expect(s.httpMethod).toBe('POST');
    expect(s.authorization_credentials).toBe('${API_TOKEN}');
    const mail = contactPoints.contactPoints.find((c: any) => c.receivers[0].type === 'email');
    expect(mail.receivers[0].settings.addresses).toBe('${ALERT_EMAIL}');
  });
  it('route the z alerts to the webhook', () => {
    const root = policies.policies[0];
    expect(root.receiver).toBe(hookName());
    expect(root.group_by).toContain('pair');
    expect(root.routes[0].receiver).toBe(hookName());
    function hookName() {
      return contactPoints.contactPoints.find((c: any) => c.receivers[0].type === 'webhook').name;
    }
  });
});
