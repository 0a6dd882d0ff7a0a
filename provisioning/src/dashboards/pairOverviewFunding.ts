/**
 * The Pair overview's funding panels (issue 25), for a pair with a USD-M perpetual leg: both legs'
 * settled funding rates over the range (the funding query), and, streamed with the live stats row
 * (the stats query's funding columns, from /api/stats' `carry` and position), each leg's next
 * funding time and the rate it would apply, the mark-index premium, and the funding the live paper
 * position received. A spot leg has no funding: its columns are empty and its rates query answers
 * an empty frame with a notice, so on a spot pair these panels say so instead of failing.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { FUNDING_ALERT_RATE } from '../alerting';
import { funding, stats } from '../queries';
import { PAIRS_DS } from '../settings';
import { th } from './thresholds';

type Panel = cog.Builder<dashboard.Panel>;

const NO_FUNDING = 'no funding (spot)';
/** The live stats row (no entryZ: the collector's live engine answers it, its paper position included). */
const LIVE_ROW = { pair: '$pair', timeframe: '$timeframe', window: '$window', live: true } as const;

/** A stat of the live stats row's funding columns, coloured by `steps`. */
function fundingStat(title: string, description: string, fields: string[], steps: Parameters<typeof th>[0], w: number): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource({ ...PAIRS_DS })
    .withTarget(stats('A', LIVE_ROW))
    .withTransformation({ id: 'filterFieldsByName', options: { include: { names: ['time', ...fields] } } })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .thresholds(th(steps))
    .noValue(NO_FUNDING)
    .height(5)
    .span(w);
}

export function fundingPanels(): Panel[] {
  const r = FUNDING_ALERT_RATE;
  return [
    new timeseries.PanelBuilder()
      .title('Funding rates: $y and $x')
      .description(
        'Settled funding rate of each perpetual leg (a long pays position × mark × rate at each funding time; negative: shorts pay). Empty for a spot leg.',
      )
      .datasource({ ...PAIRS_DS })
      .withTarget(funding('A', { fundingOutput: 'rates', symbol: '$y' }))
      .withTarget(funding('B', { fundingOutput: 'rates', symbol: '$x' }))
      .lineWidth(1)
      .showPoints(common.VisibilityMode.Always)
      .height(7)
      .span(12),
    fundingStat(
      'Next funding',
      'When each perpetual leg settles next (every 8, 4 or 1 h).',
      ['yNextFunding', 'xNextFunding'],
      [
        [null, 'text'],
        [1, 'blue'],
      ],
      4,
    ),
    fundingStat(
      'Next funding rate',
      `The rate each leg's next settlement would apply, as it stands; red beyond ±${r * 100} % (the funding alert rules' threshold).`,
      ['yFundingRate', 'xFundingRate'],
      [
        [null, 'red'],
        [-r, 'green'],
        [r, 'red'],
      ],
      4,
    ),
    fundingStat(
      'Mark-index premium',
      '(mark - index) / index in bps: the premium funding pulls back to the index; orange beyond ±10 bps.',
      ['yPremiumBps', 'xPremiumBps'],
      [
        [null, 'orange'],
        [-10, 'green'],
        [10, 'orange'],
      ],
      4,
    ),
    fundingStat(
      'Paper position funding',
      "Funding the collector's live paper position of $pair received (negative: paid) since it started; its equity is net of it. Empty for a spot pair or a window the collector does not keep.",
      ['funding'],
      [
        [null, 'red'],
        [0, 'green'],
      ],
      24,
    ),
  ];
}
