import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, RadioButtonGroup } from '@grafana/ui';
import React from 'react';

import type { DataSource } from '../datasource';
import { QUERY_MODEL_VERSION, type PairsDataSourceOptions, type PairsQuery, type PairsVariableQuery, type ResourceKind } from '@quant-pairs/contract';
import { variableKind } from '../resources';

type Props = QueryEditorProps<DataSource, PairsQuery, PairsDataSourceOptions, PairsVariableQuery>;

const KINDS: Array<SelectableValue<ResourceKind>> = [
  { value: 'pairs', label: 'Pairs', description: 'Y/X pairs the collector knows, for $pair' },
  { value: 'symbols', label: 'Symbols', description: 'Binance symbols with stored trades' },
  { value: 'timeframes', label: 'Timeframes', description: '1s, 1m, 5m, for $tf' },
  { value: 'windows', label: 'Windows', description: 'Windows the live engine maintains, for $window' },
  { value: 'topPairs', label: 'Top pairs', description: "The latest scan's pairs of lowest q-value (SCAN_TF, SCAN_WINDOW)" },
];

/** Which list a template variable of this data source offers. */
export function VariableQueryEditor({ query, onChange }: Props) {
  const kind = variableKind(query);
  return (
    <InlineField label="Values" labelWidth={12} tooltip={KINDS.find((k) => k.value === kind)?.description}>
      <RadioButtonGroup options={KINDS} value={kind} onChange={(k) => onChange({ ...query, version: QUERY_MODEL_VERSION, kind: k })} />
    </InlineField>
  );
}
