/**
 * The store contract against a real PostgreSQL server that this file starts itself (initdb +
 * pg_ctl in a temporary directory, see ./pgCluster.ts), plus what only PostgreSQL does: several
 * collectors, each with its share of the symbols, writing one database that readers query.
 */
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres';
import type { Store } from '../../src/store/store';
import { describeStoreContract, expectBarsMatch } from './contract';
import { startPostgres, type TestPostgres } from './pgCluster';
import { makeTicks, referenceBars, rng } from './reference';

let server: TestPostgres | null = null;
let admin: pg.Client | null = null;
let dbCount = 0;

beforeAll(async () => {
  server = await startPostgres();
  if (!server) {
    // Visible on purpose: CI installs postgresql (.ci/run), so this only happens by hand.
    console.warn('SKIPPED: PostgreSQL store tests - no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
    return;
  }
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

/** A new empty database on the test server; its URL. */
async function freshDatabase(): Promise<string> {
  const name = `store_test_${process.pid}_${++dbCount}`;
  await admin!.query(`CREATE DATABASE ${name}`);
  return server!.url.replace(/\/postgres$/, `/${name}`);
}

/** `test`, or a skipped test when there is no server (the reason is printed once above). */
const pgTest = (name: string, fn: () => Promise<void>, timeout?: number) =>
  test(name, async () => {
    if (!server) return;
    await fn();
  }, timeout);

describeStoreContract('postgres', async () => {
  const urls = new Map<Store, string>();
  return {
    async open(opts) {
      if (!server) throw new Error('no PostgreSQL server (see the SKIPPED message above)');
      const url = await freshDatabase();
      const s = await openPostgresStore({ url, ...opts });
      urls.set(s, url);
      return s;
    },
    async reopen(closed, opts) {
      const url = urls.get(closed)!;
      const s = await openPostgresStore({ url, ...opts });
      urls.set(s, url);
      return s;
    },
    async dispose() {},
  };
}, () => server !== null);

describe('PostgreSQL store specifics', () => {
  pgTest('several collectors start at once on an empty database: the schema is migrated exactly once', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore({ url })));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    expect((await c.query('SELECT version FROM schema_version')).rows).toEqual([{ version: 1 }]);
    await c.end();
    for (const s of stores) await s.close();
  });

  pgTest('collectors with a share of the symbols each write one database; readers see both legs of a pair', async () => {
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
    for (const [symbol, sent] of [['ETHUSDT', eth], ['BTCUSDT', btc]] as const) {
      expectBarsMatch(await reader.bars({ symbol, tf: '1s' }), referenceBars(sent, symbol, '1s'), `reader ${symbol} 1s`);
      expectBarsMatch(await reader.bars({ symbol, tf: '1m' }), referenceBars(sent, symbol, '1m'), `reader ${symbol} 1m`);
    }
    for (const s of [a, b, reader]) await s.close();
  });

  pgTest('a wrong DATABASE_URL fails with a message naming the server, without the password', async () => {
    await expect(openPostgresStore({ url: 'postgres://u:secret@127.0.0.1:1/x' })).rejects.toThrow(/PostgreSQL store at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x: /);
  });
});
