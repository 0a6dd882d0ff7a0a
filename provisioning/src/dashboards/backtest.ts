/**
 * The "Backtest" dashboard (issue 16): what the z signal of the chosen pair would have earned
 * after costs over the time range, by the collector's backtest (/api/backtest, rules in
 * collector/src/analytics/backtest). Variables entry, exit, stop and fee feed every query; stat
 * panels for the metrics, the equity curve with each trade as a region annotation (its P&L in
 * the text), the trades as a table, and the sweep: Sharpe by entry x window at the chosen exit.
 *
 * The sweep is a table, not Grafana's heatmap panel: the heatmap buckets a time (or numeric)
 * x axis and a numeric y, and cannot show a categorical grid of two parameters with one value a
 * cell. The sweep's rows (window, entry, exit, metrics) are pivoted by Grafana's "Grouping to
 * matrix" transformation (rows: window, columns: entry, cells: Sharpe) and each cell coloured by
 * its Sharpe (red below 0, orange to 1, green from 1): a colour-coded grid. The full sweep, every
 * metric a row, is the table beside. Below them, whether the grid's winner is skill (issue 26:
 * backtestHonest.ts): DSR, PSR, PBO, the OU thresholds, the walk-forward's equity and folds.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { BACKTEST_DEFAULTS, DEFAULT_WINDOW, TIMEFRAMES, type BacktestQuery } from '@quant-pairs/contract';
import { backtest } from '../queries';
import { PAIRS_DS, type GenerateOptions } from '../settings';
import { BACKTEST_UID, dashboardLinks } from './links';
import { pairsVariable } from './pairOverview';
import { honestPanels, walkForwardVariables } from './backtestHonest';
import { th } from './thresholds';

/** The grid of the sweep panels: 5 windows x 7 entries at the chosen exit (35 backtests). */
export const SWEEP_WINDOWS = [30, 60, 100, 200, 500];
export const SWEEP_ENTRIES = [1, 1.5, 2, 2.5, 3, 3.5, 4];

/** Every backtest query of the dashboard: its pair, timeframe, window, rules and costs from the variables. */
const BASE = {
  pair: '$pair',
  timeframe: '$timeframe',
  window: '$window',
  entryZ: '$entry',
  exitZ: '$exit',
  stop: '$stop',
  feeBps: '$fee',
} as const satisfies Partial<BacktestQuery>;

/** Sharpe colours, as the backend's metric fields: red below 0, orange to 1, green from 1. */
const sharpeThresholds = () =>
  th([
    [null, 'red'],
    [0, 'orange'],
    [1, 'green'],
  ]);

function custom(name: string, label: string, description: string, values: Array<string | number>, current: string | number): dashboard.CustomVariableBuilder {
  const text = String(current);
  return new dashboard.CustomVariableBuilder(name)
    .label(label)
    .description(description)
    .values(values.join(','))
    .current({ text, value: text })
    .allowCustomValue(true);
}

function variables(first: string): Array<cog.Builder<dashboard.VariableModel>> {
  const D = BACKTEST_DEFAULTS;
  return [
    pairsVariable('pair').label('Pair (y/x)').description('y/x: LONG the spread buys y and sells beta x.').current({ text: first, value: first }),
    new dashboard.CustomVariableBuilder('timeframe').label('Timeframe').values(TIMEFRAMES.join(',')).current({ text: '1m', value: '1m' }),
    custom('window', 'Window (bars)', 'Rolling window in bars for beta and z; any whole number >= 2.', [30, 60, DEFAULT_WINDOW, 200, 500], DEFAULT_WINDOW),
    custom('entry', 'Entry |z|', 'Enter LONG the spread when z < -entry, SHORT when z > entry.', [1, 1.5, 2, 2.5, 3], D.entry),
    custom('exit', 'Exit', 'A LONG exits once z >= -exit, a SHORT once z <= exit (below entry; negative: past the mean).', [-0.5, 0, 0.5, 1], D.exit),
    new dashboard.TextBoxVariableBuilder('stop')
      .label('Stop |z|')
      .description('Stop-loss: a LONG stops once z <= -stop, a SHORT once z >= stop; above entry. Empty: no stop.')
      .defaultValue('')
      .current({ text: '', value: '' }),
    custom('fee', 'Fee (bps)', "Fee in basis points of each leg's traded notional, on every fill.", [0, 2, 5, D.feeBps, 20], D.feeBps),
    ...walkForwardVariables(),
  ];
}

function metricStat(title: string, field: string, w: number, build: (p: stat.PanelBuilder) => stat.PanelBuilder): stat.PanelBuilder {
  return build(
    new stat.PanelBuilder()
      .title(title)
      .datasource({ ...PAIRS_DS })
      .withTarget(backtest('A', { ...BASE, output: 'metrics' }))
      .withTransformation({ id: 'filterFieldsByName', options: { include: { names: [field] } } })
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
      .colorMode(common.BigValueColorMode.Background)
      .graphMode(common.BigValueGraphMode.None)
      .textMode(common.BigValueTextMode.Value)
      .noValue('–')
      .height(4)
      .span(w),
  );
}

function metricStats(): stat.PanelBuilder[] {
  return [
    metricStat('Total return', 'totalReturn', 4, (p) =>
      p
        .description('Equity at the end over the capital, minus 1, net of fees (an open trade marked).')
        .unit('percentunit')
        .decimals(2)
        .thresholds(
          th([
            [null, 'red'],
            [0, 'green'],
          ]),
        ),
    ),
    metricStat('Sharpe', 'sharpe', 4, (p) =>
      p.description('Annualised: mean / std (ddof 1) of the per-bar returns x sqrt(bars a year).').decimals(2).thresholds(sharpeThresholds()),
    ),
    metricStat('Max drawdown', 'maxDrawdown', 4, (p) =>
      p
        .description('Largest fall of the equity from its peak, over the peak.')
        .unit('percentunit')
        .decimals(2)
        .thresholds(
          th([
            [null, 'green'],
            [0.05, 'orange'],
            [0.2, 'red'],
          ]),
        ),
    ),
    metricStat('Trades', 'trades', 4, (p) =>
      p
        .description('Trades, the one open at the end included.')
        .decimals(0)
        .thresholds(th([[null, 'blue']])),
    ),
    metricStat('Win rate', 'winRate', 4, (p) =>
      p
        .description('Share of trades with P&L > 0 after fees.')
        .unit('percentunit')
        .decimals(1)
        .thresholds(
          th([
            [null, 'red'],
            [0.5, 'green'],
          ]),
        ),
    ),
    metricStat('Fees', 'fees', 4, (p) =>
      p
        .description('Fees paid on every fill, in the quote asset.')
        .decimals(2)
        .thresholds(th([[null, 'text']])),
    ),
  ];
}

function equityPanel(): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title('Equity')
    .description('Capital + realised P&L + open positions marked at each close, net of fees. The shaded regions are the trades (the Trades annotation).')
    .datasource({ ...PAIRS_DS })
    .withTarget(backtest('A', { ...BASE, output: 'equity' }))
    .lineWidth(2)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .height(10)
    .span(24);
}

function tradesTable(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('Trades')
    .description('One row a trade: entry and exit fills, side, why it closed (exit, stop, time, or open at the end), P&L net of fees.')
    .datasource({ ...PAIRS_DS })
    .withTarget(backtest('A', { ...BASE, output: 'trades' }))
    .withTransformation({ id: 'organize', options: { excludeByName: { title: true, text: true, tags: true } } })
    .overrideByName('pnl', [{ id: 'custom.cellOptions', value: { type: 'color-text' } }])
    .height(10)
    .span(24);
}

/** The grid of the sweep panels and the honest ones: every window x entry at the chosen exit. */
const SWEEP_GRID = { sweepWindows: SWEEP_WINDOWS, sweepEntries: SWEEP_ENTRIES, sweepExits: '$exit' };

/** The sweep at the chosen exit, stop and fee: one backtest a window x entry. */
const sweepQuery = () => backtest('A', { ...BASE, output: 'sweep', ...SWEEP_GRID });

function sweepGrid(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('Sweep: Sharpe by window (rows) x entry (columns)')
    .description(
      `Sharpe of every window (${SWEEP_WINDOWS.join(', ')}) x entry |z| (${SWEEP_ENTRIES.join(', ')}) at the chosen exit, stop and fee. A table pivoted by "Grouping to matrix" with each cell coloured by its Sharpe (red < 0, orange < 1, green >= 1): Grafana's heatmap panel needs a time or numeric x axis and cannot show this categorical grid. An empty cell: the entry is not above the exit (or the stop not above the entry).`,
    )
    .datasource({ ...PAIRS_DS })
    .withTarget(sweepQuery())
    .withTransformation({ id: 'groupingToMatrix', options: { rowField: 'Window', columnField: 'Entry', valueField: 'Sharpe', emptyValue: 'null' } })
    .decimals(2)
    .thresholds(sharpeThresholds())
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .cellOptions({ type: common.TableCellDisplayMode.ColorBackground, mode: common.TableCellBackgroundDisplayMode.Basic })
    .overrideByName('Window\\Entry', [
      { id: 'custom.cellOptions', value: { type: 'auto' } },
      { id: 'decimals', value: 0 },
    ])
    .height(8)
    .span(12);
}

function sweepTable(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('Sweep: every combination')
    .description('Each window x entry of the grid at the chosen exit: its metrics. Sort by a column to rank them.')
    .datasource({ ...PAIRS_DS })
    .withTarget(sweepQuery())
    .overrideByName('sharpe', [{ id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } }])
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('Sharpe').desc(true)])
    .height(8)
    .span(12);
}

function tradeAnnotations(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Trades')
    .datasource({ ...PAIRS_DS })
    .enable(true)
    .iconColor('purple')
    .target(backtest('Anno', { ...BASE, output: 'trades' }));
}

export function backtestDashboard(opts: GenerateOptions): dashboard.DashboardBuilder {
  const b = new dashboard.DashboardBuilder('Backtest')
    .uid(BACKTEST_UID)
    .description('What the z signal of a pair would have earned after fees over the time range: equity, trades, metrics and a parameter sweep.')
    .tags(['pairs', 'quant', 'backtest'])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-1d', to: 'now' })
    // backtests are not Live queries: the metrics follow the closing bars by a refresh
    .refresh('1m')
    .timezone('utc');
  for (const v of variables(opts.pairs[0]!)) b.withVariable(v);
  b.links(dashboardLinks(BACKTEST_UID, true));
  b.annotation(tradeAnnotations());
  for (const p of metricStats()) b.withPanel(p);
  b.withPanel(equityPanel());
  b.withPanel(sweepGrid());
  b.withPanel(sweepTable());
  for (const p of honestPanels(BASE, SWEEP_GRID)) b.withPanel(p);
  b.withPanel(tradesTable());
  return b;
}
