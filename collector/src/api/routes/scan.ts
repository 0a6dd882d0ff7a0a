/**
 * GET /api/scan: the stored scan of the universe (live/scanner.ts) at or before `at` (default the
 * latest) for `tf` and `window`, pairs sorted by q-value; 404 when there is none (a timeframe or
 * window the collector does not scan, or no close yet). `symbol`, `selected` and `limit` keep the
 * pairs with that leg, the selected ones, the first (lowest q-values) only. `sort=carryAdjusted`
 * and `minCarryAdjusted` rank and filter by the carry-adjusted expected return (issue 25,
 * src/serving/scanCarry.ts), each pair then carrying `expected`.
 * GET /api/scan/history: one pair's p-value, q-value, half-life, Hurst and selection in every
 * stored scan of `tf` and `window`, oldest first (empty when the pair was never scanned).
 */
import type { Router } from 'express';
import type { ScanHistoryResponse, ScanResponse, ScanRow, ScanSort } from '@quant-pairs/contract';
import { scanHistoryRequest, scanRequest } from '@quant-pairs/contract/requests';
import type { Ctx } from '../deps';
import { HttpError } from '../http/errors';
import { readQuery, range } from '../http/params';
import { withExpected } from '../../serving';

/** Pairs with their carry-adjusted expected return, at least `min` (when given), highest first for sort=carryAdjusted (undefined last). */
async function carryRanked(ctx: Ctx, scan: ScanResponse, pairs: ScanRow[], sort: ScanSort | undefined, min: number | undefined): Promise<ScanRow[]> {
  let rows = await withExpected(ctx.store, scan, pairs);
  if (min !== undefined) rows = rows.filter((r) => r.expected != null && r.expected.expected >= min);
  if (sort === 'carryAdjusted') {
    const key = (r: ScanRow) => r.expected?.expected ?? -Infinity;
    rows = rows
      .map((r, i) => [r, i] as const)
      .sort((p, q) => key(q[0]) - key(p[0]) || p[1] - q[1])
      .map(([r]) => r);
  }
  return rows;
}

export function mount(r: Router, ctx: Ctx): void {
  r.get('/api/scan', async (req, res) => {
    const q = readQuery(req.query, scanRequest);
    const scan = await ctx.store.scanAt(q.tf, q.window, q.at);
    if (!scan) {
      const at = q.at === undefined ? '' : ` at or before ${new Date(q.at).toISOString()}`;
      throw new HttpError(404, `no stored scan of tf=${q.tf} window=${q.window}${at} (the collector scans SCAN_TF over SCAN_WINDOW bars at each close)`);
    }
    // filtered here: a 400-symbol scan is 79,800 rows (tested and selected stay the whole scan's)
    let pairs = scan.pairs;
    if (q.symbol !== undefined) pairs = pairs.filter((p) => p.a === q.symbol || p.b === q.symbol);
    if (q.selected) pairs = pairs.filter((p) => p.selected);
    if (q.sort === 'carryAdjusted' || q.minCarryAdjusted !== undefined) pairs = await carryRanked(ctx, scan, pairs, q.sort, q.minCarryAdjusted);
    if (q.limit !== undefined) pairs = pairs.slice(0, q.limit);
    const body: ScanResponse = { ...scan, pairs };
    res.json(body);
  });

  r.get('/api/scan/history', async (req, res) => {
    const q = readQuery(req.query, scanHistoryRequest);
    if (q.from !== undefined && q.to !== undefined) range(q.from, q.to);
    const points = await ctx.store.scanHistory({ a: q.pair.y, b: q.pair.x, tf: q.tf, window: q.window, from: q.from, to: q.to });
    const body: ScanHistoryResponse = { pair: q.pair.id, tf: q.tf, window: q.window, points };
    res.json(body);
  });
}
