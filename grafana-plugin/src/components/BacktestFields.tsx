/** The editor section of the backtest query (issue 16). */
import type { SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, RadioButtonGroup } from '@grafana/ui';
import React from 'react';

import { BACKTEST_DEFAULTS, GRID_OUTPUTS, type BacktestField, type BacktestOutput, type BacktestQuery } from '@quant-pairs/contract';

import { WalkForwardFields } from './BacktestFieldsWalkForward';
import { useDraft } from './useDraft';
import { LABEL_WIDTH, HedgeFields, PairTimeframeWindow, withField, withOptional, type Commit, type FieldsProps, type Problems } from './editorParts';

const OUTPUT_OPTIONS: Array<SelectableValue<BacktestOutput>> = [
  { value: 'equity', label: 'Equity', description: 'Equity at each bar close: capital + realised P&L + open positions marked, net of fees' },
  { value: 'trades', label: 'Trades', description: 'One row a trade (entry, exit, side, reason, P&L): a table, or annotations' },
  { value: 'metrics', label: 'Metrics', description: 'Total return, Sharpe, max drawdown, trades, win rate, average bars, fees: for stat panels' },
  { value: 'sweep', label: 'Sweep', description: 'The metrics of every window x entry x exit of the grids' },
  { value: 'verdict', label: 'Verdict', description: "The grid's best combination: its PSR and DSR, and the grid's PBO (CSCV, 16 blocks): for stat panels" },
  {
    value: 'walkforward',
    label: 'Walk-forward',
    description: "Out-of-sample equity: each fold's best combination of the grid on its train part, run on its test part, folds joined",
  },
  { value: 'folds', label: 'Folds', description: "The walk-forward's folds, a row each: test times, the choice, in- and out-of-sample Sharpe" },
  {
    value: 'ouband',
    label: 'OU band',
    description: "The latest OU fit's entry levels and mean (Bertram's band, net of the paper position's costs), as lines over the range",
  },
];

/** A backtest field that holds a number or a template variable (`$stop`), or a sweep grid (`1.5, 2, 2.5`). */
export type BacktestTextKey = 'entryZ' | 'exitZ' | Exclude<BacktestField, 'output' | 'wfAnchored' | 'wfObjective'>;

/** The text a backtest field shows: a number as written, a grid comma-separated. */
function shownText(v: BacktestQuery[BacktestTextKey]): string {
  if (v === undefined) {
    return '';
  }
  return Array.isArray(v) ? v.join(', ') : String(v);
}

/** What a typed backtest field saves: nothing when blank, a number when it reads as one, a grid as numbers, else the text (a variable). */
function savedValue(key: BacktestTextKey, text: string): BacktestQuery[BacktestTextKey] {
  const t = text.trim();
  if (t === '') {
    return undefined;
  }
  if (key.startsWith('sweep')) {
    const items = t.split(',').map((x) => x.trim());
    return items.every((x) => x !== '' && Number.isFinite(Number(x))) ? items.map(Number) : t;
  }
  return Number.isFinite(Number(t)) ? Number(t) : t;
}

export function BacktestInput({
  query,
  problems,
  commit,
  field,
  label,
  tooltip,
  placeholder,
  width = 10,
  labelWidth,
}: {
  query: BacktestQuery;
  problems: Problems;
  commit: Commit;
  field: BacktestTextKey;
  label: string;
  tooltip: string;
  placeholder: string;
  width?: number;
  labelWidth?: number;
}) {
  const [draft, onDraft] = useDraft(shownText(query[field]));
  return (
    <InlineField label={label} labelWidth={labelWidth} tooltip={tooltip} invalid={!!problems[field]} error={problems[field]}>
      <Input
        aria-label={label}
        width={width}
        value={draft}
        placeholder={placeholder}
        onChange={onDraft}
        onBlur={() => {
          if (draft.trim() !== shownText(query[field])) {
            commit(withOptional(query, field, savedValue(field, draft)));
          }
        }}
      />
    </InlineField>
  );
}

/** Pair, timeframe, window, what to show, the backtest's rules and costs, the hedge, and for a sweep its grids. */
/** The sweep's grids: windows, entries and exits (the outputs that run the grid). */
function SweepGrid(input: Pick<FieldsProps<BacktestQuery>, 'query' | 'problems' | 'commit'>) {
  return (
    <InlineFieldRow>
      <BacktestInput
        {...input}
        field="sweepWindows"
        label="Windows"
        labelWidth={LABEL_WIDTH}
        tooltip="Comma-separated windows of the grid (default: the window)"
        placeholder="30, 60, 120"
        width={20}
      />
      <BacktestInput
        {...input}
        field="sweepEntries"
        label="Entries"
        tooltip="Comma-separated entry levels (default: the entry)"
        placeholder="1.5, 2, 2.5"
        width={20}
      />
      <BacktestInput {...input} field="sweepExits" label="Exits" tooltip="Comma-separated exit levels (default: the exit)" placeholder="0, 0.5" width={16} />
    </InlineFieldRow>
  );
}

export function BacktestFields(props: FieldsProps<BacktestQuery>) {
  const { query, problems, commit } = props;
  const D = BACKTEST_DEFAULTS;
  const output = query.output ?? 'equity';
  const input = { query, problems, commit };
  return (
    <PairTimeframeWindow {...props} pairTooltip="Y/X: long the spread buys Y and sells beta X">
      <InlineFieldRow>
        <InlineField
          label="Show"
          labelWidth={LABEL_WIDTH}
          tooltip={OUTPUT_OPTIONS.find((o) => o.value === output)?.description}
          invalid={!!problems.output}
          error={problems.output}
        >
          <RadioButtonGroup
            options={OUTPUT_OPTIONS}
            value={output}
            onChange={(o) => commit(o === 'equity' ? withOptional(query, 'output', undefined) : withField(query, 'output', o))}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <BacktestInput
          {...input}
          field="entryZ"
          label="Entry |z|"
          labelWidth={LABEL_WIDTH}
          tooltip="Enter LONG the spread when z < -entry, SHORT when z > entry"
          placeholder={String(D.entry)}
        />
        <BacktestInput
          {...input}
          field="exitZ"
          label="Exit"
          tooltip="A LONG exits once z >= -exit, a SHORT once z <= exit; below entry"
          placeholder={String(D.exit)}
        />
        <BacktestInput
          {...input}
          field="stop"
          label="Stop |z|"
          tooltip="Stop-loss: a LONG stops once z <= -stop, a SHORT once z >= stop; above entry"
          placeholder="none"
        />
        <BacktestInput {...input} field="maxHold" label="Max hold" tooltip="Time stop: exit after this many bars held" placeholder="none" />
        <BacktestInput {...input} field="cooldown" label="Cooldown" tooltip="Bars without entry after a stop" placeholder={String(D.cooldown)} />
      </InlineFieldRow>
      <InlineFieldRow>
        <BacktestInput
          {...input}
          field="lag"
          label="Lag"
          labelWidth={LABEL_WIDTH}
          tooltip="Bars from a decision to its fill at that bar's closes"
          placeholder={String(D.lag)}
        />
        <BacktestInput
          {...input}
          field="feeBps"
          label="Fee bps"
          tooltip="Fee in basis points of each leg's traded notional, on every fill"
          placeholder={String(D.feeBps)}
        />
        <BacktestInput
          {...input}
          field="slippageBps"
          label="Slippage bps"
          tooltip="Basis points of the close, against the trade"
          placeholder={String(D.slippageBps)}
        />
        <BacktestInput
          {...input}
          field="notional"
          label="Notional"
          tooltip="Capital, and each trade's y-leg notional"
          placeholder={String(D.notional)}
          width={12}
        />
      </InlineFieldRow>
      <HedgeFields query={query} problems={problems} commit={commit} />
      {GRID_OUTPUTS.includes(output) && <SweepGrid {...input} />}
      {(output === 'walkforward' || output === 'folds') && <WalkForwardFields {...input} />}
    </PairTimeframeWindow>
  );
}
