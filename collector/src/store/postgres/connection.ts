/**
 * The PostgreSQL store's connections: a lost connection never goes back to the pool as healthy,
 * migrations run under an advisory lock, and the connection string is logged without its password.
 */
import type pg from 'pg';
import { log } from '../../log';
import { pendingMigrations } from '../rows';
import { MIGRATIONS } from './migrations';

/** Key of the advisory lock that serialises migrations between collectors starting together. */
const MIGRATION_LOCK = 720_653_101;

/** Connections that reported an error; one never goes back to the pool as healthy. */
export const lost = new WeakSet<pg.ClientBase>();

/**
 * Gives every connection its own 'error' listener the moment it is made, for its whole life.
 * A restart of PostgreSQL (or a DBA ending a backend) makes the driver emit 'error' on a client,
 * and an 'error' without a listener ends the process. The pool's own listener is on idle clients
 * only: it is removed when the pool hands a client out, before the one who asked for it can add
 * theirs. When the server's FATAL 57P01 arrives in the same read as the answer that makes the
 * client ready (a new connection's start-up, or the last query of a client the pool hands straight
 * to a waiting caller), the driver emits it in that gap (known to node-postgres, issue 2762). The
 * 'connect' event comes before the hand-out, so this listener closes the gap; the holder's next
 * query then fails ("not queryable"), the transaction is abandoned and the caller retries.
 */
export function watchConnections(pool: pg.Pool): void {
  pool.on('connect', (client) =>
    client.on('error', (e) => {
      if (lost.has(client)) return; // its socket's own end after the server's message: said once
      lost.add(client);
      log.warn('postgres connection lost', { error: e });
    }),
  );
  // The pool re-emits an idle client's error (logged above); without a listener it would throw.
  pool.on('error', () => undefined);
}

/** Applies the pending numbered migrations under an advisory lock; returns the schema version in force. */
export async function migrate(pool: pg.Pool): Promise<number> {
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await c.query('CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
      const current = Number((await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version')).rows[0]!.v ?? 0);
      const { pending, latest } = pendingMigrations(MIGRATIONS, current);
      for (const m of pending) {
        await c.query('BEGIN');
        try {
          await c.query(m.sql);
          await c.query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK');
          throw e;
        }
        log.info('store migrated', { engine: 'postgres', version: m.version, name: m.name });
      }
      return latest;
    } finally {
      // A lost connection has lost its session's lock with it.
      if (!lost.has(c)) await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    c.release(lost.has(c) ? new Error('connection lost') : undefined);
  }
}

/** The connection string without its password, for logs and health. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparsable DATABASE_URL)';
  }
}
