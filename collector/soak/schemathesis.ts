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
      output,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
