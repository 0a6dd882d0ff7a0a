import { resourceValues, variableKind } from './resources';
import { PAIRS_BODY, SYMBOLS_BODY } from '../test/support/grafana';

describe('resourceValues', () => {
  it('reads the collector bodies the backend passes on', () => {
    expect(resourceValues('pairs', PAIRS_BODY)).toEqual(['ETHUSDT/BTCUSDT', 'SOLUSDT/ETHUSDT']);
    expect(resourceValues('timeframes', PAIRS_BODY)).toEqual(['1s', '1m', '5m']);
    expect(resourceValues('windows', PAIRS_BODY)).toEqual(['100', '500']);
    expect(resourceValues('symbols', SYMBOLS_BODY)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
  });

  it('reads plain arrays and {text,value} lists, without duplicates', () => {
    expect(resourceValues('windows', [100, 500, 100])).toEqual(['100', '500']);
    expect(resourceValues('pairs', [{ text: 'A1/B1', value: 'A1/B1' }, 'C1/D1'])).toEqual(['A1/B1', 'C1/D1']);
  });

  it('says so when the answer is not a list', () => {
    expect(() => resourceValues('pairs', { nope: 1 })).toThrow('the pairs list from the backend is not a list');
  });
});

describe('variableKind', () => {
  it('reads the kind, defaulting to pairs', () => {
    expect(variableKind({ kind: 'windows' })).toBe('windows');
    expect(variableKind('symbols')).toBe('symbols');
    expect(variableKind(undefined)).toBe('pairs');
    expect(variableKind({ kind: 'toString' as never })).toBe('pairs');
  });
});
