/** The request schemas: validation messages, parsed types, and the OpenAPI parameters drawn from them. */
import { KALMAN_DEFAULT_DELTA, KALMAN_DEFAULT_VE, KALMAN_MAX_VE, MAX_WINDOW, MIN_WINDOW, hedgeRule } from '../src';
import { analyticsRequest, exportPairRequest, openApiDocument, parseTime, statsRequest, ticksRequest } from '../src/requests';

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

describe('the OpenAPI document states the rules the collector applies', () => {
  type Doc = { paths: Record<string, Record<string, { parameters: { name: string; in: string; style?: string; explode?: boolean; schema: any }[] }>> };
  const doc = openApiDocument('test') as Doc;

  it('GET /export: one of two parameter sets, symbol (ticks or bars) or pair (analytics), each with its required parameters and no others', () => {
    const [query, ...rest] = doc.paths['/export']!.get!.parameters;
    expect(rest).toEqual([]);
    expect(query).toMatchObject({ in: 'query', style: 'form', explode: true, required: true });
    const sets = query!.schema.oneOf as { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> }[];
    // the rules routes/export.ts applied by hand before (symbol or pair, not both; pair needs tf and window)
    expect(sets.map((s) => [s.required, s.additionalProperties])).toEqual([
      [['symbol'], false],
      [['pair', 'tf', 'window'], false],
    ]);
    expect(Object.keys(sets[0]!.properties)).toEqual(['symbol', 'tf', 'from', 'to', 'format']);
  });

  it('times: the ISO-8601 pattern accepts what parseTime accepts, and refuses what it refuses but the calendar', () => {
    const from = doc.paths['/api/ticks']!.get!.parameters.find((p) => p.name === 'from')!;
    const iso = new RegExp(from.schema.oneOf[1].pattern);
    // written by hand from parseTime's rules (kinds.ts): date only, T or space, seconds, fractions to ns, Z or an offset
    for (const ok of ['1970-01-01', '2025-01-01T00:00:00Z', '2025-01-01 23:59:59.123456789+05:30', '9999-12-31t23:59:59z', '2025-06-30T12:00+0100']) {
      expect([ok, iso.test(ok)]).toEqual([ok, true]);
      expect(() => parseTime(ok)).not.toThrow();
    }
    // before 1970, month 13, hour 24, minute 60, a second fraction past ns: refused by both
    for (const bad of ['1969-12-31T23:59:59Z', '2025-13-01', '2025-01-01T24:00:00Z', '2025-01-01T00:60Z', '2025-01-01T00:00:00.1234567890Z']) {
      expect([bad, iso.test(bad)]).toEqual([bad, false]);
      expect(() => parseTime(bad)).toThrow();
    }
    // the calendar stays parseTime's (a rule the fuzz hooks list): Feb 30 matches the pattern
    expect(iso.test('2025-02-30')).toBe(true);
    expect(() => parseTime('2025-02-30')).toThrow('not a real calendar date-time');
  });
});

describe('hedge parameters (issue 18)', () => {
  const base = { pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: '30' };
  it('parse hedge, delta, ve and tune, with the open bounds in the OpenAPI schema', () => {
    expect(analyticsRequest.parse({ ...base, hedge: 'kalman', delta: '1e-5', ve: '0.25' })).toMatchObject({ hedge: 'kalman', delta: 1e-5, ve: 0.25 });
    expect(statsRequest.parse({ ...base, hedge: 'kalman', tune: 'true' })).toMatchObject({ hedge: 'kalman', tune: true });
    const issue = (q: Record<string, string>) => exportPairRequest.safeParse({ ...base, ...q }).error?.issues[0];
    expect(issue({ hedge: 'tls' })).toMatchObject({ path: ['hedge'], message: 'expected one of ols, kalman' });
    expect(issue({ delta: '1' })).toMatchObject({ path: ['delta'], message: 'expected a number greater than 0 and less than 1' });
    expect(issue({ ve: '0' })).toMatchObject({ path: ['ve'], message: `expected a number greater than 0 and less than ${KALMAN_MAX_VE}` });
    expect(issue({ tune: 'yes' })).toMatchObject({ path: ['tune'], message: 'expected true or false' });
    const doc = openApiDocument('test') as { paths: Record<string, Record<string, { parameters: { name: string; schema: unknown }[] }>> };
    for (const path of ['/api/analytics', '/api/signals', '/api/stats']) {
      const names = doc.paths[path]!.get!.parameters.map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['hedge', 'delta', 've', 'tune']));
    }
    // /export takes them with pair only (its second parameter set)
    const sets = (doc.paths['/export']!.get!.parameters[0]!.schema as { oneOf: { properties: object }[] }).oneOf;
    expect(Object.keys(sets[1]!.properties)).toEqual(expect.arrayContaining(['hedge', 'delta', 've', 'tune']));
    expect(Object.keys(sets[0]!.properties)).not.toContain('hedge');
    const delta = doc.paths['/api/analytics']!.get!.parameters.find((p) => p.name === 'delta');
    expect(delta?.schema).toEqual({ type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true });
  });

  it('hedgeRule: delta / ve / tune need hedge=kalman, tune excludes delta / ve, defaults are Chan’s', () => {
    expect(hedgeRule({})).toEqual({ choice: { hedge: 'ols' } });
    expect(hedgeRule({ ve: 1 })).toEqual({ param: 've', message: 've applies to hedge=kalman only (hedge is ols)' });
    expect(hedgeRule({ hedge: 'ols', tune: false })).toMatchObject({ param: 'tune' });
    expect(hedgeRule({ hedge: 'kalman' })).toEqual({ choice: { hedge: 'kalman', delta: KALMAN_DEFAULT_DELTA, ve: KALMAN_DEFAULT_VE } });
    expect(hedgeRule({ hedge: 'kalman', delta: 1e-6 })).toEqual({ choice: { hedge: 'kalman', delta: 1e-6, ve: KALMAN_DEFAULT_VE } });
    expect(hedgeRule({ hedge: 'kalman', tune: true, delta: 1e-6 })).toEqual({
      param: 'tune',
      message: 'tune=true fits delta and ve by maximum likelihood: give tune or delta, not both',
    });
    expect(hedgeRule({ hedge: 'kalman', tune: false, ve: 2 })).toEqual({ choice: { hedge: 'kalman', delta: KALMAN_DEFAULT_DELTA, ve: 2 } });
  });
});
