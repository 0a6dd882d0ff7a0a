/**
 * The Backtest dashboard's honest part (issue 26): is the sweep's winner skill or the best of many
 * noisy tries? Stat panels of the grid's verdict (the best combination's DSR and PSR, the grid's
 * PBO, red from 0.5: more likely overfit than not), the OU thresholds of the pair (Bertram's band
 * of the latest fit, net of the paper position's costs), the walk-forward's out-of-sample equity
 * and its folds as a table. The grid is the sweep panels' (SWEEP_WINDOWS x SWEEP_ENTRIES at $exit);
 * the walk-forward's train and test parts are the variables train and test.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { WALKFORWARD_DEFAULT_TEST, WALKFORWARD_DEFAULT_TRAIN, type BacktestQuery } from '@quant-pairs/contract';
import { backtest } from '../queries';
import { PAIRS_DS } from '../settings';
import { th } from './thresholds';

type Base = Partial<BacktestQuery> & Pick<BacktestQuery, 'pair' | 'timeframe' | 'window'>;

/** The walk-forward's variables: train and test parts in bars. */
export function walkForwardVariables(): dashboard.CustomVariableBuilder[] {
  const v = (name: string, label: string, description: string, values: number[], current: number) =>
    new dashboard.CustomVariableBuilder(name)
      .label(label)
      .description(description)
      .values(values.join(','))
      .current({ text: String(current), value: String(current) })
      .allowCustomValue(true);
  return [
    v(
      'train',
      'Train (bars)',
      "Walk-forward: bars in each train part, where the grid's best combination is chosen.",
      [60, 120, 250, 500, 1000],
      WALKFORWARD_DEFAULT_TRAIN,
    ),
    v(
      'test',
      'Test (bars)',
      'Walk-forward: bars in each test part, where the choice runs out of sample; the step between folds.',
      [30, 60, 120, 250],
      WALKFORWARD_DEFAULT_TEST,
    ),
  ];
}

function verdictStat(
  base: Base,
  grid: Partial<BacktestQuery>,
  title: string,
  field: string,
  description: string,
  steps: Array<[number | null, string]>,
): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource({ ...PAIRS_DS })
    .withTarget(backtest('A', { ...base, ...grid, output: 'verdict' }))
    .withTransformation({ id: 'filterFieldsByName', options: { include: { names: [field] } } })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .unit('percentunit')
    .decimals(1)
    .min(0)
    .max(1)
    .thresholds(th(steps))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.Value)
    .noValue('–')
    .height(4)
    .span(4);
}

function ouStat(base: Base, title: string, field: string, description: string, decimals: number): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource({ ...PAIRS_DS })
    .withTarget(backtest('A', { ...base, output: 'ouband' }))
    .withTransformation({ id: 'filterFieldsByName', options: { include: { names: [field] } } })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .decimals(decimals)
    .thresholds(th([[null, 'blue']]))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.Value)
    .noValue('–')
    .height(4)
    .span(4);
}

/** The panels, in order, for the grid `grid` (sweepWindows, sweepEntries, sweepExits) and the dashboard's base query. */
export function honestPanels(base: Base, grid: Partial<BacktestQuery>): Array<stat.PanelBuilder | timeseries.PanelBuilder | table.PanelBuilder> {
  const probability: Array<[number | null, string]> = [
    [null, 'red'],
    [0.5, 'orange'],
    [0.95, 'green'],
  ];
  const wf = { ...base, ...grid, wfTrain: '$train', wfTest: '$test' };
  return [
    verdictStat(
      base,
      grid,
      'DSR of the best',
      'dsr',
      "Deflated Sharpe ratio (Bailey & Lopez de Prado 2014) of the sweep's best combination: the probability its Sharpe beats the best that as many tries would show by luck. Green from 0.95.",
      probability,
    ),
    verdictStat(
      base,
      grid,
      'PSR of the best',
      'psr',
      "Probabilistic Sharpe ratio of the sweep's best combination against 0, from its per-bar returns. Green from 0.95.",
      probability,
    ),
    verdictStat(
      base,
      grid,
      'PBO',
      'pbo',
      'Probability of backtest overfitting (CSCV, 16 blocks): the share of splits whose in-sample best ranks at or below the median out of sample. Red from 0.5: more likely overfit than not.',
      [
        [null, 'green'],
        [0.25, 'orange'],
        [0.5, 'red'],
      ],
    ),
    ouStat(
      base,
      'OU entry LONG',
      'ouEntryLong',
      "Bertram's optimal band of the latest OU fit of the spread (net of the paper position's round-trip costs): LONG below this level.",
      4,
    ),
    ouStat(
      base,
      'OU entry SHORT',
      'ouEntryShort',
      "Bertram's optimal band of the latest OU fit of the spread: SHORT above this level; each side exits at the other's level.",
      4,
    ),
    ouStat(base, 'OU mean', 'ouMu', 'The mean the spread reverts to, by the OU fit (exact maximum likelihood) of the latest statistics sample.', 4),
    new timeseries.PanelBuilder()
      .title('Walk-forward: out-of-sample equity')
      .description(
        "Each fold's best combination of the grid, chosen on its train part ($train bars) only, run on the $test bars after it; the folds joined (each starts where the last ended). What the sweep's winner would have earned had it been chosen without seeing the data it trades.",
      )
      .datasource({ ...PAIRS_DS })
      .withTarget(backtest('A', { ...wf, output: 'walkforward' }))
      .lineWidth(2)
      .fillOpacity(10)
      .showPoints(common.VisibilityMode.Never)
      .height(8)
      .span(12),
    new table.PanelBuilder()
      .title('Walk-forward: folds')
      .description(
        "A row a fold: its test part, the combination chosen on its train part, in- and out-of-sample Sharpe, the out-of-sample return and the choice's DSR on its train part.",
      )
      .datasource({ ...PAIRS_DS })
      .withTarget(backtest('A', { ...wf, output: 'folds' }))
      .overrideByName('outSharpe', [{ id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } }])
      .overrideByName('outReturn', [{ id: 'custom.cellOptions', value: { type: 'color-text' } }])
      .height(8)
      .span(12),
  ];
}
