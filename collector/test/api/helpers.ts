/**
 * Test harness: the API app on a real SQLite store in a temp directory, listening on an
 * OS-chosen loopback port, plus a tiny RFC 4180 parser to read CSV back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApi, type Api, type ApiDeps } from '../../src/api';
import { parsePair, type Tick } from '../../src/domain';
import type { Store } from '../../src/store/store';
import { openSqliteStore } from '../../src/store/sqlite';
import { withBarEvents } from '../../src/store/barEvents';

export interface Harness {
  url: string;
  app: Api;
  store: Store;
  server: Server;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  close(): Promise<void>;
}

/** `announce`: the store announces its bar changes (store/barEvents.ts), as the collector's does. */
export async function startApi({ announce, ...over }: Partial<ApiDeps> & { now?: () => number; announce?: boolean } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'api-test-'));
  const opened = over.store ?? (await openSqliteStore({ path: join(dir, 'db.sqlite'), now: over.now }));
  const store = announce ? withBarEvents(opened) : opened;
  const app = createApi({ pairs: [parsePair('ETHUSDT/BTCUSDT')], windows: [30], ...over, store });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    app,
    store,
    server,
    async get(path, headers = {}) {
      const r = await fetch(url + path, { headers });
      const text = await r.text();
      let body: any = undefined;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: r.status, body, text, headers: r.headers };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** RFC 4180 parser: quoted fields, doubled quotes, CRLF; returns rows of strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
      continue;
    } else if (c === '\n' || c === '\r') throw new Error(`bare line break at ${i}: RFC 4180 lines end with CRLF`);
    else field += c;
    i++;
  }
  if (field !== '' || row.length) throw new Error('last line does not end with CRLF');
  return rows;
}

/** Deterministic ticks: `n` trades of `symbol` one every `stepMs` from `t0`, a random walk around `p0`. */
export function makeTicks(symbol: string, n: number, t0: number, stepMs: number, p0: number, seed = 1): Tick[] {
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: Tick[] = [];
  let p = p0;
  for (let i = 0; i < n; i++) {
    p = Math.round(p * (1 + (rnd() - 0.5) * 0.002) * 100) / 100;
    out.push({ symbol, id: i + 1, ts: t0 + i * stepMs, price: p, qty: Math.round(rnd() * 1e5) / 1e3, isBuyerMaker: rnd() < 0.5 });
  }
  return out;
}
