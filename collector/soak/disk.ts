/**
 * Part 5, disk trouble. Three cases, each on a real file system where this machine allows it:
 *
 * 1. Read-only database directory at start: the collector must exit non-zero with a message
 *    that names the problem (not hang, not run without storing).
 * 2. Disk full while ingesting: /api/health must turn degraded (503, "writes failing") while the
 *    writer keeps the ticks and retries; once space is back, every tick the fake generated must
 *    be stored (nothing silently lost) and health ok again.
 * 3. Directory turned read-only while ingesting (remount): the same.
 *
 * How: a small tmpfs mounted for the run (`mount -t tmpfs -o size=...`, root only), remounted
 * read-only or larger. Without mount permission: read-only by running the collector as user
 * nobody on a directory mode 555 (setpriv), and "full" by a file-size limit (prlimit --fsize
 * with SIGXFSZ ignored, so a write past it fails with EFBIG instead of killing the process),
 * raised on the running process to recover. The result says which method was used.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeBinance, type FakeBinance } from '../src/fake-binance';
import { CollectorProcess } from './collector-process';
import { caughtUp, checkStore, fakeFeedEnv, storedCounts, type StoreCheck } from './db';
import { pause, progress, tempDir, waitFor } from './util';

type DiskMethod = 'tmpfs' | 'setpriv+prlimit';

interface StartFailure {
  case: string;
  exitCode: number | null;
  signal: string | null;
  /** The collector's last words on stderr. */
  message: string;
  /** Exited non-zero, within the timeout, saying what was wrong (read-only / cannot open / the path). */
  clear: boolean;
  ms: number;
}

interface RunningFailure {
  case: string;
  /** /api/health answered 503 degraded while writes failed. */
  degradedSeen: boolean;
  healthStatus: number;
  healthDetail: string;
  /** Tick batches whose write failed and were retried (from the collector log). */
  failedWrites: number;
  /** Health back to 200 ok after the space / permission came back. */
  recovered: boolean;
  crashed: boolean;
  check: StoreCheck | null;
  /** Distinct warnings and errors the collector logged (message: error). */
  logged: string[];
}

export interface DiskResult {
  method: DiskMethod;
  startFailures: StartFailure[];
  running: RunningFailure[];
  skipped: string[];
  ok: boolean;
}

function canMount(): boolean {
  if (process.env.SOAK_DISK_METHOD === 'setpriv+prlimit') return false;
  const t = tempDir('mnt-probe');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', t.path], { stdio: 'ignore' });
    execFileSync('umount', [t.path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    t.remove();
  }
}

const mounted = new Set<string>();
function mountTmpfs(dir: string, opts: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir], { stdio: 'pipe' });
  mounted.add(dir);
}
function remount(dir: string, opts: string): void {
  execFileSync('mount', ['-o', `remount,${opts}`, dir], { stdio: 'pipe' });
}
function unmountAll(): void {
  for (const d of mounted) {
    try {
      execFileSync('umount', ['-l', d], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
  mounted.clear();
}
process.once('exit', unmountAll);

async function startFailure(mainJs: string, name: string, env: Record<string, string>, wrapper?: string[]): Promise<StartFailure> {
  const t0 = Date.now();
  const p = CollectorProcess.spawn(mainJs, env, { wrapper });
  const exited = await waitFor(() => p.exit !== null, 15_000);
  if (!exited) await p.kill9();
  const exit = p.exit!;
  const words = [...p.rawOutput, ...p.logs.filter((l) => l.level === 'error').map((l) => JSON.stringify(l))].join('\n').trim();
  const message = words.split('\n').find((l) => /collector:|error/i.test(l)) ?? words.slice(0, 300);
  return {
    case: name,
    exitCode: exit.code,
    signal: exit.signal,
    message: message.slice(0, 400),
    clear: exited && exit.code !== 0 && exit.code !== null && /read-?only|EROFS|EACCES|permission|unable to open|cannot open/i.test(words),
    ms: Date.now() - t0,
  };
}

interface Trouble {
  name: string;
  /** Makes writes fail. */
  break(c: CollectorProcess): void;
  /** Makes them work again. */
  mend(c: CollectorProcess): void;
}

/** Ingests, breaks the disk, checks health says so, mends it, checks nothing was lost. */
async function runningFailure(mainJs: string, dir: string, t: Trouble, fake: FakeBinance, symbols: string[]): Promise<RunningFailure> {
  const dbPath = join(dir, 'collector.db');
  const c = await CollectorProcess.start(mainJs, fakeFeedEnv(fake, symbols, dbPath), 20_000);
  const health = async (): Promise<{ status: number; detail: string }> => {
    const r = await c.get('/api/health').catch((e: Error) => ({ status: 0, body: { database: { detail: e.message } } }));
    const b = r.body as { status?: string; database?: { detail?: string } };
    return { status: r.status, detail: `${b.status ?? ''}: ${b.database?.detail ?? ''}` };
  };
  try {
    await waitFor(() => fake.stats.openConnections > 0, 10_000);
    fake.setRate(100);
    await waitFor(() => storedCounts(dbPath, symbols)[symbols[0]!]! > 50 && caughtUp(dbPath, fake, symbols), 10_000, 100);
    t.break(c);
    // Keep trading so that writes are attempted (and, for a full disk, fill it).
    for (let i = 0; i < 10; i++) fake.generate(500);
    let seen = { status: 0, detail: '' };
    const degradedSeen = await waitFor(
      async () => {
        seen = await health();
        return seen.status === 503;
      },
      20_000,
      200,
    );
    await pause(1_500); // a few more failed retries while trading goes on
    t.mend(c);
    fake.setRate(0);
    fake.generate(5);
    const recovered = await waitFor(
      async () => {
        const h = await health();
        if (process.env.SOAK_DEBUG) progress('disk', `${h.status} ${h.detail} ${JSON.stringify(storedCounts(dbPath, symbols))}`);
        return h.status === 200 && caughtUp(dbPath, fake, symbols);
      },
      30_000,
      500,
    );
    const failedWrites = c.logs.filter((l) => l.msg === 'tick batch write failed; retrying').length;
    const crashed = c.exit !== null;
    await c.stop();
    const logged = [
      ...new Set(c.logs.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => `${l.level}: ${l.msg}: ${String(l.error ?? l.err ?? '')}`)),
    ].slice(0, 10);
    const check = crashed ? null : await checkStore(dbPath, fake, symbols);
    return { case: t.name, degradedSeen, healthStatus: seen.status, healthDetail: seen.detail.slice(0, 300), failedWrites, recovered, crashed, check, logged };
  } finally {
    if (!c.exit) await c.kill9();
  }
}

export async function runDisk(mainJs: string): Promise<DiskResult> {
  const method: DiskMethod = canMount() ? 'tmpfs' : 'setpriv+prlimit';
  const startFailures: StartFailure[] = [];
  const running: RunningFailure[] = [];
  const skipped: string[] = [];
  const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
  const base = tempDir('disk');
  try {
    // ---- 1. read-only directory at start
    const ro = join(base.path, 'ro');
    mkdirSync(ro);
    let wrapper: string[] | undefined;
    if (method === 'tmpfs') mountTmpfs(ro, 'ro,size=1m');
    else {
      chmodSync(base.path, 0o755);
      chmodSync(ro, 0o555);
      // root ignores permissions: run the collector as nobody (a non-root user needs nothing).
      if (process.getuid?.() === 0) wrapper = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    }
    const env = { PAIRS: 'ETHUSDT/BTCUSDT', BINANCE_WS_URL: 'ws://127.0.0.1:9', BINANCE_REST_URL: 'http://127.0.0.1:9' };
    startFailures.push(await startFailure(mainJs, 'read-only directory, database file in it', { ...env, DB_PATH: join(ro, 'collector.db') }, wrapper));
    startFailures.push(
      await startFailure(mainJs, 'read-only directory, database in a subdirectory to create', { ...env, DB_PATH: join(ro, 'sub', 'collector.db') }, wrapper),
    );
    progress('disk', `read-only at start: exit codes ${startFailures.map((s) => s.exitCode ?? s.signal).join(', ')}`);

    // ---- 2. and 3. trouble while running
    const fake = await startFakeBinance({ symbols, stream: 'aggTrade', rate: 0, pingIntervalMs: 1000 });
    try {
      if (method === 'tmpfs') {
        const full = join(base.path, 'full');
        mkdirSync(full);
        mountTmpfs(full, 'size=2m');
        running.push(
          await runningFailure(
            mainJs,
            full,
            {
              name: 'disk full while ingesting (tmpfs of 2 MB, grown to 64 MB to recover)',
              break: () => execFileSync('sh', ['-c', `cat /dev/zero > ${join(full, 'filler')} 2>/dev/null; true`]),
              mend: () => remount(full, 'size=64m'),
            },
            fake,
            symbols,
          ),
        );
        progress('disk', `disk full: degraded ${running.at(-1)!.degradedSeen}, recovered ${running.at(-1)!.recovered}`);
        const rw = join(base.path, 'rw');
        mkdirSync(rw);
        mountTmpfs(rw, 'size=64m');
        try {
          running.push(
            await runningFailure(
              mainJs,
              rw,
              { name: 'directory remounted read-only while ingesting, then read-write', break: () => remount(rw, 'ro'), mend: () => remount(rw, 'rw') },
              fake,
              symbols,
            ),
          );
          progress('disk', `read-only while running: degraded ${running.at(-1)!.degradedSeen}, recovered ${running.at(-1)!.recovered}`);
        } catch (e) {
          const why = String((e as { stderr?: Buffer }).stderr ?? '').trim() || (e as Error).message.split('\n')[0];
          skipped.push(`read-only remount while running (mount -o remount,ro refused: ${why})`);
        }
      } else {
        const full = join(base.path, 'full');
        mkdirSync(full);
        running.push(
          await runningFailure(
            mainJs,
            full,
            {
              name: 'file-size limit (prlimit --fsize 1 MB, SIGXFSZ ignored) while ingesting, lifted to recover',
              // soft:hard: only the soft limit moves, so lifting it needs no privilege.
              break: (c) => execFileSync('prlimit', ['--pid', String(c.pid), '--fsize=1048576:unlimited']),
              mend: (c) => execFileSync('prlimit', ['--pid', String(c.pid), '--fsize=unlimited:unlimited']),
            },
            fake,
            symbols,
          ),
        );
        skipped.push('read-only remount while running: needs mount permission');
      }
    } finally {
      await fake.stop();
    }
  } finally {
    unmountAll();
    base.remove();
  }
  const ok =
    startFailures.every((s) => s.clear) &&
    running.length > 0 &&
    running.every(
      (r) =>
        r.degradedSeen &&
        r.recovered &&
        !r.crashed &&
        r.check !== null &&
        r.check.ticks.lost === 0 &&
        r.check.ticks.duplicated === 0 &&
        r.check.bars.mismatches === 0,
    );
  return { method, startFailures, running, skipped, ok };
}
