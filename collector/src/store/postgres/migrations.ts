/**
 * Numbered schema migrations of the PostgreSQL store. Each runs once, in order, in one
 * transaction with its row in `schema_version`, under an advisory lock so that several
 * collectors starting at once migrate exactly once. Never edit a released migration.
 *
 * Layout (why):
 * - `symbols`: symbol -> small integer `sid`, plus counters (ticks, first/last ts, last id)
 *   bumped by every batch, so summaries, `lastTradeId` and bar finality never scan ticks.
 * - `ticks`: PRIMARY KEY (sid, id) rejects duplicates (INSERT ... ON CONFLICT DO NOTHING
 *   RETURNING tells which rows were new); index (sid, ts, id) serves per-symbol time ranges in
 *   store order. Not partitioned by time: a unique constraint on a partitioned table must
 *   contain the partition key, and (sid, id) alone must be unique (a trade replayed from an
 *   archive has the same id but a µs time). Retention deletes through the (sid, ts) index.
 * - `bars`: PRIMARY KEY (sid, tf, start), tf the length in ms; open/close carry the (ts, id) of
 *   their tick so late ticks merge exactly (../bars.ts).
 * - `alerts`: webhook payloads as jsonb.
 * - v2: `bars.source` (0 ticks, 1 Binance klines) and `kline_spans`, as in the SQLite store.
 * - v5 (issue 25): `marks` and `funding` of perpetuals, as in the SQLite store.
 */
import type { Migration } from '../rows';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ticks, symbols, bars, alerts',
    sql: `
      CREATE TABLE symbols (
        sid      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        symbol   text NOT NULL UNIQUE,
        ticks    bigint NOT NULL DEFAULT 0,
        first_ts double precision,
        last_ts  double precision,
        last_id  bigint
      );
      CREATE TABLE ticks (
        sid         integer NOT NULL,
        id          bigint NOT NULL,
        ts          double precision NOT NULL,
        price       double precision NOT NULL,
        qty         double precision NOT NULL,
        buyer_maker boolean NOT NULL,
        PRIMARY KEY (sid, id)
      );
      CREATE INDEX ticks_sid_ts_id ON ticks (sid, ts, id);
      CREATE TABLE bars (
        sid          integer NOT NULL,
        tf           integer NOT NULL,
        start        bigint NOT NULL,
        open         double precision NOT NULL,
        open_ts      double precision NOT NULL,
        open_id      bigint NOT NULL,
        high         double precision NOT NULL,
        low          double precision NOT NULL,
        close        double precision NOT NULL,
        close_ts     double precision NOT NULL,
        close_id     bigint NOT NULL,
        volume       double precision NOT NULL,
        quote_volume double precision NOT NULL,
        trades       bigint NOT NULL,
        PRIMARY KEY (sid, tf, start)
      );
      CREATE TABLE alerts (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at bigint NOT NULL,
        status      text NOT NULL,
        payload     jsonb NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'bars from klines, kline spans',
    sql: `
      ALTER TABLE bars ADD COLUMN source smallint NOT NULL DEFAULT 0;
      CREATE TABLE kline_spans (
        sid       integer NOT NULL,
        tf        integer NOT NULL,
        from_ts   bigint NOT NULL,
        to_ts     bigint NOT NULL,
        first_id  bigint,
        last_id   bigint,
        reason    text NOT NULL,
        bars      bigint NOT NULL,
        loaded_at bigint NOT NULL,
        PRIMARY KEY (sid, tf, from_ts)
      );
    `,
  },
  {
    version: 3,
    name: 'scans (pair scanner, issue 15)',
    sql: `
      CREATE TABLE scans (
        id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tf       text NOT NULL,
        win      integer NOT NULL,
        ts       bigint NOT NULL,
        symbols  jsonb NOT NULL,
        tested   integer NOT NULL,
        selected integer NOT NULL,
        UNIQUE (tf, win, ts)
      );
      CREATE TABLE scan_pairs (
        scan_id     bigint NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        a           text NOT NULL,
        b           text NOT NULL,
        beta        double precision,
        alpha       double precision,
        stat        double precision,
        p           double precision,
        lag         integer,
        rstat       double precision,
        rp          double precision,
        rlag        integer,
        pvalue      double precision,
        qvalue      double precision,
        half_life   double precision,
        hurst       double precision,
        crossings   integer,
        correlation double precision,
        selected    boolean NOT NULL,
        PRIMARY KEY (a, b, scan_id)
      );
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
        symbol       text NOT NULL,
        ts           bigint NOT NULL,
        mark         double precision NOT NULL,
        idx          double precision NOT NULL,
        rate         double precision NOT NULL,
        next_funding bigint NOT NULL,
        PRIMARY KEY (symbol, ts)
      );
      CREATE TABLE funding (
        symbol text NOT NULL,
        ts     bigint NOT NULL,
        rate   double precision NOT NULL,
        mark   double precision NOT NULL,
        PRIMARY KEY (symbol, ts)
      );
    `,
  },
];
