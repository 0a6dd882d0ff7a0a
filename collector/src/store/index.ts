/**
 * The store a process uses, from its settings: PostgreSQL when `databaseUrl` (DATABASE_URL) is
 * set, else the embedded SQLite file at `dbPath` (DB_PATH). Collectors, API replicas and the
 * CLI all open their store here.
 *
 *   const store = await openStore({ databaseUrl: process.env.DATABASE_URL ?? null, dbPath: './data/collector.db' });
 */
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import type { CommonStoreOptions, Store } from './store';

export interface StoreSettings extends CommonStoreOptions {
  databaseUrl: string | null;
  dbPath: string;
}

export function openStore(settings: StoreSettings): Promise<Store> {
  const { databaseUrl, dbPath, ...common } = settings;
  return databaseUrl ? openPostgresStore({ url: databaseUrl, ...common }) : openSqliteStore({ path: dbPath, ...common });
}

export type { Store } from './store';
