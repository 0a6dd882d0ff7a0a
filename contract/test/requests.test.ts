/** The request schemas: validation messages, parsed types, and the OpenAPI parameters drawn from them. */
import { MAX_WINDOW, MIN_WINDOW } from '../src';
import { analyticsRequest, openApiDocument, parseTime, ticksRequest } from '../src/requests';

describe('request schemas', () => {
  it('parse the text of each parameter into its type', () => {
    const r = analyticsRequest.parse({ pair: 'ethusdt/BTCUSDT', tf: '1m', window: ' 100 ', from: '2025-01-01T00:00:00Z', entryZ: '2.5e0' });
    // 2025-01-01T00:00:00Z = 1735689600000 ms (date -u -d 2025-01-01 +%s%3N)
    expect(r).toEqual({ pair: { y: 'ETHUSDT', x: 'BTCUSDT', id: 'ETHUSDT/BTCUSDT' }, tf: '1m', window: 100, from: 1735689600000, entryZ: 2.5 });
    expect(ticksRequest.parse({ symbol: 'btcusdt' })).toEqual({ symbol: 'BTCUSDT', limit: 1000 });
  });

  it('say what was expected, with the bounds of constants.ts', () => {
    const issue = (q: Record<string, string>) => analyticsRequest.safeParse({ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: '30', ...q }).error?.issues[0];
    expect(issue({ window: String(MAX_WINDOW + 1) })).toMatchObject({
      path: ['window'],
      message: `expected a whole number from ${MIN_WINDOW} to ${MAX_WINDOW}`,
    });
    expect(issue({ window: '1e3' })?.message).toBe('expected a whole number from 2 to 10000');
    expect(issue({ entryZ: '1e400' })?.message).toBe('expected a number from 0 to 100');
    expect(issue({ tf: '2h' })?.message).toBe('expected one of 1s, 1m, 5m');
    expect(issue({ pair: 'ETHUSDT' })?.message).toMatch(/must look like ETHUSDT\/BTCUSDT/);
    expect(issue({ from: '2025-02-30' })?.message).toBe('not a real calendar date-time');
    expect(parseTime('2025-01-01T01:00:00+01:00')).toBe(1735689600000);
    // epoch ms with an exponent, as Python and JSON serialisers write large numbers (found by schemathesis)
    expect(parseTime('1.7356896e+12')).toBe(1735689600000);
    expect(parseTime('-0.0')).toBe(-0);
    expect(() => parseTime('2.6e14')).toThrow('time out of range (1970 .. 9999)');
    expect(() => parseTime('-1')).toThrow('time out of range (1970 .. 9999)');
  });

  it('give the OpenAPI parameters: required, default and schema from the same schema', () => {
    const doc = openApiDocument('test') as { paths: Record<string, Record<string, { parameters: { name: string; required: boolean; schema: unknown }[] }>> };
    const ticks = doc.paths['/api/ticks']!.get!.parameters;
    expect(ticks.map((p) => [p.name, p.required])).toEqual([
      ['symbol', true],
      ['from', false],
      ['to', false],
      ['limit', false],
    ]);
    expect(ticks[3]!.schema).toEqual({ type: 'integer', minimum: 1, maximum: 10000, default: 1000 });
    const window = doc.paths['/api/analytics']!.get!.parameters.find((p) => p.name === 'window');
    expect(window?.schema).toEqual({ type: 'integer', minimum: MIN_WINDOW, maximum: MAX_WINDOW });
  });
});
