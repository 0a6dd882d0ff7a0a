/**
 * The SQLite store's perpetual data (issue 25): the 1 s mark stream and settled fundings, in
 * tables of their own (./migrations.ts v5). The store delegates its PerpStore methods here.
 */
import type Database from 'better-sqlite3';
import { markRowOf, perpRange, type MarkRow } from '../perp';
import type { FundingEvent, MarkPoint, PerpQuery, PerpStore } from '../store';

export function sqlitePerp(db: Database.Database): PerpStore & { deleteMarksBefore(beforeMs: number): number } {
  const st = {
    mark: db.prepare('INSERT OR REPLACE INTO marks (symbol, ts, mark, idx, rate, next_funding) VALUES (?, ?, ?, ?, ?, ?)'),
    marks: db.prepare('SELECT symbol, ts, mark, idx, rate, next_funding FROM marks WHERE symbol = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?'),
    funding: db.prepare('INSERT OR IGNORE INTO funding (symbol, ts, rate, mark) VALUES (?, ?, ?, ?)'),
    fundings: db.prepare('SELECT symbol, ts, rate, mark FROM funding WHERE symbol = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?'),
    deleteMarks: db.prepare('DELETE FROM marks WHERE ts < ?'),
  };
  const insertMarks = db.transaction((points: readonly MarkPoint[]) => {
    for (const p of points) st.mark.run(p.symbol, p.ts, p.mark, p.index, p.rate, p.nextFundingTime);
    return points.length;
  });
  const insertFunding = db.transaction((events: readonly FundingEvent[]) => {
    let n = 0;
    for (const e of events) n += st.funding.run(e.symbol, e.ts, e.rate, e.mark).changes;
    return n;
  });
  return {
    insertMarks: async (points) => insertMarks.immediate(points),
    marks: async (q: PerpQuery) => {
      const r = perpRange(q);
      return (st.marks.all(q.symbol, r.from, r.to, r.limit) as MarkRow[]).map(markRowOf);
    },
    insertFunding: async (events) => insertFunding.immediate(events),
    funding: async (q: PerpQuery) => {
      const r = perpRange(q);
      return st.fundings.all(q.symbol, r.from, r.to, r.limit) as FundingEvent[];
    },
    deleteMarksBefore: (beforeMs) => st.deleteMarks.run(beforeMs).changes,
  };
}
