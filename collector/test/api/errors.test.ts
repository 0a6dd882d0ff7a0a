/**
 * Every error path: bad parameters (400 naming the parameter), unknown names (404), auth
 * (401), bodies (400 / 413), unknown endpoints (404), and the OpenAPI document. The expected
 * messages are the ones the parameter definitions in src/api/http/params.ts promise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTime } from '@quant-pairs/contract/requests';
import { startApi, type Harness } from './helpers';

let h: Harness;
const TOKEN = 'sekret-token-42';
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  h = await startApi({ token: TOKEN });
  await h.store.insertTicks([{ symbol: 'BTCUSDT', id: 1, ts: Date.UTC(2025, 0, 1), price: 1, qty: 1, isBuyerMaker: false }]);
});
afterAll(() => h.close());

describe('authentication', () => {
  it('lets /api/health through without a token', async () => {
    expect((await h.get('/api/health')).status).toBe(200);
  });
  it.each(['/api/symbols', '/api/pairs', '/api/ticks?symbol=BTCUSDT', '/export?symbol=BTCUSDT', '/metrics', '/api/openapi.json', '/api/alerts', '/nope'])(
    'refuses %s without a token, with a wrong one, and accepts the right one',
    async (path) => {
      const none = await h.get(path);
      expect(none.status).toBe(401);
      expect(none.body.error).toMatch(/missing Authorization/);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      for (const bad of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, TOKEN, `Basic ${TOKEN}`, 'Bearer ']) {
        const r = await h.get(path, { authorization: bad });
        expect(r.status).toBe(401);
      }
      expect((await h.get(path, auth)).status).not.toBe(401);
    },
  );
});

describe('bad parameters are a 400 naming the parameter and what was expected', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['/api/ticks', 'symbol', /symbol is required/],
    ['/api/ticks?symbol=BTC-USDT', 'symbol', /expected a Binance symbol/],
    ['/api/ticks?symbol=BTCUSDT&from=yesterday', 'from', /expected epoch milliseconds .* or ISO-8601/],
    ['/api/ticks?symbol=BTCUSDT&from=2025-02-30T00:00:00Z', 'from', /not a real calendar date-time/],
    ['/api/ticks?symbol=BTCUSDT&to=-5', 'to', /time out of range \(1970 \.\. 9999\)/],
    ['/api/ticks?symbol=BTCUSDT&to=5e999', 'to', /time out of range/],
    ['/api/ticks?symbol=BTCUSDT&from=99999999999999999999', 'from', /out of range/],
    ['/api/ticks?symbol=BTCUSDT&from=2000&to=1000', 'from', /must be before to/],
    ['/api/ticks?symbol=BTCUSDT&limit=0', 'limit', /whole number from 1 to 10000/],
    ['/api/ticks?symbol=BTCUSDT&limit=10001', 'limit', /whole number from 1 to 10000/],
    ['/api/ticks?symbol=BTCUSDT&limit=1.5', 'limit', /whole number/],
    ['/api/ticks?symbol=BTCUSDT&symbol=ETHUSDT', 'symbol', /given more than once/],
    ['/api/ticks?symbol=BTCUSDT&lmit=5', 'lmit', /unknown parameter "lmit"; expected one of symbol, from, to, limit/],
    // found by the soak's hostile requests: names on Object.prototype were taken for known parameters
    ['/api/ticks?symbol=BTCUSDT&__proto__=1', '__proto__', /unknown parameter "__proto__"/],
    ['/api/bars?symbol=BTCUSDT&tf=1m&constructor=x', 'constructor', /unknown parameter "constructor"/],
    ['/api/alerts?toString=1', 'toString', /unknown parameter "toString"/],
    ['/api/bars?symbol=BTCUSDT', 'tf', /tf is required/],
    ['/api/bars?symbol=BTCUSDT&tf=2m', 'tf', /expected one of 1s, 1m, 5m/],
    ['/api/bars?symbol=BTCUSDT&tf=1m&limit=100001', 'limit', /1 to 100000/],
    ['/export', 'symbol', /symbol .* or pair .* is required/],
    ['/export?symbol=BTCUSDT&window=5', 'window', /pair exports only/],
    ['/export?symbol=BTCUSDT&pair=ETHUSDT/BTCUSDT', 'pair', /not both/],
    ['/export?pair=ETHUSDT/BTCUSDT', 'tf', /tf is required with pair/],
    ['/export?pair=ETHUSDT/BTCUSDT&tf=1m', 'window', /window is required/],
    ['/export?pair=ETHUSDT-BTCUSDT&tf=1m&window=5', 'pair', /must look like ETHUSDT\/BTCUSDT/],
    ['/export?pair=BTCUSDT/BTCUSDT&tf=1m&window=5', 'pair', /the two legs must differ/],
    ['/export?symbol=BTCUSDT&format=xlsx', 'format', /expected one of csv/],
    ['/api/alerts?limit=abc', 'limit', /whole number from 1 to 1000/],
    ['/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1m&window=5&entryZ=0', 'entryZ', /entryZ must be a positive number/],
    ['/api/signals?pair=ETHUSDT/BTCUSDT&tf=1m&window=5&exitZ=3', 'exitZ', /exitZ must be a number with 0 <= exitZ < entryZ \(2\)/],
    ['/api/stats?pair=ETHUSDT/BTCUSDT&tf=1m&window=5&entryZ=1e400', 'entryZ', /expected a number from 0 to 100/],
    ['/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1m&window=5&maxDataPoints=0', 'maxDataPoints', /whole number from 1 to 1000000/],
    ['/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1m&window=5&ddof=2', 'ddof', /expected one of 0, 1/],
    ['/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1m&window=5&from=0&to=99999999999999', 'from', /range too large/],
  ];
  it.each(cases)('%s -> 400 param %s', async (path, param, message) => {
    const r = await h.get(path, auth);
    expect(r.status).toBe(/range too large/.test(String(message)) ? 413 : 400);
    expect(r.body.param).toBe(param);
    expect(r.body.error).toMatch(message);
  });
});

describe('unknown names are 404', () => {
  it.each(['/api/ticks?symbol=DOGEUSDT', '/api/bars?symbol=DOGEUSDT&tf=1m', '/export?symbol=DOGEUSDT'])('%s', async (path) => {
    const r = await h.get(path, auth);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'unknown symbol DOGEUSDT: it is neither configured (PAIRS) nor stored', param: 'symbol' });
  });
  it('an unknown endpoint is a JSON 404', async () => {
    const r = await h.get('/api/nothing', auth);
    expect(r.status).toBe(404);
    expect(r.body.error).toMatch(/no endpoint GET \/api\/nothing/);
  });
});

describe('POST /api/alerts bodies', () => {
  const post = (body: string, type = 'application/json') =>
    fetch(`${h.url}/api/alerts`, { method: 'POST', headers: { ...auth, 'content-type': type }, body }).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
  it('refuses broken JSON, a non-object, a missing status and an oversize body', async () => {
    expect(await post('{"status":')).toEqual({ status: 400, body: { error: 'request body is not valid JSON', param: 'body' } });
    // (the messages of @quant-pairs/contract/requests alertWebhookBody)
    expect(await post('[1,2]')).toEqual({ status: 400, body: { param: 'body', error: 'expected a JSON object: the Grafana webhook payload' } });
    expect(await post('{"alerts":[]}')).toEqual({
      status: 400,
      body: { param: 'status', error: 'expected "status": "firing" or "resolved" (Grafana webhook payload)' },
    });
    expect(await post('{"status":"firing","alerts":5}')).toEqual({ status: 400, body: { param: 'alerts', error: 'expected "alerts" to be an array' } });
    expect(await post(JSON.stringify({ status: 'firing', big: 'x'.repeat(1_100_000) }))).toEqual({
      status: 413,
      body: { error: 'request body too large', param: 'body' },
    });
  });
  it('stores a number too large for a double as the text written, not as null', async () => {
    const r = await post('{"status":"firing","alerts":[],"values":{"B":1e999,"C":2.5}}');
    expect(r).toMatchObject({ status: 201, body: { payload: { values: { B: '1e999', C: 2.5 } } } });
  });
});

describe('time parameters', () => {
  it('parse epoch ms and ISO-8601 forms to the same instant', () => {
    const t = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    expect(parseTime(String(t))).toBe(t);
    expect(parseTime('2025-01-02T03:04:05.678Z')).toBe(t);
    expect(parseTime('2025-01-02T03:04:05.678')).toBe(t); // no offset = UTC
    expect(parseTime('2025-01-02T05:04:05.678+02:00')).toBe(t);
    expect(parseTime('2025-01-02T05:04:05.678+0200')).toBe(t);
    expect(parseTime('2025-01-02')).toBe(Date.UTC(2025, 0, 2));
    expect(parseTime('1735689600000.5')).toBe(1735689600000.5);
  });
});

describe('GET /api/openapi.json', () => {
  it('describes every endpoint with the parameters the validators use', async () => {
    const r = await h.get('/api/openapi.json', auth);
    expect(r.body.openapi).toBe('3.0.3');
    const paths = Object.keys(r.body.paths).sort();
    expect(paths).toEqual([
      '/api/alerts',
      '/api/analytics',
      '/api/backtest',
      '/api/backtest/sweep',
      '/api/bars',
      '/api/funding',
      '/api/health',
      '/api/openapi.json',
      '/api/pairs',
      '/api/scan',
      '/api/scan/history',
      '/api/signals',
      '/api/stats',
      '/api/symbols',
      '/api/ticks',
      '/export',
      '/metrics',
    ]);
    expect(Object.keys(r.body.paths['/api/alerts']).sort()).toEqual(['get', 'post']);
    expect(r.body.paths['/api/analytics'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'pair',
      'tf',
      'window',
      'from',
      'to',
      'entryZ',
      'exitZ',
      'ddof',
      'hedge',
      'delta',
      've',
      'tune',
      'maxDataPoints',
    ]);
    expect(r.body.paths['/api/analytics'].get.responses['413']).toBeDefined();
    const ticks = r.body.paths['/api/ticks'].get;
    expect(ticks.parameters.map((p: { name: string }) => p.name)).toEqual(['symbol', 'from', 'to', 'limit']);
    expect(ticks.parameters[3].schema).toEqual({ type: 'integer', minimum: 1, maximum: 10000, default: 1000 });
    expect(r.body.paths['/api/health'].get.security).toEqual([]);
  });

  it('has the endpoints and parameters of the document served before they came from the zod request schemas (fixtures/openapi)', async () => {
    const r = await h.get('/api/openapi.json', auth);
    const golden = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'openapi', 'openapi.json'), 'utf8'));
    type Doc = { paths: Record<string, Record<string, { parameters: { name: string; schema: { oneOf?: { type: string }[] } }[] }>> };
    // allowEmptyValue (an empty optional parameter counts as absent) was added to the optional ones since
    const params = (d: Doc) =>
      Object.entries(d.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([m, op]) => [
          path,
          m,
          op.parameters.map((p) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'allowEmptyValue'))),
        ]),
      );
    // Since then, schemathesis (test/fuzz) found the times' upper bound missing: every time
    // parameter (oneOf number | date-time) now says maximum 253402300799999 (end of year 9999).
    for (const [, , ps] of params(golden as Doc) as [string, string, Doc['paths'][string][string]['parameters']][]) {
      for (const p of ps) if (p.schema.oneOf) p.schema.oneOf[0] = { ...p.schema.oneOf[0]!, maximum: 253402300799999 } as { type: string };
    }
    // and its ISO-8601 strings before 1970 (and hours, months out of range): `format: date-time`
    // became the pattern of what parseTime accepts (issue 23)
    const served0 = (r.body as Doc).paths['/api/ticks']!.get!.parameters.find((p) => p.name === 'from')!.schema.oneOf![1]!;
    expect(served0).toEqual({ type: 'string', pattern: expect.stringMatching(/^\^\(19\[7-9\]/) });
    for (const [, , ps] of params(golden as Doc) as [string, string, Doc['paths'][string][string]['parameters']][]) {
      for (const p of ps) if (p.schema.oneOf) p.schema.oneOf[1] = served0;
    }
    // and a symbol may name a USD-M perpetual, BTCUSDT.P (issue 25): the symbol and pair patterns take the suffix
    const perp = (pattern: string) => pattern.replaceAll('[A-Za-z0-9]{2,20}', `[A-Za-z0-9]{2,20}(?:\\.[Pp])?`);
    for (const [, , ps] of params(golden as Doc) as [string, string, Doc['paths'][string][string]['parameters']][]) {
      for (const p of ps) {
        const schema = p.schema as { pattern?: string };
        if (schema.pattern) schema.pattern = perp(schema.pattern);
      }
    }
    // paths added since: the backtest (issue 16), the pair scanner (issue 15), funding (issue 25)
    const added = new Set(['/api/backtest', '/api/backtest/sweep', '/api/scan', '/api/scan/history', '/api/funding']);
    // and /export's flat list of optional parameters became one query of two parameter sets
    // (symbol or pair, issue 23): the sets hold the golden's parameters, nothing else
    const served = {
      ...(r.body as Doc),
      paths: Object.fromEntries(Object.entries((r.body as Doc).paths).filter(([path]) => !added.has(path) && path !== '/export')),
    };
    const goldenDoc = golden as Doc;
    const goldenExport = goldenDoc.paths['/export']!.get!.parameters;
    expect(params(served)).toEqual(params({ ...goldenDoc, paths: Object.fromEntries(Object.entries(goldenDoc.paths).filter(([path]) => path !== '/export')) }));
    const sets = (r.body.paths['/export'].get.parameters[0].schema.oneOf as { properties: Record<string, unknown> }[]).map((s) => Object.keys(s.properties));
    expect([...new Set(sets.flat())].sort()).toEqual(goldenExport.map((p) => p.name).sort());
    expect(r.body.info.title).toBe(golden.info.title);
    expect(r.body.security).toEqual(golden.security);
  });

  it('describes each answer: the schema of its response type (strict), 201 for a stored alert, 503 for health, links for the stateful fuzzer', async () => {
    const doc = (await h.get('/api/openapi.json', auth)).body;
    const ticks = doc.paths['/api/ticks'].get.responses['200'].content['application/json'].schema;
    expect(ticks.required).toEqual(['from', 'to', 'next', 'symbol', 'ticks']);
    expect(ticks.additionalProperties).toBe(false);
    expect(ticks.properties.ticks.items.properties.isBuyerMaker).toEqual({ type: 'boolean' });
    expect(Object.keys(doc.paths['/api/alerts'].post.responses).sort()).toEqual(['201', '400', '401', '413']);
    expect(doc.paths['/api/alerts'].post.requestBody.content['application/json'].schema.required).toEqual(['status']);
    expect(doc.paths['/api/health'].get.responses['503'].content['application/json'].schema.properties.database.required).toEqual(['ok', 'kind', 'detail']);
    // the live paper position says the rules it runs under (PaperPositionDto.rules: the backtest's settings but barsPerYear)
    const position = doc.paths['/api/stats'].get.responses['200'].content['application/json'].schema.properties.position;
    const rules = (position.anyOf ?? [position]).find((s: { properties?: unknown }) => s.properties)?.properties.rules;
    expect(rules.required).toEqual(['entry', 'exit', 'stop', 'maxHold', 'cooldown', 'lag', 'feeBps', 'slippageBps', 'notional']);
    expect(doc.paths['/api/pairs'].get.responses['200'].links.stats).toEqual({
      operationId: 'getApiStats',
      parameters: { pair: '$response.body#/pairs/0/pair', window: '$response.body#/windows/0' },
    });
  });

  it('declares the bearer token only when API_TOKEN is set', async () => {
    const open = await startApi();
    try {
      const doc = (await open.get('/api/openapi.json')).body;
      expect(doc.security).toBeUndefined();
      expect(doc.components.securitySchemes).toBeUndefined();
      expect(doc.paths['/api/ticks'].get.responses['401']).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('answers a documented path asked with another method 405 with Allow', async () => {
    const r = await fetch(h.url + '/api/ticks', { method: 'DELETE', headers: auth });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, HEAD');
    expect(((await r.json()) as { error: string }).error).toMatch(/DELETE is not allowed on \/api\/ticks; use GET or HEAD/);
    const alerts = await fetch(h.url + '/api/alerts', { method: 'PUT', headers: auth });
    expect(alerts.status).toBe(405);
    expect(alerts.headers.get('allow')).toBe('POST, GET, HEAD');
  });
});

describe('hostile parameters never give a 5xx', () => {
  it('answers 600 random requests built from nasty values with 2xx / 4xx only', async () => {
    const nasty = [
      '',
      ' ',
      '-1',
      '0',
      '1',
      '2',
      '1e309',
      'NaN',
      'Infinity',
      '-0',
      '0x10',
      '1.5',
      '99999999999999999999',
      '2025-13-01',
      '2025-01-01T25:00:00Z',
      'BTCUSDT',
      'ETHUSDT/BTCUSDT',
      'btcusdt',
      '../../etc/passwd',
      "'; DROP TABLE ticks;--",
      '%00',
      '\u0000',
      '🙂',
      'a'.repeat(5000),
      '1m',
      '5m',
      '1s',
      'csv',
      '__proto__',
      '[]',
      '{}',
    ];
    const endpoints: Record<string, string[]> = {
      '/api/ticks': ['symbol', 'from', 'to', 'limit'],
      '/api/bars': ['symbol', 'tf', 'from', 'to', 'limit'],
      '/api/analytics': ['pair', 'tf', 'window', 'from', 'to', 'maxDataPoints', 'entryZ', 'exitZ', 'ddof'],
      '/api/stats': ['pair', 'tf', 'window', 'entryZ', 'exitZ'],
      '/api/signals': ['pair', 'tf', 'window', 'from', 'to'],
      '/export': ['symbol', 'pair', 'tf', 'window', 'from', 'to', 'format'],
      '/api/alerts': ['limit'],
    };
    let seed = 12345;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 600; i++) {
      const paths = Object.keys(endpoints);
      const path = paths[rnd(paths.length)]!;
      const names = endpoints[path]!;
      const qs = new URLSearchParams();
      for (const n of names) if (rnd(3) > 0) qs.append(n, nasty[rnd(nasty.length)]!);
      if (rnd(10) === 0) qs.append(names[rnd(names.length)]!, '1');
      const r = await fetch(`${h.url}${path}?${qs}`, { headers: auth });
      await r.arrayBuffer();
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status >= 500) throw new Error(`${path}?${qs} -> ${r.status}`);
    }
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(100);
  });
});

describe('the one error handler', () => {
  it('answers an internal failure with a 500 that hides the details and logs them with the request', async () => {
    const { log } = await import('../../src/log');
    const lines: Array<Record<string, unknown>> = [];
    const h2 = await startApi();
    log.configure({ level: 'error', sink: (l) => void lines.push(JSON.parse(l)) });
    try {
      await h2.store.close(); // the database goes away under the API
      const r = await h2.get('/api/ticks?symbol=BTCUSDT&from=2025-01-01');
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ error: 'internal error; the collector log has the details' });
      const line = lines.find((l) => l.msg === 'request failed');
      expect(line).toMatchObject({ level: 'error', method: 'GET', path: '/api/ticks', query: { symbol: 'BTCUSDT', from: '2025-01-01' } });
      expect(String(line!.error)).not.toBe('');
    } finally {
      log.configure({ level: 'warn', sink: (l) => void process.stderr.write(l + '\n') });
      await h2.close(); // closing the store again is a no-op
    }
  });
});
