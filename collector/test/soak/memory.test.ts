/**
 * The soak's memory check (soak/memory.ts): the memory the collector process still holds after a
 * full collection, read through its inspector after each batch of hostile requests, must not grow
 * by LEAK_MB or more. On made-up series, and on the collector process with a leak planted on
 * purpose (soak/plant-leak.cjs keeps 32 KB per request), which the check must catch.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeBinance } from '../../src/fake-binance';
import { buildCollector, CollectorProcess, OUTPUT_DIR } from '../../soak/collector-process';
import { fakeFeedEnv } from '../../soak/db';
import { runHostile } from '../../soak/hostile';
import { LEAK_BYTES_PER_REQUEST, LEAK_MB, memoryEnv, noLeak } from '../../soak/memory';
import { tempDir } from '../../soak/util';

test('memory that comes back to within LEAK_MB of the first reading is no leak', () => {
  // the first reading is after warm-up; 30.2 - 28 = 2.2 MB < 8
  expect(noLeak([28, 41, 35, 33, 30.2])).toBe(true);
});

test('memory that ends LEAK_MB or more above the first reading is a leak, whatever came between', () => {
  // 36.5 - 28 = 8.5 MB >= 8 (LEAK_MB)
  expect(LEAK_MB).toBe(8);
  expect(noLeak([28, 30, 32, 34, 36.5])).toBe(false);
});

test('fewer than 3 readings, or one that failed, is not a pass', () => {
  expect(noLeak([])).toBe(false);
  expect(noLeak([28, 28])).toBe(false);
  expect(noLeak([28, NaN, 28])).toBe(false);
});

test('a collector that keeps 32 KB per request fails the check (the leak planted by --plant-leak)', async () => {
  process.env.SOAK_QUIET = '1';
  const buildDir = join(OUTPUT_DIR, `jest-memory-${process.pid}`);
  const dir = tempDir('memory');
  const symbols = ['BTCUSDT', 'ETHUSDT'];
  const fake = await startFakeBinance({ symbols, stream: 'aggTrade', rate: 5 });
  const token = 'jest-memory-token';
  const c = await CollectorProcess.start(buildCollector(buildDir), {
    ...fakeFeedEnv(fake, symbols, join(dir.path, 'collector.db')),
    API_TOKEN: token,
    RATE_LIMIT: '0',
    ...memoryEnv(true),
  });
  try {
    const h = await runHostile({ collector: c, token, pair: 'ETHUSDT/BTCUSDT', symbol: 'ETHUSDT', requests: 1_000, concurrency: 8 });
    // 5 batches of 200; after the first reading 800 requests x 32 KB = 25 MB more are kept
    expect(h.retainedMb).toHaveLength(5);
    const kept = (800 * LEAK_BYTES_PER_REQUEST) / (1 << 20);
    expect(h.retainedMb[4]! - h.retainedMb[0]!).toBeGreaterThan(kept * 0.8);
    expect(h.memoryFlat).toBe(false);
    expect(h.ok).toBe(false);
    // everything else about the answers was right: only the memory check failed
    expect(h.fourxx).toBe(1_000);
    expect(h.examples).toEqual([]);
  } finally {
    await c.stop();
    await fake.stop();
    dir.remove();
    rmSync(buildDir, { recursive: true, force: true });
  }
}, 120_000);
