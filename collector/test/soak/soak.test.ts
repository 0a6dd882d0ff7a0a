/**
 * The short soak that runs with `npm test` (the long one is `npm run soak`): the collector as
 * its own process (built from src like `npm run build`), against the fake Binance on 127.0.0.1.
 *
 * - 20+ feed faults with 1,000 hostile API requests alongside: the stored ticks must be exactly
 *   the trades the fake generated (its ground truth), every hostile request a 4xx with a
 *   message (no 5xx, no 2xx, no dropped connection), and the process up throughout;
 * - 3 x kill -9 mid-ingest (the first right after an id gap whose backfill waits out a 429):
 *   integrity_check ok, bars equal the slow reference of the stored ticks, nothing missing
 *   after each restart's backfill, exactly the generated ticks at the end;
 * - disk trouble: a read-only database directory stops the start with exit 2 naming DB_PATH;
 *   a full disk while ingesting makes /api/health 503 and, once space is back, nothing is lost.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildCollector, OUTPUT_DIR } from '../../soak/collector-process';
import { runCrashes } from '../../soak/crashes';
import { runDisk } from '../../soak/disk';
import { runFeedFaults } from '../../soak/feed-faults';
import { runHostile, type HostileResult } from '../../soak/hostile';
import { memoryEnv } from '../../soak/memory';

let mainJs: string;
const buildDir = join(OUTPUT_DIR, `jest-build-${process.pid}`);
beforeAll(() => {
  process.env.SOAK_QUIET = '1';
  mainJs = buildCollector(buildDir);
});
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

const exact = { lost: 0, duplicated: 0, unexpected: 0, altered: 0 };

test('20+ feed faults with 1,000 hostile requests alongside: exactly the generated ticks, every answer a clear 4xx', async () => {
  const token = 'jest-soak-token';
  let hostile: HostileResult | null = null;
  let logs: string[] = [];
  const r = await runFeedFaults({
    mainJs,
    faults: 20,
    env: { API_TOKEN: token, RATE_LIMIT: '0', ...memoryEnv(false) }, // validation is exercised here, not the limiter
    during: async (c) => {
      hostile = await runHostile({ collector: c, token, pair: 'ETHUSDT/BTCUSDT', symbol: 'ETHUSDT', requests: 1_000, concurrency: 8 });
      logs = [...c.logs.map((l) => JSON.stringify(l)), ...c.rawOutput];
    },
  });
  // the token appears in none of the collector's log lines (its start-up settings included)
  expect(logs.length).toBeGreaterThan(10);
  expect(logs.filter((l) => l.includes(token))).toEqual([]);
  expect(r.faultsInjected).toBeGreaterThanOrEqual(20);
  expect(r.check.ticks).toMatchObject(exact);
  expect(r.check.ticks.stored).toBe(r.check.ticks.expected);
  expect(r.check.ticks.expected).toBeGreaterThan(500);
  expect(r.check.bars.mismatches).toBe(0);
  expect(r.crashes).toBe(0);
  expect(r.exitCode).toBe(0);

  const h = hostile as HostileResult | null;
  expect(h).not.toBeNull();
  expect(h!.examples).toEqual([]); // every non-4xx or message-less answer is listed here
  expect(h!.fourxx).toBe(1_000);
  expect(h!.fivexx + h!.accepted + h!.unclear + h!.networkErrors).toBe(0);
  expect(h!.aliveAtEnd).toBe(true);
  // the memory held after a full collection: 5 readings, the last within LEAK_MB (8) of the first (test/soak/memory.test.ts)
  expect(h!.retainedMb).toHaveLength(5);
  expect(h!.memoryFlat).toBe(true);
}, 150_000);

test('3 x kill -9 mid-ingest and restart: integrity ok, bars equal the reference, nothing missing after backfill', async () => {
  const r = await runCrashes({ mainJs, kills: 3 });
  expect(r.integrityFailures).toEqual([]);
  expect(r.integrityOk).toBe(3);
  expect(r.killsDuringGap).toBe(2);
  expect(r.bars.examples).toEqual([]);
  expect(r.bars.bars).toBeGreaterThan(0);
  expect(r.missingAfterRestart).toBe(0);
  expect(r.restartsNotCaughtUp).toBe(0);
  expect(r.final.ticks).toMatchObject(exact);
  expect(r.final.ticks.stored).toBe(r.final.ticks.expected);
  expect(r.final.bars.mismatches).toBe(0);
}, 120_000);

test('disk trouble: read-only directory stops the start naming DB_PATH; a full disk degrades health and loses nothing', async () => {
  const r = await runDisk(mainJs);
  for (const s of r.startFailures) {
    expect(s.exitCode).toBe(2);
    expect(s.message).toMatch(/DB_PATH=.*cannot open the SQLite database/);
    expect(s.clear).toBe(true);
  }
  expect(r.running.length).toBeGreaterThan(0);
  for (const x of r.running) {
    expect(x.degradedSeen).toBe(true);
    expect(x.healthDetail).toMatch(/writes failing/);
    expect(x.recovered).toBe(true);
    expect(x.crashed).toBe(false);
    expect(x.check!.ticks).toMatchObject(exact);
    expect(x.check!.bars.mismatches).toBe(0);
  }
}, 120_000);
