/**
 * The desk's query additions (issue 28, src/query/summary.ts): the all-pairs `summary` query, a
 * bars query's `normalize`, and `$entry` / `$exit` as a pair query's thresholds. Bounds from
 * constants.ts (MIN_WINDOW..MAX_WINDOW = 2..10000, TIMEFRAMES 1s, 1m, 5m).
 */
import { resolveQuery, validateQuery, type PairsQuery } from '../src';
import { deepFreeze } from '@quant-pairs/testkit';

const summary: PairsQuery = deepFreeze({ refId: 'A', version: 1, queryType: 'summary', timeframe: '1m', window: '100' });
const bars: PairsQuery = deepFreeze({ refId: 'A', version: 1, queryType: 'bars', symbol: 'PEPEUSDT', timeframe: '1m' });
const pair: PairsQuery = deepFreeze({ refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '100' });

describe('summary', () => {
  it('resolves a timeframe and a window; variables pass in the editor, not where the query runs', () => {
    expect(resolveQuery(summary)).toEqual({ query: { queryType: 'summary', timeframe: '1m', window: 100 } });
    expect(validateQuery({ ...summary, timeframe: '$timeframe', window: '${window}' })).toEqual({});
    expect(resolveQuery({ ...summary, window: '$window' }).problems).toEqual({
      window: '"$window" still holds a template variable; alert rules and API calls need a literal value',
    });
  });

  it('names a bad timeframe or window in the words of the other kinds', () => {
    expect(validateQuery({ ...summary, timeframe: '2h' })).toEqual({ timeframe: '"2h" is not a timeframe; use one of 1s, 1m, 5m' });
    expect(validateQuery({ ...summary, window: '1' })).toEqual({ window: 'the window must be a whole number of bars from 2 to 10000, got "1"' });
    expect(validateQuery({ ...summary, window: '' })).toEqual({ window: 'enter a window (number of bars)' });
  });
});

describe('bars normalize', () => {
  it('is false when absent, a boolean when given, a problem otherwise', () => {
    expect(resolveQuery(bars).query).toMatchObject({ queryType: 'bars', symbol: 'PEPEUSDT' });
    expect(resolveQuery(bars).query).not.toMatchObject({ normalize: true });
    expect(resolveQuery({ ...bars, normalize: true }).query).toEqual({ queryType: 'bars', symbol: 'PEPEUSDT', timeframe: '1m', normalize: true });
    expect(validateQuery({ ...bars, normalize: 'yes' as unknown as boolean })).toEqual({ normalize: 'normalize must be true or false, got "yes"' });
    // the other problems of the query still show beside it
    expect(validateQuery({ ...bars, symbol: 'pepe-usdt', normalize: 1 as unknown as boolean })).toEqual({
      symbol: '"pepe-usdt" is not a Binance symbol such as BTCUSDT or BTCUSDT.P',
      normalize: 'normalize must be true or false, got 1',
    });
  });
});

describe('$entry / $exit on a pair query', () => {
  it('accepts the variables in the editor, and their interpolated text as numbers', () => {
    expect(validateQuery({ ...pair, entryZ: '$entry', exitZ: '$exit' })).toEqual({});
    expect(resolveQuery({ ...pair, entryZ: '2.5', exitZ: '0.5' }).query).toMatchObject({ entryZ: 2.5, exitZ: 0.5 });
    // an empty $exit (no hysteresis) interpolates to '': absent
    expect(resolveQuery({ ...pair, entryZ: '2', exitZ: '' }).query).toMatchObject({ entryZ: 2, exitZ: undefined });
    expect(resolveQuery({ ...pair, entryZ: '$entry' }).problems).toEqual({
      entryZ: '"$entry" still holds a template variable; alert rules and API calls need a literal value',
    });
    expect(validateQuery({ ...pair, entryZ: '2', exitZ: '2' }).exitZ).toBe('the exit threshold (2) must be below the entry threshold (2)');
  });
});
