/**
 * The API fuzzed by schemathesis (PyPI, pinned in python/requirements.txt), a property-based
 * fuzzer nobody here wrote, driven only by the collector's own OpenAPI document
 * (`GET /api/openapi.json`, generated from @quant-pairs/contract's zod schemas): every operation the
 * document lists, positive and negative data, every built-in check (no 5xx, status codes, content
 * types and bodies as documented, auth refused when left out or altered, undeclared methods 405,
 * responses within `maxResponseSec`), plus `schemathesis_hooks.py`, which replaces
 * positive_data_acceptance with the rules an OpenAPI 3.0 schema cannot state.
 *
 * The bounded run is part of `npm test` (test/fuzz/schemathesis.test.ts); `npm run soak` runs
 * longer against the collector process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SchemathesisOptions {
  /** Interpreter with schemathesis installed (test/support/python.ts findPython). */
  python: string;
  /** The API's base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** API_TOKEN of the collector, when it has one: sent on every request, and left out / altered by the auth checks. */
  token?: string;
  seed: number;
  /** Test cases per operation and phase. */
  maxExamples: number;
  /** The bound no answer may exceed, in seconds (schemathesis' max_response_time check). */
  maxResponseSec: number;
  /** Concurrent workers (default 1). */
  workers?: number;
}

interface SchemathesisFailure {
  code: string;
  title: string;
  count: number;
  operations: string[];
}

export interface SchemathesisResult {
  exitCode: number | null;
  /** Operations in the document, and how many were tested. */
  operations: { total: number; tested: number };
  /** Test cases generated, and those with a failing check. */
  testCases: number;
  withFailures: number;
  failures: SchemathesisFailure[];
  /** Errors that stopped an operation's tests (schema or network problems). */
  errors: unknown[];
  /** Phases and their status (examples, coverage, fuzzing, stateful). */
  phases: Record<string, string>;
  /**
   * schemathesis' warnings that name operations, by kind (only kinds with one): e.g.
   * validation_mismatch (schema-valid data mostly refused: the document is looser than the
   * route), missing_test_data (only 404s: nothing for the fuzzer to find).
   */
  warnings: Record<string, string[]>;
  /**
   * Requests the fuzzed process answered during the run, from its own /metrics (requestsAnswered),
   * by status: every test case is at least one request, so fewer than testCases means the
   * figure, or the fuzz, is wrong.
   */
  requests: number;
  requestsByStatus: Record<string, number>;
  /** The end of schemathesis' own report, to read a failure. */
  output: string;
}

interface JsonReport {
  exit_code: number;
  operations: { total: number; tested: number };
  test_cases: { generated: number; with_failures: number };
  failures: SchemathesisFailure[];
  errors: unknown[];
  phases: Record<string, { status: string }>;
  warnings?: Record<string, string[]>;
}

export async function runSchemathesis(o: SchemathesisOptions): Promise<SchemathesisResult> {
  const dir = mkdtempSync(join(tmpdir(), 'schemathesis-'));
  const report = join(dir, 'report.json');
  // From a file with --url, not from the URL: loaded from a URL, schemathesis leaves the
  // document's own operation (GET /api/openapi.json) out of the run.
  const schema = join(dir, 'openapi.json');
  const args = [
    '-m',
    'schemathesis.cli',
    'run',
    schema,
    '--url',
    o.url,
    '--checks',
    'all',
    '--exclude-checks',
    'positive_data_acceptance',
    '--max-examples',
    String(o.maxExamples),
    '--seed',
    String(o.seed),
    '--max-response-time',
    String(o.maxResponseSec),
    '--workers',
    String(o.workers ?? 1),
    '--generation-database',
    'none',
    '--no-color',
    '--report',
    'json',
    '--report-json-path',
    report,
    ...(o.token ? ['--header', `Authorization: Bearer ${o.token}`] : []),
  ];
  const env = {
    ...process.env,
    SCHEMATHESIS_HOOKS: 'schemathesis_hooks',
    PYTHONPATH: __dirname,
    PYTHONDONTWRITEBYTECODE: '1',
    QP_FUZZ_TOKEN: o.token ?? '',
  };
  try {
    const res = await fetch(`${o.url}/api/openapi.json`, { headers: o.token ? { authorization: `Bearer ${o.token}` } : {} });
    if (!res.ok) throw new Error(`GET /api/openapi.json answered ${res.status}`);
    writeFileSync(schema, await res.text());
    const before = await requestsAnswered(o.url, o.token);
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      // run in a temp directory: schemathesis and hypothesis write nothing into the repository
      const p = spawn(o.python, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const keep = (b: Buffer): void => {
        out = (out + b.toString('utf8')).slice(-60_000);
      };
      p.stdout.on('data', keep);
      p.stderr.on('data', keep);
      p.once('error', reject);
      p.once('close', (c) => resolve({ code: c, output: out }));
    });
    const after = await requestsAnswered(o.url, o.token);
    // the reading before the run is counted by the one after (it is observed once answered)
    const requestsByStatus = Object.fromEntries(
      Object.entries(after)
        .map(([status, n]) => [status, n - (before[status] ?? 0) - (status === '200' ? 1 : 0)] as const)
        .filter(([, n]) => n > 0),
    );
    let r: JsonReport;
    try {
      r = JSON.parse(readFileSync(report, 'utf8')) as JsonReport;
    } catch {
      throw new Error(`schemathesis wrote no report (exit ${code}):\n${output}`);
    }
    return {
      exitCode: code,
      operations: { total: r.operations.total, tested: r.operations.tested },
      testCases: r.test_cases.generated,
      withFailures: r.test_cases.with_failures,
      failures: r.failures.map((f) => ({ code: f.code, title: f.title, count: f.count, operations: f.operations })),
      errors: r.errors,
      phases: Object.fromEntries(Object.entries(r.phases).map(([k, v]) => [k, v.status])),
      warnings: Object.fromEntries(Object.entries(r.warnings ?? {}).filter(([, labels]) => Array.isArray(labels) && labels.length > 0)),
      requests: Object.values(requestsByStatus).reduce((a, b) => a + b, 0),
      requestsByStatus,
      output,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Requests the API process has answered, by status: the counts of its own latency histogram
 * (`http_request_duration_seconds_count` on GET /metrics, observed when each answer is sent),
 * summed over methods and routes. Throws rather than read 0 when /metrics does not answer 200 or
 * lacks the histogram; a 429 (RATE_LIMIT, which a long fuzz reaches) is waited out once.
 */
async function requestsAnswered(url: string, token: string | undefined): Promise<Record<string, number>> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let res = await fetch(`${url}/metrics`, { headers });
  if (res.status === 429) {
    const wait = Math.min(70, Number(res.headers.get('retry-after')) || 60);
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, wait * 1000));
    res = await fetch(`${url}/metrics`, { headers });
  }
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${text.slice(0, 200)}`);
  const byStatus: Record<string, number> = {};
  let lines = 0;
  for (const m of text.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)) {
    const status = /status="(\d+)"/.exec(m[1]!)?.[1] ?? 'unknown';
    byStatus[status] = (byStatus[status] ?? 0) + Number(m[2]);
    lines++;
  }
  if (lines === 0) throw new Error('GET /metrics has no http_request_duration_seconds_count: the request count cannot be read');
  return byStatus;
}
