import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { DataSource } from '../datasource';
import { deepFreeze } from '@quant-pairs/testkit';
import { TestTemplateSrv, installBackendSrv, instanceSettings, resourceRoutes } from '../../test/support/grafana';
import { resolveQuery, validateQuery, type PairsQuery } from '@quant-pairs/contract';
import { QueryEditor } from './QueryEditor';

const analytics: PairsQuery = {
  refId: 'A',
  version: 1,
  queryType: 'analytics',
  pair: 'ETHUSDT/BTCUSDT',
  timeframe: '1m',
  window: '100',
  entryZ: 2,
};

const backtest: PairsQuery = { refId: 'A', version: 1, queryType: 'backtest', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '100' };

function setup(query: PairsQuery | Record<string, unknown>, routes = resourceRoutes()) {
  installBackendSrv(routes);
  const datasource = new DataSource(instanceSettings(), new TestTemplateSrv({ pair: 'SOLUSDT/ETHUSDT', tf: '5m' }));
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  // Frozen all the way down: any mutation of the props throws (strict mode modules).
  const props = deepFreeze({ query: query as PairsQuery, onChange, onRunQuery, datasource });
  const utils = render(<QueryEditor {...props} />);
  return { ...utils, onChange, onRunQuery, props };
}

const lastQuery = (fn: jest.Mock): PairsQuery => fn.mock.calls[fn.mock.calls.length - 1][0];

describe('QueryEditor', () => {
  it('switches the query type and keeps what still applies, without mutating the frozen query', async () => {
    const { onChange, onRunQuery } = setup(analytics);
    await userEvent.click(screen.getByRole('radio', { name: 'Bars' }));
    expect(lastQuery(onChange)).toEqual({ refId: 'A', version: 1, queryType: 'bars', symbol: 'ETHUSDT', timeframe: '1m' });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  // One component draws the hedge in both editors: the backtest runs under either hedge too (issue 16).
  it.each([
    ['pair (issue 18)', analytics],
    ['backtest (issue 16)', { ...backtest, output: 'trades' } as PairsQuery],
  ])('chooses the hedge in the %s editor: Kalman with delta / Ve or Tune, back to OLS drops the setting', async (_name, query) => {
    const { onChange, onRunQuery, rerender, props } = setup(query);
    expect(screen.queryByLabelText('Tune')).toBeNull();
    await userEvent.click(screen.getByRole('radio', { name: 'Kalman' }));
    const k = lastQuery(onChange);
    expect(k).toEqual({ ...query, hedge: 'kalman' });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    rerender(<QueryEditor {...props} query={k} />);
    await userEvent.type(screen.getByLabelText('delta'), '1e-6');
    await userEvent.tab();
    const d = lastQuery(onChange);
    expect(d).toEqual({ ...k, delta: 1e-6 });
    rerender(<QueryEditor {...props} query={{ ...d, ve: 2 } as PairsQuery} />);
    await userEvent.click(screen.getByLabelText('Tune'));
    const t = lastQuery(onChange);
    expect(t).toEqual({ ...d, ve: 2, tune: true });
    // tune with delta / Ve set: the contract's problem is shown under the field, the query not run
    const runs = onRunQuery.mock.calls.length;
    rerender(<QueryEditor {...props} query={t} />);
    expect(screen.getByText(/give tune or delta, not both/)).toBeInTheDocument();
    expect(screen.queryByLabelText('delta')).toBeNull();
    expect(onRunQuery).toHaveBeenCalledTimes(runs);
    await userEvent.click(screen.getByRole('radio', { name: 'Rolling OLS' }));
    expect(lastQuery(onChange)).toEqual({ ...d, ve: 2, tune: true, hedge: undefined });
  });

  it('switches to a backtest (issue 16): keeps pair, timeframe and window; output, costs and sweep grids typed; bad values under the field', async () => {
    const { onChange, onRunQuery, rerender, props } = setup(analytics);
    await userEvent.click(screen.getByRole('radio', { name: 'Backtest' }));
    const bt = lastQuery(onChange);
    expect(bt).toEqual({ refId: 'A', version: 1, queryType: 'backtest', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '100' });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    rerender(<QueryEditor {...props} query={bt} />);
    await userEvent.type(screen.getByLabelText('Fee bps'), '$fee');
    await userEvent.tab();
    const fee = lastQuery(onChange);
    expect(fee).toEqual({ ...bt, feeBps: '$fee' });
    rerender(<QueryEditor {...props} query={fee} />);
    await userEvent.click(screen.getByRole('radio', { name: 'Sweep' }));
    const sweep = lastQuery(onChange);
    expect(sweep).toEqual({ ...fee, output: 'sweep' });
    rerender(<QueryEditor {...props} query={sweep} />);
    await userEvent.type(screen.getByLabelText('Entries'), '1.5, 2,2.5');
    await userEvent.tab();
    const grid = lastQuery(onChange);
    expect(grid).toEqual({ ...sweep, sweepEntries: [1.5, 2, 2.5] });
    // a stop below the entry: the contract's problem under the field, the query not run
    const runs = onRunQuery.mock.calls.length;
    rerender(<QueryEditor {...props} query={{ ...bt, stop: 1 } as PairsQuery} />);
    expect(screen.getByText('the stop (1) must be above the entry threshold (2)')).toBeInTheDocument();
    expect(onRunQuery).toHaveBeenCalledTimes(runs);
  });

  // One component draws the pair, timeframe and window of both editors: each behaves alike in both
  // (choosing a pair from the Combobox's list is clicked in Chromium: test/browser/editors.test.ts).
  describe.each([
    ['pair', analytics],
    ['backtest', backtest],
  ])('the %s editor’s pair, timeframe and window', (_name, query) => {
    it('commits a changed window on blur only, and a timeframe at once', async () => {
      const { onChange } = setup(query);
      const input = screen.getByLabelText('Window');
      await userEvent.click(input);
      await userEvent.tab();
      expect(onChange).not.toHaveBeenCalled(); // unchanged: nothing sent
      await userEvent.clear(input);
      await userEvent.type(input, ' 250 ');
      expect(onChange).not.toHaveBeenCalled();
      await userEvent.tab();
      expect(lastQuery(onChange)).toEqual({ ...query, window: '250' });
      await userEvent.click(screen.getByRole('radio', { name: '5m' }));
      expect(lastQuery(onChange)).toEqual({ ...query, timeframe: '5m' });
    });

    it('says when the pairs cannot be loaded', async () => {
      const routes = resourceRoutes();
      routes['/api/datasources/uid/pairs/resources/pairs'] = new Error('cannot reach the collector at http://127.0.0.1:1');
      setup(query, routes);
      expect(await screen.findByText(/Could not load the pairs: cannot reach the collector at http:\/\/127.0.0.1:1/)).toBeInTheDocument();
    });
  });

  it('changes the timeframe, including to a $tf variable', async () => {
    const { onChange } = setup(analytics);
    await userEvent.click(screen.getByRole('radio', { name: '5m' }));
    expect(lastQuery(onChange)).toEqual({ ...analytics, timeframe: '5m' });
    await userEvent.click(screen.getByRole('radio', { name: '$tf' }));
    expect(lastQuery(onChange)).toEqual({ ...analytics, timeframe: '$tf' });
  });

  it('commits the window on blur and shows an invalid one under the field without running it', async () => {
    const { onChange, onRunQuery, rerender, props } = setup(analytics);
    const input = screen.getByLabelText('Window');
    await userEvent.clear(input);
    await userEvent.type(input, '1');
    expect(onChange).not.toHaveBeenCalled();
    await userEvent.tab();
    const bad = lastQuery(onChange);
    expect(bad).toEqual({ ...analytics, window: '1' });
    expect(onRunQuery).not.toHaveBeenCalled();
    // Grafana passes the new query back in; the editor explains what is wrong.
    rerender(<QueryEditor {...props} query={deepFreeze(bad)} />);
    expect(await screen.findByText('the window must be a whole number of bars from 2 to 10000, got "1"')).toBeInTheDocument();
  });

  it('sets and clears thresholds as numbers', async () => {
    const { onChange, onRunQuery } = setup(analytics);
    const exit = screen.getByLabelText('Exit z');
    await userEvent.type(exit, '0.5');
    await userEvent.tab();
    expect(lastQuery(onChange)).toEqual({ ...analytics, exitZ: 0.5 });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    const entry = screen.getByLabelText('Entry z');
    await userEvent.clear(entry);
    await userEvent.tab();
    const q = lastQuery(onChange);
    expect('entryZ' in q).toBe(false);
  });

  it('turns live mode on and off', async () => {
    const { onChange } = setup({ ...analytics, live: true });
    await userEvent.click(screen.getByLabelText('Live'));
    expect(lastQuery(onChange)).toEqual(analytics);
  });

  it('offers live only for query types the backend streams', () => {
    setup({ ...analytics, queryType: 'signals' });
    expect(screen.getByLabelText('Live')).toBeDisabled();
  });

  it('offers live for stats (issue 23: a stats channel)', () => {
    setup({ ...analytics, queryType: 'stats' });
    expect(screen.getByLabelText('Live')).not.toBeDisabled();
  });

  it('upgrades an unversioned saved query once, visibly to Grafana', async () => {
    const { onChange } = setup({ refId: 'A', pair: 'ETHUSDT/BTCUSDT', tf: '5m', window: 60 });
    await waitFor(() => expect(onChange).toHaveBeenCalledTimes(1));
    expect(lastQuery(onChange)).toEqual({ refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '5m', window: '60' });
  });

  it('shows problems of a saved query at once', async () => {
    setup({ ...analytics, pair: 'ETHUSDT' });
    expect(await screen.findByText('"ETHUSDT" is not a pair; write it as Y/X, e.g. ETHUSDT/BTCUSDT')).toBeInTheDocument();
  });

  it('says when the lists cannot be loaded, and still works', async () => {
    const routes = resourceRoutes();
    routes['/api/datasources/uid/pairs/resources/pairs'] = new Error('cannot reach the collector at http://127.0.0.1:1');
    setup(analytics, routes);
    expect(await screen.findByText(/Could not load the pairs: cannot reach the collector at http:\/\/127.0.0.1:1/)).toBeInTheDocument();
  });

  it('a scan table takes a symbol to search for, upper-cased by the model; an empty box is every pair; a bad one says why', async () => {
    const scan = { refId: 'S', version: 1, queryType: 'scan' as const, timeframe: '5m', window: '1000' };
    const { onChange } = setup(scan);
    const box = screen.getByLabelText('Symbol');
    await userEvent.type(box, 'solusdt');
    await userEvent.tab();
    expect(lastQuery(onChange)).toEqual({ ...scan, symbol: 'solusdt' });
    expect(resolveQuery(lastQuery(onChange)).query).toMatchObject({ queryType: 'scan', symbol: 'SOLUSDT' });
    expect(resolveQuery({ ...scan, symbol: '' }).query).toMatchObject({ symbol: undefined });
    expect(validateQuery({ ...scan, symbol: '$symbol' })).toEqual({}); // a dashboard's text box, filled in at run time
    expect(validateQuery({ ...scan, symbol: 'SOL-USDT' }).symbol).toBe('"SOL-USDT" is not a Binance symbol such as BTCUSDT or BTCUSDT.P');
  });

  it('shows symbol and limit for ticks', async () => {
    const { onChange } = setup({ refId: 'T', version: 1, queryType: 'ticks', symbol: 'BTCUSDT', limit: 1000 });
    const limit = screen.getByLabelText('Limit');
    await userEvent.clear(limit);
    await userEvent.type(limit, '50');
    await userEvent.tab();
    expect(lastQuery(onChange)).toEqual({ refId: 'T', version: 1, queryType: 'ticks', symbol: 'BTCUSDT', limit: 50 });
  });
});
