import { css } from '@emotion/css';
import type { GrafanaTheme2, QueryEditorProps, SelectableValue } from '@grafana/data';
import { Combobox, InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup, useStyles2, type ComboboxOption } from '@grafana/ui';
import React, { useEffect, useMemo } from 'react';

import {
  BACKTEST_DEFAULTS,
  DEFAULT_ENTRY_Z,
  KALMAN_DEFAULT_DELTA,
  KALMAN_DEFAULT_VE,
  MAX_SCAN_ROWS,
  MAX_TICKS_LIMIT,
  MAX_WINDOW,
  MIN_WINDOW,
  SCAN_DEFAULTS,
  TIMEFRAMES,
  isPairQuery,
  hasVariable,
  isSymbol,
  migrateQuery,
  splitPair,
  supportsLive,
  validateQuery,
  type BacktestOutput,
  type BacktestQuery,
  type BarsQuery,
  type Hedge,
  type PairQuery,
  type PairsDataSourceOptions,
  type PairsQuery,
  type QueryType,
  type ScanQuery,
  type TicksQuery,
} from '@quant-pairs/contract';

import type { DataSource } from '../datasource';
import { withQueryType } from '../query';
import { NormalizeSwitch, SummaryFields } from './DeskFields';
import { useDraft } from './useDraft';
import { useResource } from './useResource';

type Props = QueryEditorProps<DataSource, PairsQuery, PairsDataSourceOptions>;

const QUERY_TYPE_OPTIONS: Array<SelectableValue<QueryType>> = [
  { value: 'analytics', label: 'Analytics', description: 'Rolling β, spread, z-score, signal and correlation of a pair over time' },
  { value: 'stats', label: 'Stats', description: 'Latest β, z, signal, ADF, Engle–Granger, half-life and correlation of a pair' },
  { value: 'signals', label: 'Signals', description: 'LONG / SHORT / NEUTRAL changes of a pair, with z' },
  { value: 'bars', label: 'Bars', description: 'OHLCV candles of one symbol' },
  { value: 'ticks', label: 'Ticks', description: 'Raw trades of one symbol' },
  {
    value: 'scan',
    label: 'Scan',
    description: 'Pair scanner: every pair of the universe by q-value (table), or with a pair its p-value history',
  },
  {
    value: 'backtest',
    label: 'Backtest',
    description: "What the z signal would have earned after costs over the time range: equity, trades, metrics, or a sweep's grid",
  },
  {
    value: 'summary',
    label: 'All pairs',
    description: 'Every configured pair at one timeframe and window: z, signal, paper position and P&L, p-values, half-life (a table)',
  },
];

const OUTPUT_OPTIONS: Array<SelectableValue<BacktestOutput>> = [
  { value: 'equity', label: 'Equity', description: 'Equity at each bar close: capital + realised P&L + open positions marked, net of fees' },
  { value: 'trades', label: 'Trades', description: 'One row a trade (entry, exit, side, reason, P&L): a table, or annotations' },
  { value: 'metrics', label: 'Metrics', description: 'Total return, Sharpe, max drawdown, trades, win rate, average bars, fees: for stat panels' },
  { value: 'sweep', label: 'Sweep', description: 'The metrics of every window x entry x exit of the grids' },
];

const LABEL_WIDTH = 12;

const HEDGE_OPTIONS: Array<SelectableValue<Hedge>> = [
  { value: 'ols', label: 'Rolling OLS', description: 'β from an OLS regression over the window; z from the window of spreads' },
  { value: 'kalman', label: 'Kalman', description: 'β from a Kalman filter (random-walk hedge); z is the normalised prediction error' },
];

function options(values: string[], variables: string[], current: string | undefined): Array<ComboboxOption<string>> {
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
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/** `q` with `key` set to `value`. */
function withField<Q extends PairsQuery, K extends keyof Q>(q: Q, key: K, value: Q[K]): Q {
  return { ...q, [key]: value };
}

/** `q` with the optional `key` set to `value`, or removed when `value` is undefined. */
function withOptional<Q extends PairsQuery, K extends OptionalKeys<Q>>(q: Q, key: K, value: Q[K]): Q {
  const next = { ...q };
  if (value === undefined) {
    delete (next as Partial<Q>)[key];
  } else {
    next[key] = value;
  }
  return next;
}

/** The number typed in a field: undefined when blank, NaN when not a number (validation names it). */
function changedNumber(current: number | undefined, text: string): { changed: boolean; value: number | undefined } {
  const n = numberOrUndefined(text);
  return { changed: current !== n && !(Number.isNaN(n) && Number.isNaN(current)), value: n };
}

type Styles = ReturnType<typeof getStyles>;
type Problems = ReturnType<typeof validateQuery>;
/** Sends the new query to Grafana, and runs it if it is valid. */
type Commit = (next: PairsQuery) => void;

export function QueryEditor({ query: saved, onChange, onRunQuery, datasource }: Props) {
  const styles = useStyles2(getStyles);
  const query = useMemo(() => migrateQuery(saved), [saved]);
  const problems = useMemo(() => validateQuery(query), [query]);
  const timeframeVariables = useMemo(() => datasource.variableNames((v) => (TIMEFRAMES as readonly string[]).includes(v)), [datasource]);

  // A saved query from an older model is upgraded once, visibly to Grafana.
  useEffect(() => {
    if (query !== saved) {
      onChange(query);
    }
  }, [query, saved, onChange]);

  const commit: Commit = (next) => {
    onChange(next);
    if (Object.keys(validateQuery(next)).length === 0) {
      onRunQuery();
    }
  };
  const timeframes = [...TIMEFRAMES, ...timeframeVariables];

  return (
    <div className={styles.editor} data-testid="pairs-query-editor">
      <QueryTypeRow query={query} commit={commit} />
      {query.queryType === 'backtest' ? (
        <BacktestFields query={query} problems={problems} commit={commit} datasource={datasource} timeframes={timeframes} styles={styles} />
      ) : query.queryType === 'summary' ? (
        <SummaryFields query={query} problems={problems} commit={commit} timeframes={timeframes} />
      ) : query.queryType === 'scan' ? (
        <ScanFields query={query} problems={problems} commit={commit} datasource={datasource} timeframes={timeframes} styles={styles} />
      ) : isPairQuery(query) ? (
        <PairFields query={query} problems={problems} commit={commit} datasource={datasource} timeframes={timeframes} styles={styles} />
      ) : (
        <SymbolFields query={query} problems={problems} commit={commit} datasource={datasource} timeframes={timeframes} styles={styles} />
      )}
    </div>
  );
}

/** The query type and the Live switch. */
function QueryTypeRow({ query, commit }: { query: PairsQuery; commit: Commit }) {
  const live = supportsLive(query.queryType);
  return (
    <InlineFieldRow>
      <InlineField label="Query" labelWidth={LABEL_WIDTH} tooltip={QUERY_TYPE_OPTIONS.find((o) => o.value === query.queryType)?.description}>
        <RadioButtonGroup options={QUERY_TYPE_OPTIONS} value={query.queryType} onChange={(t) => commit(withQueryType(query, t))} />
      </InlineField>
      <InlineField
        label="Live"
        disabled={!live}
        tooltip={
          live
            ? 'Stream updates through Grafana Live every 500 ms'
            : 'Live updates exist for analytics, bars and ticks; stats and signals refresh with the dashboard'
        }
      >
        <InlineSwitch
          aria-label="Live"
          disabled={!live}
          value={!!query.live && live}
          onChange={(e) => commit(withOptional(query, 'live', e.currentTarget.checked ? true : undefined))}
        />
      </InlineField>
    </InlineFieldRow>
  );
}

function TimeframeField<Q extends PairQuery | BarsQuery | ScanQuery | BacktestQuery>({
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

interface FieldsProps<Q> {
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
function PairTimeframeWindow<Q extends PairQuery | BacktestQuery>({
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
function HedgeFields({ query, problems, commit }: { query: PairQuery | BacktestQuery; problems: Problems; commit: Commit }) {
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

/** Pair, timeframe, window and the signal thresholds of analytics / stats / signals queries. */
function PairFields(props: FieldsProps<PairQuery>) {
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

/** A backtest field that holds a number or a template variable (`$stop`), or a sweep grid (`1.5, 2, 2.5`). */
type BacktestTextKey =
  'entryZ' | 'exitZ' | 'stop' | 'maxHold' | 'cooldown' | 'lag' | 'feeBps' | 'slippageBps' | 'notional' | 'sweepWindows' | 'sweepEntries' | 'sweepExits';

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

function BacktestInput({
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
function BacktestFields(props: FieldsProps<BacktestQuery>) {
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
      {output === 'sweep' && (
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
          <BacktestInput
            {...input}
            field="sweepExits"
            label="Exits"
            tooltip="Comma-separated exit levels (default: the exit)"
            placeholder="0, 0.5"
            width={16}
          />
        </InlineFieldRow>
      )}
    </PairTimeframeWindow>
  );
}

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
function ScanFields({ query, problems, commit, timeframes, styles }: FieldsProps<ScanQuery>) {
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

/** Symbol, and the timeframe of a bars query or the limit of a ticks query. */
function SymbolFields({ query, problems, commit, datasource, timeframes, styles }: FieldsProps<TicksQuery | BarsQuery>) {
  // A variable whose value is a symbol (with a letter: a window variable's "100" is not one).
  const symbolVariables = useMemo(() => datasource.variableNames((v) => isSymbol(v.toUpperCase()) && /[A-Za-z]/.test(v)), [datasource]);
  const symbols = useResource(datasource, 'symbols', true);
  const [limitDraft, onLimitDraft] = useDraft(query.queryType === 'ticks' && typeof query.limit === 'number' ? String(query.limit) : '');
  const commitLimit = (q: TicksQuery, text: string) => {
    const { changed, value } = changedNumber(q.limit, text);
    if (changed) {
      commit(withOptional(q, 'limit', value));
    }
  };
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Symbol" htmlFor={`pairs-symbol-${query.refId}`} labelWidth={LABEL_WIDTH} invalid={!!problems.symbol} error={problems.symbol}>
          <Combobox
            id={`pairs-symbol-${query.refId}`}
            width={28}
            loading={symbols.loading}
            createCustomValue
            placeholder="BTCUSDT"
            options={options(symbols.values, symbolVariables, query.symbol)}
            value={query.symbol || null}
            onChange={(o) => commit(withField<TicksQuery | BarsQuery, 'symbol'>(query, 'symbol', o.value))}
          />
        </InlineField>
        {query.queryType === 'bars' ? (
          <>
            <TimeframeField query={query} problems={problems} commit={commit} timeframes={timeframes} />
            <NormalizeSwitch query={query} problems={problems} commit={commit} />
          </>
        ) : (
          <InlineField
            label="Limit"
            tooltip={`At most this many trades, newest kept (1 to ${MAX_TICKS_LIMIT})`}
            invalid={!!problems.limit}
            error={problems.limit}
          >
            <Input
              aria-label="Limit"
              type="number"
              width={10}
              value={limitDraft}
              placeholder="1000"
              onChange={onLimitDraft}
              onBlur={() => commitLimit(query, limitDraft)}
            />
          </InlineField>
        )}
      </InlineFieldRow>
      {symbols.error && <div className={styles.note}>Could not load the symbols: {symbols.error}. You can still type one.</div>}
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  note: css({ color: theme.colors.warning.text, fontSize: theme.typography.bodySmall.fontSize }),
});
