/**
 * Part 3, bad input: many malformed or hostile requests against a live collector (token set,
 * ingesting): wrong types, out-of-range numbers, huge and reversed ranges, injection strings,
 * bad or missing tokens, broken CSV export parameters, repeated and unknown parameters, odd
 * methods, odd encodings (bad percent-escapes, overlong UTF-8, NUL, unsupported charsets),
 * broken JSON bodies, and some requests written byte by byte on a socket (the HTTP parser's
 * own rejections). Every request here is invalid by construction, so every answer must be a
 * 4xx with a JSON `{ error }` that says what was wrong (or, for the socket requests Node's
 * parser rejects before the app sees them, a bare 4xx); never a 5xx, a reset, or a 2xx. The
 * memory the collector still holds after a full collection is read after each batch of requests
 * and must not grow (soak/memory.ts).
 */
import { connect } from 'node:net';
import { rng } from '../src/fake-binance/rng';
import type { CollectorProcess } from './collector-process';
import { noLeak } from './memory';
import { progress } from './util';

interface HostileRequest {
  category: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Written as raw bytes on a socket (for what fetch refuses to send). */
  raw?: Buffer;
}

export interface HostileResult {
  requests: number;
  byCategory: Record<string, number>;
  /** Mean answer time per category, ms. */
  meanMsByCategory: Record<string, number>;
  byStatus: Record<string, number>;
  fourxx: number;
  fivexx: number;
  /** Answered 2xx/3xx: hostile input accepted (0 expected). */
  accepted: number;
  /** 4xx from the app without a JSON `error` message. */
  unclear: number;
  /** 4xx written by Node's HTTP parser (socket requests), with no JSON body by design. */
  parserRejections: number;
  /** Connection errors (reset, no answer). */
  networkErrors: number;
  examples: string[];
  durationSec: number;
  requestsPerSec: number;
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  /** RSS after each batch, printed but not judged (soak/memory.ts says why). */
  rssSamplesMb: number[];
  /** Memory the collector still held after a full collection, after each batch of requests (soak/memory.ts). */
  retainedMb: number[];
  aliveAtEnd: boolean;
  /** noLeak(retainedMb): the last batch's figure within LEAK_MB of the first's. */
  memoryFlat: boolean;
  ok: boolean;
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
function hostileRequests(n: number, token: string, pair: string, symbol: string, seed = 3): HostileRequest[] {
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
function sendRaw(url: string, raw: Buffer): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const sock = connect(Number(u.port), u.hostname);
    let data = '';
    const done = (): void => {
      sock.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      resolve({ status: m ? Number(m[1]) : 0, body: data.split('\r\n\r\n').slice(1).join('\r\n\r\n') });
    };
    sock.setTimeout(5_000, done);
    sock.on('data', (d) => {
      data += d.toString('latin1');
      // One answer is enough: stop once the head and any declared body are in.
      const head = data.indexOf('\r\n\r\n');
      if (head >= 0) {
        const len = /content-length: (\d+)/i.exec(data.slice(0, head));
        if (!len || data.length - head - 4 >= Number(len[1])) done();
      }
    });
    sock.on('error', done);
    sock.on('end', done);
    sock.write(raw);
  });
}

export interface HostileOptions {
  collector: CollectorProcess;
  token: string;
  pair: string;
  symbol: string;
  requests: number;
  concurrency?: number;
  seed?: number;
  /** The collector's retained memory (soak/memory.ts inspect()), read after each batch. */
  retainedMb: () => Promise<number>;
}

/** Batches of requests, each followed by a memory reading once all its requests are answered: 5 at least. */
const batchSize = (requests: number): number => Math.max(1, Math.min(1000, Math.ceil(requests / 5)));

export async function runHostile(o: HostileOptions): Promise<HostileResult> {
  const list = hostileRequests(o.requests, o.token, o.pair, o.symbol, o.seed);
  const byCategory: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const msByCategory: Record<string, number> = {};
  const examples: string[] = [];
  let fourxx = 0;
  let fivexx = 0;
  let accepted = 0;
  let unclear = 0;
  let parserRejections = 0;
  let networkErrors = 0;
  const note = (s: string): void => {
    if (examples.length < 12) examples.push(s);
  };
  // Warm up (JIT, caches) before taking the starting memory figure.
  for (const r of list.slice(0, 200)) await send(r).catch(() => undefined);
  const rssStartMb = o.collector.rssMb() ?? 0;
  let rssMaxMb = rssStartMb;
  const rssSamplesMb: number[] = [];
  const retainedMb: number[] = [];
  const t0 = Date.now();
  let next = 0;
  let done = 0;

  async function send(r: HostileRequest): Promise<{ status: number; body: string; raw: boolean }> {
    if (r.raw) return { ...(await sendRaw(o.collector.url, r.raw)), raw: true };
    const res = await fetch(o.collector.url + r.path, {
      method: r.method,
      headers: r.headers,
      body: r.body === undefined || r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body,
      redirect: 'manual',
    });
    return { status: res.status, body: await res.text(), raw: false };
  }

  let end = 0;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const r = list[next++]!;
      byCategory[r.category] = (byCategory[r.category] ?? 0) + 1;
      const what = `${r.method} ${r.path.slice(0, 120)}`;
      let a: { status: number; body: string; raw: boolean };
      const s0 = Date.now();
      try {
        a = await send(r);
        msByCategory[r.category] = (msByCategory[r.category] ?? 0) + Date.now() - s0;
      } catch (e) {
        networkErrors++;
        note(`${what}: ${(e as Error).message} ${String((e as { cause?: Error }).cause?.message ?? '')}`);
        continue;
      }
      done++;
      byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
      if (a.status === 0) {
        networkErrors++;
        note(`${what}: no answer`);
      } else if (a.status >= 500) {
        fivexx++;
        note(`${what}: ${a.status} ${a.body.slice(0, 200)}`);
      } else if (a.status < 400) {
        accepted++;
        note(`${what}: accepted with ${a.status}`);
      } else {
        fourxx++;
        let message = '';
        try {
          message = String((JSON.parse(a.body) as { error?: unknown }).error ?? '');
        } catch {
          message = '';
        }
        if (!message) {
          if (a.raw) parserRejections++;
          else {
            unclear++;
            note(`${what}: ${a.status} without a JSON error message: ${a.body.slice(0, 120)}`);
          }
        }
      }
    }
  };
  // Read the memory between batches, with no request in flight: 16 concurrent 1 MB bodies would
  // otherwise count as retained.
  const batch = batchSize(list.length);
  while (end < list.length) {
    end = Math.min(list.length, end + batch);
    await Promise.all(Array.from({ length: o.concurrency ?? 16 }, worker));
    const rss = o.collector.rssMb() ?? 0;
    rssMaxMb = Math.max(rssMaxMb, rss);
    rssSamplesMb.push(Math.round(rss));
    retainedMb.push(Math.round((await o.retainedMb()) * 10) / 10);
    progress('bad input', `${done}/${list.length} requests, collector retains ${retainedMb.at(-1)} MB after a full collection (RSS ${rss.toFixed(0)} MB)`);
  }
  const durationSec = (Date.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 500));
  const rssEndMb = o.collector.rssMb() ?? 0;
  rssMaxMb = Math.max(rssMaxMb, rssEndMb);
  const health = await o.collector.get('/api/health').catch(() => ({ status: 0 }));
  const aliveAtEnd = !o.collector.exit && health.status === 200;
  const result: HostileResult = {
    requests: list.length,
    byCategory,
    meanMsByCategory: Object.fromEntries(Object.entries(msByCategory).map(([k, v]) => [k, Math.round(v / byCategory[k]!)])),
    byStatus,
    fourxx,
    fivexx,
    accepted,
    unclear,
    parserRejections,
    networkErrors,
    examples,
    durationSec,
    requestsPerSec: Math.round(list.length / durationSec),
    rssStartMb: Math.round(rssStartMb),
    rssEndMb: Math.round(rssEndMb),
    rssMaxMb: Math.round(rssMaxMb),
    rssSamplesMb,
    retainedMb,
    aliveAtEnd,
    memoryFlat: false,
    ok: false,
  };
  result.ok = fivexx === 0 && accepted === 0 && unclear === 0 && networkErrors === 0 && aliveAtEnd && fourxx === list.length && noLeak(retainedMb);
  result.memoryFlat = noLeak(retainedMb);
  return result;
}
