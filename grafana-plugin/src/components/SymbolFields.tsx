/** The editor section of the symbol queries: bars and ticks. */
import { Combobox, InlineField, InlineFieldRow, Input } from '@grafana/ui';
import React, { useMemo } from 'react';

import { MAX_TICKS_LIMIT, isSymbol, type BarsQuery, type TicksQuery } from '@quant-pairs/contract';

import { useDraft } from './useDraft';
import { useResource } from './useResource';
import { LABEL_WIDTH, TimeframeField, changedNumber, options, withField, withOptional, type FieldsProps } from './editorParts';
import { NormalizeSwitch } from './DeskFields';

/** Symbol, and the timeframe of a bars query or the limit of a ticks query. */
export function SymbolFields({ query, problems, commit, datasource, timeframes, styles }: FieldsProps<TicksQuery | BarsQuery>) {
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
