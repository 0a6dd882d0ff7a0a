/**
 * Ingest throughput into the store with 1s/1m/5m bars maintained, against the baseline a plain
 * ORM-style collector gets: one INSERT per transaction on SQLite's defaults (rollback journal,
 * synchronous FULL), one text-keyed row per tick, no bars at all (which flatters the baseline).
 *
 * Workload: a 1,000,000-tick replay of three symbols (BTCUSDT, ETHUSDT, SOLUSDT) with Poisson
 * arrivals, geometric random-walk prices on each symbol's tick size and log-normal quantities
 * on its lot size, interleaved by time as the combined stream delivers them, written in batches
 * of 5,000 (what the TickWriter hands the store during a replay; live it flushes every 100 ms).
 * A second row writes 100 ticks per transaction, the size of a live 100 ms flush at a busy
 * ~1,000 ticks/s. The baseline is measured on a bounded sample (it is slow). Everything runs on
 * a temporary file on disk, never :memory:, in this same process and run. The PostgreSQL store
 * replays the same ticks into a throw-away local server (initdb in a temp dir, fsync on) when
 * Debian's postgresql is installed, or into BENCH_DATABASE_URL; its CPU column counts only the
 * client (this process), the server's work is on the other core.
 *
 * `BENCH_TICKS=200000 npm run bench -- ingest` shortens the replay.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tick } from '../src/domain';
import { log } from '../src/log';
import { openPostgresStore } from '../src/store/postgres';
import { openSqliteStore } from '../src/store/sqlite';
import { startPostgres } from '../test/store/pgCluster';
import { normal, rng } from '../src/fake-binance/rng';
import type { Store } from '../src/store/store';

log.configure({ level: 'warn' });

const N = Number(process.env.BENCH_TICKS ?? 1_000_000);
const BASELINE_N = 2_000;
const BATCH = 5_000;
const LIVE_BATCH = 100;
const LIVE_N = Math.min(N, 200_000);
const PG_N = Math.min(N, Number(process.env.BENCH_PG_TICKS ?? 1_000_000));

function syntheticTicks(n: number): Tick[] {
  const r = rng(42);
  const gauss = () => normal(r);
  const syms = [
    { symbol: 'BTCUSDT', rate: 40, price: 87_000, tick: 0.01, lot: 0.00001, qtyMu: Math.log(0.01), id: 5_400_000_000 },
    { symbol: 'ETHUSDT', rate: 25, price: 3_100, tick: 0.01, lot: 0.0001, qtyMu: Math.log(0.3), id: 2_900_000_000 },
    { symbol: 'SOLUSDT', rate: 15, price: 140, tick: 0.01, lot: 0.001, qtyMu: Math.log(5), id: 1_100_000_000 },
  ].map((s) => ({ ...s, next: 1_764_115_200_000 + (-Math.log(1 - r()) * 1000) / s.rate }));
  const out: Tick[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let s = syms[0]!;
    for (const c of syms) if (c.next < s.next) s = c;
    s.price = Math.max(s.tick, s.price * Math.exp(0.00005 * gauss()));
    const price = Number((Math.round(s.price / s.tick) * s.tick).toFixed(2));
    const lots = Math.max(1, Math.round(Math.exp(s.qtyMu + 1.2 * gauss()) / s.lot));
    out[i] = { symbol: s.symbol, id: s.id++, ts: Math.floor(s.next), price, qty: Number((lots * s.lot).toPrecision(12)), isBuyerMaker: r() < 0.5 };
    s.next += (-Math.log(1 - r()) * 1000) / s.rate;
  }
  return out;
}

interface Rate {
  /** Ticks per wall-clock second. */
  wall: number;
  /** Ticks per second of this process's CPU time (user + system): what the rate would be with a core to itself. */
  cpu: number;
}

async function timeInserts(store: Store, ticks: readonly Tick[], batch: number): Promise<Rate> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let inserted = 0;
  for (let i = 0; i < ticks.length; i += batch) inserted += (await store.insertTicks(ticks.slice(i, i + batch))).inserted;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  if (inserted !== ticks.length) throw new Error(`stored ${inserted} of ${ticks.length} ticks`);
  return { wall: ticks.length / s, cpu: ticks.length / ((c.user + c.system) / 1e6) };
}

/** The plain ORM-style collector: autocommit INSERT per tick, SQLite defaults. */
function baseline(path: string, ticks: readonly Tick[]): number {
  const db = new Database(path);
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE ticks (pk INTEGER PRIMARY KEY AUTOINCREMENT, symbol TEXT NOT NULL, trade_id INTEGER NOT NULL,
    ts REAL NOT NULL, price REAL NOT NULL, qty REAL NOT NULL, buyer_maker INTEGER NOT NULL, UNIQUE (symbol, trade_id))`);
  const ins = db.prepare('INSERT INTO ticks (symbol, trade_id, ts, price, qty, buyer_maker) VALUES (?, ?, ?, ?, ?, ?)');
  const t0 = process.hrtime.bigint();
  for (const t of ticks) ins.run(t.symbol, t.id, t.ts, t.price, t.qty, t.isBuyerMaker ? 1 : 0);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  return ticks.length / s;
}

/**
 * The PostgreSQL store on a throw-away local server with its default durability (fsync on,
 * synchronous_commit on), or on BENCH_DATABASE_URL (a database the benchmark may fill and
 * whose tables it creates). Null when neither is there.
 */
async function postgres(ticks: readonly Tick[]): Promise<{ name: string; rate: Rate } | null> {
  const given = process.env.BENCH_DATABASE_URL;
  const server = given ? null : await startPostgres({ durable: true });
  if (!given && !server) return null;
  try {
    const store = await openPostgresStore({ url: given ?? server!.url });
    const rate = await timeInserts(store, ticks, BATCH);
    await store.close();
    return { name: given ? 'postgres store (BENCH_DATABASE_URL)' : `postgres store (local ${server!.version}, fsync on)`, rate };
  } finally {
    await server?.stop();
  }
}

function fmt(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
  try {
    process.stdout.write(`generating ${fmt(N)} synthetic ticks... `);
    const ticks = syntheticTicks(N);
    console.log('done');

    const base = baseline(join(dir, 'baseline.db'), ticks.slice(0, BASELINE_N));

    const store = await openSqliteStore({ path: join(dir, 'store.db') });
    const replay = await timeInserts(store, ticks, BATCH);
    const bars1s = (await store.bars({ symbol: 'BTCUSDT', tf: '1s' })).length;
    await store.close();

    const live = await openSqliteStore({ path: join(dir, 'live.db') });
    const liveRate = await timeInserts(live, ticks.slice(0, LIVE_N), LIVE_BATCH);
    await live.close();

    const pgRow = await postgres(ticks.slice(0, PG_N));

    const rows: [string, number, string, number][] = [
      [`baseline: 1 row/transaction, journal DELETE, sync FULL (${fmt(BASELINE_N)} ticks)`, base, '(waits on fsync)', 1],
      [`sqlite store, bars kept, ${fmt(BATCH)}/batch (${fmt(N)} ticks)`, replay.wall, fmt(replay.cpu), replay.wall / base],
      [`sqlite store, bars kept, ${LIVE_BATCH}/batch (${fmt(LIVE_N)} ticks)`, liveRate.wall, fmt(liveRate.cpu), liveRate.wall / base],
    ];
    if (pgRow)
      rows.push([
        `${pgRow.name}, bars kept, ${fmt(BATCH)}/batch (${fmt(PG_N)} ticks)`,
        pgRow.rate.wall,
        `${fmt(pgRow.rate.cpu)} (client)`,
        pgRow.rate.wall / base,
      ]);
    console.log('');
    console.log('| ingest (temp files on disk) | ticks/s | ticks per CPU-s | vs baseline |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [name, rate, cpu, ratio] of rows) console.log(`| ${name} | ${fmt(rate)} | ${cpu} | ${ratio.toFixed(1)}x |`);
    if (!pgRow) console.log('| postgres store | skipped: no PostgreSQL server binaries (apt-get install postgresql) and no BENCH_DATABASE_URL | | |');
    const [load1] = loadavg();
    console.log(`\n(BTCUSDT 1s bars kept: ${fmt(bars1s)}; load average ${load1!.toFixed(1)} on ${cpus().length} cores during the run;`);
    console.log(' targets: >= 300,000 ticks/s and >= 100x baseline. "vs baseline" divides wall-clock rates.)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
