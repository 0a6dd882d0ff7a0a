/**
 * The "Desk" dashboard (issue 28): what a desk opens first. Every configured pair in one table
 * (z coloured by |z|, signal, the live paper position and its unrealised P&L, ADF and Engle-Granger
 * p-values, half-life, correlation, β), each row linking to its pair's overview and backtest; the
 * alert rules that fire now; the scanner's best candidates. A dashboard of its own rather than the
 * top of the Pair overview: the overview is about one pair (its variables, Live stats), the desk
 * about all of them at once, and it is the one to land on (Grafana's home can be set to it).
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import { DEFAULT_WINDOW, SCAN_DEFAULTS, TIMEFRAMES } from '@quant-pairs/contract';
import { scan, summary } from '../queries';
import { FOLDER, PAIRS_DS, type GenerateOptions } from '../settings';
import { DESK_UID, dashboardLinks, pairRowLinks } from './links';
import { pairsVariable } from './pairOverview';

const backgroundCell = [{ id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } }];
const textCell = [{ id: 'custom.cellOptions', value: { type: 'color-text' } }];

/** Rows (pairs) listed at most by the scanner panel of the desk. */
const DESK_SCAN_ROWS = 10;

function allPairsTable(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('All pairs: $timeframe, window $window')
    .description(
      "Every pair the collector is configured with (PAIRS). z coloured by |z|: green within ±1, orange to the collector's ENTRY_Z, red beyond; signal and the live paper position (LONG green, SHORT red) under the collector's ENTRY_Z and PAPER_* rules; unrealised P&L red below 0; p-values green below 0.05. A pair's name opens its overview or backtest at this timeframe, window and time range.",
    )
    .datasource({ ...PAIRS_DS })
    .withTarget(summary('A', { timeframe: '$timeframe', window: '$window' }))
    .overrideByName('zscore', backgroundCell)
    .overrideByName('signal', textCell)
    .overrideByName('position', textCell)
    .overrideByName('unrealisedPnl', textCell)
    .overrideByName('adfPValue', backgroundCell)
    .overrideByName('egPValue', backgroundCell)
    .overrideByName('pair', [{ id: 'links', value: pairRowLinks('${timeframe}', '${window}') }])
    .height(9)
    .span(24);
}

/**
 * Grafana's alert list (public/app/plugins/panel/alertlist/types.ts UnifiedAlertListOptions): the
 * rules firing or pending now (the |z| and cointegration-lost rules), newest first, with their instances (one a pair).
 */
function firedAlerts(): cog.Builder<dashboard.Panel> {
  return {
    build: () => ({
      type: 'alertlist',
      title: 'Fired alerts',
      description: `The alert rules of the ${FOLDER.title} folder firing or pending now: |z| beyond the threshold (one instance a pair) and cointegration lost. The collector also keeps each notification (GET /api/alerts).`,
      gridPos: { h: 9, w: 12, x: 0, y: 0 },
      transparent: false,
      options: {
        viewMode: 'list',
        groupMode: 'default',
        groupBy: [],
        maxItems: 20,
        // SortOrder.TimeDesc
        sortOrder: 5,
        dashboardAlerts: false,
        alertName: '',
        alertInstanceLabelFilter: '',
        showInstances: true,
        stateFilter: { firing: true, pending: true, recovering: true, noData: false, normal: false, error: true },
      },
    }),
  };
}

function scannerTop(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title(`Scanner: the ${DESK_SCAN_ROWS} lowest q-values`)
    .description(
      `The latest scan of the universe (${SCAN_DEFAULTS.tf}, ${SCAN_DEFAULTS.window} bars): candidates beyond the configured pairs. A pair's name opens it in the overview and the backtest.`,
    )
    .datasource({ ...PAIRS_DS })
    .withTarget(scan('A', { timeframe: SCAN_DEFAULTS.tf, window: String(SCAN_DEFAULTS.window), limit: DESK_SCAN_ROWS }))
    .overrideByName('qvalue', backgroundCell)
    .overrideByName('pair', [{ id: 'links', value: pairRowLinks(SCAN_DEFAULTS.tf, DEFAULT_WINDOW) }])
    .cellHeight(common.TableCellHeight.Sm)
    .height(9)
    .span(12);
}

export function deskDashboard(_opts: GenerateOptions): dashboard.DashboardBuilder {
  const b = new dashboard.DashboardBuilder('Desk: all pairs')
    .uid(DESK_UID)
    .description('Every configured pair at a glance: z, signal, paper position and P&L, cointegration, half-life; the alerts firing; the scanner.')
    .tags(['pairs', 'quant', 'desk'])
    .editable()
    .time({ from: 'now-6h', to: 'now' })
    // the table's stats are not streamed: a refresh keeps z and the P&L current
    .refresh('10s')
    .timezone('utc');
  b.withVariable(new dashboard.CustomVariableBuilder('timeframe').label('Timeframe').values(TIMEFRAMES.join(',')).current({ text: '1m', value: '1m' }));
  b.withVariable(
    pairsVariable('window', 'windows')
      .label('Window (bars)')
      .description("The collector's WINDOWS (default 30 and 100): the ones it keeps the paper position for.")
      .current({ text: DEFAULT_WINDOW, value: DEFAULT_WINDOW })
      .allowCustomValue(false),
  );
  b.links(dashboardLinks(DESK_UID, false));
  b.withPanel(allPairsTable());
  b.withPanel(firedAlerts());
  b.withPanel(scannerTop());
  return b;
}
