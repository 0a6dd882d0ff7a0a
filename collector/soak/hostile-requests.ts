/**
 * The requests of the bad-input part (soak/hostile.ts): each one invalid by construction (wrong
 * types, out-of-range numbers, injection strings, bad tokens, broken CSV export parameters,
 * repeated and unknown parameters, odd methods and encodings, broken bodies, raw socket bytes),
 * drawn from a seeded generator so that a run repeats.
 */
import { rng } from '../src/fake-binance/rng';

export interface HostileRequest {
  category: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Written as raw bytes on a socket (for what fetch refuses to send). */
  raw?: Buffer;
}

const INJECTIONS = [
  "BTCUSDT' OR '1'='1",
  'BTCUSDT;DROP TABLE ticks;--',
  '"; DELETE FROM bars; --',
  '../../../../etc/passwd', // outside-repo-ok: a path-traversal attack string sent to the API, never read
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '%00',
  'BTC\u0000USDT',
  '🚀🚀🚀',
  'Ω≈ç√∫',
  '\u202eTDSUCTB',
  'A'.repeat(5_000),
  '1 UNION SELECT * FROM symbols',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-0',
  '0x1F',
  '1e309',
  'null',
  'undefined',
  '[]',
  '{}',
  ' ',
];
const NUMBERS_BAD = [
  'abc',
  '-1',
  '0',
  '1.5',
  '1e9',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '1,000',
  '+-1',
  '١٢٣',
  ' 12 3 ',
  '--5',
  '5-',
  'true',
];
const TIMES_BAD = [
  'yesterday',
  '2025-13-01',
  '2025-02-30T00:00:00Z',
  '2025-01-01T25:00:00Z',
  '-1',
  '1e20',
  '99999999999999999',
  '2025-01-01T00:00:00+99:99',
  'Thu, 01 Jan 1970',
  '１７３５６８９６００００',
  '1735689600000ms',
  'now',
  '10000-01-01',
];
const TF_BAD = ['2m', '1h', '1S', '1 s', '60s', 's1', '', '0s', '1m;', '5M'];

function qs(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/**
 * The request list: `n` requests drawn (seeded) from the categories below, each invalid by
 * construction. `pair` is a configured pair y/x, `symbol` a configured symbol.
 */
export function hostileRequests(n: number, token: string, pair: string, symbol: string, seed = 3): HostileRequest[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const auth = { authorization: `Bearer ${token}` };
  const get = (category: string, path: string, params: Record<string, string> | string, headers: Record<string, string> = auth): HostileRequest => ({
    category,
    method: 'GET',
    path: typeof params === 'string' ? `${path}?${params}` : `${path}?${qs(params)}`,
    headers,
  });
  const [y, x] = pair.split('/') as [string, string];
  const makers: Array<() => HostileRequest> = [
    // wrong types and out-of-range numbers
    () => get('wrong-type', '/api/ticks', { symbol, limit: pick(NUMBERS_BAD) }),
    () => get('wrong-type', '/api/bars', { symbol, tf: '1m', limit: pick(NUMBERS_BAD) }),
    () => get('wrong-type', '/api/analytics', { pair, tf: '1m', window: pick([...NUMBERS_BAD, '1', '10001']) }),
    () => get('wrong-type', '/api/stats', { pair, tf: '1s', window: '30', entryZ: pick(['-1', '101', 'abc', 'NaN', '1e400']) }),
    () => get('wrong-type', '/api/signals', { pair, tf: '1m', window: '30', exitZ: pick(['-0.5', 'x', '1e999']) }),
    () => get('wrong-type', '/api/analytics', { pair, tf: '1m', window: '30', ddof: pick(['2', '-1', 'one', '0.5']) }),
    () => get('wrong-type', '/api/analytics', { pair, tf: '1m', window: '30', maxDataPoints: pick(['0', '-5', '1000001', 'all']) }),
    () => get('wrong-type', '/api/bars', { symbol, tf: pick(TF_BAD) || '7m' }),
    () => get('wrong-type', '/api/ticks', { symbol, from: pick(TIMES_BAD) }),
    () => get('wrong-type', '/api/bars', { symbol, tf: '1s', to: pick(TIMES_BAD) }),
    () => get('wrong-type', '/api/alerts', { limit: pick(NUMBERS_BAD) }),
    // huge and reversed ranges
    () => get('range', '/api/ticks', { symbol, from: '0', to: '253402300799999', limit: pick(['10001', '1000000', '99999999999']) }),
    () => get('range', '/api/bars', { symbol, tf: '1s', from: '0', to: '253402300799999', limit: pick(['100001', '1e12']) }),
    () => get('range', '/api/ticks', { symbol, from: String(Date.now()), to: String(Date.now() - 1 - Math.floor(rand() * 1e9)) }),
    () => get('range', '/api/analytics', { pair, tf: '1s', window: '30', from: '2030-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' }),
    () => get('range', '/api/ticks', { symbol, from: '253402300800001' }),
    () => get('range', '/export', { symbol, from: '5', to: '5' }),
    // injection strings in every string parameter
    () => get('injection', '/api/ticks', { symbol: pick(INJECTIONS) }),
    () => get('injection', '/api/bars', { symbol: pick(INJECTIONS), tf: '1m' }),
    () => get('injection', '/api/analytics', { pair: `${pick(INJECTIONS)}/${x}`, tf: '1m', window: '30' }),
    () =>
      get('injection', '/api/stats', {
        pair: pick([`${y}/${pick(INJECTIONS)}`, pick(INJECTIONS), `${y}/${y}`, `${y}/`, `/${x}`, `${y}//${x}`, `${y}/${x}/${y}`]),
        tf: '1m',
        window: '30',
      }),
    () => get('injection', '/api/bars', { symbol, tf: pick(INJECTIONS) }),
    () => get('injection', '/export', { symbol: pick(INJECTIONS) }),
    () => get('injection', '/api/ticks', { symbol, [pick(INJECTIONS)]: '1' }),
    // valid shape, unknown things
    () => get('unknown', '/api/ticks', { symbol: `ZZ${Math.floor(rand() * 1e6)}USDT` }),
    () => get('unknown', '/api/analytics', { pair: `QQQUSDT/${x}`, tf: '1m', window: '30' }),
    () => get('unknown', '/api/ticks', { symbol, limt: '10' }),
    () => get('unknown', '/api/bars', { symbol, tf: '1m', timeframe: '1m' }),
    () => ({
      category: 'unknown',
      method: 'GET',
      path: pick(['/api/tick', '/api/../etc/passwd', '/api/ticks/', '/API/TICKS', '/export.csv', '/api/bars/BTCUSDT', '/.env', '/api/openapi.yaml', '/api']),
      headers: auth,
    }),
    // repeated parameters
    () => get('repeated', '/api/ticks', `symbol=${symbol}&symbol=${symbol}`),
    () => get('repeated', '/api/bars', `symbol=${symbol}&tf=1m&tf=5m`),
    () => get('repeated', '/api/ticks', `symbol[]=${symbol}`),
    () => get('repeated', '/api/ticks', `symbol[a]=${symbol}`),
    () => get('repeated', '/api/analytics', `pair=${encodeURIComponent(pair)}&tf=1m&window=30&window=100`),
    // bad tokens
    () => ({ category: 'token', method: 'GET', path: `/api/ticks?symbol=${symbol}`, headers: {} }),
    () => ({ category: 'token', method: 'GET', path: `/api/symbols`, headers: { authorization: `Bearer ${token}x` } }),
    () => ({
      category: 'token',
      method: 'GET',
      path: `/api/pairs`,
      headers: {
        authorization: pick([
          'Bearer',
          'Bearer ',
          `Basic ${Buffer.from(`u:${token}`).toString('base64')}`,
          token,
          `bearer${token}`,
          `Bearer ${token.slice(1)}`,
          `Bearer ${'x'.repeat(4000)}`,
          `Token ${token}`,
        ]),
      },
    }),
    () => ({ category: 'token', method: 'GET', path: `/export?symbol=${symbol}`, headers: { authorization: `Bearer ${token.toUpperCase()}Z` } }),
    () => ({ category: 'token', method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${'é'.repeat(20)}` } }),
    () => ({
      category: 'token',
      method: 'POST',
      path: '/api/alerts',
      headers: { 'content-type': 'application/json' },
      body: '{"status":"firing","alerts":[]}',
    }),
    // broken CSV export parameters
    () => get('csv', '/export', { symbol, pair }),
    () => get('csv', '/export', { pair }),
    () => get('csv', '/export', { pair, tf: '1m' }),
    () => get('csv', '/export', { symbol, window: '30' }),
    () => get('csv', '/export', { symbol, format: pick(['xlsx', 'json', 'CSV', 'csv;', 'parquet']) }),
    () => get('csv', '/export', { symbol, tf: pick(TF_BAD) || '3m' }),
    () => get('csv', '/export', {}),
    () => get('csv', '/export', { pair, tf: '1m', window: pick(['0', '1', 'x', '10001']) }),
    () => get('csv', '/export', { symbol, from: pick(TIMES_BAD) }),
    () => get('csv', '/export', { pair: `${y}/${x}`, tf: '1m', window: '30', ddof: '3' }),
    // odd methods
    () => ({
      category: 'method',
      method: pick(['POST', 'PUT', 'DELETE', 'PATCH']),
      path: pick([`/api/ticks?symbol=${symbol}`, '/api/symbols', '/export', '/metrics', '/api/health', '/api/openapi.json']),
      headers: auth,
      body: pick(['', '{}', 'x']),
    }),
    () => ({ category: 'method', method: pick(['PUT', 'DELETE', 'PATCH']), path: '/api/alerts', headers: auth }),
    () =>
      rawReq(
        'method',
        `${pick(['TRACE', 'CONNECT', 'PROPFIND'])} /api/ticks?symbol=${symbol} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
      ),
    // odd encodings
    () =>
      get(
        'encoding',
        '/api/ticks',
        pick([
          'symbol=%ZZ',
          'symbol=%',
          'symbol=BTC%',
          'symbol=%C0%AF',
          'symbol=%ED%A0%80',
          'symbol=%FF%FE',
          'symbol=BTC%00USDT',
          'symbol=%E2%80%AE',
          '%=1',
          '&&&',
          '=',
          'symbol',
        ]),
      ),
    () => get('encoding', '/api/bars', `symbol=${symbol}&tf=${pick(['%31%6D%20', '1%6d%00', '%F0%9F%9A%80'])}`),
    () => ({
      category: 'encoding',
      method: 'GET',
      path: pick(['/api/%ZZ', '/api/ti%63ks%', '/%C0%AE%C0%AE/', '/api/ticks%00', '/api/%E2%80%AE']),
      headers: auth,
    }),
    () => get('encoding', '/api/ticks', `symbol=${symbol}&limit=${pick(['%31%30%30%30%30%30', '1%2E5', '%2D1'])}`),
    // broken JSON bodies for the alert webhook
    () => ({
      category: 'body',
      method: 'POST',
      path: '/api/alerts',
      headers: { ...auth, 'content-type': 'application/json' },
      body: pick([
        '{"status":',
        '[]',
        '"firing"',
        'null',
        '{"status":"maybe"}',
        '{"status":"firing","alerts":{}}',
        '{"status":1}',
        '{}',
        '{"status":"firing",}',
        'NaN',
        '\u0000',
      ]),
    }),
    () => ({
      category: 'body',
      method: 'POST',
      path: '/api/alerts',
      headers: { ...auth, 'content-type': 'application/json; charset=utf-16' },
      body: '{"status":"firing"}',
    }),
    () => ({
      category: 'body',
      method: 'POST',
      path: '/api/alerts',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"status":"firing","x":"' + 'y'.repeat(1_100_000) + '"}',
    }),
    () => ({
      category: 'body',
      method: 'POST',
      path: '/api/alerts',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '['.repeat(5_000) + ']'.repeat(5_000),
    }),
    () => ({
      category: 'body',
      method: 'POST',
      path: '/api/alerts',
      headers: { ...auth, 'content-type': 'application/json', 'content-encoding': pick(['gzip', 'br', 'x-unknown']) },
      body: '{"status":"firing"}',
    }),
    // raw bytes on a socket: what fetch will not send
    () =>
      rawReq(
        'raw',
        `GET /api/ticks?symbol=${symbol} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ),
    () => rawReq('raw', `GET /api/ticks?symbol=${'A'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
    () => rawReq('raw', `GET /api/ticks?symbol=BTC\u00ffUSDT HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`, 'latin1'),
    () => rawReq('raw', `GET /api/ticks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\u0000b\r\n\r\n`, 'latin1'),
    () => rawReq('raw', `BREW /api/ticks HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
    () =>
      rawReq(
        'raw',
        `GET /api/ticks?symbol=${symbol} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n${'X-Filler: ' + 'z'.repeat(100) + '\r\n'}`.repeat(
          1,
        ) +
          'X-Huge: ' +
          'h'.repeat(20_000) +
          '\r\n\r\n',
      ),
  ];
  const out: HostileRequest[] = [];
  // Every maker at least once, then drawn at random.
  for (const m of makers) out.push(m());
  while (out.length < n) out.push(pick(makers)());
  return out.slice(0, n);
}

function rawReq(category: string, text: string, encoding: BufferEncoding = 'utf8'): HostileRequest {
  const first = text.split('\r\n')[0]!;
  return { category, method: first.split(' ')[0]!, path: first.split(' ')[1] ?? '', raw: Buffer.from(text, encoding) };
}

/** Sends raw bytes; resolves with the status of the answer (0: no answer). */
