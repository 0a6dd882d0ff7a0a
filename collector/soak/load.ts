/**
 * Part 4, load: the API under concurrent requests (autocannon, in a process of its own so it
 * does not share an event loop with the collector or the fake Binance) while the collector
 * ingests 20 symbols and serves 10 pairs. Throughput and latency per endpoint and for a mix,
 * the collector's resident memory throughout, and, as the yardstick for this machine at this
 * moment, the same autocannon run against a bare Node HTTP server answering a fixed JSON body
 * (so the figures read as a ratio to that baseline, measured in the same run). Afterwards
 * the ingest must still be complete: no tick lost while the API was busy.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startFakeBinance } from '../src/fake-binance';
import { CollectorProcess } from './collector-process';
import { caughtUp, checkStore, type StoreCheck } from './db';
import { pairsOf, pause, progress, round, symbolNames, tempDir, until, waitFor } from './util';

interface LoadFigures {
  name: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadResult {
  symbols: number;
  pairs: number;
  ticksPerSec: number;
  connections: number;
  endpoints: LoadFigures[];
  mixed: LoadFigures;
  baseline: LoadFigures;
  /** Mixed throughput as a share of the bare-server baseline. */
  mixedVsBaseline: number;
  rssIdleMb: number;
  rssMaxMb: number;
  rssAfterMb: number;
  rssTargetMb: number;
  check: StoreCheck;
  crashed: boolean;
  ok: boolean;
}

/** Runs autocannon in a child process; `requests` cycle per connection. */
function cannon(name: string, url: string, paths: string[], headers: Record<string, string>, connections: number, durationSec: number): Promise<LoadFigures> {
  const script = `
    const autocannon = require(${JSON.stringify(require.resolve('autocannon'))});
    const o = JSON.parse(process.argv[1]);
    autocannon({ url: o.url, connections: o.connections, duration: o.duration, headers: o.headers, timeout: 10,
                 requests: o.paths.map((p) => ({ method: 'GET', path: p })) }, (err, r) => {
      if (err) { console.error(err.message); process.exit(1); }
      console.log(JSON.stringify({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max,
        total: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts }));
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, JSON.stringify({ url, paths, headers, connections, duration: durationSec })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon ${name} failed: ${err.slice(0, 500)}`));
      const r = JSON.parse(out.trim().split('\n').pop()!) as {
        rps: number;
        p50: number;
        p99: number;
        max: number;
        total: number;
        non2xx: number;
        errors: number;
        timeouts: number;
      };
      resolve({
        name,
        requestsPerSec: Math.round(r.rps),
        p50Ms: r.p50,
        p99Ms: r.p99,
        maxMs: r.max,
        requests: r.total,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
      });
    });
  });
}

/** A bare Node HTTP server in its own process answering a fixed JSON body: the baseline. */
async function baselineServer(): Promise<{ url: string; stop(): void }> {
  const script = `
    const body = JSON.stringify({ status: 'ok', note: 'baseline' });
    const s = require('node:http').createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

export interface LoadOptions {
  mainJs: string;
  symbols?: number;
  pairs?: number;
  /** Trades per second per symbol. */
  rate?: number;
  connections?: number;
  /** Seconds per endpoint; the mixed run and the baseline take three times this. */
  secondsPerEndpoint?: number;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const symbols = symbolNames(o.symbols ?? 20);
  const pairs = pairsOf(symbols, o.pairs ?? 10);
  const rate = o.rate ?? 10;
  const connections = o.connections ?? 10;
  const sec = o.secondsPerEndpoint ?? 5;
  const token = 'soak-load-token';
  const dir = tempDir('load');
  const dbPath = join(dir.path, 'collector.db');
  const fake = await startFakeBinance({ symbols, stream: 'aggTrade', rate: 0, pingIntervalMs: 1000 });
  let c: CollectorProcess | null = null;
  let rssMaxMb = 0;
  const sampler = setInterval(() => (rssMaxMb = Math.max(rssMaxMb, c?.rssMb() ?? 0)), 250);
  try {
    c = await CollectorProcess.start(o.mainJs, {
      PAIRS: pairs.join(','),
      STREAM: 'aggTrade',
      BINANCE_WS_URL: fake.wsUrl,
      BINANCE_REST_URL: fake.restUrl,
      DB_PATH: dbPath,
      API_TOKEN: token,
      // throughput is measured here, not the limiter: from one address autocannon is past the default at once
      RATE_LIMIT: '0',
    });
    const proc = c;
    await until(() => fake.stats.openConnections > 0, 'the collector to connect');
    fake.setRate(rate);
    progress('load', `ingesting ${symbols.length} symbols at ${rate}/s each, ${pairs.length} pairs; warming up`);
    await pause(Math.max(3_000, sec * 1000));
    const rssIdleMb = proc.rssMb() ?? 0;
    const [y, x] = pairs[0]!.split('/') as [string, string];
    const p = encodeURIComponent(pairs[0]!);
    const endpointPaths: Array<[string, string]> = [
      ['/api/health', '/api/health'],
      ['/api/symbols', '/api/symbols'],
      ['/api/ticks (200)', `/api/ticks?symbol=${y}&limit=200`],
      ['/api/bars 1s (300)', `/api/bars?symbol=${x}&tf=1s&limit=300`],
      ['/api/stats 1s w30', `/api/stats?pair=${p}&tf=1s&window=30`],
      ['/api/analytics 1s w30', `/api/analytics?pair=${p}&tf=1s&window=30&maxDataPoints=300`],
      ['/export bars 1s CSV', `/export?symbol=${y}&tf=1s`],
    ];
    const auth = { authorization: `Bearer ${token}` };
    const endpoints: LoadFigures[] = [];
    for (const [name, path] of endpointPaths) {
      endpoints.push(await cannon(name, proc.url, [path], auth, connections, sec));
      const e = endpoints.at(-1)!;
      progress('load', `${name}: ${e.requestsPerSec} req/s, p99 ${e.p99Ms} ms, non-2xx ${e.non2xx}, RSS ${round(proc.rssMb() ?? 0, 0)} MB`);
    }
    // The mix: every pair's stats and analytics, every symbol's ticks and bars, health.
    const mixPaths: string[] = ['/api/health'];
    for (const pr of pairs) {
      const q = encodeURIComponent(pr);
      mixPaths.push(`/api/stats?pair=${q}&tf=1s&window=30`, `/api/analytics?pair=${q}&tf=1s&window=30&maxDataPoints=300`);
    }
    for (const s of symbols) mixPaths.push(`/api/ticks?symbol=${s}&limit=100`, `/api/bars?symbol=${s}&tf=1s&limit=300`);
    const mixed = await cannon('mixed (all pairs and symbols)', proc.url, mixPaths, auth, connections, sec * 3);
    progress('load', `mixed: ${mixed.requestsPerSec} req/s, p99 ${mixed.p99Ms} ms, non-2xx ${mixed.non2xx}`);
    const base = await baselineServer();
    let baseline: LoadFigures;
    try {
      baseline = await cannon('baseline: bare Node HTTP server, fixed JSON', base.url, ['/'], {}, connections, sec * 3);
    } finally {
      base.stop();
    }
    progress('load', `baseline: ${baseline.requestsPerSec} req/s, p99 ${baseline.p99Ms} ms`);
    const rssAfterMb = proc.rssMb() ?? 0;
    fake.setRate(0);
    fake.generate(5);
    await waitFor(() => caughtUp(dbPath, fake, symbols), 60_000, 200);
    const crashed = proc.exit !== null;
    await proc.stop();
    const check = await checkStore(dbPath, fake, symbols);
    const result: LoadResult = {
      symbols: symbols.length,
      pairs: pairs.length,
      ticksPerSec: rate * symbols.length,
      connections,
      endpoints,
      mixed,
      baseline,
      mixedVsBaseline: round(mixed.requestsPerSec / Math.max(1, baseline.requestsPerSec), 3),
      rssIdleMb: Math.round(rssIdleMb),
      rssMaxMb: Math.round(rssMaxMb),
      rssAfterMb: Math.round(rssAfterMb),
      rssTargetMb: 200,
      check,
      crashed,
      ok: false,
    };
    result.ok =
      !crashed &&
      rssMaxMb <= 200 &&
      [...endpoints, mixed].every((e) => e.non2xx === 0 && e.errors === 0) &&
      check.ticks.lost === 0 &&
      check.ticks.duplicated === 0 &&
      check.bars.mismatches === 0;
    return result;
  } finally {
    clearInterval(sampler);
    if (c && !c.exit) await c.kill9();
    await fake.stop();
    dir.remove();
  }
}
