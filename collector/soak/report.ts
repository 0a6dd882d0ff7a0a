/** The soak report as text: one block per part, the figures that matter first. */
import { LEAK_MB } from './memory';
import type { SoakReport } from './run';

const yes = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
const kv = (o: Record<string, number>): string =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

export function formatReport(r: SoakReport): string {
  const L: string[] = [];
  L.push(
    `Soak report (${r.mode}), ${r.startedAt}, ${r.durationSec} s, node ${r.machine.node}, ${r.machine.cpus} CPUs, load average at start ${r.machine.loadAverage.join(' / ')}`,
  );
  const f = r.feedFaults;
  if (f) {
    const t = f.check.ticks;
    L.push('');
    L.push(
      `[${yes(f.ok)}] Feed faults: ${f.faultsInjected} faults in ${Math.round(f.durationSec)} s (${kv(f.byKind)}), ${f.stream} stream, ${f.symbols} symbols`,
    );
    L.push(
      `  fake: ${f.connections} connections, ${f.restRequests} REST requests (${f.rest429Served} answered 429), ${f.malformedFrames} malformed frames, ${f.idsSkipped} ids skipped live`,
    );
    L.push(
      `  stored vs generated: ${t.stored} / ${t.expected} ticks; lost ${t.lost}, duplicated ${t.duplicated}, unexpected ${t.unexpected}, altered ${t.altered}; bars checked ${f.check.bars.bars}, mismatches ${f.check.bars.mismatches}`,
    );
    L.push(`  crashes ${f.crashes}, exit on SIGTERM ${f.exitCode}, error log lines ${f.errorLogLines}, health at end ${f.healthAtEnd}`);
  }
  const h = r.badInput;
  if (h) {
    L.push('');
    L.push(`[${yes(h.ok)}] Bad input: ${h.requests} hostile requests in ${Math.round(h.durationSec)} s (${h.requestsPerSec}/s) during the feed faults`);
    L.push(
      `  answers: 4xx ${h.fourxx}, 5xx ${h.fivexx}, accepted (2xx/3xx) ${h.accepted}, 4xx without a JSON message ${h.unclear}, network errors ${h.networkErrors}; by status ${kv(h.byStatus)}`,
    );
    L.push(`  of the 4xx, ${h.parserRejections} came from Node's HTTP parser (raw socket requests) with no body by design`);
    L.push(`  categories: ${kv(h.byCategory)}`);
    L.push(
      `  collector memory held after a full collection (heap in use + external), after each of ${h.retainedMb.length} batches: ${h.retainedMb.join(', ')} MB; no leak (last - first < ${LEAK_MB} MB) ${h.memoryFlat}${r.settings.plantLeak ? ' (a leak of 32 KB per request planted on purpose: --plant-leak)' : ''}`,
    );
    L.push(
      `  collector RSS (not judged): start ${h.rssStartMb} MB, end ${h.rssEndMb} MB, max ${h.rssMaxMb} MB; after each batch ${h.rssSamplesMb.join(', ')} MB; alive at end ${h.aliveAtEnd}`,
    );
    for (const e of h.examples.slice(0, 5)) L.push(`  e.g. ${e}`);
  }
  const c = r.crashes;
  if (c) {
    const t = c.final.ticks;
    L.push('');
    L.push(
      `[${yes(c.ok)}] Crashes: ${c.kills} x kill -9 mid-ingest (${c.killsDuringGap} right after opening an id gap) in ${Math.round(c.durationSec)} s; mean restart ${c.meanRestartMs} ms`,
    );
    L.push(`  integrity_check ok ${c.integrityOk}/${c.kills}; bars vs reference after each kill: ${c.bars.bars} compared, ${c.bars.mismatches} mismatches`);
    L.push(
      `  after each restart's backfill: missing ${c.missingAfterRestart}, restarts not caught up ${c.restartsNotCaughtUp}; ${c.refetchedAfterKill} trades fetched after kills; ${c.restartsWithHoles} restarts found holes and filled them`,
    );
    L.push(
      `  final: stored ${t.stored} / ${t.expected}; lost ${t.lost}, duplicated ${t.duplicated}, unexpected ${t.unexpected}, altered ${t.altered}; bar mismatches ${c.final.bars.mismatches}`,
    );
    for (const e of [...c.integrityFailures, ...c.bars.examples].slice(0, 5)) L.push(`  e.g. ${e}`);
  }
  const l = r.load;
  if (l) {
    L.push('');
    L.push(
      `[${yes(l.ok)}] Load: ${l.symbols} symbols / ${l.pairs} pairs live at ${l.ticksPerSec} ticks/s, ${l.connections} connections (autocannon, own process)`,
    );
    L.push(
      `  ${'endpoint'.padEnd(46)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(8)} ${'x baseline'.padStart(10)}`,
    );
    for (const e of [...l.endpoints, l.mixed, l.baseline]) {
      const ratio = (e.requestsPerSec / Math.max(1, l.baseline.requestsPerSec)).toFixed(3);
      L.push(
        `  ${e.name.padEnd(46)} ${String(e.requestsPerSec).padStart(7)} ${String(e.p50Ms).padStart(7)} ${String(e.p99Ms).padStart(7)} ${String(e.non2xx + e.errors).padStart(8)} ${ratio.padStart(10)}`,
      );
    }
    L.push(`  collector RSS: idle ${l.rssIdleMb} MB, max under load ${l.rssMaxMb} MB, after ${l.rssAfterMb} MB (target <= ${l.rssTargetMb} MB)`);
    L.push(
      `  ticks during the load: stored ${l.check.ticks.stored} / ${l.check.ticks.expected}, lost ${l.check.ticks.lost}, duplicated ${l.check.ticks.duplicated}, bar mismatches ${l.check.bars.mismatches}`,
    );
  }
  const z = r.fuzz;
  if (z) {
    L.push('');
    const a = z.api;
    L.push(`[${yes(z.ok)}] Fuzz: ${Math.round(z.durationSec)} s against the collector process while feed faults ran (API_TOKEN set, a random token)`);
    if (a) {
      L.push(
        `  schemathesis (OpenAPI document): ${a.operations.tested}/${a.operations.total} operations, ${a.testCases} test cases, ${a.requests} requests answered (the collector's /metrics; by status ${kv(a.requestsByStatus)}), seed ${a.seed}, ${a.maxExamples} examples per operation and phase; phases ${kv(Object.fromEntries(Object.entries(a.phases).map(([k, v]) => [k, v === 'success' ? 1 : 0])))} (1 = passed)`,
      );
      L.push(`  failures ${a.failures.length}, errors ${a.errors.length}, no answer slower than ${a.maxResponseSec} s checked on every request`);
      const warned = Object.entries(a.warnings).map(([kind, ops]) => `${kind}: ${ops.join(', ')}`);
      L.push(`  schemathesis warnings: ${warned.length ? warned.join('; ') : 'none'}`);
      for (const f of a.failures.slice(0, 5)) L.push(`  e.g. ${f.code} ${f.title}: ${f.operations.join(', ')}`);
    } else L.push(`  schemathesis skipped: ${z.skipped}`);
    const lv = z.live;
    if (lv) {
      L.push(
        `  Live WebSocket: ${lv.answered}/${lv.frames} garbage frames answered (closes ${kv(lv.closedWith)}); ${lv.floodAnswers}/${lv.floodMessages} flooded messages answered${lv.floodClosedByServer ? ' before the server dropped the flooding connection (1 MB of answers unread)' : ''}; ${lv.floodAccepted} connections accepted, ${lv.floodRefused} refused 429; ${lv.slowReaders} slow readers; serving at end ${lv.servingAtEnd}; collector RSS ${lv.rssMb.join(', ')} MB`,
      );
      for (const u of lv.unanswered.slice(0, 3)) L.push(`  e.g. ${u}`);
    }
    const g = z.grpc;
    if (g) {
      L.push(
        `  plugin gRPC: ${g.answered}/${g.calls} calls answered over ${g.methods.length} methods (codes ${kv(g.byCode)}; -1 = stream held open); alive ${g.aliveAtEnd}, health ${g.healthAtEnd}; plugin RSS after each round ${g.rssMb.join(', ')} MB`,
      );
      for (const u of g.unanswered.slice(0, 3)) L.push(`  e.g. ${u}`);
    }
    L.push(
      `  the token in: ${z.tokenInLogs} of ${z.logLines} collector log lines, /metrics ${z.tokenInMetrics ? 'YES' : 'no'}, ${z.tokenInErrorBodies} of ${z.errorBodies} error bodies; collector crashes ${z.crashes}`,
    );
  }
  const d = r.disk;
  if (d) {
    L.push('');
    L.push(`[${yes(d.ok)}] Disk trouble (method: ${d.method})`);
    for (const s of d.startFailures) L.push(`  ${s.case}: exit ${s.exitCode ?? s.signal} after ${s.ms} ms, clear ${s.clear}: ${s.message}`);
    for (const x of d.running) {
      const t = x.check?.ticks;
      L.push(
        `  ${x.case}: health ${x.healthStatus} (${x.healthDetail.slice(0, 140)}), ${x.failedWrites} failed writes retried, recovered ${x.recovered}, crashed ${x.crashed}`,
      );
      if (t) L.push(`    stored ${t.stored} / ${t.expected}, lost ${t.lost}, duplicated ${t.duplicated}, bar mismatches ${x.check!.bars.mismatches}`);
    }
    for (const s of d.skipped) L.push(`  not run: ${s}`);
  }
  L.push('');
  L.push(r.ok ? `ALL PASS in ${r.durationSec} s` : `FAILED: ${r.failures.join('; ')}`);
  return L.join('\n');
}
