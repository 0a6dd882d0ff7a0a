/**
 * The real collector query API (collector/src/api serveApi: REST and the /api/live push) on a real SQLite store in a temp
 * directory, on an OS-chosen loopback port, filled with a deterministic cointegrated pair:
 * BTCUSDT a random walk, ETHUSDT = 0.05·BTC + 3 + AR(1) noise, one trade per leg per second.
 * The backend under test calls it over HTTP exactly as it calls a deployed collector.
 */
import { mkdtempSync, rmSync } from 'fs';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { serveApi } from 'collector/src/api/serve';
import { parsePair, type Tick } from 'collector/src/domain';
import { LiveAnalytics } from 'collector/src/live';
import { openSqliteStore } from 'collector/src/store/sqlite';
import type { FundingEvent, MarkPoint, Store } from 'collector/src/store/store';

export interface CollectorApi {
  url: string;
  store: Store;
  /** Every request the API received (path and query), in order: what a backend under test asked. */
  requests: string[];
  /** GET a path of the API with the token, parsed JSON. */
  get<T = any>(path: string): Promise<T>;
  close(): Promise<void>;
}

/** Deterministic ticks: `seconds` seconds from `start` (epoch ms, aligned to a minute). */
export function pairTicks(start: number, seconds: number, seed = 7): Tick[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const ticks: Tick[] = [];
  let btc = 60000;
  let noise = 0;
  for (let i = 0; i < seconds; i++) {
    btc += rnd() * 40;
    noise = 0.8 * noise + rnd() * 4;
    const eth = 0.05 * btc + 3 + noise;
    const ts = start + i * 1000 + 250;
    ticks.push({ symbol: 'BTCUSDT', id: i + 1, ts, price: Math.round(btc * 100) / 100, qty: 0.001 * (1 + (i % 7)), isBuyerMaker: i % 2 === 0 });
    ticks.push({ symbol: 'ETHUSDT', id: i + 1, ts: ts + 100.5, price: Math.round(eth * 100) / 100, qty: 0.01 * (1 + (i % 5)), isBuyerMaker: i % 3 === 0 });
  }
  return ticks;
}

/**
 * `live`: also run the collector's live analytics engine (src/live, 1m bars, window 30, its paper
 * positions under `entryZ` and the default PAPER_* rules), warmed up from the stored ticks as the
 * collector starts it, so that /api/stats answers window 30 from it (`source: live`, a `position`).
 * Without it every statistic is computed from stored bars and `position` is null.
 */
export async function startCollectorApi(
  opts: { ticks?: Tick[]; token?: string; live?: { entryZ: number }; pairs?: string[]; funding?: FundingEvent[]; marks?: MarkPoint[] } = {},
): Promise<CollectorApi> {
  const dir = mkdtempSync(join(tmpdir(), 'pairs-backend-test-'));
  const store = await openSqliteStore({ path: join(dir, 'db.sqlite') });
  if (opts.ticks && opts.ticks.length > 0) await store.insertTicks(opts.ticks);
  // perpetuals' settlements and marks (issue 25), stored before the live engine warms up: its paper positions pay them
  if (opts.funding) await store.insertFunding(opts.funding);
  if (opts.marks) await store.insertMarks(opts.marks);
  const pairs = (opts.pairs ?? ['ETHUSDT/BTCUSDT']).map((p) => parsePair(p));
  let live: LiveAnalytics | undefined;
  if (opts.live) {
    live = new LiveAnalytics({ pairs, windows: [30], timeframes: ['1m'], entryZ: opts.live.entryZ });
    await live.warmUp(store);
  }
  const served = await serveApi(
    { store, pairs, windows: [30], token: opts.token ?? null, ...(live ? { live, entryZ: opts.live!.entryZ } : {}) },
    '127.0.0.1',
    0,
  );
  const server: Server = served.server;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const requests: string[] = [];
  server.on('request', (req: { url?: string }) => requests.push(req.url ?? ''));
  return {
    url,
    store,
    requests,
    async get(path) {
      const r = await fetch(url + path, { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    },
    async close() {
      server.closeAllConnections();
      await served.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
