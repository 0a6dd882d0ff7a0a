/**
 * A store whose health also says when writes fail. When the disk is full, the database
 * directory turns read-only or PostgreSQL refuses writes, the TickWriter keeps the ticks in
 * memory and retries; meanwhile reads still work, so the engine's own health check (a ping)
 * would say ok. Wrapped, `health()` reports `ok: false` from the first failed insert until the
 * next successful one, so /api/health answers 503 "degraded" instead of hiding the trouble.
 *
 *   const store = withWriteHealth(await openSqliteStore({ path }));
 *   // disk fills up: insertTicks throws SQLITE_FULL
 *   await store.health(); // { ok: false, detail: 'writes failing since 2026-...: database or disk is full; ...' }
 */
import type { Store } from './store';

export function withWriteHealth<S extends Store>(store: S): S {
  let failing: { since: number; message: string; attempts: number } | null = null;
  const insertTicks: Store['insertTicks'] = async (ticks) => {
    try {
      const r = await store.insertTicks(ticks);
      failing = null;
      return r;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (failing) {
        failing.attempts++;
        failing.message = message;
      } else failing = { since: Date.now(), message, attempts: 1 };
      throw e;
    }
  };
  const health: Store['health'] = async () => {
    const h = await store.health();
    if (!failing) return h;
    const f = failing;
    return {
      ...h,
      ok: false,
      detail: `writes failing since ${new Date(f.since).toISOString()} (${f.attempts} attempts): ${f.message}; received ticks are kept in memory and retried`,
    };
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'insertTicks') return insertTicks;
      if (prop === 'health') return health;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
