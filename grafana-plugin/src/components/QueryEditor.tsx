import { css } from '@emotion/css';
import type { GrafanaTheme2, QueryEditorProps, SelectableValue } from '@grafana/data';
import { Combobox, InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup, useStyles2, type ComboboxOption } from '@grafana/ui';
import React, { useEffect, useMemo, useState, type ChangeEvent } from 'react';

import {
  DEFAULT_ENTRY_Z,
  MAX_TICKS_LIMIT,
  MAX_WINDOW,
  MIN_WINDOW,
  TIMEFRAMES,
  isPairQuery,
  isSymbol,
  migrateQuery,
  splitPair,
  supportsLive,
  validateQuery,
  type PairsDataSourceOptions,
  type PairsQuery,
  type QueryType,
} from '@quant-pairs/contract';

import type { DataSource } from '../datasource';
import { withQueryType } from '../query';
import { useResource } from './useResource';

type Props = QueryEditorProps<DataSource, PairsQuery, PairsDataSourceOptions>;

const QUERY_TYPE_OPTIONS: Array<SelectableValue<QueryType>> = [
  { value: 'analytics', label: 'Analytics', description: 'Rolling β, spread, z-score, signal and correlation of a pair over time' },
  { value: 'stats', label: 'Stats', description: 'Latest β, z, signal, ADF, Engle–Granger, half-life and correlation of a pair' },
  { value: 'signals', label: 'Signals', description: 'LONG / SHORT / NEUTRAL changes of a pair, with z' },
  { value: 'bars', label: 'Bars', description: 'OHLCV candles of one symbol' },
  { value: 'ticks', label: 'Ticks', description: 'Raw trades of one symbol' },
];

const LABEL_WIDTH = 12;

function options(values: string[], variables: string[], current: string | undefined): Array<ComboboxOption<string>> {
  const all = [...values, ...variables.filter((v) => !values.includes(v))];
  if (current && !all.includes(current)) {
    all.push(current);
  }
  return all.map((v) => ({ value: v, label: v }));
}

/** A text field edited locally and committed on blur, so typing does not run a query per key. */
function useDraft(value: string): [string, (e: ChangeEvent<HTMLInputElement>) => void] {
  const [draft, setDraft] = useState(value);
  // When the saved value changes (a migration, another editor), the field shows it: state
  // adjusted during render, as React documents, rather than in an effect one render late.
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setDraft(value);
  }
  return [draft, (e) => setDraft(e.currentTarget.value)];
}

function numberOrUndefined(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

export function QueryEditor({ query: saved, onChange, onRunQuery, datasource }: Props) {
  const styles = useStyles2(getStyles);
  const query = useMemo(() => migrateQuery(saved), [saved]);
  const problems = useMemo(() => validateQuery(query), [query]);
  const pairVariables = useMemo(() => datasource.variableNames((v) => splitPair(v) !== undefined), [datasource]);
  // A variable whose value is a symbol (with a letter: a window variable's "100" is not one).
  const symbolVariables = useMemo(() => datasource.variableNames((v) => isSymbol(v.toUpperCase()) && /[A-Za-z]/.test(v)), [datasource]);
  const timeframeVariables = useMemo(() => datasource.variableNames((v) => (TIMEFRAMES as readonly string[]).includes(v)), [datasource]);
  const pairQuery = isPairQuery(query);
  const pairs = useResource(datasource, 'pairs', pairQuery);
  const symbols = useResource(datasource, 'symbols', !pairQuery);

  // A saved query from an older model is upgraded once, visibly to Grafana.
  useEffect(() => {
    if (query !== saved) {
      onChange(query);
    }
  }, [query, saved, onChange]);

  const q = query as Partial<Record<string, unknown>> & PairsQuery;
  const [windowDraft, onWindowDraft] = useDraft(typeof q.window === 'string' ? q.window : '');
  const [entryDraft, onEntryDraft] = useDraft(typeof q.entryZ === 'number' ? String(q.entryZ) : '');
  const [exitDraft, onExitDraft] = useDraft(typeof q.exitZ === 'number' ? String(q.exitZ) : '');
  const [limitDraft, onLimitDraft] = useDraft(typeof q.limit === 'number' ? String(q.limit) : '');

  /** Send the new query to Grafana, and run it if it is valid. */
  const commit = (next: PairsQuery) => {
    onChange(next);
    if (Object.keys(validateQuery(next)).length === 0) {
      onRunQuery();
    }
  };
  const set = (field: string, value: unknown) => {
    const next = { ...query } as Record<string, unknown>;
    if (value === undefined) {
      delete next[field];
    } else {
      next[field] = value;
    }
    return next as unknown as PairsQuery;
  };
  const commitText = (field: string, text: string) => {
    if ((q[field] ?? '') !== text) {
      commit(set(field, text));
    }
  };
  const commitNumber = (field: string, text: string) => {
    const n = numberOrUndefined(text);
    if (q[field] !== n && !(Number.isNaN(n) && Number.isNaN(q[field]))) {
      commit(set(field, n));
    }
  };

  const timeframes = [...TIMEFRAMES, ...timeframeVariables];
  const timeframeField = (
    <InlineField label="Timeframe" labelWidth={LABEL_WIDTH} invalid={!!problems.timeframe} error={problems.timeframe}>
      <RadioButtonGroup
        options={timeframes.map((t) => ({ value: t, label: t }))}
        value={typeof q.timeframe === 'string' ? q.timeframe : undefined}
        onChange={(v) => commit(set('timeframe', v))}
      />
    </InlineField>
  );

  return (
    <div className={styles.editor} data-testid="pairs-query-editor">
      <InlineFieldRow>
        <InlineField label="Query" labelWidth={LABEL_WIDTH} tooltip={QUERY_TYPE_OPTIONS.find((o) => o.value === query.queryType)?.description}>
          <RadioButtonGroup options={QUERY_TYPE_OPTIONS} value={query.queryType} onChange={(t) => commit(withQueryType(query, t))} />
        </InlineField>
        <InlineField
          label="Live"
          disabled={!supportsLive(query.queryType)}
          tooltip={
            supportsLive(query.queryType)
              ? 'Stream updates through Grafana Live every 500 ms'
              : 'Live updates exist for analytics, bars and ticks; stats and signals refresh with the dashboard'
          }
        >
          <InlineSwitch
            aria-label="Live"
            disabled={!supportsLive(query.queryType)}
            value={!!query.live && supportsLive(query.queryType)}
            onChange={(e) => commit(set('live', e.currentTarget.checked ? true : undefined))}
          />
        </InlineField>
      </InlineFieldRow>

      {pairQuery ? (
        <>
          <InlineFieldRow>
            <InlineField
              label="Pair"
              htmlFor={`pairs-pair-${query.refId}`}
              labelWidth={LABEL_WIDTH}
              tooltip="Y/X: Y is regressed on X, the hedge leg"
              invalid={!!problems.pair}
              error={problems.pair}
            >
              <Combobox
                id={`pairs-pair-${query.refId}`}
                width={24}
                loading={pairs.loading}
                createCustomValue
                placeholder="ETHUSDT/BTCUSDT"
                options={options(pairs.values, pairVariables, q.pair as string)}
                value={(q.pair as string) || null}
                onChange={(o) => commit(set('pair', o.value))}
              />
            </InlineField>
            {timeframeField}
            <InlineField label="Window" tooltip={`Rolling window, in bars (${MIN_WINDOW} to ${MAX_WINDOW})`} invalid={!!problems.window} error={problems.window}>
              <Input
                aria-label="Window"
                width={10}
                value={windowDraft}
                placeholder="100"
                onChange={onWindowDraft}
                onBlur={() => commitText('window', windowDraft.trim())}
              />
            </InlineField>
          </InlineFieldRow>
          <InlineFieldRow>
            <InlineField label="Entry |z|" labelWidth={LABEL_WIDTH} tooltip={`|z| above which the signal is LONG or SHORT (default ${DEFAULT_ENTRY_Z})`} invalid={!!problems.entryZ} error={problems.entryZ}>
              <Input aria-label="Entry z" type="number" step="0.1" width={10} value={entryDraft} placeholder="2" onChange={onEntryDraft} onBlur={() => commitNumber('entryZ', entryDraft)} />
            </InlineField>
            <InlineField label="Exit |z|" tooltip="Optional: back to NEUTRAL only when |z| falls below this" invalid={!!problems.exitZ} error={problems.exitZ}>
              <Input aria-label="Exit z" type="number" step="0.1" width={10} value={exitDraft} placeholder="none" onChange={onExitDraft} onBlur={() => commitNumber('exitZ', exitDraft)} />
            </InlineField>
          </InlineFieldRow>
          {pairs.error && <div className={styles.note}>Could not load the pairs: {pairs.error}. You can still type one.</div>}
        </>
      ) : (
        <>
          <InlineFieldRow>
            <InlineField label="Symbol" htmlFor={`pairs-symbol-${query.refId}`} labelWidth={LABEL_WIDTH} invalid={!!problems.symbol} error={problems.symbol}>
              <Combobox
                id={`pairs-symbol-${query.refId}`}
                width={28}
                loading={symbols.loading}
                createCustomValue
                placeholder="BTCUSDT"
                options={options(symbols.values, symbolVariables, q.symbol as string)}
                value={(q.symbol as string) || null}
                onChange={(o) => commit(set('symbol', o.value))}
              />
            </InlineField>
            {query.queryType === 'bars' ? (
              timeframeField
            ) : (
              <InlineField label="Limit" tooltip={`At most this many trades, newest kept (1 to ${MAX_TICKS_LIMIT})`} invalid={!!problems.limit} error={problems.limit}>
                <Input aria-label="Limit" type="number" width={10} value={limitDraft} placeholder="1000" onChange={onLimitDraft} onBlur={() => commitNumber('limit', limitDraft)} />
              </InlineField>
            )}
          </InlineFieldRow>
          {symbols.error && <div className={styles.note}>Could not load the symbols: {symbols.error}. You can still type one.</div>}
        </>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  note: css({ color: theme.colors.warning.text, fontSize: theme.typography.bodySmall.fontSize }),
});
