/** The editor section of the pair scanner's query (issue 15). */
import { InlineField, InlineFieldRow, InlineSwitch, Input } from '@grafana/ui';
import React from 'react';

import { MAX_SCAN_ROWS, SCAN_DEFAULTS, type ScanQuery } from '@quant-pairs/contract';

import { useDraft } from './useDraft';
import { LABEL_WIDTH, TimeframeField, changedNumber, withField, withOptional, type FieldsProps } from './editorParts';

/** An optional text field of a scan query (empty = unset), committed on blur as the other fields are. */
function OptionalText(props: {
  query: ScanQuery;
  field: 'pair' | 'symbol';
  label: string;
  labelWidth?: number;
  tooltip: string;
  width: number;
  placeholder: string;
  problem: string | undefined;
  commit: (q: ScanQuery) => void;
}) {
  const { query, field, commit } = props;
  const [draft, onDraft] = useDraft(query[field] ?? '');
  return (
    <InlineField label={props.label} labelWidth={props.labelWidth} tooltip={props.tooltip} invalid={!!props.problem} error={props.problem}>
      <Input
        aria-label={props.label}
        width={props.width}
        value={draft}
        placeholder={props.placeholder}
        onChange={onDraft}
        onBlur={() => draft.trim() !== (query[field] ?? '') && commit(withOptional(query, field, draft.trim() || undefined))}
      />
    </InlineField>
  );
}

/** The scanner's timeframe and window; an optional pair (its history instead of the table), the table's symbol search, limit and selected-only switch. */
export function ScanFields({ query, problems, commit, timeframes, styles }: FieldsProps<ScanQuery>) {
  const [windowDraft, onWindowDraft] = useDraft(typeof query.window === 'string' ? query.window : '');
  const [limitDraft, onLimitDraft] = useDraft(typeof query.limit === 'number' ? String(query.limit) : '');
  return (
    <>
      <InlineFieldRow>
        <TimeframeField query={query} problems={problems} commit={commit} timeframes={timeframes} />
        <InlineField
          label="Window"
          tooltip={`The scanner's window in bars (SCAN_WINDOW, default ${SCAN_DEFAULTS.window})`}
          invalid={!!problems.window}
          error={problems.window}
        >
          <Input
            aria-label="Window"
            width={10}
            value={windowDraft}
            placeholder={String(SCAN_DEFAULTS.window)}
            onChange={onWindowDraft}
            onBlur={() => windowDraft.trim() !== query.window && commit(withField(query, 'window', windowDraft.trim()))}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <OptionalText
          query={query}
          field="pair"
          label="Pair"
          labelWidth={LABEL_WIDTH}
          tooltip="Optional A/B: this pair's p-value, q-value, half-life and Hurst in every scan of the range, instead of the table"
          width={24}
          placeholder="all pairs (table)"
          problem={problems.pair}
          commit={commit}
        />
        <OptionalText
          query={query}
          field="symbol"
          label="Symbol"
          tooltip="Optional: the table's pairs with this symbol as a leg only (a search in a universe of hundreds of symbols; $symbol from a text box works)"
          width={16}
          placeholder="every pair"
          problem={problems.symbol}
          commit={commit}
        />
        <InlineField
          label="Limit"
          tooltip={`The table's first rows (lowest q-values), 1 to ${MAX_SCAN_ROWS}`}
          invalid={!!problems.limit}
          error={problems.limit}
        >
          <Input
            aria-label="Limit"
            type="number"
            width={10}
            value={limitDraft}
            placeholder="all"
            onChange={onLimitDraft}
            onBlur={() => {
              const { changed, value } = changedNumber(query.limit, limitDraft);
              if (changed) {
                commit(withOptional(query, 'limit', value));
              }
            }}
          />
        </InlineField>
        <InlineField label="Selected only" tooltip="Only the pairs the scanner selected (q-value, half-life, Hurst and crossings filters)">
          <InlineSwitch
            aria-label="Selected only"
            value={!!query.selectedOnly}
            onChange={(e) => commit(withOptional(query, 'selectedOnly', e.currentTarget.checked ? true : undefined))}
          />
        </InlineField>
      </InlineFieldRow>
      {problems.fields && <div className={styles.note}>{problems.fields}</div>}
    </>
  );
}
