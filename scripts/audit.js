#!/usr/bin/env node
/**
 * `npm run audit`: `npm audit --omit=dev` (the dependencies that ship), failing on any high or
 * critical advisory. One line on stdout says what happened; the exit code says it to CI:
 *
 *   0  audited: no high or critical advisory (the counts by severity are printed)
 *   1  audited: high or critical advisories, each listed with its package and title
 *   3  not audited: the registry did not answer the advisory endpoint (e.g. a mirror that serves
 *      packages but answers 405 to npm's POST /-/npm/v1/security/advisories/bulk, or no network);
 *      the line names the registry and its answer. Never reported as a pass.
 *
 * .ci/run fails on 1, and on 3 only with REQUIRE_AUDIT=1; otherwise it counts 3 as one skipped
 * check in its summary line, so a run where the audit could not happen never reads as clean.
 */
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/**
 * What one `npm audit --json` output says.
 * @param {string} stdout
 * @returns {{ kind: 'ok' | 'found', counts: Record<string, number>, bad: string[] } | { kind: 'unavailable', why: string }}
 */
function classify(stdout) {
  /** @type {any} */
  let j;
  try {
    j = JSON.parse(stdout);
  } catch {
    return { kind: 'unavailable', why: `npm audit printed no JSON report: ${stdout.slice(0, 200).trim() || '(nothing)'}` };
  }
  const counts = j && j.metadata && j.metadata.vulnerabilities;
  if (!counts) {
    const status = j && (j.statusCode || (j.error && j.error.code));
    const message = (j && (j.message || (j.error && j.error.summary))) || 'no report';
    return { kind: 'unavailable', why: `${message}${status ? ` (${status})` : ''}` };
  }
  const bad = Object.entries(j.vulnerabilities || {})
    .filter(([, v]) => /** @type {any} */ (v).severity === 'high' || /** @type {any} */ (v).severity === 'critical')
    .map(([name, v]) => {
      const via = /** @type {any[]} */ (/** @type {any} */ (v).via || []).map((x) => (typeof x === 'string' ? `via ${x}` : `${x.title} ${x.url || ''}`.trim()));
      return `${name} (${/** @type {any} */ (v).severity}): ${via.join('; ')}`;
    });
  return { kind: bad.length ? 'found' : 'ok', counts, bad };
}

function main() {
  const registry = spawnSync('npm', ['config', 'get', 'registry'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const c = classify(r.stdout || '');
  if (c.kind === 'unavailable') {
    process.stdout.write(`npm audit: NOT RUN: ${registry} did not answer the advisory endpoint: ${c.why}\n`);
    process.exit(3);
  }
  const counts = ['critical', 'high', 'moderate', 'low', 'info'].map((s) => `${s} ${c.counts[s] || 0}`).join(', ');
  if (c.kind === 'found') {
    process.stdout.write(`npm audit (production dependencies, ${registry}): FAIL: ${counts}\n${c.bad.map((b) => `  ${b}\n`).join('')}`);
    process.exit(1);
  }
  process.stdout.write(`npm audit (production dependencies, ${registry}): no high or critical advisory (${counts})\n`);
}

if (require.main === module) main();
else module.exports = { classify };
