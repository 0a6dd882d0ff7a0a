/**
 * Links between the dashboards (issue 28): the desk, the pair overview, the backtest and the
 * scanner link to one another carrying the pair, timeframe and window (Grafana's includeVars: every
 * variable of the dashboard as var-<name>; the overview and the backtest name theirs alike) and the
 * time range (keepTime); a row of a pairs table links to its pair's overview and backtest.
 *
 * And the CSV link of every panel on our data source: the data source's `export` resource with the
 * panel's query as URL parameters, so the file comes through Grafana and the plugin backend (the
 * collector's token added there) and works in docker compose, where the collector's API is not published.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { EXPORT_RESOURCE } from '@quant-pairs/contract';
import { DATASOURCE_UID } from '../settings';

export const DESK_UID = 'quant-pairs-desk';
export const PAIR_OVERVIEW_UID = 'quant-pairs-overview';
export const BACKTEST_UID = 'quant-pairs-backtest';
export const PAIR_SCANNER_UID = 'quant-pairs-scanner';
export const FUNDING_BASIS_UID = 'quant-pairs-funding';

const TITLES: Record<string, string> = {
  [DESK_UID]: 'Desk: all pairs',
  [PAIR_OVERVIEW_UID]: 'Pair overview',
  [BACKTEST_UID]: 'Backtest',
  [PAIR_SCANNER_UID]: 'Pair scanner',
};

/**
 * Links to the other three dashboards, each with the variables and the time range. To the scanner,
 * from a dashboard with a pair, the pair's p-value history (the scanner's `scanpair`).
 */
export function dashboardLinks(from: string, hasPair: boolean): Array<cog.Builder<dashboard.DashboardLink>> {
  return Object.entries(TITLES)
    .filter(([uid]) => uid !== from)
    .map(([uid, title]) => {
      const history = uid === PAIR_SCANNER_UID && hasPair;
      // built by hand: the SDK's builder adds placement inControlsMenu, which hides the link in the controls menu
      const link: dashboard.DashboardLink = {
        title,
        type: dashboard.DashboardLinkType.Link,
        url: history ? `/d/${uid}?var-scanpair=\${pair}` : `/d/${uid}`,
        tooltip: history ? 'The p-value history of this pair in every scan' : `${title}, same pair, timeframe, window and time range`,
        icon: 'dashboard',
        tags: [],
        asDropdown: false,
        targetBlank: false,
        includeVars: true,
        keepTime: true,
      };
      return { build: () => link };
    });
}

/**
 * Data links of a table's `pair` column: the row's pair in the overview and the backtest, with
 * this dashboard's timeframe and window and the time range. Values come URI-encoded (Grafana's
 * link_srv.ts getDataLinkUIModel interpolates with VariableFormatID.UriEncode), which ETHUSDT%2FBTCUSDT survives.
 */
export function pairRowLinks(timeframe: string, window: string): Array<{ title: string; url: string }> {
  const vars = `var-pair=\${__data.fields.pair}&var-timeframe=${timeframe}&var-window=${window}&from=\${__from}&to=\${__to}`;
  return [
    { title: 'Pair overview: ${__data.fields.pair}', url: `/d/${PAIR_OVERVIEW_UID}?${vars}` },
    { title: 'Backtest: ${__data.fields.pair}', url: `/d/${BACKTEST_UID}?${vars}` },
  ];
}

/** Keys of a query model that are Grafana's envelope or the stream switch, not the query. */
const NOT_EXPORTED = new Set(['refId', 'datasource', 'hide', 'key', 'live']);

/** A URL parameter value: literal text URI-encoded, template variables left for Grafana to replace (and encode). */
function param(value: string): string {
  return value
    .split(/(\$\{[^}]+\}|\$\w+|\[\[[^\]]+\]\])/)
    .map((part, i) => (i % 2 === 1 ? part : encodeURIComponent(part)))
    .join('');
}

/** The export resource's URL of one query model: its fields as parameters (lists comma-separated) and the dashboard's time range. */
function exportUrl(target: Record<string, unknown>): string {
  const params: string[] = [];
  for (const [k, v] of Object.entries(target)) {
    if (NOT_EXPORTED.has(k) || v === undefined || v === null) continue;
    const text = Array.isArray(v) ? v.join(',') : String(v as string | number | boolean);
    params.push(`${k}=${param(text)}`);
  }
  params.push('from=${__from}', 'to=${__to}');
  return `/api/datasources/uid/${DATASOURCE_UID}/resources/${EXPORT_RESOURCE}?${params.join('&')}`;
}

interface PanelJson {
  type?: string;
  targets?: Array<Record<string, unknown>>;
  links?: Array<Record<string, unknown>>;
}

/** The panel with a "CSV" link per query on our data source (after its own links). */
export function withCsvLinks<P extends PanelJson>(panel: P): P {
  const ours = (panel.targets ?? []).filter((t) => (t.datasource as { uid?: string } | undefined)?.uid === DATASOURCE_UID);
  if (ours.length === 0) return panel;
  const links = ours.map((t) => ({
    title: ours.length === 1 ? 'CSV of this panel' : `CSV of query ${String(t.refId)}`,
    url: exportUrl(t),
    targetBlank: false,
  }));
  return { ...panel, links: [...(panel.links ?? []), ...links] };
}
