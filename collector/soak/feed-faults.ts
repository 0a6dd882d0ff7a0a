/**
 * Part 1, feed faults: a real collector process ingests from the fake Binance while the fake
 * injects faults one after another (dropped connections, serverShutdown, stalls without data
 * or pings, malformed frames, skipped trade ids that only REST serves, REST 429 with
 * Retry-After). At the end the fake stops trading, the collector catches up and is stopped
 * with SIGTERM, and the database must hold exactly the trades the fake generated: 0 lost,
 * 0 duplicated, 0 altered, every bar equal to the reference, and the process never crashed.
 */
import { join } from 'node:path';
import { startFakeBinance } from '../src/fake-binance';
import { rng } from '../src/fake-binance/rng';
import { CollectorProcess } from './collector-process';
import { caughtUp, checkStore, fakeFeedEnv, storeCheckClean, type StoreCheck } from './db';
import { pause, progress, tempDir, until, waitFor } from './util';

type FaultKind = 'disconnect' | 'serverShutdown' | 'stall' | 'malformed' | 'idGap' | 'rest429';
const KINDS: readonly FaultKind[] = ['disconnect', 'serverShutdown', 'stall', 'malformed', 'idGap', 'rest429'];

export interface FeedFaultsOptions {
  mainJs: string;
  /** Faults to inject (counted only when they hit: a connection was open, a 429 was served). */
  faults: number;
  stream?: 'trade' | 'aggTrade';
  /** Trades per second per symbol. */
  rate?: number;
  symbols?: string[];
  /** STALL_TIMEOUT of the collector, ms. */
  stallTimeoutMs?: number;
  seed?: number;
  /** More settings for the collector (e.g. API_TOKEN). */
  env?: Record<string, string>;
  /** Runs on the database before the collector starts (e.g. stores data for the API fuzz to find). */
  prepare?: (dbPath: string) => Promise<void>;
  /** Runs alongside the faults once the collector ingests (e.g. hostile requests); awaited before the end checks. */
  during?: (c: CollectorProcess) => Promise<void>;
}

export interface FeedFaultsResult {
  faultsInjected: number;
  byKind: Record<FaultKind, number>;
  durationSec: number;
  stream: string;
  symbols: number;
  /** WebSocket connections the fake accepted (1 + reconnects). */
  connections: number;
  restRequests: number;
  rest429Served: number;
  /** Malformed frames sent. */
  malformedFrames: number;
  /** Trade ids skipped live (served only by REST). */
  idsSkipped: number;
  check: StoreCheck;
  /** The collector process exited before it was asked to (0 expected). */
  crashes: number;
  /** SIGTERM exit code (0 expected). */
  exitCode: number | null;
  errorLogLines: number;
  healthAtEnd: string;
  ok: boolean;
}

export async function runFeedFaults(o: FeedFaultsOptions): Promise<FeedFaultsResult> {
  const stream = o.stream ?? 'aggTrade';
  const symbols = o.symbols ?? ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
  const stallMs = o.stallTimeoutMs ?? 1000;
  const rand = rng(o.seed ?? 7);
  const dir = tempDir('faults');
  const dbPath = join(dir.path, 'collector.db');
  const fake = await startFakeBinance({ symbols, stream, rate: 0, pingIntervalMs: 250, pongTimeoutMs: 5_000, seed: o.seed ?? 7 });
  const byKind: Record<FaultKind, number> = { disconnect: 0, serverShutdown: 0, stall: 0, malformed: 0, idGap: 0, rest429: 0 };
  let malformedFrames = 0;
  let idsSkipped = 0;
  const t0 = Date.now();
  let c: CollectorProcess | null = null;
  try {
    await o.prepare?.(dbPath);
    c = await CollectorProcess.start(o.mainJs, {
      ...fakeFeedEnv(fake, symbols, dbPath),
      STALL_TIMEOUT: `${stallMs}ms`,
      ...o.env,
    });
    const proc = c;
    const connected = (): boolean => fake.stats.openConnections > 0;
    await until(connected, 'the collector to connect to the fake Binance');
    fake.setRate(o.rate ?? 40);
    await pause(300);
    let alongsideDone = false;
    const alongside = (o.during ? o.during(proc) : Promise.resolve()).finally(() => (alongsideDone = true));
    alongside.catch(() => undefined);

    const served429 = (): number => fake.stats.restRequests.filter((r) => r.status === 429).length;
    let injected = 0;
    let last = '';
    // At least o.faults, and on until the work alongside is done.
    while (injected < o.faults || !alongsideDone) {
      if (proc.exit) throw new Error(`collector exited during the fault run: ${proc.output().slice(-1500)}`);
      // Connection faults need a live connection to hit; wait for the collector to be back.
      await until(connected, 'the collector to reconnect', 10_000 + stallMs * 3);
      let kind = KINDS[Math.floor(rand() * KINDS.length)]!;
      if (kind === last && kind !== 'malformed') kind = 'malformed';
      last = kind;
      const attempts = fake.stats.connectionAttempts;
      switch (kind) {
        case 'disconnect':
          if (fake.dropConnections() === 0) continue;
          await until(() => fake.stats.connectionAttempts > attempts, 'a reconnect after a drop', 10_000);
          break;
        case 'serverShutdown':
          fake.serverShutdown();
          await until(() => fake.stats.connectionAttempts > attempts, 'a reconnect after serverShutdown', 10_000);
          break;
        case 'stall':
          // No data, no pings on the current connection: only the collector's watchdog ends it.
          fake.stall();
          await until(() => fake.stats.connectionAttempts > attempts, 'the collector to notice the stall', stallMs * 4 + 10_000);
          break;
        case 'malformed':
          fake.sendMalformed();
          malformedFrames += 4;
          fake.sendMalformed([
            '',
            'null',
            '{"stream":"ethusdt@aggTrade","data":{"e":"aggTrade","s":"ETHUSDT","a":-5,"p":"NaN","q":"-1","T":"soon"}}',
            '\u0000\u0001binary-ish',
            '{"e":"serverShutdown"',
            'x'.repeat(70_000),
          ]);
          malformedFrames += 6;
          break;
        case 'idGap': {
          const s = symbols[Math.floor(rand() * symbols.length)]!;
          const n = 1 + Math.floor(rand() * (rand() < 0.3 ? 2500 : 60));
          fake.skipIds(s, n);
          // A jump that big needs trades: generate them now (they are skipped live, REST has them).
          if (n > 200) fake.generate(Math.ceil(n / 1));
          idsSkipped += n;
          break;
        }
        case 'rest429': {
          const before = served429();
          const k = 1 + Math.floor(rand() * 2);
          fake.fail429(k, 1);
          // A 429 only counts once a REST request met it: open a gap so that one is made.
          fake.skipIds(symbols[0]!, 3);
          idsSkipped += 3;
          if (!(await waitFor(() => served429() >= before + k, 8_000))) {
            fake.fail429(0);
            continue;
          }
          byKind.rest429 += k;
          injected += k;
          await pause(100);
          continue;
        }
      }
      byKind[kind]++;
      injected++;
      if (injected % 20 === 0) progress('feed faults', `${injected} faults injected (at least ${o.faults})`);
      await pause(50 + rand() * 250);
    }

    await alongside;
    // A quiet tail so that a gap at the very end is seen, then no more trades.
    await pause(Math.max(1000, stallMs * 2));
    fake.setRate(0);
    fake.generate(5);
    const done = await waitFor(() => caughtUp(dbPath, fake, symbols), 60_000, 100);
    if (!done) progress('feed faults', 'the collector did not catch up within 60 s; comparing what it has');
    await pause(300);
    const health = await proc.get('/api/health').catch((e: Error) => ({ status: 0, body: { status: e.message } }));
    const crashes = proc.exit ? 1 : 0;
    const exit = await proc.stop();
    const check = await checkStore(dbPath, fake, symbols);
    const result: FeedFaultsResult = {
      faultsInjected: injected,
      byKind,
      durationSec: (Date.now() - t0) / 1000,
      stream,
      symbols: symbols.length,
      connections: fake.stats.connectionAttempts,
      restRequests: fake.stats.restRequests.length,
      rest429Served: served429(),
      malformedFrames,
      idsSkipped,
      check,
      crashes,
      exitCode: exit.code,
      errorLogLines: proc.errorLines,
      healthAtEnd: String((health.body as { status?: string }).status),
      ok: false,
    };
    result.ok = crashes === 0 && exit.code === 0 && injected >= o.faults && storeCheckClean(check);
    return result;
  } finally {
    if (c && !c.exit) await c.kill9();
    await fake.stop();
    dir.remove();
  }
}
