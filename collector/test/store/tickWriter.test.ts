import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tick } from '../../src/domain';
import { log } from '../../src/log';
import { openSqliteStore } from '../../src/store/sqlite';
import type { InsertResult, Store } from '../../src/store/store';
import { TickWriter } from '../../src/store/tickWriter';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const tick = (id: number, symbol = 'BTCUSDT'): Tick => ({ symbol, id, ts: T0 + id, price: 100 + id / 100, qty: 1, isBuyerMaker: false });

describe('TickWriter (on a real SQLite store)', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tick-writer-'));
    store = await openSqliteStore({ path: join(dir, 'collector.db'), busyTimeoutMs: 20 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('flushes a partial batch after flushMs, as one transaction, and the writes of that batch share its result', async () => {
    const flushed: [number, InsertResult][] = [];
    const w = new TickWriter(store, { flushMs: 50, onFlush: (ticks, r) => flushed.push([ticks.length, r]) });
    const p1 = w.write([tick(1), tick(2)]);
    const p2 = w.write(tick(2)); // a duplicate within the batch
    expect(w.pending).toBe(3);
    expect(await store.ticks({ symbol: 'BTCUSDT' })).toEqual([]); // nothing written yet
    const started = Date.now();
    const [r1, r2] = await Promise.all([p1, p2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40); // waited for the timer, not written at once
    expect(r1).toEqual({ inserted: 2, duplicates: 1, invalid: 0 });
    expect(r2).toBe(r1);
    expect(flushed).toEqual([[3, r1]]);
    expect(w.pending).toBe(0);
    await w.close();
  });

  test('writes at once when maxBatch ticks are waiting, keeping batches in order', async () => {
    const w = new TickWriter(store, { flushMs: 60_000, maxBatch: 10 });
    const results = [];
    for (let i = 0; i < 35; i++) results.push(w.write(tick(i)));
    const first = await results[0]!; // the timer is a minute: only the size limit can have written it
    expect(first.inserted).toBe(10);
    await results[29];
    expect((await store.ticks({ symbol: 'BTCUSDT' })).length).toBe(30);
    await w.close(); // writes the last 5
    expect((await store.ticks({ symbol: 'BTCUSDT' })).map((t) => t.id)).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(() => w.write(tick(99))).toThrow(/closed/);
  });

  test('flush() writes what is buffered now', async () => {
    const w = new TickWriter(store, { flushMs: 60_000 });
    void w.write([tick(1), tick(2)]); // its batch is the one flush() writes and reports
    expect(await w.flush()).toEqual({ inserted: 2, duplicates: 0, invalid: 0 });
    expect(await w.flush()).toEqual({ inserted: 0, duplicates: 0, invalid: 0 });
    await w.close();
  });

  test('keeps and retries a batch while the database is locked by another process, losing nothing', async () => {
    const lines: string[] = [];
    log.configure({ sink: (l) => lines.push(l) });
    const other = new Database(join(dir, 'collector.db'));
    other.exec('BEGIN EXCLUSIVE');
    const w = new TickWriter(store, { flushMs: 10 });
    const p = w.write([tick(1), tick(2), tick(3)]);
    for (let waited = 0; !lines.some((l) => l.includes('tick batch write failed; retrying')); waited += 20) {
      if (waited > 20_000) throw new Error('the locked write was never retried');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await store.ticks({ symbol: 'BTCUSDT' })).toEqual([]); // still locked out: nothing written yet
    other.exec('COMMIT');
    other.close();
    expect(await p).toEqual({ inserted: 3, duplicates: 0, invalid: 0 });
    await w.close();
    expect((await store.ticks({ symbol: 'BTCUSDT' })).length).toBe(3);
    log.configure({ sink: (l) => process.stderr.write(l + '\n') });
  });

  test('close() gives up after 5 attempts on a store that keeps failing, saying how many ticks were not stored', async () => {
    log.configure({ level: 'silent' });
    await store.close(); // every insert now fails with "closed"
    const w = new TickWriter(store, { flushMs: 10 });
    const p = w.write([tick(1), tick(2)]);
    await expect(w.close()).rejects.toThrow(/2 ticks not stored after 5 attempts: .*closed/);
    await expect(p).rejects.toThrow(/not stored/);
    log.configure({ level: 'warn' });
  });
});
