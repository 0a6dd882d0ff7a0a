import { hasVariable, isValid, resolveQuery, splitPair, validateQuery, type PairsQuery } from '../src';
import { deepFreeze } from './deepFreeze';

const ok: PairsQuery = deepFreeze({ refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '100', entryZ: 2 });

describe('validateQuery', () => {
  it('accepts a complete query and template variables in place of values', () => {
    expect(validateQuery(ok)).toEqual({});
    expect(isValid({ ...ok, pair: '$pair', timeframe: '$tf', window: '${window}' })).toBe(true);
  });

  it('says which field is wrong and why', () => {
    expect(validateQuery({ ...ok, pair: 'ETHUSDT' }).pair).toMatch(/not a pair; write it as Y\/X/);
    expect(validateQuery({ ...ok, pair: 'ETHUSDT/ETHUSDT' }).pair).toMatch(/must differ/);
    expect(validateQuery({ ...ok, pair: '' }).pair).toBe('choose a pair');
    expect(validateQuery({ ...ok, timeframe: '2m' }).timeframe).toMatch(/"2m" is not a timeframe; use one of 1s, 1m, 5m/);
    // The collector accepts windows of MIN_WINDOW..MAX_WINDOW = 2..10000 bars (constants.ts).
    expect(validateQuery({ ...ok, window: '1' }).window).toMatch(/from 2 to 10000/);
    expect(validateQuery({ ...ok, window: '10001' }).window).toMatch(/from 2 to 10000/);
    expect(validateQuery({ ...ok, window: '2.5' }).window).toMatch(/whole number/);
    expect(validateQuery({ ...ok, window: '10000' })).toEqual({});
    expect(validateQuery({ ...ok, window: '2' })).toEqual({});
    expect(validateQuery({ ...ok, entryZ: 0 }).entryZ).toMatch(/above 0/);
    expect(validateQuery({ ...ok, entryZ: NaN }).entryZ).toMatch(/above 0/);
    expect(validateQuery({ ...ok, exitZ: 2 }).exitZ).toMatch(/below the entry/);
    expect(validateQuery({ ...ok, exitZ: 0.5 })).toEqual({});
  });

  it('checks the hedge (issue 18): ols by default, kalman with delta / ve or tune, not both', () => {
    const k = { ...ok, hedge: 'kalman' } as const;
    expect(resolveQuery(ok).query).toMatchObject({ hedge: { hedge: 'ols' } });
    expect(resolveQuery({ ...k, tune: true }).query).toMatchObject({ hedge: { hedge: 'kalman', tune: true } });
    // numbers as text too; Chan's defaults fill what is absent
    expect(resolveQuery({ ...k, delta: '1e-6' as unknown as number }).query).toMatchObject({ hedge: { hedge: 'kalman', delta: 1e-6, ve: 1e-3 } });
    expect(validateQuery({ ...ok, hedge: 'tls' as 'ols' }).hedge).toMatch(/one of ols, kalman/);
    expect(validateQuery({ ...k, delta: 1 }).delta).toMatch(/between 0 and 1/);
    expect(validateQuery({ ...k, ve: 0 }).ve).toMatch(/above 0/);
    expect(validateQuery({ ...k, tune: 'yes' as unknown as boolean }).tune).toMatch(/true or false/);
    expect(validateQuery({ ...k, tune: true, ve: 2 }).tune).toMatch(/give tune or ve, not both/);
    // kalman settings kept on a query switched back to ols are ignored, not sent
    expect(resolveQuery({ ...ok, hedge: 'ols', tune: true, delta: 1e-6 }).query).toMatchObject({ hedge: { hedge: 'ols' } });
  });

  it('checks symbols of bars and ticks', () => {
    expect(validateQuery({ refId: 'A', version: 1, queryType: 'bars', symbol: 'btc usdt', timeframe: '1m' }).symbol).toMatch(/not a Binance symbol/);
    expect(validateQuery({ refId: 'A', version: 1, queryType: 'ticks', symbol: '' }).symbol).toBe('choose a symbol');
    // A ticks query pages through the API, so its limit goes past one page (MAX_TICKS_LIMIT 100000).
    expect(validateQuery({ refId: 'A', version: 1, queryType: 'ticks', symbol: 'BTCUSDT', limit: 0 }).limit).toMatch(/1 to 100000, got 0/);
    expect(validateQuery({ refId: 'A', version: 1, queryType: 'ticks', symbol: 'BTCUSDT', limit: 500 })).toEqual({});
  });

  it('checks a scan query: timeframe and window required, pair, limit and scanFields optional', () => {
    const scan: PairsQuery = { refId: 'A', version: 1, queryType: 'scan', timeframe: '5m', window: '1000' };
    expect(validateQuery(scan)).toEqual({});
    expect(resolveQuery(scan).query).toEqual({
      queryType: 'scan',
      timeframe: '5m',
      window: 1000,
      pair: undefined,
      limit: undefined,
      selectedOnly: false,
      scanFields: undefined,
    });
    expect(resolveQuery({ ...scan, pair: 'btcusdt/solusdt', limit: 20, selectedOnly: true, scanFields: ['pvalue'] }).query).toMatchObject({
      pair: { y: 'BTCUSDT', x: 'SOLUSDT', id: 'BTCUSDT/SOLUSDT' },
      limit: 20,
      selectedOnly: true,
      scanFields: ['pvalue'],
    });
    expect(validateQuery({ ...scan, timeframe: '1h' }).timeframe).toMatch(/not a timeframe/);
    expect(validateQuery({ ...scan, window: '' }).window).toMatch(/enter a window/);
    expect(validateQuery({ ...scan, pair: 'ETHUSDT' }).pair).toMatch(/not a pair/);
    expect(validateQuery({ ...scan, limit: 0 }).limit).toMatch(/1 to 100000, got 0/);
    expect(validateQuery({ ...scan, scanFields: ['zscore'] } as unknown as PairsQuery).fields).toMatch(/scanFields must be a list of pvalue, qvalue/);
    expect(resolveQuery({ ...scan, pair: '$scanpair' }).problems?.pair).toMatch(/template variable/);
  });

  it('rejects an unknown query type', () => {
    expect(validateQuery({ ...ok, queryType: 'nope' } as unknown as PairsQuery).queryType).toMatch(/unknown query type "nope"/);
  });
});

describe('resolveQuery (where the query runs: the backend, alert rules)', () => {
  it('gives the values ready for the API: numbers from text, upper-case symbols, the pair split', () => {
    const saved = { ...ok, pair: 'ethusdt/btcusdt', window: '30', entryZ: '2.5', exitZ: 0.5 } as unknown as PairsQuery;
    expect(resolveQuery(saved)).toEqual({
      query: {
        queryType: 'analytics',
        pair: { y: 'ETHUSDT', x: 'BTCUSDT', id: 'ETHUSDT/BTCUSDT' },
        timeframe: '1m',
        window: 30,
        entryZ: 2.5,
        exitZ: 0.5,
        fields: undefined,
        hedge: { hedge: 'ols' },
      },
    });
    expect(resolveQuery({ refId: 'A', version: 1, queryType: 'ticks', symbol: 'btcusdt' })).toEqual({
      query: { queryType: 'ticks', symbol: 'BTCUSDT', limit: undefined },
    });
  });

  it('rejects template variables, which the editor accepts', () => {
    const q = { ...ok, pair: '$pair' };
    expect(validateQuery(q)).toEqual({});
    expect(resolveQuery(q).problems?.pair).toMatch(/still holds a template variable/);
  });
});

describe('pair and template-variable helpers', () => {
  it('splits Y/X pairs', () => {
    expect(splitPair('ETHUSDT/BTCUSDT')).toEqual({ y: 'ETHUSDT', x: 'BTCUSDT' });
    expect(splitPair('ETHUSDT')).toBeUndefined();
    expect(splitPair('A/B/C')).toBeUndefined();
  });
  it('recognises Grafana variable syntaxes', () => {
    for (const t of ['$pair', '${pair}', '${pair:raw}', '[[pair]]', 'x$tf']) {
      expect(hasVariable(t)).toBe(true);
    }
    expect(hasVariable('ETHUSDT/BTCUSDT')).toBe(false);
  });
});
