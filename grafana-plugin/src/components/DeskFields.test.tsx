/**
 * The editor of the desk's additions (issue 28, DeskFields.tsx) inside the QueryEditor: the
 * all-pairs query's timeframe and window, the bars query's Normalise switch, and `$entry` kept as a
 * pair query's entry threshold. Props frozen: an editor never mutates the query it was given.
 */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { DataSource } from '../datasource';
import { deepFreeze } from '@quant-pairs/testkit';
import { TestTemplateSrv, installBackendSrv, instanceSettings, resourceRoutes } from '../../test/support/grafana';
import type { PairsQuery } from '@quant-pairs/contract';
import { QueryEditor } from './QueryEditor';

function setup(query: PairsQuery) {
  installBackendSrv(resourceRoutes());
  const datasource = new DataSource(instanceSettings(), new TestTemplateSrv({ entry: '2.5' }));
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const props = deepFreeze({ query, onChange, onRunQuery, datasource });
  render(<QueryEditor {...props} />);
  return { onChange, onRunQuery };
}

const lastQuery = (fn: jest.Mock): PairsQuery => fn.mock.calls[fn.mock.calls.length - 1][0];

describe('desk editors', () => {
  it('switches a pair query to All pairs keeping its timeframe and window, and edits the window', async () => {
    const { onChange, onRunQuery } = setup({ refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '5m', window: '30' });
    await userEvent.click(screen.getByRole('radio', { name: 'All pairs' }));
    expect(lastQuery(onChange)).toEqual({ refId: 'A', version: 1, queryType: 'summary', timeframe: '5m', window: '30' });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('edits the all-pairs window on blur and shows a bad one', async () => {
    const { onChange } = setup({ refId: 'A', version: 1, queryType: 'summary', timeframe: '1m', window: '1' });
    expect(screen.getByText('the window must be a whole number of bars from 2 to 10000, got "1"')).toBeTruthy();
    await userEvent.clear(screen.getByLabelText('Window'));
    await userEvent.type(screen.getByLabelText('Window'), '100');
    await userEvent.tab();
    expect(lastQuery(onChange)).toEqual({ refId: 'A', version: 1, queryType: 'summary', timeframe: '1m', window: '100' });
  });

  it('turns Normalise on on a bars query', async () => {
    const bars: PairsQuery = { refId: 'A', version: 1, queryType: 'bars', symbol: 'PEPEUSDT', timeframe: '1m' };
    const { onChange } = setup(bars);
    await userEvent.click(screen.getByLabelText('Normalise'));
    expect(lastQuery(onChange)).toEqual({ ...bars, normalize: true });
  });

  it('shows and keeps $entry as the entry threshold; a number typed over it replaces it', async () => {
    const q: PairsQuery = { refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '100', entryZ: '$entry' };
    const { onChange } = setup(q);
    const entry = screen.getByLabelText('Entry z') as HTMLInputElement;
    expect(entry.value).toBe('$entry');
    await userEvent.clear(entry);
    await userEvent.type(entry, '2.5');
    await userEvent.tab();
    expect(lastQuery(onChange)).toEqual({ ...q, entryZ: 2.5 });
  });
});
