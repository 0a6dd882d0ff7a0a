/**
 * The desk's dashboards (issue 28 item 6), checked without Grafana against Grafana's own contracts:
 * the Desk's all-pairs table and its row links, the fired-alerts list, the links between the
 * dashboards, the Pair overview's $entry / $exit, normalised legs, z histogram and p-value /
 * half-life history, and a CSV link on every panel of our data source.
 *
 * Grafana sources relied on (grafana/grafana):
 * - public/app/features/panel/panellinks/link_srv.ts (commit 023625e9) LinkSrv.getDataLinkUIModel:
 *   a data or panel link's URL gets locationUtil.assureBaseUrl (Grafana's sub-path prefixed to a
 *   "/..." URL) and its variables replaced with VariableFormatID.UriEncode; getLinkUrl: a dashboard
 *   link's keepTime / includeVars append the time range and every variable as var-<name>.
 * - packages/grafana-data/src/field/fieldDisplayValuesProxy.ts: ${__data.fields.<x>} matches a
 *   field by its name first.
 * - public/app/plugins/panel/alertlist/types.ts (commit 023625e9) lines 4-45: SortOrder (TimeDesc = 5),
 *   StateFilter, UnifiedAlertListOptions.
 * - public/app/plugins/panel/barchart/panelcfg.gen.ts (commit 0b2fa1e2) line 29 colorByField ("use
 *   the color value for a sibling field to color each bar value"), line 58 xField.
 * - packages/grafana-data/src/transformations/transformers/histogram.ts: the histogram
 *   transformation (id "histogram", options bucketSize, bucketOffset, combine) names the bins'
 *   lower edges xMin (histogramFrameBucketMinFieldName).
 */
import { EXPORT_RESOURCE, QUERY_MODEL_VERSION, SCAN_DEFAULTS } from '@quant-pairs/contract';
import { Z_BIN } from '../src/dashboards/pairOverviewDesk';
import { BACKTEST_UID, DESK_UID, PAIR_OVERVIEW_UID, PAIR_SCANNER_UID } from '../src/dashboards/links';
import { DATASOURCE_UID, optionsFromEnv } from '../src/settings';
import { dashboards, type DashboardJson, type Panel } from './files';

const all = dashboards();
const byUid = (uid: string) => all.find((d) => d.json.uid === uid)!.json;
const desk = byUid(DESK_UID);
const overview = byUid(PAIR_OVERVIEW_UID);
const z = optionsFromEnv({}).alertZ;

/** Grafana's interpolation of a link URL: variables URI-encoded (link_srv.ts getDataLinkUIModel). */
function interpolateLink(url: string, values: Record<string, string>): URL {
  const replaced = url.replace(/\$\{([\w.]+)(?::\w+)?\}|\$(\w+)/g, (m, a?: string, b?: string) => {
    const v = values[a ?? b ?? ''];
    return v === undefined ? m : encodeURIComponent(v);
  });
  expect(replaced).not.toContain('$');
  return new URL(replaced, 'http://grafana.invalid');
}

const linksOf = (p: Panel, field: string): Array<{ title: string; url: string }> =>
  (p.fieldConfig?.overrides ?? []).find((o: any) => o.matcher.id === 'byName' && o.matcher.options === field)?.properties.find((x: any) => x.id === 'links')
    ?.value ?? [];

describe('the Desk', () => {
  const table = desk.panels.find((p) => p.type === 'table' && p.targets?.[0]?.queryType === 'summary')!;

  it('lists every configured pair at the timeframe and window of its variables', () => {
    expect(table.targets).toEqual([
      {
        refId: 'A',
        version: QUERY_MODEL_VERSION,
        queryType: 'summary',
        timeframe: '$timeframe',
        window: '$window',
        datasource: { type: 'quant-pairs-datasource', uid: DATASOURCE_UID },
      },
    ]);
    const vars = desk.templating.list as any[];
    expect(vars.find((v) => v.name === 'window')).toMatchObject({ type: 'query', query: { kind: 'windows' }, current: { value: '100' } });
    expect(vars.find((v) => v.name === 'timeframe')).toMatchObject({ type: 'custom', current: { value: '1m' } });
    // z, p-values as coloured backgrounds (the backend's thresholds: z by |z|), the sides and P&L as coloured text
    const cell = (name: string) => (table.fieldConfig.overrides as any[]).find((o) => o.matcher.options === name)?.properties[0].value.type;
    expect(['zscore', 'adfPValue', 'egPValue'].map(cell)).toEqual(['color-background', 'color-background', 'color-background']);
    expect(['signal', 'position', 'unrealisedPnl'].map(cell)).toEqual(['color-text', 'color-text', 'color-text']);
  });

  it("each row's pair opens its overview and its backtest with this timeframe, window and time range", () => {
    const links = linksOf(table, 'pair');
    expect(links.map((l) => l.title)).toEqual(['Pair overview: ${__data.fields.pair}', 'Backtest: ${__data.fields.pair}']);
    const values = { '__data.fields.pair': 'PEPEUSDT/BTCUSDT', timeframe: '5m', window: '30', __from: '1795651260000', __to: '1795672860000' };
    const [toOverview, toBacktest] = links.map((l) => interpolateLink(l.url, values));
    expect(toOverview!.pathname).toBe(`/d/${PAIR_OVERVIEW_UID}`);
    expect(toBacktest!.pathname).toBe(`/d/${BACKTEST_UID}`);
    for (const u of [toOverview!, toBacktest!])
      expect(Object.fromEntries(u.searchParams)).toEqual({
        'var-pair': 'PEPEUSDT/BTCUSDT',
        'var-timeframe': '5m',
        'var-window': '30',
        from: '1795651260000',
        to: '1795672860000',
      });
  });

  it("lists the alert rules firing or pending now, newest first, with Grafana's alert list options", () => {
    const list = desk.panels.find((p) => p.type === 'alertlist')!;
    const known = [
      'maxItems',
      'sortOrder',
      'dashboardAlerts',
      'groupMode',
      'groupBy',
      'alertName',
      'showInstances',
      'folder',
      'stateFilter',
      'alertInstanceLabelFilter',
      'datasource',
      'viewMode',
      'showInactiveAlerts',
      'statColorMode',
      'statThresholds',
      'statValueMappings',
    ];
    for (const k of Object.keys(list.options)) expect(known).toContain(k);
    expect(list.options).toMatchObject({ viewMode: 'list', sortOrder: 5, showInstances: true, stateFilter: { firing: true, pending: true, normal: false } });
    expect(list.datasource).toBeUndefined();
  });
});

describe('links between the dashboards', () => {
  const uids = [DESK_UID, PAIR_OVERVIEW_UID, BACKTEST_UID, PAIR_SCANNER_UID];

  it.each(uids)('%s links to the other three, carrying its variables and the time range', (uid) => {
    const links = (byUid(uid) as DashboardJson & { links: any[] }).links;
    expect(links.map((l) => new URL(l.url, 'http://g.invalid').pathname).sort()).toEqual(
      uids
        .filter((u) => u !== uid)
        .map((u) => `/d/${u}`)
        .sort(),
    );
    for (const l of links) {
      expect(l).toMatchObject({ type: 'link', includeVars: true, keepTime: true });
      // placement inControlsMenu would tuck the link away in the controls menu instead of the dashboard's top
      expect(l.placement).toBeUndefined();
    }
  });

  it('the overview and the backtest name pair, timeframe, window, entry and exit alike, so includeVars carries them', () => {
    const names = (d: DashboardJson) => new Set((d.templating.list as any[]).map((v) => v.name));
    const [o, b] = [names(overview), names(byUid(BACKTEST_UID))];
    for (const n of ['pair', 'timeframe', 'window', 'entry', 'exit'])
      expect({ n, overview: o.has(n), backtest: b.has(n) }).toEqual({ n, overview: true, backtest: true });
  });

  it("from a pair's dashboard to the scanner: that pair's p-value history; a scanner row to the pair's overview", () => {
    const toScanner = (overview as any).links.find((l: any) => l.url.startsWith(`/d/${PAIR_SCANNER_UID}`));
    expect(toScanner.url).toBe(`/d/${PAIR_SCANNER_UID}?var-scanpair=\${pair}`);
    const scanner = byUid(PAIR_SCANNER_UID);
    const table = scanner.panels.find((p) => p.type === 'table')!;
    const u = interpolateLink(linksOf(table, 'pair')[0]!.url, { '__data.fields.pair': 'SOLUSDT/ETHUSDT', __from: '1', __to: '2' });
    expect(Object.fromEntries(u.searchParams)).toMatchObject({ 'var-pair': 'SOLUSDT/ETHUSDT', 'var-timeframe': SCAN_DEFAULTS.tf });
  });
});

describe('the Pair overview (issue 28)', () => {
  it("$entry (default ALERT_Z) and $exit (empty: none) feed every pair query but the paper position's", () => {
    const vars = overview.templating.list as any[];
    expect(vars.find((v) => v.name === 'entry')).toMatchObject({ type: 'custom', current: { value: String(z) } });
    expect(vars.find((v) => v.name === 'exit')).toMatchObject({ type: 'textbox', current: { value: '' } });
    const pairTargets = overview.panels
      .flatMap((p) => (p.targets ?? []).map((t) => ({ p, t })))
      .filter(({ t }) => ['analytics', 'stats', 'signals'].includes(t.queryType));
    // (and issue 25's funding columns of the same live row)
    const paper = [
      'Paper position',
      'Unrealised P&L',
      'Paper equity',
      'Paper trades closed',
      'Paper position funding',
      'Next funding',
      'Next funding rate',
      'Mark-index premium',
    ];
    for (const { p, t } of pairTargets) {
      const want = paper.includes(p.title) ? [undefined, undefined] : ['$entry', '$exit'];
      expect({ panel: p.title, thresholds: [t.entryZ, t.exitZ] }).toEqual({ panel: p.title, thresholds: want });
    }
    expect(overview.annotations.list.find((a) => a.name === 'Signals')!.target).toMatchObject({ entryZ: '$entry', exitZ: '$exit' });
  });

  it("overlays the two legs' normalised closes", () => {
    const p = overview.panels.find((x) => x.title.startsWith('Legs normalised'))!;
    expect(p.type).toBe('timeseries');
    expect(p.targets!.map((t) => [t.queryType, t.symbol, t.timeframe, t.normalize])).toEqual([
      ['bars', '$y', '$timeframe', true],
      ['bars', '$x', '$timeframe', true],
    ]);
  });

  it('draws z as a histogram, each bin coloured by its band: red beyond ±entry, orange between, blue at the exit', () => {
    const p = overview.panels.find((x) => x.title.startsWith('z distribution'))!;
    expect(p.type).toBe('barchart');
    expect(p.targets![0]).toMatchObject({ queryType: 'analytics', fields: ['zscore'], entryZ: '$entry' });
    expect((p as any).transformations).toEqual([{ id: 'histogram', options: { bucketSize: Z_BIN, bucketOffset: 0, combine: true } }]);
    expect(p.options).toMatchObject({ xField: 'xMin', colorByField: 'xMin' });
    expect(p.fieldConfig.defaults.color).toEqual({ mode: 'thresholds' });
    // bins start at multiples of Z_BIN: ±ALERT_Z is a bin edge, so no bin straddles the entry
    expect(Number.isInteger(z / Z_BIN)).toBe(true);
    const colour = (xMin: number) =>
      (p.fieldConfig.defaults.thresholds.steps as Array<{ value: number | null; color: string }>).filter((s) => s.value === null || s.value <= xMin).at(-1)!
        .color;
    // bins [-2.25, -2) and [2, 2.25): beyond the entry; [-2, -1.75) and [1.75, 2): inside; [-0.25, 0) and [0, 0.25): at the exit (0)
    expect([-2.25, -2, 1.75, 2, -0.25, 0, 0.25].map(colour)).toEqual(['red', 'orange', 'orange', 'red', 'blue', 'blue', 'orange']);
  });

  it("shows the pair's Engle-Granger p-value and half-life in every scan", () => {
    const p = overview.panels.find((x) => x.title.startsWith('p-value and half-life history'))!;
    expect(p.targets![0]).toMatchObject({
      queryType: 'scan',
      pair: '$pair',
      scanFields: ['pvalue', 'halfLife'],
      timeframe: SCAN_DEFAULTS.tf,
      window: String(SCAN_DEFAULTS.window),
    });
  });
});

describe('CSV through the data source', () => {
  it.each(all.map((d) => [d.json.title, d.json] as const))(
    '%s: every panel on our data source links each of its queries to the export resource',
    (_t, dash) => {
      for (const p of dash.panels) {
        const ours = (p.targets ?? []).filter((t) => t.datasource?.uid === DATASOURCE_UID);
        const csv = ((p as any).links ?? []).filter((l: { url: string }) =>
          l.url.startsWith(`/api/datasources/uid/${DATASOURCE_UID}/resources/${EXPORT_RESOURCE}?`),
        );
        expect({ panel: p.title, links: csv.length }).toEqual({ panel: p.title, links: ours.length });
        ours.forEach((t, i) => {
          // the link's parameters are the target's fields (lists comma-separated), then the time range
          const values: Record<string, string> = {
            __from: '1795651260000',
            __to: '1795672860000',
            pair: 'ETHUSDT/BTCUSDT',
            y: 'ETHUSDT',
            x: 'BTCUSDT',
            symbol: '',
          };
          for (const v of dash.templating.list as any[]) values[v.name] ??= String(v.current?.value ?? '');
          values.toppairs = 'SOLUSDT/BTCUSDT';
          const u = interpolateLink(csv[i].url, values);
          const expected: Record<string, string> = {};
          for (const [k, v] of Object.entries(t)) {
            if (['refId', 'datasource', 'live'].includes(k)) continue;
            const text = Array.isArray(v) ? v.join(',') : String(v);
            expected[k] = text.replace(/\$\{?(\w+)\}?/g, (_m, name: string) => values[name] ?? `$${name}`);
          }
          expect(Object.fromEntries(u.searchParams)).toEqual({ ...expected, from: values.__from, to: values.__to });
        });
      }
    },
  );
});
