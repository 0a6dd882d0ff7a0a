/**
 * What the query editor's sections share (QueryEditor.tsx picks the section of the query's kind):
 * field setters that never mutate, the timeframe radio, the pair / timeframe / window row, the
 * hedge fields, the styles.
 */
import { css } from '@emotion/css';
import type { GrafanaTheme2, SelectableValue } from '@grafana/data';
import { Combobox, InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup, type ComboboxOption } from '@grafana/ui';
import React, { useMemo } from 'react';

import {
  KALMAN_DEFAULT_DELTA,
  KALMAN_DEFAULT_VE,
  MAX_WINDOW,
  MIN_WINDOW,
  splitPair,
  validateQuery,
  type BacktestQuery,
  type BarsQuery,
  type Hedge,
  type PairQuery,
  type PairsQuery,
  type ScanQuery,
} from '@quant-pairs/contract';

import type { DataSource } from '../datasource';
import { useDraft } from './useDraft';
import { useResource } from './useResource';

export const LABEL_WIDTH = 12;

const HEDGE_OPTIONS: Array<SelectableValue<Hedge>> = [
  { value: 'ols', label: 'Rolling OLS', description: 'β from an OLS regression over the window; z from the window of spreads' },
  { value: 'kalman', label: 'Kalman', description: 'β from a Kalman filter (random-walk hedge); z is the normalised prediction error' },
];

export function options(values: string[], variables: string[], current: string | undefined): Array<ComboboxOption<string>> {
  const all = [...values, ...variables.filter((v) => !values.includes(v))];
  if (current && !all.includes(current)) {
    all.push(current);
  }
  return all.map((v) => ({ value: v, label: v }));
}

function numberOrUndefined(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

/** The keys of `T` that may be absent: the ones a setter may clear. */
export type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/** `q` with `key` set to `value`. */
export function withField<Q extends PairsQuery, K extends keyof Q>(q: Q, key: K, value: Q[K]): Q {
  return { ...q, [key]: value };
}

/** `q` with the optional `key` set to `value`, or removed when `value` is undefined. */
export function withOptional<Q extends PairsQuery, K extends OptionalKeys<Q>>(q: Q, key: K, value: Q[K]): Q {
  const next = { ...q };
  if (value === undefined) {
    delete (next as Partial<Q>)[key];
  } else {
    next[key] = value;
  }
  return next;
}

/** The number typed in a field: undefined when blank, NaN when not a number (validation names it). */
export function changedNumber(current: number | undefined, text: string): { changed: boolean; value: number | undefined } {
  const n = numberOrUndefined(text);
  return { changed: current !== n && !(Number.isNaN(n) && Number.isNaN(current)), value: n };
}

type Styles = ReturnType<typeof getStyles>;
export type Problems = ReturnType<typeof validateQuery>;
/** Sends the new query to Grafana, and runs it if it is valid. */
export type Commit = (next: PairsQuery) => void;

export function TimeframeField<Q extends PairQuery | BarsQuery | ScanQuery | BacktestQuery>({
  query,
  problems,
  commit,
  timeframes,
}: {
  query: Q;
  problems: Problems;
  commit: Commit;
  timeframes: string[];
}) {
  return (
    <InlineField label="Timeframe" labelWidth={LABEL_WIDTH} invalid={!!problems.timeframe} error={problems.timeframe}>
      <RadioButtonGroup
        options={timeframes.map((t) => ({ value: t, label: t }))}
        value={typeof query.timeframe === 'string' ? query.timeframe : undefined}
        onChange={(v) => commit(withField<PairQuery | BarsQuery | ScanQuery | BacktestQuery, 'timeframe'>(query, 'timeframe', v))}
      />
    </InlineField>
  );
}

export interface FieldsProps<Q> {
  query: Q;
  problems: Problems;
  commit: Commit;
  datasource: DataSource;
  timeframes: string[];
  styles: Styles;
}

/**
 * The first row of the pair and backtest editors: the pair (the backend's list, a pair variable or
 * typed), the timeframe and the window (committed on blur); then `children`, the editor's own rows;
 * last, a note when the list of pairs could not be loaded.
 */
export function PairTimeframeWindow<Q extends PairQuery | BacktestQuery>({
  query,
  problems,
  commit,
  datasource,
  timeframes,
  styles,
  pairTooltip,
  children,
}: FieldsProps<Q> & { pairTooltip: string; children: React.ReactNode }) {
  const pairVariables = useMemo(() => datasource.variableNames((v) => splitPair(v) !== undefined), [datasource]);
  const pairs = useResource(datasource, 'pairs', true);
  const [windowDraft, onWindowDraft] = useDraft(typeof query.window === 'string' ? query.window : '');
  const commitWindow = (text: string) => {
    if ((query.window ?? '') !== text) {
      commit(withField<PairQuery | BacktestQuery, 'window'>(query, 'window', text));
    }
  };
  return (
    <>
      <InlineFieldRow>
        <InlineField
          label="Pair"
          htmlFor={`pairs-pair-${query.refId}`}
          labelWidth={LABEL_WIDTH}
          tooltip={pairTooltip}
          invalid={!!problems.pair}
          error={problems.pair}
        >
          <Combobox
            id={`pairs-pair-${query.refId}`}
            width={24}
            loading={pairs.loading}
            createCustomValue
            placeholder="ETHUSDT/BTCUSDT"
            options={options(pairs.values, pairVariables, query.pair)}
            value={query.pair || null}
            onChange={(o) => commit(withField<PairQuery | BacktestQuery, 'pair'>(query, 'pair', o.value))}
          />
        </InlineField>
        <TimeframeField query={query} problems={problems} commit={commit} timeframes={timeframes} />
        <InlineField label="Window" tooltip={`Rolling window, in bars (${MIN_WINDOW} to ${MAX_WINDOW})`} invalid={!!problems.window} error={problems.window}>
          <Input
            aria-label="Window"
            width={10}
            value={windowDraft}
            placeholder="100"
            onChange={onWindowDraft}
            onBlur={() => commitWindow(windowDraft.trim())}
          />
        </InlineField>
      </InlineFieldRow>
      {children}
      {pairs.error && <div className={styles.note}>Could not load the pairs: {pairs.error}. You can still type one.</div>}
    </>
  );
}

/**
 * How β (and so the spread and z) is estimated, in the pair and backtest editors alike: rolling
 * OLS, or the Kalman filter with its delta and Ve (committed on blur) or tuned by maximum likelihood.
 */
export function HedgeFields({ query, problems, commit }: { query: PairQuery | BacktestQuery; problems: Problems; commit: Commit }) {
  const [deltaDraft, onDeltaDraft] = useDraft(typeof query.delta === 'number' ? String(query.delta) : '');
  const [veDraft, onVeDraft] = useDraft(typeof query.ve === 'number' ? String(query.ve) : '');
  const kalman = query.hedge === 'kalman';
  const commitNumber = (key: 'delta' | 've', text: string) => {
    const { changed, value } = changedNumber(query[key], text);
    if (changed) {
      commit(withOptional(query, key, value));
    }
  };
  return (
    <InlineFieldRow>
      <InlineField
        label="Hedge"
        labelWidth={LABEL_WIDTH}
        tooltip="How β is estimated: rolling OLS over the window, or a Kalman filter (the window is then not used)"
        invalid={!!problems.hedge}
        error={problems.hedge}
      >
        <RadioButtonGroup
          options={HEDGE_OPTIONS}
          value={query.hedge ?? 'ols'}
          onChange={(h) => commit(h === 'ols' ? withOptional(query, 'hedge', undefined) : withField(query, 'hedge', h))}
        />
      </InlineField>
      {kalman && (
        <InlineField
          label="Tune"
          tooltip="Fit delta and Ve by maximum likelihood each UTC day on the day before (never data after a point)"
          invalid={!!problems.tune}
          error={problems.tune}
        >
          <InlineSwitch
            aria-label="Tune"
            value={query.tune === true}
            onChange={(e) => commit(withOptional(query, 'tune', e.currentTarget.checked ? true : undefined))}
          />
        </InlineField>
      )}
      {kalman && query.tune !== true && (
        <>
          <InlineField
            label="delta"
            tooltip={`Random-walk rate of β (default ${KALMAN_DEFAULT_DELTA}, Chan)`}
            invalid={!!problems.delta}
            error={problems.delta}
          >
            <Input
              aria-label="delta"
              width={12}
              value={deltaDraft}
              placeholder={String(KALMAN_DEFAULT_DELTA)}
              onChange={onDeltaDraft}
              onBlur={() => commitNumber('delta', deltaDraft)}
            />
          </InlineField>
          <InlineField
            label="Ve"
            tooltip={`Observation noise variance, in squared price units (default ${KALMAN_DEFAULT_VE}: prices near 1; prefer Tune)`}
            invalid={!!problems.ve}
            error={problems.ve}
          >
            <Input
              aria-label="Ve"
              width={12}
              value={veDraft}
              placeholder={String(KALMAN_DEFAULT_VE)}
              onChange={onVeDraft}
              onBlur={() => commitNumber('ve', veDraft)}
            />
          </InlineField>
        </>
      )}
    </InlineFieldRow>
  );
}

export const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  note: css({ color: theme.colors.warning.text, fontSize: theme.typography.bodySmall.fontSize }),
});
