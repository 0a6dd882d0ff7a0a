/**
 * The "Market & ingest health" dashboard: ticks per second per symbol, the age of the last
 * tick, WebSocket reconnects, gaps backfilled through REST, rejected messages, and the state of
 * what loads beside the ingest (history from klines per symbol and part, UNIVERSE's look-up). The
 * collector exports these as Prometheus metrics on /metrics; the compose file runs a
 * Prometheus that scrapes it every 5 s, provisioned as a second data source.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS_DS } from '../settings';
import { th } from './thresholds';

const INGEST_HEALTH_UID = 'quant-pairs-ingest';

/** The collector's metric names (collector/src/api/http/metrics.ts). */
export const METRICS = {
  ticks: 'collector_ticks_ingested_total',
  lastTickAge: 'collector_last_tick_age_seconds',
  reconnects: 'collector_reconnects_total',
  websocketUp: 'collector_websocket_up',
  gapsBackfilled: 'collector_gaps_backfilled_total',
  backfilledTicks: 'collector_backfilled_ticks_total',
  rejected: 'collector_messages_rejected_total',
  historyState: 'collector_history_state',
  universeLookup: 'collector_universe_lookup_state',
} as const;

/**
 * A state gauge (1 for the state a thing is in, 0 for the others) as one number per `by`
 * labels: 1 loading, 2 done, 3 failed, shown as text by STATE_MAPPINGS.
 */
const stateCode = (metric: string, by: string): string =>
  (['loading', 'done', 'failed'] as const).map((state, i) => `${i + 1} * sum by (${by}) (${metric}{state="${state}"})`).join(' + ');

const STATE_MAPPINGS: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: {
      '1': { text: 'LOADING', color: 'blue', index: 0 },
      '2': { text: 'DONE', color: 'green', index: 1 },
      '3': { text: 'FAILED', color: 'red', index: 2 },
    },
  },
];

const prom = (refId: string, expr: string, legend: string, instant = false) => {
  const q = new prometheus.DataqueryBuilder()
    .refId(refId)
    .expr(expr)
    .legendFormat(legend)
    .datasource({ ...PROMETHEUS_DS });
  return instant ? q.instant() : q.range();
};

function series(title: string, description: string, w: number) {
  return new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource({ ...PROMETHEUS_DS })
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Right)
        .calcs(['lastNotNull', 'max'])
        .showLegend(true),
    )
    .height(8)
    .span(w);
}

function counterStat(title: string, description: string, expr: string, steps: Array<[number | null, string]>, w = 5, legend = title) {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource({ ...PROMETHEUS_DS })
    .withTarget(prom('A', expr, legend, true))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .decimals(0)
    .noValue('0')
    .thresholds(th(steps))
    .height(4)
    .span(w);
}

/** The top row: connection, counters of the last hour, and the state of what loads beside the ingest. */
function statPanels(): stat.PanelBuilder[] {
  const m = METRICS;
  return [
    counterStat(
      'Binance WebSocket',
      'Up while the combined-stream connection is open.',
      `max(${m.websocketUp})`,
      [
        [null, 'red'],
        [1, 'green'],
      ],
      4,
    ).mappings([{ type: dashboard.MappingType.ValueToText, options: { '0': { text: 'DOWN', index: 0 }, '1': { text: 'UP', index: 1 } } }]),
    counterStat('Reconnects (1 h)', 'WebSocket connections re-established in the last hour.', `sum(increase(${m.reconnects}[1h]))`, [
      [null, 'green'],
      [1, 'orange'],
      [5, 'red'],
    ]),
    counterStat(
      'Gaps backfilled (1 h)',
      'Gaps in trade ids closed through REST in the last hour: nothing was lost.',
      `sum(increase(${m.gapsBackfilled}[1h]))`,
      [
        [null, 'green'],
        [1, 'blue'],
      ],
    ),
    counterStat('Backfilled ticks (1 h)', 'Trades fetched through REST to close gaps in the last hour.', `sum(increase(${m.backfilledTicks}[1h]))`, [
      [null, 'green'],
      [1, 'blue'],
    ]),
    counterStat('Rejected messages (1 h)', 'Malformed or unexpected messages counted and skipped in the last hour.', `sum(increase(${m.rejected}[1h]))`, [
      [null, 'green'],
      [1, 'orange'],
      [100, 'red'],
    ]),
    counterStat(
      'History from klines',
      "History loaded beside the live ingest, per symbol and part (1s / 1m / 5m klines; seam: the trades since a fresh start's seam; outage: a restart's repair from klines). LOADING is retried in the background; FAILED was refused for good (GET /api/health says why). Ingest goes on either way.",
      stateCode(m.historyState, 'symbol, tf'),
      [
        [null, 'blue'],
        [2, 'green'],
        [3, 'red'],
      ],
      20,
      '{{symbol}} {{tf}}',
    )
      .mappings(STATE_MAPPINGS)
      .noValue('none'),
    counterStat(
      'Universe look-up',
      "UNIVERSE=top:N: the look-up of the top symbols on Binance (the pairs' symbols are ingested until it succeeds). Empty for a listed universe.",
      stateCode(m.universeLookup, 'job'),
      [
        [null, 'blue'],
        [2, 'green'],
        [3, 'red'],
      ],
      4,
    )
      .mappings(STATE_MAPPINGS)
      .noValue('not used'),
  ];
}

/** Per-symbol rates and ages, and per-5-minute counts. */
function chartPanels(): timeseries.PanelBuilder[] {
  const m = METRICS;
  return [
    series('Ticks per second', 'Trades ingested per second, per symbol (live and backfill).', 12)
      .withTarget(prom('A', `sum by (symbol) (rate(${m.ticks}[1m]))`, '{{symbol}}'))
      .unit('reqps')
      .decimals(1),
    series('Last tick age', 'Seconds since the newest trade of each symbol; a quiet market or a stalled feed shows here.', 12)
      .withTarget(prom('A', `max by (symbol) (${m.lastTickAge})`, '{{symbol}}'))
      .unit('s')
      .thresholds(
        th([
          [null, 'green'],
          [10, 'orange'],
          [60, 'red'],
        ]),
      )
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.DashedAndArea)),
    series('Reconnects and backfills', 'Per 5 minutes.', 12)
      .withTarget(prom('A', `sum(increase(${m.reconnects}[5m]))`, 'reconnects'))
      .withTarget(prom('B', `sum(increase(${m.gapsBackfilled}[5m]))`, 'gaps backfilled'))
      .decimals(0),
    series('Rejected messages by kind', 'Per 5 minutes; each kind is logged once by the collector.', 12)
      .withTarget(prom('A', `sum by (kind) (increase(${m.rejected}[5m]))`, '{{kind}}'))
      .decimals(0),
  ];
}

export function ingestHealth(): dashboard.DashboardBuilder {
  const board = new dashboard.DashboardBuilder('Market & ingest health')
    .uid(INGEST_HEALTH_UID)
    .description('Is the collector receiving every trade? Rates, staleness, reconnects, gap backfills, rejected messages.')
    .tags(['pairs', 'ingest'])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-1h', to: 'now' })
    .refresh('10s')
    .timezone('utc');
  for (const panel of [...statPanels(), ...chartPanels()]) board.withPanel(panel);
  return board;
}
