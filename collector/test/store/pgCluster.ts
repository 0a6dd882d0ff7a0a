/**
 * A throw-away PostgreSQL server for tests and benchmarks: `initdb` a cluster in a temporary
 * directory and start it with `pg_ctl` on a free 127.0.0.1 port (Debian's `postgresql`
 * package, /usr/lib/postgresql/<version>/bin). PostgreSQL refuses to run as root, so when we
 * are root (CI) the server runs as the `postgres` user through `runuser`.
 *
 *   const pg = await startPostgres();        // null when the binaries are not installed
 *   // pg.url = 'postgres://postgres@127.0.0.1:PORT/postgres'
 *   await pg.stop();
 *
 * Tests register through `describePostgres`: without the binaries they are reported as skipped
 * (with the reason), and where PostgreSQL is required (CI) a missing server fails the run.
 *
 * Durability is switched off (fsync, synchronous_commit) unless asked for: the data dies with the test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  url: string;
  /** e.g. "PostgreSQL 15.14" */
  version: string;
  /** Stops the server (fast shutdown: clients are disconnected) until `resume`. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** The newest installed server's bin directory, or null. */
function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : null;
}

const MISSING = 'no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)';

/**
 * Why the PostgreSQL tests cannot run here, or null when they can. A missing server is a reason
 * to skip on a developer's machine only: with CI=true or REQUIRE_POSTGRES=1 (.ci/run sets it,
 * after installing postgresql) it throws instead, so a CI run can never pass by skipping them.
 */
export function postgresSkipReason(env: NodeJS.ProcessEnv = process.env, bin: string | null = findPostgresBin()): string | null {
  if (bin) return null;
  const required = env.REQUIRE_POSTGRES === '1' ? 'REQUIRE_POSTGRES=1' : env.CI === 'true' || env.CI === '1' ? `CI=${env.CI}` : null;
  if (required) throw new Error(`the PostgreSQL tests are required here (${required}) but there are ${MISSING}`);
  return MISSING;
}

/**
 * `describe` for tests that need the throw-away server: jest's `describe.skip` (the tests count
 * as skipped, and the title says why) when `postgresSkipReason()` gives a reason.
 */
export function describePostgres(title: string, body: () => void): void {
  const reason = postgresSkipReason();
  if (reason === null) {
    describe(title, body);
  } else {
    process.stderr.write(`SKIPPED: ${title}: ${reason}\n`);
    describe.skip(`${title} [skipped: ${reason}]`, body);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `durable: true` keeps PostgreSQL's default fsync / synchronous_commit (for benchmarks);
 * tests leave it off.
 */
export async function startPostgres(opts: { durable?: boolean } = {}): Promise<TestPostgres | null> {
  const bin = findPostgresBin();
  if (!bin) return null;
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (asRoot) {
    const pw = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gr = execFileSync('id', ['-g', 'postgres']).toString().trim();
    chownSync(dir, Number(pw), Number(gr));
  }
  chmodSync(dir, 0o700);
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}\n${log}`);
    }
    return r.stdout;
  };
  let port = 0;
  let serverOpts = '';
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      serverOpts = [
        `-p ${port}`,
        `-k ${dir}`,
        "-c listen_addresses='127.0.0.1'",
        ...(opts.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
        '-c max_connections=60',
        '-c shared_buffers=64MB',
      ].join(' ');
      try {
        run('pg_ctl', ['-D', data, '-l', logFile, '-o', serverOpts, '-w', '-t', '30', 'start']);
        break;
      } catch (e) {
        if (attempt >= 2) throw e; // the port may have been taken between freePort and start
      }
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // If the test process dies before stop(), do not leave a server behind.
  process.once('exit', stopSync);
  const version = run('postgres', ['--version'])
    .trim()
    .replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version,
    pause() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    resume() {
      run('pg_ctl', ['-D', data, '-l', logFile, '-o', serverOpts, '-w', '-t', '30', 'start']);
    },
    async stop() {
      process.removeListener('exit', stopSync);
      stopSync();
    },
  };
}
