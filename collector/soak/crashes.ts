/**
 * Part 2, crashes: the collector is killed with SIGKILL (kill -9) mid-ingest, again and again,
 * while the fake Binance keeps trading, and restarted on the same SQLite file. After every kill:
 * `PRAGMA integrity_check` must say ok and every 1s/1m/5m bar must equal the slow reference
 * computed from the stored ticks; after every restart, once it has backfilled, no trade the fake
 * generated up to the restart may be missing. Half of the kills come right after a gap was
 * opened (trade ids skipped live), so some land while a backfill is still pending.
 * At the end: one clean stop, and the stored ticks equal the fake's ground truth exactly.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { TIMEFRAMES } from '../src/domain';
import { openSqliteStore } from '../src/store/sqlite';
import { startFakeBinance, type FakeBinance } from '../src/fake-binance';
import { rng } from '../src/fake-binance/rng';
import { referenceBars } from '../test/store/reference';
import { CollectorProcess } from './collector-process';
import { caughtUp, checkStore, compareBars, fakeFeedEnv, integrityCheck, storeCheckClean, type BarCheck, type StoreCheck } from './db';
import { pause, progress, tempDir, until, waitFor } from './util';

export interface CrashesOptions {
  mainJs: string;
  kills: number;
  stream?: 'trade' | 'aggTrade';
  rate?: number;
  symbols?: string[];
  seed?: number;
}

export interface CrashesResult {
  kills: number;
  /** Kills that came within a few ms of opening an id gap. */
  killsDuringGap: number;
  integrityOk: number;
  integrityFailures: string[];
  /** Bars compared after all kills / mismatches against the reference. */
  bars: BarCheck;
  /** After each restart: trades generated before it that were still missing once it caught up. */
  missingAfterRestart: number;
  /** Restarts that did not catch up within the timeout. */
  restartsNotCaughtUp: number;
  /** Trades not stored when the collector was killed (buffered, in flight, or sent while it was down) that a restart had to fetch: sum over kills. */
  refetchedAfterKill: number;
  meanRestartMs: number;
  final: StoreCheck;
  durationSec: number;
  /** Restarts that found holes in the stored ids (a backfill the kill interrupted) and backfilled them. */
  restartsWithHoles: number;
  /** Warnings and errors the collector processes logged, by message. */
  logged: Record<string, number>;
  ok: boolean;
}

/** Trades of each symbol with id <= the given id that are not stored (read-only, collector may run). */
function missingUpTo(path: string, fake: FakeBinance, upTo: Record<string, number>): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    let missing = 0;
    for (const [symbol, maxId] of Object.entries(upTo)) {
      const expected = fake.trades(symbol).filter((t) => t.id <= maxId).length;
      const row = db.prepare('SELECT count(*) AS n FROM ticks WHERE sid = (SELECT sid FROM symbols WHERE symbol = ?) AND id <= ?').get(symbol, maxId) as {
        n: number;
      };
      missing += expected - row.n;
    }
    return missing;
  } finally {
    db.close();
  }
}

export async function runCrashes(o: CrashesOptions): Promise<CrashesResult> {
  const stream = o.stream ?? 'trade';
  const symbols = o.symbols ?? ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
  const rand = rng(o.seed ?? 11);
  const dir = tempDir('crash');
  const dbPath = join(dir.path, 'collector.db');
  const fake = await startFakeBinance({ symbols, stream, rate: 0, pingIntervalMs: 500, seed: o.seed ?? 11 });
  const env = { ...fakeFeedEnv(fake, symbols, dbPath), STALL_TIMEOUT: '2s' };
  const t0 = Date.now();
  const bars: BarCheck = { bars: 0, mismatches: 0, examples: [] };
  const integrityFailures: string[] = [];
  let integrityOk = 0;
  let killsDuringGap = 0;
  let missingAfterRestart = 0;
  let restartsNotCaughtUp = 0;
  let refetchedAfterKill = 0;
  let restartMs = 0;
  let c: CollectorProcess | null = null;
  const logged: Record<string, number> = {};
  let restartsWithHoles = 0;
  const collect = (p: CollectorProcess): void => {
    if (p.logs.some((l) => l.msg === 'stored ids have holes; backfilling them')) restartsWithHoles++;
    for (const l of p.logs) if (l.level === 'warn' || l.level === 'error') logged[`${l.level}: ${l.msg}`] = (logged[`${l.level}: ${l.msg}`] ?? 0) + 1;
  };
  const lastIds = (): Record<string, number> => Object.fromEntries(symbols.map((s) => [s, fake.trades(s).at(-1)?.id ?? 0]));
  try {
    // The first start: connect before trading so that nothing precedes the collector.
    c = await CollectorProcess.start(o.mainJs, env);
    await until(() => fake.stats.openConnections > 0, 'the first connection');
    fake.setRate(o.rate ?? 60);
    for (let k = 1; k <= o.kills; k++) {
      // Mid-ingest: 150..900 ms of live trading, sometimes with a gap opened just before the kill.
      await pause(150 + rand() * 750);
      if (k % 2 === 1) {
        // Every other kill comes right after a gap opened; half of those gaps meet a 429 first,
        // so the kill lands while the backfill waits out Retry-After and live ticks beyond the
        // gap are already committed (the case that used to lose the hole).
        const slow = k % 4 === 1;
        if (slow) fake.fail429(1, 2);
        const n = 20 + Math.floor(rand() * 400);
        fake.skipIds(symbols[Math.floor(rand() * symbols.length)]!, n);
        fake.generate(n + 5); // the skipped trades and a few live ones after them: the gap is open now
        await pause(slow ? 300 + rand() * 500 : rand() * 120);
        killsDuringGap++;
      }
      if (c.exit) throw new Error(`collector exited on its own before kill ${k}: ${c.output().slice(-1500)}`);
      const before = await c.kill9();
      collect(c);
      if (before.signal !== 'SIGKILL') throw new Error(`kill ${k}: the collector ended with ${before.code ?? before.signal}, not SIGKILL`);

      const ic = integrityCheck(dbPath);
      if (ic === 'ok') integrityOk++;
      else integrityFailures.push(`kill ${k}: ${ic}`);
      const stored = await openSqliteStore({ path: dbPath });
      let storedCount = 0;
      try {
        for (const s of symbols) {
          const ticks = await stored.ticks({ symbol: s });
          storedCount += ticks.length;
          for (const tf of TIMEFRAMES) compareBars(await stored.bars({ symbol: s, tf }), referenceBars(ticks, s, tf), `kill ${k} ${s} ${tf}`, bars);
        }
      } finally {
        await stored.close();
      }

      // Down for a moment while the fake trades on, then restart and wait for the backfill.
      await pause(100 + rand() * 300);
      const upTo = lastIds();
      const generated = symbols.reduce((n, s) => n + fake.trades(s).length, 0);
      const r0 = Date.now();
      c = await CollectorProcess.start(o.mainJs, env);
      const proc = c;
      restartMs += Date.now() - r0;
      const caught = await waitFor(() => missingUpTo(dbPath, fake, upTo) === 0 || proc.exit !== null, 20_000, 50);
      if (!caught) restartsNotCaughtUp++;
      const missing = missingUpTo(dbPath, fake, upTo);
      missingAfterRestart += missing;
      refetchedAfterKill += Math.max(0, generated - storedCount);
      if (missing > 0) progress('crashes', `after kill ${k}: ${missing} trades still missing after the restart's backfill`);
      if (k % 5 === 0) progress('crashes', `${k}/${o.kills} kill -9 and restarts`);
    }
    fake.setRate(0);
    fake.generate(3);
    await waitFor(() => caughtUp(dbPath, fake, symbols), 30_000, 100);
    await c.stop();
    collect(c);
    const final = await checkStore(dbPath, fake, symbols);
    const result: CrashesResult = {
      kills: o.kills,
      killsDuringGap,
      integrityOk,
      integrityFailures,
      bars,
      missingAfterRestart,
      restartsNotCaughtUp,
      refetchedAfterKill,
      meanRestartMs: Math.round(restartMs / Math.max(1, o.kills)),
      final,
      durationSec: (Date.now() - t0) / 1000,
      restartsWithHoles,
      logged,
      ok: false,
    };
    result.ok = integrityOk === o.kills && bars.mismatches === 0 && missingAfterRestart === 0 && restartsNotCaughtUp === 0 && storeCheckClean(final);
    return result;
  } finally {
    if (c && !c.exit) await c.kill9();
    await fake.stop();
    dir.remove();
  }
}
