/**
 * The stored scans (live/scanner.ts), written once for both engines: the columns of
 * `scan_pairs`, a ScanRow to its column values and back, and a row to a history point.
 * Tables (migration 2 of each engine): `scans` (one row a scan: tf, window, ts, the symbols as
 * JSON, tested, selected; unique (tf, win, ts)) and `scan_pairs` (one row a pair and scan,
 * clustered by (a, b, scan_id) so a pair's history is one range; indexed by scan_id for a scan's
 * table). 4,950 rows a scan with 100 symbols: RETENTION deletes scans with the ticks.
 */
import type { ScanHistoryPoint, ScanRow } from '@quant-pairs/contract';

/**
 * Scans deleted per transaction by retention (SCAN_RETENTION, RETENTION): with 100 symbols 8
 * scans are 39,600 scan_pairs rows, so each transaction stays short and new scans go on being
 * written between them.
 */
export const SCAN_DELETE_CHUNK = 8;

/** The columns of `scan_pairs` after scan_id, in insert order. */
export const SCAN_PAIR_COLUMNS = [
  'a',
  'b',
  'beta',
  'alpha',
  'stat',
  'p',
  'lag',
  'rstat',
  'rp',
  'rlag',
  'pvalue',
  'qvalue',
  'half_life',
  'hurst',
  'crossings',
  'correlation',
  'selected',
  'note',
] as const;

export type ScanPairRow = Record<(typeof SCAN_PAIR_COLUMNS)[number], string | number | boolean | null>;

/** A pair's column values, in SCAN_PAIR_COLUMNS order (`selected` as 0/1). */
export function scanPairValues(r: ScanRow): (string | number | null)[] {
  return [
    r.a,
    r.b,
    r.beta,
    r.alpha,
    r.coint?.stat ?? null,
    r.coint?.pvalue ?? null,
    r.coint?.usedlag ?? null,
    r.cointReverse?.stat ?? null,
    r.cointReverse?.pvalue ?? null,
    r.cointReverse?.usedlag ?? null,
    r.pvalue,
    r.qvalue,
    r.halfLife,
    r.hurst,
    r.meanCrossings,
    r.correlation,
    r.selected ? 1 : 0,
    r.note,
  ];
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A `scan_pairs` row back to the wire type. */
export function scanRowOf(r: ScanPairRow): ScanRow {
  return {
    a: String(r.a),
    b: String(r.b),
    beta: num(r.beta),
    alpha: num(r.alpha),
    coint: r.p === null ? null : { stat: num(r.stat)!, pvalue: num(r.p)!, usedlag: num(r.lag)! },
    cointReverse: r.rp === null ? null : { stat: num(r.rstat)!, pvalue: num(r.rp)!, usedlag: num(r.rlag)! },
    pvalue: num(r.pvalue),
    qvalue: num(r.qvalue),
    halfLife: num(r.half_life),
    hurst: num(r.hurst),
    meanCrossings: num(r.crossings),
    correlation: num(r.correlation),
    selected: r.selected === true || r.selected === 1,
    note: r.note === null || r.note === undefined ? null : String(r.note),
  };
}

/** Sorted by q-value, undefined last, then universe order (`order`: symbol -> index). */
export function sortScanRows(rows: ScanRow[], order: ReadonlyMap<string, number>): ScanRow[] {
  const rank = (r: ScanRow) => (order.get(r.a) ?? 0) * 1e6 + (order.get(r.b) ?? 0);
  return rows.sort((x, y) => (x.qvalue ?? Infinity) - (y.qvalue ?? Infinity) || rank(x) - rank(y));
}

/** A history row (ts of its scan + the pair's columns) to a point. */
export function historyPointOf(r: ScanPairRow & { ts: number | string }): ScanHistoryPoint {
  const row = scanRowOf(r);
  return {
    ts: Number(r.ts),
    pvalue: row.pvalue,
    qvalue: row.qvalue,
    cointPvalue: row.coint?.pvalue ?? null,
    cointReversePvalue: row.cointReverse?.pvalue ?? null,
    halfLife: row.halfLife,
    hurst: row.hurst,
    selected: row.selected,
  };
}
