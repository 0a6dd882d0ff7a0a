/**
 * What a desk looks for on the Pair overview beyond the basics (issue 28): entry and exit z as
 * dashboard variables that every pair query uses, the two legs' normalised prices overlaid, the
 * distribution of z with the entry and exit bands, and the pair's p-value and half-life history.
 */
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { BACKTEST_DEFAULTS, COINT_LOST_PVALUE, SCAN_DEFAULTS } from '@quant-pairs/contract';
import { analytics, bars, scan } from '../queries';
import { PAIRS_DS } from '../settings';
import { th } from './thresholds';

type Panel = cog.Builder<dashboard.Panel>;

/** Width of a z histogram bin: bins start at multiples of it (offset 0), so ±entry and ±exit fall on bin edges for quarter levels. */
export const Z_BIN = 0.25;

/**
 * `$entry` (|z| beyond which the signal is LONG / SHORT; default the alert rules' ALERT_Z) and
 * `$exit` (hysteresis: back to NEUTRAL only once |z| < exit; empty = none), used by every pair
 * query of the overview but the paper position's (the collector's own ENTRY_Z / PAPER_EXIT).
 */
export function thresholdVariables(z: number): Array<cog.Builder<dashboard.VariableModel>> {
  const entry = String(z);
  return [
    new dashboard.CustomVariableBuilder('entry')
      .label('Entry |z|')
      .description(`LONG the spread when z < -entry, SHORT when z > entry. The alert rules fire at ${z} (ALERT_Z).`)
      .values([...new Set([1, 1.5, 2, 2.5, 3, z])].sort((a, b) => a - b).join(','))
      .current({ text: entry, value: entry })
      .allowCustomValue(true),
    new dashboard.TextBoxVariableBuilder('exit')
      .label('Exit |z|')
      .description('Hysteresis: a LONG or SHORT signal goes back to NEUTRAL only once |z| < exit (below entry). Empty: at once below entry.')
      .defaultValue('')
      .current({ text: '', value: '' }),
  ];
}

/** The two legs, each close over its first close in the range: both start at 1 whatever their price level. */
function normalisedLegs(): Panel {
  return new timeseries.PanelBuilder()
    .title('Legs normalised: $y and $x')
    .description(
      "Each leg's close over its first close in the time range (the ratio, 1 at the start), so both legs share one axis whatever their price (BTC ~1e5 beside PEPE ~1e-5). Where the lines part, the spread opens. Refreshes with the time range (not streamed).",
    )
    .datasource({ ...PAIRS_DS })
    .withTarget(bars('A', { symbol: '$y', timeframe: '$timeframe', normalize: true }))
    .withTarget(bars('B', { symbol: '$x', timeframe: '$timeframe', normalize: true }))
    .decimals(4)
    .lineWidth(1)
    .showPoints(common.VisibilityMode.Never)
    .height(8)
    .span(12);
}

/**
 * z over the range as a histogram: Grafana's histogram transformation (bins of Z_BIN from 0), drawn
 * by the bar chart with each bar coloured by its bin's lower edge (colorByField), since the
 * histogram panel colours a whole series and draws no threshold lines. Red: beyond ±entry; blue:
 * the bins at ±exit, where trades close; orange between.
 */
function zHistogram(z: number): Panel {
  const exit = BACKTEST_DEFAULTS.exit;
  const steps: Array<[number | null, string]> = [
    [null, 'red'],
    [-z, 'orange'],
    [-exit - Z_BIN, 'blue'],
    [exit + Z_BIN, 'orange'],
    [z, 'red'],
  ];
  return new barchart.PanelBuilder()
    .title('z distribution with the entry / exit bands')
    .description(
      `How often z sat in each band over the time range (bins of ${Z_BIN}). Red: beyond ±${z}, where the signal enters (ALERT_Z); blue: the bins at ±${exit}, where trades exit (the backtest's default exit); orange: held between. A pair whose z rarely reaches ±${z} trades rarely; fat red tails mean it often trades.`,
    )
    .datasource({ ...PAIRS_DS })
    .withTarget(analytics('A', { pair: '$pair', timeframe: '$timeframe', window: '$window', entryZ: '$entry', exitZ: '$exit', fields: ['zscore'], live: true }))
    .withTransformation({ id: 'histogram', options: { bucketSize: Z_BIN, bucketOffset: 0, combine: true } })
    .xField('xMin')
    .colorByField('xMin')
    .decimals(2)
    .thresholds(th(steps))
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .showValue(common.VisibilityMode.Never)
    .xTickLabelRotation(-45)
    .height(8)
    .span(12);
}

/** The pair's Engle-Granger p-value and half-life in every stored scan (the scanner's timeframe and window). */
function cointHistory(): Panel {
  return new timeseries.PanelBuilder()
    .title(`p-value and half-life history (scanner: ${SCAN_DEFAULTS.tf}, ${SCAN_DEFAULTS.window} bars)`)
    .description(
      `Engle-Granger p-value (left, the larger of both directions) and half-life (right) of $pair in each scan of the pair scanner, over its last ${SCAN_DEFAULTS.window} ${SCAN_DEFAULTS.tf} bars: whether the relation holds over days. Above ${COINT_LOST_PVALUE} the "cointegration lost" rule counts. Empty for a pair outside the scanner's UNIVERSE.`,
    )
    .datasource({ ...PAIRS_DS })
    .withTarget(scan('A', { timeframe: SCAN_DEFAULTS.tf, window: String(SCAN_DEFAULTS.window), pair: '$pair', scanFields: ['pvalue', 'halfLife'] }))
    .min(0)
    .decimals(4)
    .lineWidth(1)
    .showPoints(common.VisibilityMode.Auto)
    .overrideByName('pvalue', [{ id: 'max', value: 1 }])
    .overrideByName('halfLife', [
      { id: 'custom.axisPlacement', value: 'right' },
      { id: 'unit', value: 's' },
      { id: 'decimals', value: 0 },
    ])
    .height(7)
    .span(24);
}

/** The overview's desk rows: normalised legs and the z histogram, then the cointegration history. */
export function deskPanels(z: number): Panel[] {
  return [normalisedLegs(), zHistogram(z), cointHistory()];
}
