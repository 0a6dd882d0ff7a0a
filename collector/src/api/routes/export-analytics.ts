/** The analytics branch of GET /export (pair + tf + window). */
import type { Response } from 'express';
import type { Pair, Timeframe } from '../../domain';
import type { Ctx } from '../deps';
import { HttpError } from '../http/errors';

export interface AnalyticsExport {
  pair: Pair;
  tf: Timeframe;
  window: number;
  from: number;
  to: number;
  entryZ?: number;
  exitZ?: number;
  ddof?: '0' | '1';
}

export async function exportAnalytics(_ctx: Ctx, _res: Response, _q: AnalyticsExport, _stamp: (ms: number) => string): Promise<void> {
  throw new HttpError(400, 'analytics export is not available yet', 'pair');
}
