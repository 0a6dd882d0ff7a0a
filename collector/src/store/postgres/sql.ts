/**
 * The PostgreSQL store's statements: every query is a named (server-side prepared) statement,
 * run with `q`. Schema: ./migrations.ts.
 */
import pg from 'pg';
import { BAR_SPANS_SQL } from '../rows';
import { SCAN_PAIR_COLUMNS } from '../scans';
/** bigint (int8) columns as JS numbers: trade ids, times and counts stay below 2^53. */
export const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** A PostgreSQL array literal of numbers or booleans: their shortest round-trip decimal text. */
export function arr(xs: readonly (number | boolean)[]): string {
  return `{${xs.join(',')}}`;
}

const SQL = {
  insertTicks: `
    INSERT INTO ticks (sid, id, ts, price, qty, buyer_maker)
    SELECT * FROM unnest($1::int4[], $2::int8[], $3::float8[], $4::float8[], $5::float8[], $6::bool[])
    ON CONFLICT (sid, id) DO NOTHING
    RETURNING sid, id`,
  upsertBars: `
    INSERT INTO bars AS b (sid, tf, start, open, open_ts, open_id, high, low, close, close_ts, close_id, volume, quote_volume, trades)
    SELECT * FROM unnest($1::int4[], $2::int4[], $3::int8[], $4::float8[], $5::float8[], $6::int8[], $7::float8[], $8::float8[],
                         $9::float8[], $10::float8[], $11::int8[], $12::float8[], $13::float8[], $14::int8[])
    ON CONFLICT (sid, tf, start) DO UPDATE SET
      open    = CASE WHEN (EXCLUDED.open_ts, EXCLUDED.open_id) < (b.open_ts, b.open_id) THEN EXCLUDED.open ELSE b.open END,
      open_ts = CASE WHEN (EXCLUDED.open_ts, EXCLUDED.open_id) < (b.open_ts, b.open_id) THEN EXCLUDED.open_ts ELSE b.open_ts END,
      open_id = CASE WHEN (EXCLUDED.open_ts, EXCLUDED.open_id) < (b.open_ts, b.open_id) THEN EXCLUDED.open_id ELSE b.open_id END,
      close    = CASE WHEN (EXCLUDED.close_ts, EXCLUDED.close_id) > (b.close_ts, b.close_id) THEN EXCLUDED.close ELSE b.close END,
      close_ts = CASE WHEN (EXCLUDED.close_ts, EXCLUDED.close_id) > (b.close_ts, b.close_id) THEN EXCLUDED.close_ts ELSE b.close_ts END,
      close_id = CASE WHEN (EXCLUDED.close_ts, EXCLUDED.close_id) > (b.close_ts, b.close_id) THEN EXCLUDED.close_id ELSE b.close_id END,
      high = GREATEST(b.high, EXCLUDED.high),
      low = LEAST(b.low, EXCLUDED.low),
      volume = b.volume + EXCLUDED.volume,
      quote_volume = b.quote_volume + EXCLUDED.quote_volume,
      trades = b.trades + EXCLUDED.trades`,
  bumpSymbols: `
    UPDATE symbols s SET ticks = s.ticks + u.n,
      first_ts = LEAST(s.first_ts, u.min_ts), last_ts = GREATEST(s.last_ts, u.max_ts), last_id = GREATEST(s.last_id, u.max_id)
    FROM unnest($1::int4[], $2::int8[], $3::float8[], $4::float8[], $5::int8[]) AS u(sid, n, min_ts, max_ts, max_id)
    WHERE s.sid = u.sid`,
  addSymbols: 'INSERT INTO symbols (symbol) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT (symbol) DO NOTHING',
  sidsOf: 'SELECT sid, symbol FROM symbols WHERE symbol = ANY($1::text[])',
  symbolRow: 'SELECT sid, symbol, ticks, first_ts, last_ts, last_id FROM symbols WHERE symbol = $1',
  symbolRows: 'SELECT sid, symbol, ticks, first_ts, last_ts, last_id FROM symbols WHERE ticks > 0 ORDER BY symbol',
  allSids: 'SELECT sid FROM symbols ORDER BY sid',
  barSpans: BAR_SPANS_SQL,
  ticksFirst: 'SELECT ts, id, price, qty, buyer_maker FROM ticks WHERE sid = $1 AND ts >= $2 AND ts < $3 ORDER BY ts, id LIMIT $4',
  ticksAfter: 'SELECT ts, id, price, qty, buyer_maker FROM ticks WHERE sid = $1 AND (ts, id) > ($2, $3) AND ts < $4 ORDER BY ts, id LIMIT $5',
  barsRange: `SELECT tf, start, open, open_ts, open_id, high, low, close, close_ts, close_id, volume, quote_volume, trades, source
              FROM bars WHERE sid = $1 AND tf = $2 AND start >= $3 AND start < $4 ORDER BY start LIMIT $5`,
  deleteTicks: 'DELETE FROM ticks WHERE sid = $1 AND ts < $2',
  deleteBars: 'DELETE FROM bars WHERE sid = $1 AND start < $2',
  deleteBarsRange: 'DELETE FROM bars WHERE sid = $1 AND start >= $2 AND start < $3 AND source = 0',
  insertKlineBars: `
    INSERT INTO bars (sid, tf, start, open, open_ts, open_id, high, low, close, close_ts, close_id, volume, quote_volume, trades, source)
    SELECT *, 1 FROM unnest($1::int4[], $2::int4[], $3::int8[], $4::float8[], $5::float8[], $6::int8[], $7::float8[], $8::float8[],
                            $9::float8[], $10::float8[], $11::int8[], $12::float8[], $13::float8[], $14::int8[])
    ON CONFLICT (sid, tf, start) DO NOTHING`,
  addKlineSpan: `
    INSERT INTO kline_spans AS k (sid, tf, from_ts, to_ts, first_id, last_id, reason, bars, loaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (sid, tf, from_ts) DO UPDATE SET to_ts = GREATEST(k.to_ts, EXCLUDED.to_ts), first_id = coalesce(k.first_id, EXCLUDED.first_id),
      last_id = GREATEST(k.last_id, EXCLUDED.last_id), bars = k.bars + EXCLUDED.bars, loaded_at = EXCLUDED.loaded_at`,
  klineSpans: `SELECT s.symbol, k.tf, k.from_ts, k.to_ts, k.first_id, k.last_id, k.reason, k.bars, k.loaded_at
               FROM kline_spans k JOIN symbols s USING (sid) WHERE s.symbol = coalesce($1, s.symbol) ORDER BY k.from_ts, s.symbol, k.tf`,
  deleteOldBars: 'DELETE FROM bars WHERE start < $1',
  deleteOldSpans: 'DELETE FROM kline_spans WHERE to_ts <= $1',
  refreshSymbol: `
    UPDATE symbols SET ticks = GREATEST(ticks - $2, 0),
      first_ts = (SELECT min(ts) FROM ticks WHERE sid = $1),
      last_ts = (SELECT max(ts) FROM ticks WHERE sid = $1),
      last_id = (SELECT max(id) FROM ticks WHERE sid = $1)
    WHERE sid = $1`,
  insertScan: `
    INSERT INTO scans (tf, win, ts, symbols, tested, selected) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
    ON CONFLICT (tf, win, ts) DO UPDATE SET symbols = excluded.symbols, tested = excluded.tested, selected = excluded.selected
    RETURNING id`,
  clearScanPairs: 'DELETE FROM scan_pairs WHERE scan_id = $1',
  insertScanPairs: `
    INSERT INTO scan_pairs (scan_id, ${SCAN_PAIR_COLUMNS.join(', ')})
    SELECT $1, * FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::int4[], $9::float8[],
      $10::float8[], $11::int4[], $12::float8[], $13::float8[], $14::float8[], $15::float8[], $16::int4[], $17::float8[], $18::bool[], $19::text[])`,
  scanAt: 'SELECT id, ts, symbols, tested, selected FROM scans WHERE tf = $1 AND win = $2 AND ts <= $3 ORDER BY ts DESC LIMIT 1',
  scanPairs: `SELECT ${SCAN_PAIR_COLUMNS.join(', ')} FROM scan_pairs WHERE scan_id = $1`,
  scanHistory: `
    SELECT s.ts, ${SCAN_PAIR_COLUMNS.map((c) => `p.${c}`).join(', ')} FROM scan_pairs p JOIN scans s ON s.id = p.scan_id
    WHERE p.a = $1 AND p.b = $2 AND s.tf = $3 AND s.win = $4 AND s.ts >= $5 AND s.ts < $6 ORDER BY s.ts`,
  // the oldest $2 scans before $1 (SCAN_DELETE_CHUNK a statement); their scan_pairs go with them (ON DELETE CASCADE)
  deleteScans: 'DELETE FROM scans WHERE id IN (SELECT id FROM scans WHERE ts < $1 ORDER BY ts LIMIT $2)',
  insertAlert: 'INSERT INTO alerts (received_at, status, payload) VALUES ($1, $2, $3::jsonb) RETURNING id',
  alerts: 'SELECT id, received_at, status, payload FROM alerts ORDER BY id DESC LIMIT $1',
  ping: 'SELECT current_setting($1) AS v',
  idGaps: 'SELECT id, next FROM (SELECT id, lead(id) OVER (ORDER BY id) AS next FROM ticks WHERE sid = $1 AND id >= $2) g WHERE next > id + 1 ORDER BY id',
} as const;

type Name = keyof typeof SQL;

export type Queryable = pg.Pool | pg.PoolClient;

export const CLOSES_RANGE_SQL = 'SELECT start, close FROM bars WHERE sid = $1 AND tf = $2 AND start >= $3 AND start < $4 ORDER BY start LIMIT $5';

export function q<R extends pg.QueryResultRow>(db: Queryable, name: Name, values: unknown[]): Promise<pg.QueryResult<R>> {
  return db.query<R>({ name, text: SQL[name], values });
}
