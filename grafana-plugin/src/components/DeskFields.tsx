/**
 * Editor sections of the desk's additions (issue 28), beside QueryEditor.tsx: the all-pairs
 * `summary` query (timeframe and window) and the bars query's `normalize` switch.
 */
import { InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup } from '@grafana/ui';
import React from 'react';

import type { BarsQuery, Problems, SummaryQuery } from '@quant-pairs/contract';

import { useDraft } from './useDraft';

const LABEL_WIDTH = 12;

/** Timeframe and window of the all-pairs table (the window committed on blur). */
export function SummaryFields({
  query,
  problems,
  commit,
  timeframes,
}: {
  query: SummaryQuery;
  problems: Problems;
  commit: (q: SummaryQuery) => void;
  timeframes: string[];
}) {
  const [draft, onDraft] = useDraft(query.window ?? '');
  return (
    <InlineFieldRow>
      <InlineField label="Timeframe" labelWidth={LABEL_WIDTH} invalid={!!problems.timeframe} error={problems.timeframe}>
        <RadioButtonGroup
          options={timeframes.map((t) => ({ value: t, label: t }))}
          value={query.timeframe}
          onChange={(v) => commit({ ...query, timeframe: v })}
        />
      </InlineField>
      <InlineField
        label="Window"
        tooltip="Rolling window in bars: one of the collector's WINDOWS (default 30 and 100), the ones it keeps the paper position for"
        invalid={!!problems.window}
        error={problems.window}
      >
        <Input
          aria-label="Window"
          width={10}
          value={draft}
          placeholder="100"
          onChange={onDraft}
          onBlur={() => draft.trim() !== query.window && commit({ ...query, window: draft.trim() })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}

/** A bars query's switch: each close over the first close of the range (two legs of any price on one axis). */
export function NormalizeSwitch({ query, problems, commit }: { query: BarsQuery; problems: Problems; commit: (q: BarsQuery) => void }) {
  return (
    <InlineField
      label="Normalise"
      tooltip="One series: each close over the first close of the time range (starts at 1), to overlay legs of any price level. Not streamed."
      invalid={!!problems.normalize}
      error={problems.normalize}
    >
      <InlineSwitch
        aria-label="Normalise"
        value={query.normalize === true}
        onChange={(e) => {
          const { normalize: _old, ...rest } = query;
          commit(e.currentTarget.checked ? { ...rest, normalize: true } : rest);
        }}
      />
    </InlineField>
  );
}
