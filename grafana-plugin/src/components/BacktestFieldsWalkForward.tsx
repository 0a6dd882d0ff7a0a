/** The walk-forward's plan in the backtest editor (outputs walkforward and folds, issue 26): train and test bars, anchored, objective. */
import type { SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, InlineSwitch, RadioButtonGroup } from '@grafana/ui';
import React from 'react';

import {
  WALKFORWARD_DEFAULT_OBJECTIVE,
  WALKFORWARD_DEFAULT_TEST,
  WALKFORWARD_DEFAULT_TRAIN,
  type BacktestQuery,
  type WalkForwardObjective,
} from '@quant-pairs/contract';

import { BacktestInput } from './BacktestFields';
import { LABEL_WIDTH, withField, withOptional, type FieldsProps } from './editorParts';

const OBJECTIVE_OPTIONS: Array<SelectableValue<WalkForwardObjective>> = [
  { value: 'sharpe', label: 'Sharpe', description: 'The annualised Sharpe ratio on the train part' },
  { value: 'totalReturn', label: 'Return', description: 'The total return on the train part' },
  { value: 'sortino', label: 'Sortino', description: 'Mean over the root mean square of the losses, annualised' },
];

export function WalkForwardFields(input: Pick<FieldsProps<BacktestQuery>, 'query' | 'problems' | 'commit'>) {
  const { query, problems, commit } = input;
  const objective = query.wfObjective ?? WALKFORWARD_DEFAULT_OBJECTIVE;
  return (
    <InlineFieldRow>
      <BacktestInput
        {...input}
        field="wfTrain"
        label="Train bars"
        labelWidth={LABEL_WIDTH}
        tooltip="Bars in each train part, where the grid's best combination is chosen (anchored: the first)"
        placeholder={String(WALKFORWARD_DEFAULT_TRAIN)}
      />
      <BacktestInput
        {...input}
        field="wfTest"
        label="Test bars"
        tooltip="Bars in each test part, where the choice runs out of sample; the step from one fold to the next"
        placeholder={String(WALKFORWARD_DEFAULT_TEST)}
      />
      <InlineField label="Anchored" tooltip="Every train part starts at the range's first bar" invalid={!!problems.wfAnchored} error={problems.wfAnchored}>
        <InlineSwitch
          aria-label="Anchored"
          value={query.wfAnchored === true}
          onChange={(e) => commit(withOptional(query, 'wfAnchored', e.currentTarget.checked ? true : undefined))}
        />
      </InlineField>
      <InlineField
        label="Objective"
        tooltip="What picks each fold's combination on its train part"
        invalid={!!problems.wfObjective}
        error={problems.wfObjective}
      >
        <RadioButtonGroup
          options={OBJECTIVE_OPTIONS}
          value={objective}
          onChange={(o) => commit(o === WALKFORWARD_DEFAULT_OBJECTIVE ? withOptional(query, 'wfObjective', undefined) : withField(query, 'wfObjective', o))}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
