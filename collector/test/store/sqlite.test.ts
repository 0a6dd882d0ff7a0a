import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite';
import { MIGRATIONS } from '../../src/store/sqlite/migrations';
import { describeStoreContract, harnessAt } from './contract';

/** Real SQLite files in a temporary directory, one per test. */
describeStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-contract-'));
  let n = 0;
  return harnessAt(
    () => join(dir, `db-${++n}`, 'collector.db'),
    (path, opts) => openSqliteStore({ path, ...opts }),
    async () => rmSync(dir, { recursive: true, force: true }),
  );
});

describe('SQLite store specifics', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('creates the directory, uses WAL with synchronous NORMAL, and records the schema version', async () => {
    const path = join(dir, 'a', 'b', 'collector.db');
    const s = await openSqliteStore({ path });
    await s.close();
    expect(existsSync(path)).toBe(true);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('page_size', { simple: true })).toBe(8192);
    expect(db.prepare('SELECT max(version) FROM schema_version').pluck().get()).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    db.close();
    // synchronous is a setting of each connection: the store reports its own.
    const again = await openSqliteStore({ path });
    expect((await again.health()).detail).toContain(`schema v${MIGRATIONS[MIGRATIONS.length - 1]!.version}, journal wal, synchronous NORMAL`);
    await again.close();
  });

  test('refuses a database whose schema is newer than it knows', async () => {
    const path = join(dir, 'collector.db');
    await (await openSqliteStore({ path })).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (999, ?, 0)').run('from the future');
    db.close();
    await expect(openSqliteStore({ path })).rejects.toThrow(/schema version 999 is newer/);
  });

  test('retention over many 15-minute steps deletes exactly the ticks before the cut and keeps bars equal to the ticks', async () => {
    const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
    const s = await openSqliteStore({ path: join(dir, 'collector.db'), now: () => T0 + 86_400_000 });
    // One tick every 2 s for 2 hours, two symbols: 3,600 ticks each.
    const ticks = ['BTCUSDT', 'ETHUSDT'].flatMap((symbol) =>
      Array.from({ length: 3600 }, (_, i) => ({ symbol, id: i + 1, ts: T0 + i * 2000 + 7, price: 100 + (i % 13), qty: 1, isBuyerMaker: false })),
    );
    await s.insertTicks(ticks);
    const cut = T0 + 95 * 60_000; // a 5-minute boundary: 95 min of ticks = 2,850 per symbol go
    expect(await s.deleteBefore(cut + 60_000)).toBe(2 * 2850);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
      const kept = await s.ticks({ symbol });
      expect(kept.length).toBe(750);
      expect(kept[0]!.ts).toBe(cut + 7);
      const bars = await s.bars({ symbol, tf: '5m' });
      expect(bars[0]!.start).toBe(cut);
      expect(bars.reduce((n, b) => n + b.trades, 0)).toBe(750);
      expect((await s.symbols()).find((x) => x.symbol === symbol)).toMatchObject({ ticks: 750, firstTs: cut + 7 });
    }
    await s.close();
  });

  test('works in memory', async () => {
    const s = await openSqliteStore({ path: ':memory:' });
    expect(await s.insertTicks([{ symbol: 'BTCUSDT', id: 1, ts: 1_700_000_000_000, price: 1, qty: 1, isBuyerMaker: false }])).toMatchObject({ inserted: 1 });
    await s.close();
  });

  test('time-range queries use the (sid, ts, id) key and duplicate checks the (sid, id) index', async () => {
    const path = join(dir, 'collector.db');
    await (await openSqliteStore({ path })).close();
    const db = new Database(path, { readonly: true });
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan('SELECT * FROM ticks WHERE sid = 1 AND ts >= 0 AND ts < 10 ORDER BY ts, id')).toMatch(
      /SEARCH ticks USING PRIMARY KEY \(sid=\? AND ts>\? AND ts<\?\)/,
    );
    expect(plan('SELECT id FROM ticks WHERE sid = 1 AND id >= 0 AND id <= 10')).toMatch(/USING COVERING INDEX ticks_sid_id/);
    expect(plan('SELECT * FROM bars WHERE sid = 1 AND tf = 1000 AND start >= 0 AND start < 10 ORDER BY start')).toMatch(/SEARCH bars USING PRIMARY KEY/);
    expect(plan('SELECT * FROM ticks WHERE sid = 1 AND ts >= 0 ORDER BY ts, id')).not.toMatch(/TEMP B-TREE/);
    db.close();
  });
});
