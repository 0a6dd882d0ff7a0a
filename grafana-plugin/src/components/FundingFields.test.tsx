/**
 * The funding query's editor section (issue 25) inside QueryEditor, with frozen props (an editor
 * never mutates the query it was given): switching to Funding keeps the pair's y leg as the symbol,
 * the output switch shows the symbol or the pair / timeframe / window, and the model's problems
 * name the field (a spot symbol is valid: the data source answers it with an empty frame).
 */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { deepFreeze } from '@quant-pairs/testkit';
import { resolveQuery, validateQuery, type FundingQuery, type PairsQuery } from '@quant-pairs/contract';

import { DataSource } from '../datasource';
import { TestTemplateSrv, installBackendSrv, instanceSettings, resourceRoutes } from '../../test/support/grafana';
import { QueryEditor } from './QueryEditor';

function setup(query: PairsQuery) {
  installBackendSrv(resourceRoutes());
  const datasource = new DataSource(instanceSettings(), new TestTemplateSrv({ pair: 'ETHUSDT.P/BTCUSDT.P' }));
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const props = deepFreeze({ query, onChange, onRunQuery, datasource });
  const utils = render(<QueryEditor {...props} />);
  return { ...utils, onChange, onRunQuery, props };
}

const lastQuery = (fn: jest.Mock): PairsQuery => fn.mock.calls[fn.mock.calls.length - 1][0];

describe('FundingFields', () => {
  it('switching to Funding takes the y leg as the symbol: rates of ETHUSDT.P', async () => {
    const { onChange } = setup({ refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT.P/BTCUSDT.P', timeframe: '1m', window: '100' });
    await userEvent.click(screen.getByRole('radio', { name: 'Funding' }));
    expect(lastQuery(onChange)).toEqual({ refId: 'A', version: 1, queryType: 'funding', fundingOutput: 'rates', symbol: 'ETHUSDT.P' });
  });

  it('state: a symbol typed in is upper-cased by the model; position asks for the pair, timeframe and window', async () => {
    const q: FundingQuery = { refId: 'F', version: 1, queryType: 'funding', fundingOutput: 'state', symbol: '' };
    const { onChange, rerender, props } = setup(q);
    expect(validateQuery(q).symbol).toBe('enter a USD-M perpetual such as BTCUSDT.P');
    await userEvent.type(screen.getByLabelText('Symbol'), 'btcusdt.p');
    await userEvent.tab();
    const typed = lastQuery(onChange);
    expect(typed).toEqual({ ...q, symbol: 'btcusdt.p' });
    expect(resolveQuery(typed).query).toEqual({ queryType: 'funding', fundingOutput: 'state', symbol: 'BTCUSDT.P' });
    await userEvent.click(screen.getByRole('radio', { name: 'Paper position' }));
    const pos = lastQuery(onChange) as FundingQuery;
    expect(pos).toEqual({ ...q, fundingOutput: 'position' });
    rerender(<QueryEditor {...props} query={pos} />);
    expect(screen.queryByLabelText('Symbol')).toBeNull();
    await userEvent.type(screen.getByLabelText('Pair'), 'ETHUSDT.P/BTCUSDT.P');
    await userEvent.tab();
    expect(lastQuery(onChange)).toEqual({ ...pos, pair: 'ETHUSDT.P/BTCUSDT.P' });
    expect(validateQuery({ ...pos, pair: 'ETHUSDT.P/BTCUSDT.P' })).toEqual({ timeframe: 'choose a timeframe', window: 'enter a window (number of bars)' });
    expect(validateQuery({ ...pos, pair: '$pair', timeframe: '1m', window: '30' })).toEqual({});
    expect(validateQuery({ ...q, symbol: 'ETHUSDT' })).toEqual({}); // a spot leg: valid, drawn empty
  });
});
