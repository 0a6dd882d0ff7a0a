import { DEFAULT_WINDOW, QUERY_MODEL_VERSION, migrateQuery, queryVersion, type PairsQuery } from '../src';
import { deepFreeze } from '@quant-pairs/testkit';

describe('migrateQuery', () => {
  it('has one step per version up to the current one', () => {
    // v0 (unversioned) -> v1 is the only step while QUERY_MODEL_VERSION is 1.
    expect(QUERY_MODEL_VERSION).toBe(1);
    const q = migrateQuery(deepFreeze({ refId: 'A', symbol: 'BTCUSDT' }));
    expect(q.version).toBe(QUERY_MODEL_VERSION);
  });

  it('upgrades the hand-written examples of provisioning/test/fixtures/grafana-contracts.md', () => {
    // contracts.md §1 and §4: { refId, symbol: 'BTCUSDT' } and { symbol, window: 60 }.
    expect(migrateQuery(deepFreeze({ refId: 'A', symbol: 'BTCUSDT' }))).toEqual({
      refId: 'A',
      version: 1,
      queryType: 'ticks',
      symbol: 'BTCUSDT',
    });
    expect(migrateQuery(deepFreeze({ refId: 'A', symbol: 'BTCUSDT', tf: '1m' }))).toEqual({
      refId: 'A',
      version: 1,
      queryType: 'bars',
      symbol: 'BTCUSDT',
      timeframe: '1m',
    });
  });

  it('infers analytics from a pair, renames tf, turns window into text and thresholds into numbers', () => {
    const saved = deepFreeze({ refId: 'B', pair: 'ETHUSDT/BTCUSDT', tf: '5m', window: 60, entryZ: '2.5', exitZ: '0.5' });
    expect(migrateQuery(saved)).toEqual({
      refId: 'B',
      version: 1,
      queryType: 'analytics',
      pair: 'ETHUSDT/BTCUSDT',
      timeframe: '5m',
      window: '60',
      entryZ: 2.5,
      exitZ: 0.5,
    });
  });

  it('keeps an explicit queryType and fills the default window of a pair query', () => {
    expect(migrateQuery(deepFreeze({ refId: 'C', queryType: 'signals', pair: 'SOLUSDT/ETHUSDT', timeframe: '1m' }))).toEqual({
      refId: 'C',
      version: 1,
      queryType: 'signals',
      pair: 'SOLUSDT/ETHUSDT',
      timeframe: '1m',
      window: DEFAULT_WINDOW,
    });
  });

  it('prefers timeframe over tf when both are present, and drops tf', () => {
    const q = migrateQuery(deepFreeze({ refId: 'A', pair: 'A1/B1', tf: '5m', timeframe: '1s' })) as unknown as Record<string, unknown>;
    expect(q.timeframe).toBe('1s');
    expect('tf' in q).toBe(false);
  });

  it('returns a current query as the very same object', () => {
    const q: PairsQuery = deepFreeze({ refId: 'A', version: 1, queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' });
    expect(migrateQuery(q)).toBe(q);
  });

  it('keeps a queryType it does not know, so that validation names it instead of the query becoming another type', () => {
    expect(migrateQuery(deepFreeze({ refId: 'A', queryType: 'candles', symbol: 'BTCUSDT' })).queryType).toBe('candles');
  });

  it('leaves a query from a newer plugin version alone', () => {
    const q = deepFreeze({ refId: 'A', version: 7, queryType: 'whatever' });
    expect(migrateQuery(q)).toBe(q);
  });

  it('reads a missing or unreadable version as 0', () => {
    expect(queryVersion({})).toBe(0);
    expect(queryVersion({ version: '1' })).toBe(0);
    expect(queryVersion({ version: -1 })).toBe(0);
    expect(queryVersion({ version: 1 })).toBe(1);
  });

  it('keeps Grafana envelope fields', () => {
    const ds = { type: 'quant-pairs-datasource', uid: 'pairs' };
    const q = migrateQuery(deepFreeze({ refId: 'Z', hide: true, datasource: ds, pair: 'ETHUSDT/BTCUSDT' }));
    expect(q.hide).toBe(true);
    expect(q.datasource).toEqual(ds);
  });
});
