/**
 * The "Funding and basis" dashboard (issue 25): the funding of every perpetual among the
 * collector's pairs (`perp`: one repeated row of panels each, all by default: its settled rates,
 * the next funding time and rate, the mark-index premium) and every basis pair (`basis`, a
 * perpetual over the spot of one asset such as BTCUSDT.P/BTCUSDT: its basis in bps and annualised,
 * and the LONG / SHORT carry). Both lists come from the data source's pairs with a regex, so a
 * collector without perpetuals shows none.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DEFAULT_WINDOW } from '@quant-pairs/contract';
import { funding } from '../queries';
import { PAIRS_DS } from '../settings';
import { FUNDING_BASIS_UID, dashboardLinks } from './links';
import { pairsVariable } from './pairOverview';

/**
 * The perpetuals: the y leg of each pair whose y leg is one (the basis pairs and perp / perp pairs
 * name every perpetual there); the basis pairs: `X.P/X`. Grafana takes the first capture group.
 */
const FUNDING_REGEX = {
  perp: '/^([A-Z0-9]+USDT\\.P)\\//',
  basis: '/^(([A-Z0-9]+USDT)\\.P\\/\\2)$/',
} as const;

function stateStat(title: string, field: string, w: number): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(`${title}: $perp`)
    .datasource({ ...PAIRS_DS })
    .withTarget(funding('A', { fundingOutput: 'state', symbol: '$perp' }))
    .withTransformation({ id: 'filterFieldsByName', options: { include: { names: ['time', field] } } })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.None)
    .graphMode(common.BigValueGraphMode.None)
    .noValue('–')
    .height(5)
    .span(w);
}

export function fundingBasisDashboard(): dashboard.DashboardBuilder {
  const b = new dashboard.DashboardBuilder('Funding and basis')
    .uid(FUNDING_BASIS_UID)
    .description("USD-M perpetuals' funding rates, the next settlements, the mark-index premium, and the basis of perp / spot pairs.")
    .tags(['pairs', 'quant', 'funding'])
    .editable()
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .timezone('utc');
  b.withVariable(pairsVariable('perp').label('Perpetual').regex(FUNDING_REGEX.perp).multi(true).includeAll(true).current({ text: 'All', value: '$__all' }));
  b.withVariable(pairsVariable('basis').label('Basis pair').regex(FUNDING_REGEX.basis).multi(true).includeAll(true).current({ text: 'All', value: '$__all' }));
  // to the four dashboards of a pair (they do not link here: a pair's funding is on its Pair overview)
  b.links(dashboardLinks(FUNDING_BASIS_UID, false));
  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Funding rate: $perp')
      .description('Settled funding rates: a long pays position × mark × rate at each funding time (negative: shorts pay).')
      .datasource({ ...PAIRS_DS })
      .withTarget(funding('A', { fundingOutput: 'rates', symbol: '$perp' }))
      .lineWidth(1)
      .showPoints(common.VisibilityMode.Always)
      .height(7)
      .span(24)
      .repeat('perp')
      .repeatDirection('h')
      .maxPerRow(2),
  );
  for (const [title, field] of [
    ['Next funding', 'nextFundingTime'],
    ['Next funding rate', 'rate'],
    ['Mark-index premium', 'premiumBps'],
  ] as const)
    b.withPanel(stateStat(title, field, 8).repeat('perp').repeatDirection('h').maxPerRow(3));
  b.withPanel(
    new stat.PanelBuilder()
      .title('Basis and carry: $basis')
      .description(
        "(perp - spot) / spot in bps and annualised over the perp's funding interval; the carry a LONG / SHORT spread would receive a year at the last 30 days' funding.",
      )
      .datasource({ ...PAIRS_DS })
      .withTarget(funding('A', { fundingOutput: 'carry', pair: '$basis', timeframe: '1m', window: DEFAULT_WINDOW }))
      .withTransformation({ id: 'filterFieldsByName', options: { include: { names: ['time', 'basisBps', 'basisAnnualised', 'carryLong', 'carryShort'] } } })
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
      .colorMode(common.BigValueColorMode.None)
      .graphMode(common.BigValueGraphMode.None)
      .textMode(common.BigValueTextMode.ValueAndName)
      .noValue('–')
      .height(6)
      .span(24)
      .repeat('basis'),
  );
  return b;
}
