/**
 * The PostgreSQL store's perpetual data (issue 25), as the SQLite one (../sqlite/perp.ts): the
 * 1 s mark stream and settled fundings in tables of their own (./migrations.ts v5).
 */
import type pg from 'pg';
import { markRowOf, perpRange, type MarkRow } from '../perp';
import type { FundingEvent, MarkPoint, PerpQuery, PerpStore } from '../store';
import { arr } from './sql';

/** Keeps the last of each (symbol, ts): one statement may not update a row twice. */
function lastPerKey<T extends { symbol: string; ts: number }>(rows: readonly T[]): T[] {
  const m = new Map<string, T>();
  for (const r of rows) m.set(`${r.symbol}\u0000${r.ts}`, r);
  return [...m.values()];
}

function firstPerKey<T extends { symbol: string; ts: number }>(rows: readonly T[]): T[] {
  const m = new Map<string, T>();
  for (const r of rows) if (!m.has(`${r.symbol}\u0000${r.ts}`)) m.set(`${r.symbol}\u0000${r.ts}`, r);
  return [...m.values()];
}

export function postgresPerp(pool: pg.Pool): PerpStore & { deleteMarksBefore(beforeMs: number): Promise<number> } {
  return {
    async insertMarks(points: readonly MarkPoint[]) {
      const rows = lastPerKey(points);
      if (rows.length === 0) return 0;
      await pool.query(
        `INSERT INTO marks (symbol, ts, mark, idx, rate, next_funding)
         SELECT * FROM unnest($1::text[], $2::int8[], $3::float8[], $4::float8[], $5::float8[], $6::int8[])
         ON CONFLICT (symbol, ts) DO UPDATE SET mark = EXCLUDED.mark, idx = EXCLUDED.idx, rate = EXCLUDED.rate, next_funding = EXCLUDED.next_funding`,
        [
          rows.map((r) => r.symbol),
          arr(rows.map((r) => r.ts)),
          arr(rows.map((r) => r.mark)),
          arr(rows.map((r) => r.index)),
          arr(rows.map((r) => r.rate)),
          arr(rows.map((r) => r.nextFundingTime)),
        ],
      );
      return rows.length;
    },
    async marks(q: PerpQuery) {
      const r = perpRange(q);
      const res = await pool.query<MarkRow>(
        'SELECT symbol, ts, mark, idx, rate, next_funding FROM marks WHERE symbol = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4',
        [q.symbol, r.from, r.to, r.limit],
      );
      return res.rows.map(markRowOf);
    },
    async insertFunding(events: readonly FundingEvent[]) {
      const rows = firstPerKey(events);
      if (rows.length === 0) return 0;
      const res = await pool.query(
        `INSERT INTO funding (symbol, ts, rate, mark)
         SELECT * FROM unnest($1::text[], $2::int8[], $3::float8[], $4::float8[])
         ON CONFLICT (symbol, ts) DO NOTHING`,
        [rows.map((r) => r.symbol), arr(rows.map((r) => r.ts)), arr(rows.map((r) => r.rate)), arr(rows.map((r) => r.mark))],
      );
      return res.rowCount ?? 0;
    },
    async funding(q: PerpQuery) {
      const r = perpRange(q);
      const res = await pool.query<FundingEvent>('SELECT symbol, ts, rate, mark FROM funding WHERE symbol = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4', [
        q.symbol,
        r.from,
        r.to,
        r.limit,
      ]);
      return res.rows;
    },
    async deleteMarksBefore(beforeMs: number) {
      return (await pool.query('DELETE FROM marks WHERE ts < $1', [beforeMs])).rowCount ?? 0;
    },
  };
}
