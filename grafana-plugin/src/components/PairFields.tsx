/** The editor section of the pair queries: analytics, stats, signals. */
import { InlineField, InlineFieldRow, Input } from '@grafana/ui';
import React from 'react';

import { DEFAULT_ENTRY_Z, hasVariable, type PairQuery } from '@quant-pairs/contract';

import { useDraft } from './useDraft';
import { LABEL_WIDTH, HedgeFields, PairTimeframeWindow, changedNumber, withOptional, type FieldsProps } from './editorParts';

/** Pair, timeframe, window and the signal thresholds of analytics / stats / signals queries. */
export function PairFields(props: FieldsProps<PairQuery>) {
  const { query, problems, commit } = props;
  // a threshold is a number or a dashboard variable such as $entry (the Pair overview's)
  const [entryDraft, onEntryDraft] = useDraft(query.entryZ === undefined ? '' : String(query.entryZ));
  const [exitDraft, onExitDraft] = useDraft(query.exitZ === undefined ? '' : String(query.exitZ));
  const commitZ = (key: 'entryZ' | 'exitZ', text: string) => {
    const current = query[key];
    if (hasVariable(text.trim())) {
      if (text.trim() !== current) {
        commit(withOptional(query, key, text.trim()));
      }
      return;
    }
    const { changed, value } = changedNumber(typeof current === 'number' ? current : undefined, text);
    if (changed || typeof current === 'string') {
      commit(withOptional(query, key, value));
    }
  };
  return (
    <PairTimeframeWindow {...props} pairTooltip="Y/X: Y is regressed on X, the hedge leg">
      <InlineFieldRow>
        <InlineField
          label="Entry |z|"
          labelWidth={LABEL_WIDTH}
          tooltip={`|z| above which the signal is LONG or SHORT (default ${DEFAULT_ENTRY_Z})`}
          invalid={!!problems.entryZ}
          error={problems.entryZ}
        >
          <Input
            aria-label="Entry z"
            width={10}
            value={entryDraft}
            placeholder={String(DEFAULT_ENTRY_Z)}
            onChange={onEntryDraft}
            onBlur={() => commitZ('entryZ', entryDraft)}
          />
        </InlineField>
        <InlineField label="Exit |z|" tooltip="Optional: back to NEUTRAL only when |z| falls below this" invalid={!!problems.exitZ} error={problems.exitZ}>
          <Input aria-label="Exit z" width={10} value={exitDraft} placeholder="none" onChange={onExitDraft} onBlur={() => commitZ('exitZ', exitDraft)} />
        </InlineField>
      </InlineFieldRow>
      <HedgeFields query={query} problems={problems} commit={commit} />
    </PairTimeframeWindow>
  );
}
