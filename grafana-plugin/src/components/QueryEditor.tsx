import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, InlineSwitch, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import React, { useEffect, useMemo } from 'react';

import {
  TIMEFRAMES,
  isPairQuery,
  migrateQuery,
  supportsLive,
  validateQuery,
  type PairsDataSourceOptions,
  type PairsQuery,
  type QueryType,
} from '@quant-pairs/contract';

import type { DataSource } from '../datasource';
import { withQueryType } from '../query';
import { BacktestFields } from './BacktestFields';
import { SummaryFields } from './DeskFields';
import { getStyles, LABEL_WIDTH, withOptional, type Commit } from './editorParts';
import { FundingFields } from './FundingFields';
import { PairFields } from './PairFields';
import { ScanFields } from './ScanFields';
import { SymbolFields } from './SymbolFields';

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
    value: 'funding',
    label: 'Funding',
    description: "USD-M perpetuals' funding: a symbol's settled rates or its state now, or a pair's paper position's funding",
  },
  {
    value: 'summary',
    label: 'All pairs',
    description: 'Every configured pair at one timeframe and window: z, signal, paper position and P&L, p-values, half-life (a table)',
  },
];

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
      ) : query.queryType === 'funding' ? (
        <FundingFields query={query} problems={problems} commit={commit} timeframes={timeframes} />
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
        <RadioButtonGroup size="sm" options={QUERY_TYPE_OPTIONS} value={query.queryType} onChange={(t) => commit(withQueryType(query, t))} />
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
