/**
 * GET /api/scan: the stored scan of the universe (live/scanner.ts) at or before `at` (default the
 * latest) for `tf` and `window`, pairs sorted by q-value; 404 when there is none (a timeframe or
 * window the collector does not scan, or no close yet).
 * GET /api/scan/history: one pair's p-value, q-value, half-life, Hurst and selection in every
 * stored scan of `tf` and `window`, oldest first (empty when the pair was never scanned).
 */
import type { Router } from 'express';
import type { ScanHistoryResponse, ScanResponse } from '@quant-pairs/contract';
import { scanHistoryRequest, scanRequest } from '@quant-pairs/contract/requests';
import type { Ctx } from '../deps';
import { HttpError } from '../http/errors';
import { readQuery, range } from '../http/params';

export function mount(r: Router, ctx: Ctx): void {
  r.get('/api/scan', async (req, res) => {
    const q = readQuery(req.query, scanRequest);
    const scan = await ctx.store.scanAt(q.tf, q.window, q.at);
    if (!scan) {
      const at = q.at === undefined ? '' : ` at or before ${new Date(q.at).toISOString()}`;
      throw new HttpError(404, `no stored scan of tf=${q.tf} window=${q.window}${at} (the collector scans SCAN_TF over SCAN_WINDOW bars at each close)`);
    }
    const body: ScanResponse = scan;
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
