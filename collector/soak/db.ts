/**
 * Checks on a collector's SQLite file once the collector is down (stopped or killed):
 * SQLite's own `PRAGMA integrity_check`, the stored ticks against the fake Binance's ground
 * truth (every trade it generated), and every stored 1s/1m/5m bar against the slow reference
 * computed from the stored ticks (test/store/reference.ts: group by interval, sort, read
 * open/high/low/close/sums from the definition).
 */
import Database from 'better-sqlite3';
import { TIMEFRAMES, type Bar, type Tick } from '../src/domain';
import { openSqliteStore } from '../src/store/sqlite';
import type { FakeBinance } from '../src/fake-binance';
import { referenceBars, type RefBar } from '../test/store/reference';

/** `PRAGMA integrity_check` ('ok' when sound), on a connection of its own. */
export function integrityCheck(path: string): string {
  const db = new Database(path, { fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

interface TickComparison {
  /** Trades the fake generated (sent live, skipped, or sent while the collector was down). */
  expected: number;
  stored: number;
  /** Generated but not stored. */
  lost: number;
  /** Stored more than once (by id). */
  duplicated: number;
  /** Stored but never generated. */
  unexpected: number;
  /** Stored with another time, price, quantity or side than generated. */
  altered: number;
  /** A few lost ids per symbol, for the report. */
  lostIds: Record<string, number[]>;
}

export interface BarCheck {
  /** Bars compared (every timeframe of every symbol). */
  bars: number;
  /** Bars that differ from the reference, plus bars missing on either side. */
  mismatches: number;
  examples: string[];
}

const closeTo = (a: number | null, b: number | null): boolean =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

/** Stored bars against the reference bars of the stored ticks: exact OHLC/trades, sums to 1e-9 relative. */
export function compareBars(got: readonly Bar[], want: readonly RefBar[], what: string, out: BarCheck): void {
  const byStart = new Map(want.map((b) => [b.start, b]));
  const seen = new Set<number>();
  out.bars += Math.max(got.length, want.length);
  for (const g of got) {
    seen.add(g.start);
    const w = byStart.get(g.start);
    const bad = !w
      ? ['no ticks in this interval']
      : [
          ...(['open', 'high', 'low', 'close', 'trades'] as const).filter((k) => g[k] !== w[k]).map((k) => `${k} ${g[k]} != ${w[k]}`),
          ...(['volume', 'quoteVolume', 'vwap'] as const).filter((k) => !closeTo(g[k], w[k])).map((k) => `${k} ${g[k]} != ${w[k]}`),
        ];
    if (bad.length) {
      out.mismatches++;
      if (out.examples.length < 5) out.examples.push(`${what} ${new Date(g.start).toISOString()}: ${bad.join(', ')}`);
    }
  }
  for (const w of want) {
    if (seen.has(w.start)) continue;
    out.mismatches++;
    if (out.examples.length < 5) out.examples.push(`${what} ${new Date(w.start).toISOString()}: bar missing (${w.trades} ticks)`);
  }
}

export interface StoreCheck {
  ticks: TickComparison;
  bars: BarCheck;
}

/** True if the store holds exactly the fake's trades (none lost, repeated, unexpected or altered) and every bar matches the reference. */
export function storeCheckClean(check: StoreCheck): boolean {
  const t = check.ticks;
  return t.lost === 0 && t.duplicated === 0 && t.unexpected === 0 && t.altered === 0 && check.bars.mismatches === 0;
}

/** The environment that points a collector at `fake`, ingesting pairs of every symbol against the first (the hedge leg) into `dbPath`. */
export function fakeFeedEnv(fake: FakeBinance, symbols: readonly string[], dbPath: string): Record<string, string> {
  return {
    PAIRS: symbols
      .slice(1)
      .map((y) => `${y}/${symbols[0]}`)
      .join(','),
    STREAM: fake.stream,
    BINANCE_WS_URL: fake.wsUrl,
    BINANCE_REST_URL: fake.restUrl,
    DB_PATH: dbPath,
  };
}

/** Opens the (closed) database, compares ticks with the fake's ground truth and bars with the reference. */
export async function checkStore(path: string, fake: FakeBinance, symbols: readonly string[]): Promise<StoreCheck> {
  const store = await openSqliteStore({ path });
  const ticks: TickComparison = { expected: 0, stored: 0, lost: 0, duplicated: 0, unexpected: 0, altered: 0, lostIds: {} };
  const bars: BarCheck = { bars: 0, mismatches: 0, examples: [] };
  try {
    for (const symbol of symbols) {
      const stored = await store.ticks({ symbol });
      const expected = fake.expectedTicks(symbol);
      compareTicks(symbol, expected, stored, ticks);
      for (const tf of TIMEFRAMES) compareBars(await store.bars({ symbol, tf }), referenceBars(stored, symbol, tf), `${symbol} ${tf}`, bars);
    }
  } finally {
    await store.close();
  }
  return { ticks, bars };
}

function compareTicks(symbol: string, expected: readonly Tick[], stored: readonly Tick[], out: TickComparison): void {
  out.expected += expected.length;
  out.stored += stored.length;
  const byId = new Map<number, Tick>();
  for (const t of stored) {
    if (byId.has(t.id)) out.duplicated++;
    else byId.set(t.id, t);
  }
  const want = new Set<number>();
  for (const e of expected) {
    want.add(e.id);
    const s = byId.get(e.id);
    if (!s) {
      out.lost++;
      const ids = (out.lostIds[symbol] ??= []);
      if (ids.length < 10) ids.push(e.id);
      continue;
    }
    if (s.ts !== e.ts || s.price !== e.price || s.qty !== e.qty || s.isBuyerMaker !== e.isBuyerMaker) out.altered++;
  }
  for (const id of byId.keys()) if (!want.has(id)) out.unexpected++;
}

/** Stored tick count per symbol, read while the collector may be writing (WAL readers do not block it). */
export function storedCounts(path: string, symbols: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    for (const s of symbols) out[s] = 0;
    return out;
  }
  try {
    for (const s of symbols) {
      try {
        const row = db.prepare('SELECT count(*) AS n FROM ticks WHERE sid = (SELECT sid FROM symbols WHERE symbol = ?)').get(s) as { n: number };
        out[s] = row.n;
      } catch {
        out[s] = 0; // schema not there yet
      }
    }
  } finally {
    db.close();
  }
  return out;
}

/** True when every symbol holds as many stored ticks as the fake generated for it. */
export function caughtUp(path: string, fake: FakeBinance, symbols: readonly string[]): boolean {
  const counts = storedCounts(path, symbols);
  return symbols.every((s) => counts[s]! >= fake.trades(s).length);
}
