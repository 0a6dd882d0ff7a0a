/**
 * Part 5, fuzz: tools and inputs nobody here wrote, against the collector process while the fake
 * Binance feeds it (and injects feed faults):
 *
 * - the HTTP API fuzzed by schemathesis from its own OpenAPI document (soak/schemathesis.ts),
 *   longer than `npm test` runs it: more examples per operation (one worker: with two,
 *   Python 3.11's ast.parse, which hypothesis calls to describe filters, fails now and then with
 *   "AST constructor recursion depth mismatch" in the fuzzer's own process, a race inside CPython);
 * - the Live WebSocket fuzzed (soak/live-fuzz.ts): garbage frames, floods, slow readers, with
 *   the collector's RSS sampled;
 * - the Grafana plugin's backend, built and started as Grafana starts it, fuzzed over gRPC
 *   (grafana-plugin/test/backend/grpcFuzz.ts) while it queries this collector;
 * - secrets: with API_TOKEN set, the token appears in none of the collector's log lines, in no
 *   /metrics answer and in no error body (the token is a random string, so a hit is a leak).
 */
import { randomBytes } from 'node:crypto';
import type { CollectorProcess } from './collector-process';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { runFeedFaults } from './feed-faults';
import { storeScan } from './scan-data';
import { openSqliteStore } from '../src/store/sqlite';
import { runLiveFuzz, type LiveFuzzResult } from './live-fuzz';

/** What grafana-plugin/test/backend/grpcFuzz.ts reports (read as JSON from its CLI). */
interface GrpcFuzzResult {
  methods: string[];
  calls: number;
  answered: number;
  byCode: Record<string, number>;
  byMethod: Record<string, number>;
  unanswered: string[];
  rssMb: number[];
  aliveAtEnd: boolean;
  healthAtEnd: number | null;
}
import { runSchemathesis, type SchemathesisResult } from './schemathesis';
import { progress } from './util';

export interface FuzzOptions {
  mainJs: string;
  /** Interpreter with schemathesis (test/support/python.ts findPython); null: the API fuzz cannot run. */
  python: string | null;
  seed: number;
  /** schemathesis test cases per operation and phase. */
  maxExamples: number;
  /** Feed faults injected alongside (at least). */
  faults: number;
  /** Live fuzz: garbage frames beyond the crafted ones, flooded messages. */
  liveGarbage: number;
  liveFlood: number;
  /** gRPC fuzz: rounds and mutations per method and round (bursts of 2,000 calls, 10 MB requests). */
  grpcRounds: number;
  grpcMutations: number;
}

export interface FuzzResult {
  durationSec: number;
  /** schemathesis' figures, null when it could not run (`skipped` says why). */
  api: (Omit<SchemathesisResult, 'output'> & { maxResponseSec: number; seed: number; maxExamples: number }) | null;
  skipped: string | null;
  /** Log lines of the collector read, and those holding the token (0 expected). */
  logLines: number;
  tokenInLogs: number;
  tokenInMetrics: boolean;
  /** Error bodies read (401s and 400s asked for on purpose), and those holding the token. */
  errorBodies: number;
  tokenInErrorBodies: number;
  crashes: number;
  live: LiveFuzzResult | null;
  grpc: GrpcFuzzResult | null;
  ok: boolean;
}

const GRPC_FUZZ_CLI = join(__dirname, '..', '..', 'grafana-plugin', 'test', 'backend', 'grpcFuzzCli.ts');

/**
 * The plugin built, started as Grafana starts it and fuzzed over gRPC while its data source points
 * at the collector `url`: grafana-plugin/test/backend/grpcFuzzCli.ts in its own process (tsx),
 * which prints the GrpcFuzzResult as JSON.
 */
function fuzzPlugin(url: string, token: string, o: FuzzOptions): Promise<GrpcFuzzResult> {
  progress('fuzz', `gRPC: ${o.grpcRounds} rounds, ${o.grpcMutations} mutations per method, bursts of 2,000, 10 MB requests`);
  const args = ['--import', 'tsx', GRPC_FUZZ_CLI, url, token, String(o.seed), String(o.grpcRounds), String(o.grpcMutations)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`grpcFuzzCli failed: ${stderr.slice(-2000)}`));
      else resolve(JSON.parse(stdout) as GrpcFuzzResult);
    });
  });
}

const MAX_RESPONSE_SEC = 5;

/**
 * Error answers to requests that carry the token only where a client keeps it (the Authorization
 * header): altered or misspelt tokens (401), and the right token with bad parameters, unknown
 * paths and methods (400 / 404 / 405). None may repeat it.
 */
async function errorBodies(url: string, token: string): Promise<string[]> {
  const auth = { authorization: `Bearer ${token}` };
  const asks: [string, Record<string, string>, string?][] = [
    ['/api/symbols', { authorization: `Bearer ${token}x` }],
    ['/api/symbols', { authorization: `Bearer ${token.slice(1)}` }],
    ['/api/symbols', { authorization: `Basic ${token}` }],
    ['/api/symbols', { authorization: token }],
    ['/export?symbol=BTCUSDT', { authorization: `Bearer  ${token} extra` }],
    ['/api/ticks?symbol=nope!', auth],
    ['/api/ticks?symbol=BTCUSDT&bogus=1', auth],
    ['/api/nowhere', auth],
    ['/api/ticks', auth, 'DELETE'],
    ['/api/alerts', { ...auth, 'content-type': 'application/json' }, 'POST'],
  ];
  const out: string[] = [];
  for (const [path, headers, method] of asks)
    out.push(await (await fetch(url + path, { headers, method: method ?? 'GET', body: method === 'POST' ? '{"status":' : undefined })).text());
  return out;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzResult> {
  const t0 = Date.now();
  const token = randomBytes(18).toString('base64url');
  let collector: CollectorProcess | null = null;
  let api: FuzzResult['api'] = null;
  let bodies: string[] = [];
  let live: LiveFuzzResult | null = null;
  let grpc: GrpcFuzzResult | null = null;
  let metrics = '';
  const feed = await runFeedFaults({
    mainJs: o.mainJs,
    faults: o.faults,
    env: { API_TOKEN: token },
    // a stored scan at the document's example tf and window: GET /api/scan has something to find
    prepare: async (dbPath) => {
      const store = await openSqliteStore({ path: dbPath });
      try {
        await storeScan(store, ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], Date.now());
      } finally {
        await store.close();
      }
    },
    during: async (c) => {
      collector = c;
      if (o.python) {
        progress('fuzz', `schemathesis, ${o.maxExamples} examples per operation and phase, seed ${o.seed}`);
        const r = await runSchemathesis({
          python: o.python,
          url: c.url,
          token,
          seed: o.seed,
          maxExamples: o.maxExamples,
          maxResponseSec: MAX_RESPONSE_SEC,
          workers: 1,
        });
        const { output: _output, ...figures } = r;
        api = { ...figures, maxResponseSec: MAX_RESPONSE_SEC, seed: o.seed, maxExamples: o.maxExamples };
        if (r.failures.length || r.errors.length) process.stderr.write(r.output.slice(-8000));
      }
      progress('fuzz', 'Live WebSocket: garbage frames, floods, slow readers');
      live = await runLiveFuzz({
        url: c.url.replace('http', 'ws') + '/api/live',
        token,
        seed: o.seed,
        garbage: o.liveGarbage,
        floodMessages: o.liveFlood,
        floodConnections: 250,
        slowReaders: 10,
        symbol: 'BTCUSDT',
        pair: 'ETHUSDT/BTCUSDT',
        rssMb: () => c.rssMb() ?? NaN,
      });
      grpc = await fuzzPlugin(c.url, token, o);
      bodies = await errorBodies(c.url, token);
      metrics = await (await fetch(`${c.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    },
  });
  const c = collector as CollectorProcess | null;
  const lines = c ? [...c.logs.map((l) => JSON.stringify(l)), ...c.rawOutput] : [];
  const result: FuzzResult = {
    durationSec: Math.round((Date.now() - t0) / 100) / 10,
    api,
    skipped: o.python ? null : 'no Python with schemathesis (run `bash scripts/python-env.sh` or set QP_PYTHON)',
    logLines: lines.length,
    tokenInLogs: lines.filter((l) => l.includes(token)).length,
    tokenInMetrics: metrics.includes(token),
    errorBodies: bodies.length,
    tokenInErrorBodies: bodies.filter((b) => b.includes(token)).length,
    crashes: feed.crashes,
    live,
    grpc,
    ok: false,
  };
  const lv = result.live as LiveFuzzResult | null;
  const g = result.grpc as GrpcFuzzResult | null;
  const a = result.api;
  result.ok =
    a !== null &&
    a.exitCode === 0 &&
    a.failures.length === 0 &&
    a.errors.length === 0 &&
    a.operations.total > 0 &&
    a.operations.tested === a.operations.total &&
    // every figure below 0-able by a broken measure fails rather than passes: each test case is at least one request
    a.testCases > 0 &&
    a.requests >= a.testCases &&
    result.logLines > 0 &&
    result.errorBodies > 0 &&
    result.tokenInLogs === 0 &&
    !result.tokenInMetrics &&
    result.tokenInErrorBodies === 0 &&
    lv !== null &&
    lv.frames > 0 &&
    lv.floodMessages > 0 &&
    lv.unanswered.length === 0 &&
    (lv.floodAnswers === lv.floodMessages || lv.floodClosedByServer) &&
    lv.servingAtEnd &&
    g !== null &&
    g.calls > 0 &&
    g.unanswered.length === 0 &&
    g.answered === g.calls &&
    g.aliveAtEnd &&
    g.healthAtEnd === 1 &&
    feed.ok;
  return result;
}
