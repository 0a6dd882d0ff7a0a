/** GET /api/stats (filled in when the live engine lands). */
import type { Router } from 'express';
import type { Ctx } from '../deps';
import type { RouteDoc } from '../http/openapi';

export const docs: RouteDoc[] = [];
export function mount(_r: Router, _ctx: Ctx): void {}
