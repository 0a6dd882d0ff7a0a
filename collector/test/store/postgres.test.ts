/**
 * The store contract against a real PostgreSQL server that this file starts itself (initdb +
 * pg_ctl in a temporary directory, see ./pgCluster.ts), plus what only PostgreSQL does: several
 * collectors, each with its share of the symbols, writing one database that readers query.
 */
import pg from 'pg';
import { log } from '../../src/log';
import { openPostgresStore } from '../../src/store/postgres';
import { MIGRATIONS } from '../../src/store/postgres/migrations';
import { TickWriter } from '../../src/store/tickWriter';
import type { Store } from '../../src/store/store';
import { describeStoreContract, expectBarsMatch, harnessAt } from './contract';
import { describePostgres, startPostgres, type TestPostgres } from './pgCluster';
import { alignBars, analyzeSeries } from '../../src/analytics';
import { openSqliteStore } from '../../src/store/sqlite';
import { startApi } from '../api/helpers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTicks, referenceBars } from './reference';
import { rng } from '../../src/fake-binance/rng';
import { expectAcrossPaths, until } from '@quant-pairs/testkit';
import { startRelay } from './pgRelay';

let server: TestPostgres;
let dbCount = 0;

/** A new empty database on the test server; its URL. */
async function freshDatabase(): Promise<string> {
  const name = `store_test_${process.pid}_${++dbCount}`;
  // A short-lived connection each time: the restart test disconnects every client.
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}

// Skipped (and counted as skipped, with the reason) where the server binaries are missing;
// a failure instead where they are required (CI): see postgresSkipReason.
describePostgres('PostgreSQL (a throw-away server)', () => {
  beforeAll(async () => {
    const started = await startPostgres();
    if (!started) throw new Error('startPostgres found no server binaries after postgresSkipReason found them');
    server = started;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  describeStoreContract('postgres', async () =>
    harnessAt(
      () => freshDatabase(),
      (url, opts) => openPostgresStore({ url, ...opts }),
    ),
  );

  describe('PostgreSQL store specifics', () => {
    test('several collectors start at once on an empty database: the schema is migrated exactly once', async () => {
      const url = await freshDatabase();
      const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore({ url })));
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      expect((await c.query('SELECT version FROM schema_version ORDER BY version')).rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      await c.end();
      for (const s of stores) await s.close();
    });

    test('collectors with a share of the symbols each write one database; readers see both legs of a pair', async () => {
      const url = await freshDatabase();
      const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
      const r = rng(21);
      const eth = makeTicks(r, 'ETHUSDT', 3000, T0, 1);
      const btc = makeTicks(r, 'BTCUSDT', 3000, T0, 1);
      const sol = makeTicks(r, 'SOLUSDT', 3000, T0, 1);
      // Collector A ingests ETHUSDT, collector B BTCUSDT and SOLUSDT, in concurrent batches of 100.
      const a = await openPostgresStore({ url });
      const b = await openPostgresStore({ url });
      const write = async (s: Store, ticks: typeof eth) => {
        for (let i = 0; i < ticks.length; i += 100) await s.insertTicks(ticks.slice(i, i + 100));
      };
      await Promise.all([write(a, eth), write(b, btc), write(b, sol)]);
      // By mistake both also write an overlapping slice of ETHUSDT at the same time: still each trade once, bars right.
      await Promise.all([write(a, eth.slice(1000, 1500)), write(b, eth.slice(1200, 1700))]);
      const reader = await openPostgresStore({ url, now: () => T0 + 86_400_000 });
      expect((await reader.symbols()).map((x) => [x.symbol, x.ticks])).toEqual([
        ['BTCUSDT', 3000],
        ['ETHUSDT', 3000],
        ['SOLUSDT', 3000],
      ]);
      for (const [symbol, sent] of [
        ['ETHUSDT', eth],
        ['BTCUSDT', btc],
      ] as const) {
        expectBarsMatch(await reader.bars({ symbol, tf: '1s' }), referenceBars(sent, symbol, '1s'), `reader ${symbol} 1s`);
        expectBarsMatch(await reader.bars({ symbol, tf: '1m' }), referenceBars(sent, symbol, '1m'), `reader ${symbol} 1m`);
      }
      for (const s of [a, b, reader]) await s.close();
    });

    test('an API with its own connection pool computes pair analytics from legs two other collectors wrote, as from one SQLite store', async () => {
      const url = await freshDatabase();
      const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
      const END = T0 + 600_000;
      // Two cointegrated legs: BTC a random walk, ETH = 0.05 * BTC + noise, 2 ticks a second each.
      const r = rng(33);
      const btc = [];
      const eth = [];
      let p = 87_000;
      for (let i = 0; i < 1200; i++) {
        p += (r() - 0.5) * 40;
        const ts = T0 + i * 500 + Math.floor(r() * 400);
        btc.push({ symbol: 'BTCUSDT', id: 1 + i, ts, price: Math.round(p * 100) / 100, qty: 0.01, isBuyerMaker: false });
        eth.push({ symbol: 'ETHUSDT', id: 1 + i, ts: ts + 37, price: Math.round((0.05 * p + (r() - 0.5) * 2) * 100) / 100, qty: 0.3, isBuyerMaker: true });
      }
      const collectorA = await openPostgresStore({ url });
      const collectorB = await openPostgresStore({ url });
      await Promise.all([collectorA.insertTicks(eth), collectorB.insertTicks(btc)]);
      await Promise.all([collectorA.close(), collectorB.close()]);

      // Expected: analyzeSeries over the aligned bars of a single SQLite store fed the same ticks.
      const dir = mkdtempSync(join(tmpdir(), 'pg-vs-sqlite-'));
      const lite = await openSqliteStore({ path: join(dir, 'db.sqlite') });
      await lite.insertTicks([...eth, ...btc]);
      const al = alignBars(await lite.bars({ symbol: 'ETHUSDT', tf: '1s' }), await lite.bars({ symbol: 'BTCUSDT', tf: '1s' }));
      const want = analyzeSeries({ ts: al.ts, x: al.x, y: al.y, window: 20 });
      await lite.close();
      rmSync(dir, { recursive: true, force: true });

      const api = await startApi({ store: await openPostgresStore({ url }), now: () => END + 86_400_000 });
      try {
        const res = await api.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=20&from=${T0}&to=${END}`);
        expect(res.status).toBe(200);
        expect(res.body.points).toBe(want.length);
        expect(want.filter((x) => x.beta !== null).length).toBeGreaterThan(500);
        // The API's pass (cached run, warm-up before from) and one analyzeSeries pass: two paths,
        // compared within the tolerances across paths (test/support/acrossPaths.ts).
        expect(res.body.series.ts).toEqual(want.map((w) => w.ts));
        expect(res.body.series.signal).toEqual(want.map((w) => w.signal));
        expectAcrossPaths(
          res.body.series.beta,
          want.map((w) => w.beta),
          'beta',
          'beta',
        );
        expectAcrossPaths(
          res.body.series.zscore,
          want.map((w) => w.zscore),
          'z',
          'zscore',
        );
      } finally {
        await api.close();
      }
    });

    test('time-range queries are served by the (sid, ts, id) index in store order, without a sort', async () => {
      const url = await freshDatabase();
      await (await openPostgresStore({ url })).close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query('SET enable_seqscan = off'); // tiny tables: make the planner show the index it would use at scale
      const plan = async (sql: string) => (await c.query(`EXPLAIN ${sql}`)).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
      const ticks = await plan('SELECT * FROM ticks WHERE sid = 1 AND (ts, id) > (0, 0) AND ts < 10 ORDER BY ts, id LIMIT 100');
      expect(ticks).toMatch(/Index Scan using ticks_sid_ts_id/);
      expect(ticks).not.toMatch(/Sort/);
      const bars = await plan('SELECT * FROM bars WHERE sid = 1 AND tf = 1000 AND start >= 0 AND start < 10 ORDER BY start LIMIT 100');
      expect(bars).toMatch(/Index Scan using bars_pkey/);
      expect(bars).not.toMatch(/Sort/);
      await c.end();
    });

    test('a TickWriter rides out a server restart: the batch written while it is down is retried and stored once', async () => {
      const url = await freshDatabase();
      const lines: string[] = [];
      log.configure({ sink: (l) => lines.push(l) });
      const store = await openPostgresStore({ url });
      const writer = new TickWriter(store, { flushMs: 10 });
      const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
      const sent = makeTicks(rng(44), 'BTCUSDT', 600, T0, 1);
      try {
        expect(await writer.write(sent.slice(0, 200))).toMatchObject({ inserted: 200 });
        server.pause();
        const during = writer.write(sent.slice(200, 400));
        await until(() => lines.some((l) => l.includes('tick batch write failed; retrying')), 'the writer to log a failed batch');
        server.resume();
        expect(await during).toMatchObject({ inserted: 200, duplicates: 0 });
        expect(await writer.write(sent.slice(300, 600))).toMatchObject({ inserted: 200, duplicates: 100 });
        await writer.close();
        expect(await store.ticks({ symbol: 'BTCUSDT' })).toEqual(sent);
      } finally {
        log.configure({ sink: (l) => process.stderr.write(l + '\n') });
        await store.close();
      }
    }, 60_000);

    /** Ends the collector's connections to `url`'s database as a DBA or a restart would: FATAL 57P01. How many. */
    async function endCollectorConnections(url: string): Promise<number> {
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      try {
        const pids = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'quant-pairs collector'", [
          new URL(url).pathname.slice(1),
        ]);
        for (const { pid } of pids.rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        return pids.rows.length;
      } finally {
        await admin.end();
      }
    }

    // The server's goodbye can reach the driver in the same read as the last answer on a connection
    // that the pool is handing out at that moment; the driver then emits 'error' on a client whose
    // pool listener is already removed and whose new holder has not attached its own yet. Without a
    // listener, Node throws it: the whole collector would die on a PostgreSQL restart. The relay
    // (./pgRelay.ts) makes that one read happen every time.
    test('the server ends a new connection in the read that makes it ready: no crash, the batch is retried and stored once', async () => {
      const url = await freshDatabase();
      const relay = await startRelay(server.url);
      const lines: string[] = [];
      log.configure({ sink: (l) => lines.push(l) });
      const store = await openPostgresStore({ url: relay.via(url) });
      const writer = new TickWriter(store, { flushMs: 10 });
      const sent = makeTicks(rng(45), 'BTCUSDT', 300, Date.UTC(2026, 0, 5, 10, 0, 0), 1);
      try {
        expect(await writer.write(sent.slice(0, 100))).toMatchObject({ inserted: 100 });
        // The pool's idle connection goes first (the pool's own listener sees that), so the next
        // batch needs a new connection, whose start-up answer the relay holds.
        expect(await endCollectorConnections(url)).toBe(1);
        await until(() => lines.some((l) => l.includes('postgres connection lost')), 'the pool to drop its idle connection');
        relay.hold = true;
        const during = writer.write(sent.slice(100, 200));
        void writer.flush();
        await until(() => relay.heldReady(), 'the new connection to be ready, its answer held');
        expect(await endCollectorConnections(url)).toBe(1);
        relay.hold = false;
        expect(await during).toMatchObject({ inserted: 100, duplicates: 0 });
        expect(lines.some((l) => l.includes('tick batch write failed; retrying'))).toBe(true);
        expect(await writer.write(sent.slice(150, 300))).toMatchObject({ inserted: 100, duplicates: 50 });
        await writer.close();
        expect(await store.ticks({ symbol: 'BTCUSDT' })).toEqual(sent);
      } finally {
        log.configure({ sink: (l) => process.stderr.write(l + '\n') });
        await store.close();
        await relay.close();
      }
    }, 60_000);

    test('the server ends a connection in the read that answers its query while a batch waits for it: no crash, the batch is retried', async () => {
      const url = await freshDatabase();
      const relay = await startRelay(server.url);
      const lines: string[] = [];
      log.configure({ sink: (l) => lines.push(l) });
      // One connection: the batch's transaction waits for the one the read holds.
      const store = await openPostgresStore({ url: relay.via(url), poolSize: 1 });
      const writer = new TickWriter(store, { flushMs: 10 });
      const sent = makeTicks(rng(46), 'BTCUSDT', 200, Date.UTC(2026, 0, 5, 10, 0, 0), 1);
      try {
        expect(await writer.write(sent.slice(0, 100))).toMatchObject({ inserted: 100 });
        relay.hold = true;
        const reading = store.symbols();
        const during = writer.write(sent.slice(100, 200));
        void writer.flush(); // its transaction now waits for the pool's only connection
        await until(() => relay.heldReady(), "the read's answer, held");
        expect(await endCollectorConnections(url)).toBe(1);
        relay.hold = false;
        expect((await reading).map((s) => [s.symbol, s.ticks])).toEqual([['BTCUSDT', 100]]);
        expect(await during).toMatchObject({ inserted: 100, duplicates: 0 });
        expect(lines.some((l) => l.includes('tick batch write failed; retrying'))).toBe(true);
        await writer.close();
        expect(await store.ticks({ symbol: 'BTCUSDT' })).toEqual(sent);
      } finally {
        log.configure({ sink: (l) => process.stderr.write(l + '\n') });
        await store.close();
        await relay.close();
      }
    }, 60_000);

    test('a wrong DATABASE_URL fails with a message naming the server, without the password', async () => {
      await expect(openPostgresStore({ url: 'postgres://u:secret@127.0.0.1:1/x' })).rejects.toThrow(
        /PostgreSQL store at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x: /,
      );
    });
  });
});
