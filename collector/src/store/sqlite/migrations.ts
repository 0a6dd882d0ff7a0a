/**
 * Numbered schema migrations of the SQLite store. Each runs once, in order, inside one
 * transaction together with its row in `schema_version`. Never edit a released migration:
 * add the next number.
 *
 * Layout (why):
 * - `symbols` maps a symbol to a small integer `sid` (ticks repeat it millions of times) and
 *   keeps per-symbol counters (tick count, first/last ts, last id) updated with every batch, so
 *   `symbols()`, `lastTradeId()` and bar finality never scan ticks.
 * - `ticks` is clustered by (sid, ts, id) (WITHOUT ROWID): a time-range query of one symbol is
 *   one contiguous scan. UNIQUE (sid, id) rejects duplicates and serves `lastTradeId`.
 * - `bars` is clustered by (sid, tf, start); tf is the length in ms (1000, 60000, 300000).
 *   open/close carry the (ts, id) of their tick so late ticks merge exactly (see ../bars.ts).
 * - v2: `bars.source` says where a bar came from (0 ticks, 1 Binance klines: history loaded at
 *   start-up or the older part of a long outage); `kline_spans` lists those spans per symbol and
 *   timeframe, with the trade ids a span stands for (so a restart does not backfill them again).
 * - v5 (issue 25): `marks` (a perpetual's 1 s mark stream: mark, index, next rate and time) and
 *   `funding` (settled fundings), keyed by the symbol's text rather than a `sid`: a perpetual's
 *   marks must not make it a symbol with ticks in `symbols`, and both tables are small.
 */
import type { Migration } from '../rows';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ticks, symbols, bars, alerts',
    sql: `
      CREATE TABLE symbols (
        sid      INTEGER PRIMARY KEY,
        symbol   TEXT NOT NULL UNIQUE,
        ticks    INTEGER NOT NULL DEFAULT 0,
        first_ts REAL,
        last_ts  REAL,
        last_id  INTEGER
      );
      CREATE TABLE ticks (
        sid         INTEGER NOT NULL,
        ts          REAL    NOT NULL,
        id          INTEGER NOT NULL,
        price       REAL    NOT NULL,
        qty         REAL    NOT NULL,
        buyer_maker INTEGER NOT NULL,
        PRIMARY KEY (sid, ts, id)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX ticks_sid_id ON ticks (sid, id);
      CREATE TABLE bars (
        sid          INTEGER NOT NULL,
        tf           INTEGER NOT NULL,
        start        INTEGER NOT NULL,
        open         REAL    NOT NULL,
        open_ts      REAL    NOT NULL,
        open_id      INTEGER NOT NULL,
        high         REAL    NOT NULL,
        low          REAL    NOT NULL,
        close        REAL    NOT NULL,
        close_ts     REAL    NOT NULL,
        close_id     INTEGER NOT NULL,
        volume       REAL    NOT NULL,
        quote_volume REAL    NOT NULL,
        trades       INTEGER NOT NULL,
        PRIMARY KEY (sid, tf, start)
      ) WITHOUT ROWID;
      CREATE TABLE alerts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        status      TEXT    NOT NULL,
        payload     TEXT    NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'bars from klines, kline spans',
    sql: `
      ALTER TABLE bars ADD COLUMN source INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE kline_spans (
        sid       INTEGER NOT NULL,
        tf        INTEGER NOT NULL,
        from_ts   INTEGER NOT NULL,
        to_ts     INTEGER NOT NULL,
        first_id  INTEGER,
        last_id   INTEGER,
        reason    TEXT    NOT NULL,
        bars      INTEGER NOT NULL,
        loaded_at INTEGER NOT NULL,
        PRIMARY KEY (sid, tf, from_ts)
      );
    `,
  },
  {
    version: 3,
    name: 'scans (pair scanner, issue 15)',
    sql: `
      CREATE TABLE scans (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        tf       TEXT    NOT NULL,
        win      INTEGER NOT NULL,
        ts       INTEGER NOT NULL,
        symbols  TEXT    NOT NULL,
        tested   INTEGER NOT NULL,
        selected INTEGER NOT NULL,
        UNIQUE (tf, win, ts)
      );
      CREATE TABLE scan_pairs (
        scan_id     INTEGER NOT NULL,
        a           TEXT    NOT NULL,
        b           TEXT    NOT NULL,
        beta        REAL,
        alpha       REAL,
        stat        REAL,
        p           REAL,
        lag         INTEGER,
        rstat       REAL,
        rp          REAL,
        rlag        INTEGER,
        pvalue      REAL,
        qvalue      REAL,
        half_life   REAL,
        hurst       REAL,
        crossings   INTEGER,
        correlation REAL,
        selected    INTEGER NOT NULL,
        PRIMARY KEY (a, b, scan_id)
      ) WITHOUT ROWID;
      CREATE INDEX scan_pairs_scan ON scan_pairs (scan_id);
    `,
  },
  {
    version: 4,
    name: 'scan pairs say why a number is null (issue 22)',
    sql: `ALTER TABLE scan_pairs ADD COLUMN note TEXT;`,
  },
  {
    version: 5,
    name: 'perpetuals: mark stream and settled fundings (issue 25)',
    sql: `
      CREATE TABLE marks (
        symbol       TEXT    NOT NULL,
        ts           INTEGER NOT NULL,
        mark         REAL    NOT NULL,
        idx          REAL    NOT NULL,
        rate         REAL    NOT NULL,
        next_funding INTEGER NOT NULL,
        PRIMARY KEY (symbol, ts)
      ) WITHOUT ROWID;
      CREATE TABLE funding (
        symbol TEXT    NOT NULL,
        ts     INTEGER NOT NULL,
        rate   REAL    NOT NULL,
        mark   REAL    NOT NULL,
        PRIMARY KEY (symbol, ts)
      ) WITHOUT ROWID;
    `,
  },
];
