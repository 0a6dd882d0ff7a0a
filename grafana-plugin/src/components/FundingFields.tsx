/**
 * Editor section of the `funding` query (issue 25), beside QueryEditor.tsx: what to draw (a
 * perpetual's settled rates, its state now, or a pair's paper position's funding) and the symbol,
 * or the pair, timeframe and window, it is drawn for. Text is committed on blur.
 */
import { InlineField, InlineFieldRow, Input, RadioButtonGroup } from '@grafana/ui';
import React from 'react';

import { FUNDING_OUTPUTS, type FundingOutput, type FundingQuery, type Problems } from '@quant-pairs/contract';

import { useDraft } from './useDraft';

const LABEL_WIDTH = 12;

const OUTPUT_LABELS: Record<FundingOutput, { label: string; description: string }> = {
  rates: { label: 'Rates', description: "The perpetual's settled funding rates over the time range" },
  state: { label: 'Now', description: 'The rate the next settlement would apply, the next funding time, mark, index and their premium' },
  position: { label: 'Paper position', description: "Funding received by the collector's live paper position of a pair" },
  carry: { label: 'Carry', description: "A pair's funding carry a year (each perp leg's, the LONG and SHORT spread's) and the basis of a perp / spot pair" },
};

/** A text field committed on blur (trimmed); empty clears it. */
function TextField({
  label,
  value,
  placeholder,
  tooltip,
  error,
  onCommit,
}: {
  label: string;
  value: string | undefined;
  placeholder: string;
  tooltip: string;
  error: string | undefined;
  onCommit: (v: string) => void;
}) {
  const [draft, onDraft] = useDraft(value ?? '');
  return (
    <InlineField label={label} labelWidth={LABEL_WIDTH} tooltip={tooltip} invalid={!!error} error={error}>
      <Input
        aria-label={label}
        width={24}
        value={draft}
        placeholder={placeholder}
        onChange={onDraft}
        onBlur={() => draft.trim() !== (value ?? '') && onCommit(draft.trim())}
      />
    </InlineField>
  );
}

export function FundingFields({
  query,
  problems,
  commit,
  timeframes,
}: {
  query: FundingQuery;
  problems: Problems;
  commit: (q: FundingQuery) => void;
  timeframes: string[];
}) {
  const output = query.fundingOutput ?? 'rates';
  return (
    <>
      <InlineFieldRow>
        <InlineField
          label="Funding"
          labelWidth={LABEL_WIDTH}
          tooltip={OUTPUT_LABELS[output].description}
          invalid={!!problems.fundingOutput}
          error={problems.fundingOutput}
        >
          <RadioButtonGroup
            options={FUNDING_OUTPUTS.map((o) => ({ value: o, label: OUTPUT_LABELS[o].label, description: OUTPUT_LABELS[o].description }))}
            value={output}
            onChange={(v) => commit({ ...query, fundingOutput: v })}
          />
        </InlineField>
      </InlineFieldRow>
      {output === 'position' || output === 'carry' ? (
        <InlineFieldRow>
          <TextField
            key="pair"
            label="Pair"
            value={query.pair}
            placeholder="ETHUSDT.P/BTCUSDT.P"
            tooltip="Y/X; a pair without a perpetual leg shows no funding"
            error={problems.pair}
            onCommit={(pair) => commit({ ...query, pair })}
          />
          <InlineField label="Timeframe" invalid={!!problems.timeframe} error={problems.timeframe}>
            <RadioButtonGroup
              options={timeframes.map((t) => ({ value: t, label: t }))}
              value={query.timeframe}
              onChange={(v) => commit({ ...query, timeframe: v })}
            />
          </InlineField>
          <TextField
            key="window"
            label="Window"
            value={query.window}
            placeholder="100"
            tooltip="One of the collector's WINDOWS, the ones it keeps the paper position for"
            error={problems.window}
            onCommit={(window) => commit({ ...query, window })}
          />
        </InlineFieldRow>
      ) : (
        <InlineFieldRow>
          <TextField
            // keyed: the symbol's draft must not become the pair's when the output switches
            key="symbol"
            label="Symbol"
            value={query.symbol}
            placeholder="BTCUSDT.P"
            tooltip="A USD-M perpetual (BTCUSDT.P) or a variable such as $y; a spot symbol shows no funding"
            error={problems.symbol}
            onCommit={(symbol) => commit({ ...query, symbol })}
          />
        </InlineFieldRow>
      )}
    </>
  );
}
