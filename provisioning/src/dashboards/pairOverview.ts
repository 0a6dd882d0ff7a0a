/**
 * The "Pair overview" dashboard: one pair (variables pair, timeframe, window), its two legs
 * as candlesticks, the spread with its rolling mean, the z-score against the ±entry bands,
 * the hedge ratio and correlation, the latest statistics as stat panels that colour by
 * threshold, the collector's live paper position (side, unrealised P&L, equity), the signal as
 * a state timeline and as annotations. Every query streams through Grafana Live (`live: true`;
 * the stat panels on the stats channel, the collector's /api/stats every 500 ms), so the
 * dashboard needs no refresh; it is in live-now mode.
 */
import * as candlestick from '@grafana/grafana-foundation-sdk/candlestick';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DEFAULT_WINDOW, SYMBOL_PATTERN, TIMEFRAMES, type PairsVariableQuery } from '@quant-pairs/contract';
import { analytics, backtest, bars, signals, stats } from '../queries';
import { MODEL_VERSION, PAIRS_DS, type GenerateOptions } from '../settings';
import { PAIR_OVERVIEW_UID, dashboardLinks } from './links';
import { deskPanels, thresholdVariables } from './pairOverviewDesk';
import { fundingPanels } from './pairOverviewFunding';
import { th } from './thresholds';

/** The z-score chart, which the alert rules link to. */
export const Z_PANEL_TITLE = 'z-score';

/**
 * Field names of the `stats` frame the stat panels pick (grafana-plugin/backend/src/query/stats.ts
 * `statsFrame`). Panels select by field name with a filterFieldsByName transformation: the
 * display names the backend sets ("ETHUSDT/BTCUSDT z-score") change with the pair.
 */
export const STAT_FIELDS = {
  zscore: 'zscore',
  signal: 'signal',
  beta: 'beta',
  adfPValue: 'adfPValue',
  egPValue: 'egPValue',
  /** Seconds (bars x timeframe). */
  halfLife: 'halfLife',
  correlation: 'correlation',
  /** The live paper position's side: LONG 1, FLAT 0, SHORT -1 (value mappings as the signal's). */
  position: 'position',
  /** Money in the y leg's quote asset (the backend's field config sets the unit). */
  unrealisedPnl: 'unrealisedPnl',
  equity: 'equity',
  closedTrades: 'closedTrades',
} as const;

/** The backend's numeric signal codes (frames stay numeric for alerting): LONG 1, NEUTRAL 0, SHORT -1. */
const SIGNAL_CODES = [
  ['1', 'LONG', 'green'],
  ['0', 'NEUTRAL', 'text'],
  ['-1', 'SHORT', 'red'],
] as const;

/**
 * Regexes that pick a leg out of the pairs list: only the entry equal to $pair matches (the
 * lookahead), and the capture group is the leg (Grafana uses the first group as the value).
 */
const LEG_REGEX = {
  y: `/^(?=\${pair:regex}$)(${SYMBOL_PATTERN})\\//`,
  x: `/^(?=\${pair:regex}$)${SYMBOL_PATTERN}\\/(${SYMBOL_PATTERN})$/`,
} as const;

/** A variable listing our data source's pairs (frontend variable support, kind "pairs"). */
export function pairsVariable(name: string, kind: PairsVariableQuery['kind'] = 'pairs'): dashboard.QueryVariableBuilder {
  const query: PairsVariableQuery = { refId: `var-${name}`, version: MODEL_VERSION, kind };
  return new dashboard.QueryVariableBuilder(name)
    .datasource({ ...PAIRS_DS })
    .query(query as unknown as Record<string, unknown>)
    .refresh(dashboard.VariableRefresh.OnDashboardLoad)
    .sort(dashboard.VariableSort.Disabled);
}

/** p-value colours of the ADF and Engle-Granger stats: green below 0.05, orange to 0.1, red above. */
const pValueThresholds = () =>
  th([
    [null, 'green'],
    [0.05, 'orange'],
    [0.1, 'red'],
  ]);

/** The backend's codes of the paper position's side: LONG 1, FLAT 0, SHORT -1. */
const POSITION_CODES = [
  ['1', 'LONG', 'green'],
  ['0', 'FLAT', 'text'],
  ['-1', 'SHORT', 'red'],
] as const;

const mappingsOf = (codes: typeof SIGNAL_CODES | typeof POSITION_CODES): dashboard.ValueMapping[] => [
  {
    type: dashboard.MappingType.ValueToText,
    options: Object.fromEntries(codes.map(([code, text, color], index) => [code, { text, color, index }])),
  },
];
const signalMappings = (): dashboard.ValueMapping[] => mappingsOf(SIGNAL_CODES);

function statPanel(
  query: Parameters<typeof stats>[1],
  title: string,
  field: string,
  w: number,
  build: (p: stat.PanelBuilder) => stat.PanelBuilder,
): stat.PanelBuilder {
  const p = new stat.PanelBuilder()
    .title(title)
    .datasource({ ...PAIRS_DS })
    .withTarget(stats('A', query))
    .withTransformation({ id: 'filterFieldsByName', options: { include: { names: ['time', field] } } })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.Value)
    .noValue('–')
    .height(4)
    .span(w);
  return build(p);
}

type Panel = cog.Builder<dashboard.Panel>;
/** The pair's analytics in this dashboard's variables, with the entry threshold. */
type PairQuery = Parameters<typeof stats>[1];

export function pairOverview(opts: GenerateOptions): dashboard.DashboardBuilder {
  // One threshold for the bands, the alert rules (ALERT_Z) and the default of $entry, which the signals follow.
  const z = opts.alertZ;
  const pairQuery = { pair: '$pair', timeframe: '$timeframe', window: '$window', entryZ: '$entry', exitZ: '$exit', live: true } as const;
  const b = new dashboard.DashboardBuilder('Pair overview')
    .uid(PAIR_OVERVIEW_UID)
    .description('Hedge ratio, spread, z-score, cointegration and signals of one pair, live.')
    .tags(['pairs', 'quant'])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-6h', to: 'now' })
    .refresh('')
    .liveNow(true)
    .timezone('utc');
  for (const v of [...variables(opts.pairs[0]!), ...thresholdVariables(z)]) b.withVariable(v);
  b.links(dashboardLinks(PAIR_OVERVIEW_UID, true));
  b.annotation(signalAnnotations());
  const rows = [
    statPanels(pairQuery, z),
    positionPanels(z),
    legPanels(),
    spreadAndZPanels(pairQuery, z),
    deskPanels(z),
    betaAndCorrelationPanels(pairQuery),
    olsVsKalmanPanels(pairQuery, z),
    [signalTimeline(pairQuery)],
    fundingPanels(),
  ];
  for (const p of rows.flat()) b.withPanel(p);
  return b;
}

/**
 * pair, its legs y and x (for the candlesticks), timeframe and window. The pair comes from our
 * data source (the collector's configured and stored pairs); its legs are the same list
 * filtered to the chosen pair with a regex whose capture group is the leg (Grafana
 * interpolates ${pair:regex} into it).
 */
function variables(first: string): Array<cog.Builder<dashboard.VariableModel>> {
  const [y, x] = first.split('/') as [string, string];
  return [
    pairsVariable('pair')
      .label('Pair (y/x)')
      .description('y/x: the spread is y - (alpha + beta x); x is the hedge leg. Pairs the collector is configured with or has both legs of.')
      .current({ text: first, value: first }),
    pairsVariable('y').label('y leg').hide(dashboard.VariableHide.HideVariable).regex(LEG_REGEX.y).current({ text: y, value: y }),
    pairsVariable('x').label('x leg').hide(dashboard.VariableHide.HideVariable).regex(LEG_REGEX.x).current({ text: x, value: x }),
    new dashboard.CustomVariableBuilder('timeframe').label('Timeframe').values(TIMEFRAMES.join(',')).current({ text: '1m', value: '1m' }),
    // the collector's WINDOWS only: the windows it keeps live (stats, paper position); another
    // window would leave the paper panels empty
    pairsVariable('window', 'windows')
      .label('Window (bars)')
      .description(
        "Rolling window in bars for beta, spread and z: the collector's WINDOWS (default 30 and 100), the ones it keeps live, paper position included.",
      )
      .current({ text: DEFAULT_WINDOW, value: DEFAULT_WINDOW })
      .allowCustomValue(false),
  ];
}

function signalAnnotations(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Signals')
    .datasource({ ...PAIRS_DS })
    .enable(true)
    .iconColor('orange')
    .target(signals('Anno', { pair: '$pair', timeframe: '$timeframe', window: '$window', entryZ: '$entry', exitZ: '$exit' }));
}

/** Row 1: the latest statistics. */
function statPanels(pairQuery: PairQuery, z: number): Panel[] {
  return [
    statPanel(pairQuery, 'z-score', STAT_FIELDS.zscore, 4, (p) =>
      p
        .description(`Latest z of the spread; |z| > ${z} is an entry signal.`)
        .decimals(2)
        .thresholds(
          th([
            [null, 'red'],
            [-z, 'orange'],
            [-1, 'green'],
            [1, 'orange'],
            [z, 'red'],
          ]),
        ),
    ),
    statPanel(pairQuery, 'Signal', STAT_FIELDS.signal, 4, (p) =>
      p
        .description('LONG the spread when z < -entry, SHORT when z > entry.')
        .mappings(signalMappings())
        .thresholds(th([[null, 'text']])),
    ),
    statPanel(pairQuery, 'Hedge ratio β', STAT_FIELDS.beta, 3, (p) =>
      p
        .description('Rolling OLS slope of y on x: units of x per unit of y.')
        .decimals(4)
        .thresholds(th([[null, 'blue']]))
        // no threshold means anything for β: the sparkline of the streamed values shows it move
        .graphMode(common.BigValueGraphMode.Area),
    ),
    statPanel(pairQuery, 'ADF p', STAT_FIELDS.adfPValue, 3, (p) =>
      p.description('ADF test on the spread (MacKinnon p-value): below 0.05 the spread looks stationary.').decimals(3).thresholds(pValueThresholds()),
    ),
    statPanel(pairQuery, 'Engle-Granger p', STAT_FIELDS.egPValue, 3, (p) =>
      p.description('Engle-Granger cointegration test of y and x: below 0.05 the pair is cointegrated.').decimals(3).thresholds(pValueThresholds()),
    ),
    statPanel(pairQuery, 'Half-life', STAT_FIELDS.halfLife, 3, (p) =>
      p
        .description('Half-life of mean reversion of the spread (bars x timeframe); empty when it does not revert. Green under 1 h, orange under 1 day.')
        .unit('s')
        .decimals(1)
        .noValue('not reverting')
        .thresholds(
          th([
            [null, 'green'],
            [3600, 'orange'],
            [86400, 'red'],
          ]),
        ),
    ),
    statPanel(pairQuery, 'Correlation', STAT_FIELDS.correlation, 4, (p) =>
      p
        .description('Rolling correlation of y and x over the window.')
        .decimals(3)
        .min(-1)
        .max(1)
        .thresholds(
          th([
            [null, 'red'],
            [0.5, 'orange'],
            [0.8, 'green'],
          ]),
        ),
    ),
  ];
}

/**
 * Row 1b: the collector's live paper position (issue 16) of the pair, timeframe and window. Its
 * query has no entryZ: with one the collector answers from stored bars, which keep no position;
 * without, its live engine answers, whose position enters at the collector's ENTRY_Z under its
 * PAPER_* rules. The engine keeps the collector's WINDOWS (default 30 and 100) only.
 */
function positionPanels(z: number): Panel[] {
  const q = { pair: '$pair', timeframe: '$timeframe', window: '$window', live: true } as const;
  const where =
    "The collector's live paper position: the backtest's rules stepped on every committed bar, entering at the collector's ENTRY_Z" +
    ` (not necessarily this dashboard's ±${z}) with its PAPER_* exit, stop, fees and notional (the field's description lists them).` +
    " Kept for the collector's WINDOWS only (default 30 and 100 bars): empty for another window.";
  return [
    statPanel(q, 'Paper position', STAT_FIELDS.position, 6, (p) =>
      p
        .description(`LONG or SHORT the spread, or FLAT. ${where}`)
        .mappings(mappingsOf(POSITION_CODES))
        .thresholds(th([[null, 'text']]))
        .noValue('not kept'),
    ),
    statPanel(q, 'Unrealised P&L', STAT_FIELDS.unrealisedPnl, 6, (p) =>
      p
        .description(`The held trade marked at the last committed bar's closes, net of its entry fees; 0 when flat. ${where}`)
        .decimals(2)
        .thresholds(
          th([
            [null, 'red'],
            [0, 'green'],
          ]),
        ),
    ),
    statPanel(q, 'Paper equity', STAT_FIELDS.equity, 6, (p) =>
      p
        .description(`Notional + realised P&L + unrealised P&L, net of every fee, since the collector started. ${where}`)
        .decimals(2)
        .thresholds(th([[null, 'blue']]))
        .graphMode(common.BigValueGraphMode.Area),
    ),
    statPanel(q, 'Paper trades closed', STAT_FIELDS.closedTrades, 6, (p) =>
      p
        .description(`Paper trades closed since the collector started. ${where}`)
        .decimals(0)
        .thresholds(th([[null, 'blue']]))
        .graphMode(common.BigValueGraphMode.Area),
    ),
  ];
}

/** Row 2: the two legs as candlesticks. */
function legPanels(): Panel[] {
  return [candles('$y', 'y leg: $y'), candles('$x', 'x leg (hedge): $x')];
}

function candles(symbol: string, title: string): candlestick.PanelBuilder {
  return new candlestick.PanelBuilder()
    .title(title)
    .description(
      `OHLC of ${symbol} in $timeframe bars, with volume. Bars loaded from Binance klines (history at start-up, a long outage repaired) have source = klines in the query's source column (Inspect > Data), the others ticks.`,
    )
    .datasource({ ...PAIRS_DS })
    .withTarget(bars('A', { symbol, timeframe: '$timeframe', live: true }))
    .mode(candlestick.VizDisplayMode.CandlesVolume)
    .candleStyle(candlestick.CandleStyle.Candles)
    .colorStrategy(candlestick.ColorStrategy.OpenClose)
    .colors(new candlestick.CandlestickColorsBuilder().up('green').down('red').flat('gray'))
    .fields(new candlestick.CandlestickFieldMapBuilder().open('open').high('high').low('low').close('close').volume('volume'))
    .includeAllFields(false)
    .height(9)
    .span(12);
}

/** Row 3: the spread with its rolling mean, and z against the ±z bands. */
function spreadAndZPanels(pairQuery: PairQuery, z: number): Panel[] {
  return [
    new timeseries.PanelBuilder()
      .title('Spread, its rolling mean and the OU band')
      .description(
        "spread = y - (alpha + beta x) with the rolling OLS fit; the mean is over the same window. B: Bertram's optimal band of the latest OU fit of the spread (net of the paper position's round-trip costs): LONG below the green line, SHORT above the red one, each exiting at the other.",
      )
      .datasource({ ...PAIRS_DS })
      .withTarget(analytics('A', { ...pairQuery, fields: ['spread', 'spreadMean'] }))
      .withTarget(backtest('B', { pair: pairQuery.pair, timeframe: pairQuery.timeframe, window: pairQuery.window, output: 'ouband' }))
      .overrideByName('ouMu', [{ id: 'custom.lineStyle', value: { fill: 'dot', dash: [2, 6] } }])
      .lineWidth(1)
      .showPoints(common.VisibilityMode.Never)
      .spanNulls(false)
      .overrideByName('spreadMean', [
        { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
        { id: 'color', value: { mode: 'fixed', fixedColor: 'orange' } },
      ])
      .height(8)
      .span(12),
    new timeseries.PanelBuilder()
      .title(Z_PANEL_TITLE)
      .description(`Shaded beyond ±${z}: SHORT the spread above +${z}, LONG below -${z}.`)
      .datasource({ ...PAIRS_DS })
      .withTarget(analytics('A', { ...pairQuery, fields: ['zscore'] }))
      .decimals(2)
      .lineWidth(1)
      .showPoints(common.VisibilityMode.Never)
      .axisSoftMin(-3)
      .axisSoftMax(3)
      .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Fixed).fixedColor('text'))
      .thresholds(
        th([
          [null, 'red'],
          [-z, 'transparent'],
          [z, 'red'],
        ]),
      )
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.DashedAndArea))
      .height(8)
      .span(12),
  ];
}

/** Row 4: hedge ratio and correlation over time. */
function betaAndCorrelationPanels(pairQuery: PairQuery): Panel[] {
  return [
    new timeseries.PanelBuilder()
      .title('Hedge ratio β')
      .description('Rolling OLS slope of y on x.')
      .datasource({ ...PAIRS_DS })
      .withTarget(analytics('A', { ...pairQuery, fields: ['beta'] }))
      .decimals(4)
      .lineWidth(1)
      .showPoints(common.VisibilityMode.Never)
      .height(7)
      .span(12),
    new timeseries.PanelBuilder()
      .title('Rolling correlation')
      .datasource({ ...PAIRS_DS })
      .withTarget(analytics('A', { ...pairQuery, fields: ['correlation'] }))
      .decimals(3)
      .min(-1)
      .max(1)
      .lineWidth(1)
      .showPoints(common.VisibilityMode.Never)
      .height(7)
      .span(12),
  ];
}

/** The Kalman hedge of the selected pair, tuned (issue 18): the OLS panels' queries with hedge kalman, tune on. */
const KALMAN_TUNED = { hedge: 'kalman', tune: true } as const;

/**
 * Row 5: the rolling OLS and the Kalman hedge side by side, β and z, for the selected pair. The
 * Kalman filter's delta and Ve are fitted each UTC day on the day before (so a pair with no
 * stored day before shows no Kalman line yet). Both stream live (the Kalman one on its own pair channel).
 */
function olsVsKalmanPanels(pairQuery: PairQuery, z: number): Panel[] {
  const kalman = { ...pairQuery, ...KALMAN_TUNED };
  return [
    new timeseries.PanelBuilder()
      .title('Hedge ratio β: rolling OLS vs Kalman')
      .description(
        'A: rolling OLS over the window. B: Kalman filter (random-walk β), delta and Ve fitted by maximum likelihood each UTC day on the day before.',
      )
      .datasource({ ...PAIRS_DS })
      .withTarget(analytics('A', { ...pairQuery, fields: ['beta'] }))
      .withTarget(analytics('B', { ...kalman, fields: ['beta'] }))
      .decimals(4)
      .lineWidth(1)
      .showPoints(common.VisibilityMode.Never)
      .height(7)
      .span(12),
    new timeseries.PanelBuilder()
      .title('z-score: rolling OLS vs Kalman')
      .description(`A: z of the spread over the window. B: the Kalman prediction error over its standard deviation. Shaded beyond ±${z}.`)
      .datasource({ ...PAIRS_DS })
      .withTarget(analytics('A', { ...pairQuery, fields: ['zscore'] }))
      .withTarget(analytics('B', { ...kalman, fields: ['zscore'] }))
      .decimals(2)
      .lineWidth(1)
      .showPoints(common.VisibilityMode.Never)
      .axisSoftMin(-3)
      .axisSoftMax(3)
      .thresholds(
        th([
          [null, 'red'],
          [-z, 'transparent'],
          [z, 'red'],
        ]),
      )
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.DashedAndArea))
      .height(7)
      .span(12),
  ];
}

/** Row 6: the signal as a state timeline. */
function signalTimeline(pairQuery: PairQuery): Panel {
  return new statetimeline.PanelBuilder()
    .title('Signal')
    .description('LONG / SHORT / NEUTRAL over time.')
    .datasource({ ...PAIRS_DS })
    .withTarget(analytics('A', { ...pairQuery, fields: ['signal'] }))
    .mappings(signalMappings())
    .thresholds(th([[null, 'text']]))
    .showValue(common.VisibilityMode.Auto)
    .mergeValues(true)
    .rowHeight(0.8)
    .height(5)
    .span(24);
}
