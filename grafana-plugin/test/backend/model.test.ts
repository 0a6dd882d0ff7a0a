/**
 * The backend reads a saved query exactly as the editor does: the same migrateQuery and the
 * same rules (@quant-pairs/contract). Before, a query without `queryType` was analytics here
 * while the frontend's migration made `{symbol}` a ticks query, so an old saved query worked
 * in a panel and failed in an alert rule.
 */
import { migrateQuery, validateQuery, type SavedQuery } from '@quant-pairs/contract';
import { parseQuery, QueryError, type RawQuery } from '../../backend/src/query/model';

const raw = (model: Record<string, unknown>, envelopeType?: string): RawQuery => ({
  refId: 'A',
  json: Buffer.from(JSON.stringify(model)),
  queryType: envelopeType,
  timeRange: { fromEpochMS: 1_000, toEpochMS: 2_000 },
});

// The hand-written (version 0) queries of provisioning/test/fixtures/grafana-contracts.md and the old editor.
const saved: SavedQuery[] = [
  { refId: 'A', symbol: 'BTCUSDT' },
  { refId: 'A', symbol: 'BTCUSDT', tf: '1m' },
  { refId: 'A', pair: 'ETHUSDT/BTCUSDT', tf: '5m', window: 60 },
  { refId: 'A', pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: '30', entryZ: '2.5', exitZ: '0.5' },
  { refId: 'A', queryType: 'signals', pair: 'SOLUSDT/ETHUSDT', timeframe: '1m' },
];

describe('parseQuery (backend) agrees with migrateQuery + validateQuery (editor)', () => {
  it.each(saved)('%j: same query type, same values, valid in both', (model) => {
    const editor = migrateQuery(model);
    expect(validateQuery(editor)).toEqual({});
    const backend = parseQuery(raw(model));
    expect(backend.queryType).toBe(editor.queryType);
    const e = editor as unknown as Record<string, unknown>;
    if ('symbol' in backend) expect(backend.symbol).toBe(e.symbol);
    if ('tf' in backend) expect(backend.tf).toBe(e.timeframe);
    if ('pair' in backend && backend.queryType !== 'scan' && backend.queryType !== 'backtest' && backend.queryType !== 'funding') {
      expect(backend.pair).toBe(e.pair);
      expect(backend.window).toBe(Number(e.window));
      expect(backend.entryZ).toBe(e.entryZ);
      expect(backend.exitZ).toBe(e.exitZ);
    }
  });

  it('an old {symbol} query is a ticks query in an alert rule too (it was analytics and failed: "pair is missing")', () => {
    expect(parseQuery(raw({ refId: 'A', symbol: 'BTCUSDT' }))).toMatchObject({ queryType: 'ticks', symbol: 'BTCUSDT', limit: 1000 });
  });

  it('takes the query type Grafana sends beside the JSON when the JSON has none', () => {
    expect(parseQuery(raw({ refId: 'A', symbol: 'BTCUSDT', timeframe: '1m' }, 'bars'))).toMatchObject({ queryType: 'bars', tf: '1m' });
  });

  it('names an unknown query type instead of running the query as another type', () => {
    expect(() => parseQuery(raw({ refId: 'A', queryType: 'candles', symbol: 'BTCUSDT' }))).toThrow(/queryType: unknown query type "candles"/);
  });

  it('rejects in the backend exactly what the editor rejects, naming the field', () => {
    const bad = { refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '10001' };
    const problem = validateQuery(migrateQuery(bad)).window;
    expect(problem).toMatch(/from 2 to 10000/);
    let err: unknown;
    try {
      parseQuery(raw(bad));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QueryError);
    expect((err as QueryError).param).toBe('window');
    expect((err as QueryError).message).toBe(`window: ${problem}`);
  });

  it('names a number too large for a double as written (1e999), not as the null JSON.stringify makes of Infinity', () => {
    const text = '{"refId":"A","version":1,"queryType":"analytics","pair":"ETHUSDT/BTCUSDT","timeframe":"1m","window":"30","entryZ":1e999}';
    expect(() => parseQuery({ refId: 'A', json: Buffer.from(text), timeRange: { fromEpochMS: 1_000, toEpochMS: 2_000 } })).toThrow(
      'entryZ: the entry threshold |z| must be a number above 0, got 1e999',
    );
  });
});
