/**
 * The query API fuzzed by schemathesis (PyPI; soak/schemathesis.ts says what it checks) from the
 * collector's own OpenAPI document, over a real SQLite store holding 6 hours of two symbols'
 * trades: every operation the document lists (whatever routes exist, none named here), the
 * examples, coverage, fuzzing and stateful phases (the document's links chain /api/pairs and
 * /api/symbols into the queries), with API_TOKEN set and without.
 *
 * Bounded: a fixed seed and 10 examples per operation and phase (about 1,500 requests a run, most
 * of them from the coverage phase, whose size the document sets). The request count is the API's
 * own (its /metrics latency histogram, soak/schemathesis.ts requestsAnswered), as in the soak. `npm run soak` runs longer against the collector process. The response-time bound (10 s) is
 * schemathesis' max_response_time check, far above the few ms these answers take, so that a
 * loaded machine does not fail it while a hung request does.
 */
import type { AddressInfo } from 'node:net';
import { runSchemathesis } from '../../soak/schemathesis';
import { storeScan } from '../../soak/scan-data';
import { startApi, makeTicks, type Harness } from '../api/helpers';
import { describePython } from '@quant-pairs/testkit';

const NOW = Date.UTC(2026, 10, 1, 12);
const MAX_RESPONSE_SEC = 10;

async function apiWithData(token: string | null): Promise<Harness> {
  const h = await startApi({ now: () => NOW, token });
  // 6 h of trades 7 s apart: 360 1m bars, enough for window 30 (z needs 59 bars) on 1m and 5m
  const t0 = NOW - 6 * 3_600_000;
  await h.store.insertTicks(makeTicks('BTCUSDT', 3_000, t0, 7_000, 60_000, 1));
  await h.store.insertTicks(makeTicks('ETHUSDT', 3_000, t0 + 13, 7_000, 3_000, 2));
  // a perpetual (issue 25) with trades, marks and settlements, for GET /api/funding and /api/marks to find (their example symbol)
  await h.store.insertTicks(makeTicks('BTCUSDT.P', 500, t0, 7_000, 60_050, 3));
  await h.store.insertMarks(
    Array.from({ length: 600 }, (_, i) => ({
      symbol: 'BTCUSDT.P',
      ts: NOW - 600_000 + 1000 * i,
      mark: 60_050 + i / 100,
      index: 60_040 + i / 100,
      rate: 0.0001,
      nextFundingTime: NOW + 4 * 3_600_000,
    })),
  );
  await h.store.insertFunding(
    Array.from({ length: 90 }, (_, i) => ({ symbol: 'BTCUSDT.P', ts: NOW - 8 * 3_600_000 * (i + 1), rate: i % 7 === 0 ? -0.00002 : 0.0001, mark: 60_000 + i })),
  );
  // a scan at the document's example tf and window, for GET /api/scan and /api/scan/history to find
  await storeScan(h.store, ['BTCUSDT', 'ETHUSDT'], NOW);
  return h;
}

describePython('schemathesis from the OpenAPI document: no 5xx, every answer as documented', ['schemathesis'], (python) => {
  it.each([
    ['with API_TOKEN set', 'fuzz-token-7Qx'],
    ['without a token', null],
  ])(
    '%s: every operation, all phases, no failure',
    async (_title, token) => {
      const h = await apiWithData(token);
      try {
        const doc = (await h.get('/api/openapi.json', token ? { authorization: `Bearer ${token}` } : {})).body as { paths: Record<string, object> };
        const operations = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0);
        const r = await runSchemathesis({
          python,
          url: `http://127.0.0.1:${(h.server.address() as AddressInfo).port}`,
          token: token ?? undefined,
          seed: 17,
          maxExamples: 10,
          maxResponseSec: MAX_RESPONSE_SEC,
        });
        if (r.failures.length || r.errors.length || r.exitCode !== 0) process.stderr.write(r.output);
        expect(r.failures).toEqual([]);
        expect(r.errors).toEqual([]);
        expect(r.exitCode).toBe(0);
        expect(r.operations).toEqual({ total: operations, tested: operations });
        expect(r.phases).toEqual({ examples: 'success', coverage: 'success', fuzzing: 'success', stateful: 'success' });
        // The document is as strict as the routes (no operation mostly refused schema-valid data)
        // and every operation reached data (none answered only 404): GET /export was warned of
        // before its query became oneOf two parameter sets, GET /api/scan before the stored scan
        // and the document's example tf and window. The grid's lists of the sweep and the
        // walk-forward (GET and POST) keep the warning: a string pattern cannot bound the numbers
        // in a list nor the product of three lists' lengths (the hooks' RULES name both).
        // GET /api/funding (issue 25) too: besides its symbol it has only from and to, and most of
        // their generated values meet a documented rule (RULES: from at or after to, a date-time
        // string before 1970; counted when this warning first came); its answers are all 2xx or a
        // rule's (no failure above), and with the example symbol, data.
        expect(r.warnings).toEqual({
          validation_mismatch: ['GET /api/backtest/sweep', 'GET /api/backtest/walkforward', 'GET /api/funding', 'POST /api/backtest/walkforward'],
        });
        // the requests the API counted on its own /metrics: every test case is at least one
        // (checks such as ignored_auth add more), none answered 5xx, and the stored scan was found
        expect(r.requests).toBeGreaterThanOrEqual(r.testCases);
        expect(Object.keys(r.requestsByStatus).filter((s) => Number(s) >= 500)).toEqual([]);
        expect(r.testCases).toBeGreaterThan(500);
        const scan = (await h.get('/metrics', token ? { authorization: `Bearer ${token}` } : {})).text;
        expect(scan).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/scan",status="200"\} [1-9]/m);
      } finally {
        await h.close();
      }
    },
    180_000,
  );
});
