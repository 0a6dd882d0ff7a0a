/** GET /api/analytics, /api/stats, /api/signals (filled in when the analytics engine lands). */
import type { Router } from 'express';
import type { Ctx } from '../deps';
import type { RouteDoc } from '../http/openapi';

export const docs: RouteDoc[] = [];
export function mount(_r: Router, _ctx: Ctx): void {}
