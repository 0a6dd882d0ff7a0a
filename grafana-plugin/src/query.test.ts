import { interpolateQuery, withQueryType } from './query';
import { deepFreeze } from '@quant-pairs/testkit';
import { TestTemplateSrv } from '../test/support/grafana';
import { DEFAULT_ENTRY_Z, DEFAULT_TICKS_LIMIT, DEFAULT_WINDOW, type AnalyticsQuery, type BarsQuery, type PairsQuery } from '@quant-pairs/contract';

const analytics: AnalyticsQuery = deepFreeze({
  refId: 'A',
  version: 1,
  queryType: 'analytics',
  pair: 'ETHUSDT/BTCUSDT',
  timeframe: '5m',
  window: '50',
  entryZ: 2.5,
  exitZ: 0.5,
  live: true,
  datasource: { type: 'quant-pairs-datasource', uid: 'pairs' },
});

describe('withQueryType', () => {
  it('keeps pair, timeframe, window and thresholds between pair query types; live only where it streams', () => {
    const { live: _live, ...notLive } = analytics;
    // stats streams too (issue 23: its stat panels update on a stats channel)
    expect(withQueryType(analytics, 'stats')).toEqual({ ...analytics, queryType: 'stats' });
    expect(withQueryType(analytics, 'signals')).toEqual({ ...notLive, queryType: 'signals' });
    const signals = deepFreeze({ ...notLive, queryType: 'signals' as const });
    expect(withQueryType(signals, 'analytics')).toEqual(notLive);
  });

  it('turns a pair into its Y leg for symbol queries and drops pair-only fields', () => {
    expect(withQueryType(analytics, 'bars')).toEqual({
      refId: 'A',
      version: 1,
      queryType: 'bars',
      symbol: 'ETHUSDT',
      timeframe: '5m',
      live: true,
      datasource: analytics.datasource,
    });
    expect(withQueryType(analytics, 'ticks')).toEqual({
      refId: 'A',
      version: 1,
      queryType: 'ticks',
      symbol: 'ETHUSDT',
      limit: DEFAULT_TICKS_LIMIT,
      live: true,
      datasource: analytics.datasource,
    });
  });

  it('keeps a Kalman hedge and its settings from a pair query into a backtest and back (issue 16); the OLS default stays unwritten', () => {
    const kalman = deepFreeze({ ...analytics, hedge: 'kalman' as const, delta: 1e-6, ve: 0.5 });
    const { live: _live, entryZ: _entryZ, exitZ: _exitZ, ...kept } = kalman;
    const bt = withQueryType(kalman, 'backtest');
    expect(bt).toEqual({ ...kept, queryType: 'backtest' });
    expect(withQueryType(deepFreeze(bt), 'stats')).toEqual({ ...kept, queryType: 'stats' });
    expect(withQueryType({ ...analytics, hedge: 'kalman', tune: true }, 'backtest')).toMatchObject({ hedge: 'kalman', tune: true });
    expect(withQueryType({ ...analytics, hedge: 'ols' }, 'backtest')).not.toHaveProperty('hedge');
  });

  it("leaves a backtest's and a scan's own fields behind on the way to a pair query", () => {
    // the analytics query's pair part (no live, exitZ or datasource) as a backtest with its own fields
    const { live: _live, exitZ: _exitZ, datasource: _ds, ...pairPart } = analytics;
    const own = { output: 'sweep' as const, stop: 4, maxHold: '$hold', feeBps: 7.5, sweepWindows: [30, 50] };
    const bt = deepFreeze({ ...pairPart, ...own, queryType: 'backtest' as const, exitZ: '$exit' });
    // entryZ is a number both sides; a backtest's variable exitZ ('$exit') is not a pair query's number, so the default applies
    expect(withQueryType(bt, 'analytics')).toEqual(pairPart);
    const scan = deepFreeze({
      refId: 'S',
      version: 1,
      queryType: 'scan' as const,
      timeframe: '5m',
      window: '1000',
      pair: 'SOLUSDT/BTCUSDT',
      limit: 20,
      selectedOnly: true,
      scanFields: ['pvalue' as const],
    });
    expect(withQueryType(scan, 'stats')).toEqual({
      refId: 'S',
      version: 1,
      queryType: 'stats',
      pair: 'SOLUSDT/BTCUSDT',
      timeframe: '5m',
      window: '1000',
      entryZ: DEFAULT_ENTRY_Z,
    });
  });

  it('fills defaults when coming from a symbol query', () => {
    const bars: BarsQuery = deepFreeze({ refId: 'B', version: 1, queryType: 'bars', symbol: 'SOLUSDT', timeframe: '1s' });
    expect(withQueryType(bars, 'analytics')).toEqual({
      refId: 'B',
      version: 1,
      queryType: 'analytics',
      pair: 'ETHUSDT/BTCUSDT',
      timeframe: '1s',
      window: DEFAULT_WINDOW,
      entryZ: DEFAULT_ENTRY_Z,
    });
  });

  it('all pairs (issue 28): the timeframe and window of the query it comes from, or the defaults', () => {
    const bars: BarsQuery = deepFreeze({ refId: 'B', version: 1, queryType: 'bars', symbol: 'SOLUSDT', timeframe: '5m', live: true });
    expect(withQueryType(bars, 'summary')).toEqual({ refId: 'B', version: 1, queryType: 'summary', timeframe: '5m', window: DEFAULT_WINDOW });
    expect(withQueryType({ ...analytics, window: '30' }, 'summary')).toMatchObject({ queryType: 'summary', timeframe: analytics.timeframe, window: '30' });
  });

  it('returns the same object when the type does not change', () => {
    expect(withQueryType(analytics, 'analytics')).toBe(analytics);
  });
});

describe('interpolateQuery', () => {
  const tpl = new TestTemplateSrv({ pair: 'solusdt/ethusdt', tf: '1m', window: '200', entry: '1.5', sym: 'BTCUSDT' });

  it('replaces $pair, $tf and $window in every text field', () => {
    const q = deepFreeze({ ...analytics, pair: '$pair', timeframe: '${tf}', window: '[[window]]' });
    expect(interpolateQuery(q, (t) => tpl.replace(t))).toEqual({ ...analytics, pair: 'SOLUSDT/ETHUSDT', timeframe: '1m', window: '200' });
  });

  it('uses scoped variables first (repeated panels)', () => {
    const q = deepFreeze({ ...analytics, pair: '$pair' });
    const scoped = { pair: { text: 'x', value: 'BNBUSDT/BTCUSDT' } };
    expect(interpolateQuery(q, (t) => tpl.replace(t, scoped)).pair).toBe('BNBUSDT/BTCUSDT');
  });

  it('turns a numeric field saved as a variable into a number', () => {
    const q = deepFreeze({ ...analytics, entryZ: '$entry' as unknown as number });
    expect(interpolateQuery(q, (t) => tpl.replace(t)).entryZ).toBe(1.5);
  });

  it('interpolates the symbol of bars and ticks', () => {
    const q: PairsQuery = deepFreeze({ refId: 'A', version: 1, queryType: 'ticks', symbol: '$sym' });
    expect(interpolateQuery(q, (t) => tpl.replace(t))).toEqual({ ...q, symbol: 'BTCUSDT' });
  });

  it('never touches refId, queryType or datasource, and returns the same object when nothing changes', () => {
    const odd = deepFreeze({ ...analytics, refId: '$pair' });
    expect(interpolateQuery(odd, (t) => tpl.replace(t)).refId).toBe('$pair');
    expect(interpolateQuery(analytics, (t) => tpl.replace(t))).toBe(analytics);
  });
});
