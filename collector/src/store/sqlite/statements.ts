/**
 * The SQLite store's prepared statements (prepared once per connection), and how a bar row read
 * as an array becomes a BarRow. Schema: ./migrations.ts.
 */
import type Database from 'better-sqlite3';
import { BAR_SPANS_SQL, type BarRow } from '../rows';
import { SCAN_PAIR_COLUMNS } from '../scans';

/** Every statement the store runs, prepared on `db`. */
export function prepareStatements(db: Database.Database) {
  return {
    allSymbols: db.prepare('SELECT sid, symbol FROM symbols'),
    barSpans: db.prepare(BAR_SPANS_SQL),
    addSymbol: db.prepare('INSERT INTO symbols (symbol) VALUES (?) ON CONFLICT (symbol) DO NOTHING'),
    sidOf: db.prepare('SELECT sid FROM symbols WHERE symbol = ?').pluck(),
    insertTick: db.prepare('INSERT OR IGNORE INTO ticks (sid, ts, id, price, qty, buyer_maker) VALUES (?, ?, ?, ?, ?, ?)'),
    idsInRange: db.prepare('SELECT id FROM ticks WHERE sid = ? AND id >= ? AND id <= ?').pluck(),
    upsertBar: db.prepare(`
      INSERT INTO bars (sid, tf, start, open, open_ts, open_id, high, low, close, close_ts, close_id, volume, quote_volume, trades)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (sid, tf, start) DO UPDATE SET
        open    = CASE WHEN excluded.open_ts < open_ts OR (excluded.open_ts = open_ts AND excluded.open_id < open_id) THEN excluded.open ELSE open END,
        open_ts = CASE WHEN excluded.open_ts < open_ts OR (excluded.open_ts = open_ts AND excluded.open_id < open_id) THEN excluded.open_ts ELSE open_ts END,
        open_id = CASE WHEN excluded.open_ts < open_ts OR (excluded.open_ts = open_ts AND excluded.open_id < open_id) THEN excluded.open_id ELSE open_id END,
        close    = CASE WHEN excluded.close_ts > close_ts OR (excluded.close_ts = close_ts AND excluded.close_id > close_id) THEN excluded.close ELSE close END,
        close_ts = CASE WHEN excluded.close_ts > close_ts OR (excluded.close_ts = close_ts AND excluded.close_id > close_id) THEN excluded.close_ts ELSE close_ts END,
        close_id = CASE WHEN excluded.close_ts > close_ts OR (excluded.close_ts = close_ts AND excluded.close_id > close_id) THEN excluded.close_id ELSE close_id END,
        high = max(high, excluded.high),
        low = min(low, excluded.low),
        volume = volume + excluded.volume,
        quote_volume = quote_volume + excluded.quote_volume,
        trades = trades + excluded.trades`),
    bumpSymbol: db.prepare(`
      UPDATE symbols SET ticks = ticks + ?,
        first_ts = min(coalesce(first_ts, ?), ?),
        last_ts = max(coalesce(last_ts, ?), ?),
        last_id = max(coalesce(last_id, ?), ?)
      WHERE sid = ?`),
    symbolRow: db.prepare('SELECT sid, symbol, ticks, first_ts, last_ts, last_id FROM symbols WHERE symbol = ?'),
    symbolRows: db.prepare('SELECT sid, symbol, ticks, first_ts, last_ts, last_id FROM symbols WHERE ticks > 0 ORDER BY symbol'),
    ticksFirst: db.prepare('SELECT ts, id, price, qty, buyer_maker FROM ticks WHERE sid = ? AND ts >= ? AND ts < ? ORDER BY ts, id LIMIT ?'),
    ticksAfter: db.prepare(
      'SELECT ts, id, price, qty, buyer_maker FROM ticks WHERE sid = ? AND ts >= ? AND (ts > ? OR id > ?) AND ts < ? ORDER BY ts, id LIMIT ?',
    ),
    // Array rows, turned into BarRow objects in JS (barRowOf): better-sqlite3 builds a named row
    // key by key in C++, which cost more than half of a 60-bar /api/bars request's CPU.
    barsRange: db
      .prepare(
        `SELECT tf, start, open, open_ts, open_id, high, low, close, close_ts, close_id, volume, quote_volume, trades, source
       FROM bars WHERE sid = ? AND tf = ? AND start >= ? AND start < ? ORDER BY start LIMIT ?`,
      )
      .raw(true),
    // Array rows: no object per row (better-sqlite3 builds named rows key by key, the main cost of a long read).
    closesRange: db.prepare('SELECT start, close FROM bars WHERE sid = ? AND tf = ? AND start >= ? AND start < ? ORDER BY start LIMIT ?').raw(true),
    deleteTicks: db.prepare('DELETE FROM ticks WHERE sid = ? AND ts < ?'),
    deleteBars: db.prepare('DELETE FROM bars WHERE sid = ? AND start < ?'),
    deleteBarsRange: db.prepare('DELETE FROM bars WHERE sid = ? AND start >= ? AND start < ? AND source = 0'),
    insertKlineBar: db.prepare(`
      INSERT INTO bars (sid, tf, start, open, open_ts, open_id, high, low, close, close_ts, close_id, volume, quote_volume, trades, source)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (sid, tf, start) DO NOTHING`),
    addKlineSpan: db.prepare(`
      INSERT INTO kline_spans (sid, tf, from_ts, to_ts, first_id, last_id, reason, bars, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (sid, tf, from_ts) DO UPDATE SET to_ts = max(to_ts, excluded.to_ts), first_id = coalesce(first_id, excluded.first_id),
        last_id = max(coalesce(last_id, excluded.last_id), coalesce(excluded.last_id, last_id)), bars = bars + excluded.bars, loaded_at = excluded.loaded_at`),
    klineSpans: db.prepare(
      'SELECT s.symbol, k.tf, k.from_ts, k.to_ts, k.first_id, k.last_id, k.reason, k.bars, k.loaded_at FROM kline_spans k JOIN symbols s USING (sid) WHERE s.symbol = coalesce(?, s.symbol) ORDER BY k.from_ts, s.symbol, k.tf',
    ),
    deleteOldBars: db.prepare('DELETE FROM bars WHERE start < ?'),
    deleteOldSpans: db.prepare('DELETE FROM kline_spans WHERE to_ts <= ?'),
    refreshSymbol: db.prepare(`
      UPDATE symbols SET ticks = max(ticks - @n, 0),
        first_ts = (SELECT min(ts) FROM ticks WHERE sid = @sid),
        last_ts = (SELECT max(ts) FROM ticks WHERE sid = @sid),
        last_id = (SELECT max(id) FROM ticks WHERE sid = @sid)
      WHERE sid = @sid`),
    insertScan: db.prepare('INSERT INTO scans (tf, win, ts, symbols, tested, selected) VALUES (?, ?, ?, ?, ?, ?)'),
    scanId: db.prepare('SELECT id FROM scans WHERE tf = ? AND win = ? AND ts = ?').pluck(),
    deleteScanPairsOf: db.prepare('DELETE FROM scan_pairs WHERE scan_id = ?'),
    deleteScan: db.prepare('DELETE FROM scans WHERE id = ?'),
    insertScanPair: db.prepare(
      `INSERT INTO scan_pairs (scan_id, ${SCAN_PAIR_COLUMNS.join(', ')}) VALUES (${Array(SCAN_PAIR_COLUMNS.length + 1)
        .fill('?')
        .join(', ')})`,
    ),
    scanAt: db.prepare('SELECT id, ts, symbols, tested, selected FROM scans WHERE tf = ? AND win = ? AND ts <= ? ORDER BY ts DESC LIMIT 1'),
    scanPairs: db.prepare(`SELECT ${SCAN_PAIR_COLUMNS.join(', ')} FROM scan_pairs WHERE scan_id = ?`),
    scanHistory: db.prepare(
      `SELECT s.ts, ${SCAN_PAIR_COLUMNS.map((c) => `p.${c}`).join(', ')} FROM scan_pairs p JOIN scans s ON s.id = p.scan_id
       WHERE p.a = ? AND p.b = ? AND s.tf = ? AND s.win = ? AND s.ts >= ? AND s.ts < ? ORDER BY s.ts`,
    ),
    oldScanIds: db.prepare('SELECT id FROM scans WHERE ts < ? ORDER BY ts LIMIT ?').pluck(),
    insertAlert: db.prepare('INSERT INTO alerts (received_at, status, payload) VALUES (?, ?, ?)'),
    alerts: db.prepare('SELECT id, received_at, status, payload FROM alerts ORDER BY id DESC LIMIT ?'),
    ping: db.prepare('SELECT 1'),
    idGaps: db.prepare(
      'SELECT id, next FROM (SELECT id, lead(id) OVER (ORDER BY id) AS next FROM ticks WHERE sid = ? AND id >= ?) WHERE next > id + 1 ORDER BY id',
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/** A `barsRange` row as an array, in its SELECT's column order. */
export type BarArrayRow = [number, number, number, number, number, number, number, number, number, number, number, number, number, number];

export function barRowOf(r: BarArrayRow): BarRow {
  return {
    tf: r[0],
    start: r[1],
    open: r[2],
    open_ts: r[3],
    open_id: r[4],
    high: r[5],
    low: r[6],
    close: r[7],
    close_ts: r[8],
    close_id: r[9],
    volume: r[10],
    quote_volume: r[11],
    trades: r[12],
    source: r[13],
  };
}
