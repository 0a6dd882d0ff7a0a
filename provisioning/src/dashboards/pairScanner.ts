/**
 * The "Pair scanner" dashboard (issue 15): the latest scan of the universe as a table sorted by
 * q-value (cells coloured by q-value, p-value and half-life: green within the scanner's
 * selection bounds), the selected pairs, and the Engle-Granger p-value history of the traded
 * pairs (the ones the "cointegration lost" rules watch), of the latest scan's top pairs by
 * q-value (`toppairs`, multi-value, all TOP_PAIRS by default: one repeated panel each) and of
 * any pair typed in `scanpair`. `symbol` narrows both tables to the pairs with that leg, a search
 * the collector answers (UNIVERSE=all: 79,800 pairs a scan).
 * Timeframe and window are the scanner's defaults (SCAN_TF, SCAN_WINDOW).
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { COINT_LOST_PVALUE, DEFAULT_WINDOW, SCAN_DEFAULTS, TOP_PAIRS, type PairsVariableQuery } from '@quant-pairs/contract';
import { scan } from '../queries';
import { MODEL_VERSION, PAIRS_DS, type GenerateOptions } from '../settings';
import { PAIR_SCANNER_UID, dashboardLinks, pairRowLinks } from './links';
import { th } from './thresholds';

/** The scanner's timeframe and window as the queries write them. */
const SCAN_QUERY = { timeframe: SCAN_DEFAULTS.tf, window: String(SCAN_DEFAULTS.window) } as const;

const colouredCell = [{ id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } }];

function scanTable(title: string, description: string, selectedOnly: boolean, w: number): table.PanelBuilder {
  return (
    new table.PanelBuilder()
      .title(title)
      .description(description)
      .datasource({ ...PAIRS_DS })
      .withTarget(scan('A', { ...SCAN_QUERY, limit: 200, symbol: '$symbol', ...(selectedOnly ? { selectedOnly: true } : {}) }))
      .overrideByName('qvalue', colouredCell)
      .overrideByName('pvalue', colouredCell)
      .overrideByName('halfLife', colouredCell)
      // each row to its pair's overview and backtest at the scanner's timeframe
      .overrideByName('pair', [{ id: 'links', value: pairRowLinks(SCAN_DEFAULTS.tf, DEFAULT_WINDOW) }])
      .height(12)
      .span(w)
  );
}

function pvalueHistory(pair: string, w: number): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(`p-value history: ${pair}`)
    .description(
      `Engle-Granger p-value of ${pair} (the larger of both directions) and its q-value in each scan; above ${COINT_LOST_PVALUE} the "cointegration lost" rule counts.`,
    )
    .datasource({ ...PAIRS_DS })
    .withTarget(scan('A', { ...SCAN_QUERY, pair, scanFields: ['pvalue', 'qvalue'] }))
    .min(0)
    .max(1)
    .decimals(4)
    .lineWidth(1)
    .showPoints(common.VisibilityMode.Auto)
    .thresholds(
      th([
        [null, 'green'],
        [SCAN_DEFAULTS.fdr, 'orange'],
        [COINT_LOST_PVALUE, 'red'],
      ]),
    )
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
    .height(8)
    .span(w);
}

export function pairScanner(opts: GenerateOptions): dashboard.DashboardBuilder {
  const b = new dashboard.DashboardBuilder('Pair scanner')
    .uid(PAIR_SCANNER_UID)
    .description(
      `Every pair of the universe: Engle-Granger both ways, Benjamini-Hochberg q-value, half-life, Hurst and mean crossings over the last ${SCAN_DEFAULTS.window} ${SCAN_DEFAULTS.tf} bars, scanned at each close.`,
    )
    .tags(['pairs', 'quant', 'scanner'])
    .editable()
    .time({ from: 'now-2d', to: 'now' })
    .refresh('1m')
    .timezone('utc');
  b.links(dashboardLinks(PAIR_SCANNER_UID, false));
  b.withVariable(
    new dashboard.TextBoxVariableBuilder('symbol')
      .label('Search symbol')
      .description(
        'A symbol such as SOLUSDT: the tables keep the pairs with it as a leg (the collector filters: UNIVERSE=all scans 79,800 pairs); empty = every pair',
      )
      .defaultValue('')
      .current({ text: '', value: '' }),
  );
  b.withVariable(
    new dashboard.TextBoxVariableBuilder('scanpair')
      .label('Pair history')
      .description('Any pair A/B of the universe: its p-value history below')
      .defaultValue(opts.pairs[0]!)
      .current({ text: opts.pairs[0]!, value: opts.pairs[0]! }),
  );
  b.withPanel(
    scanTable(
      'Pairs by q-value',
      `The latest scan, lowest q-value first. Green: q <= ${SCAN_DEFAULTS.fdr} (SCAN_FDR), half-life within ${SCAN_DEFAULTS.minHalfLife}..${SCAN_DEFAULTS.maxHalfLife} bars.`,
      false,
      16,
    ),
  );
  b.withPanel(scanTable('Selected pairs', 'Pairs passing every filter: q-value, half-life, Hurst < 0.5 and enough mean crossings.', true, 8));
  const top: PairsVariableQuery = { refId: 'var-toppairs', version: MODEL_VERSION, kind: 'topPairs' };
  b.withVariable(
    new dashboard.QueryVariableBuilder('toppairs')
      .label('Top pairs')
      .description(`The latest scan's ${TOP_PAIRS} pairs of lowest q-value: one p-value history panel each`)
      .datasource({ ...PAIRS_DS })
      .query(top as unknown as Record<string, unknown>)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.Disabled)
      .multi(true)
      .includeAll(true)
      .current({ text: 'All', value: '$__all' }),
  );
  for (const pair of opts.pairs) b.withPanel(pvalueHistory(pair, 12));
  b.withPanel(pvalueHistory('$toppairs', 12).repeat('toppairs').repeatDirection('h').maxPerRow(2));
  b.withPanel(pvalueHistory('$scanpair', 12));
  return b;
}
