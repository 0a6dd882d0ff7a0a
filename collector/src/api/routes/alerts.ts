/**
 * POST /api/alerts: Grafana's alerting webhook (contact point type `webhook`). The payload
 * (`receiver`, `status` firing|resolved, `alerts[]`, ...) is stored as sent.
 * GET /api/alerts: the stored notifications, newest first.
 */
import express, { type Router } from 'express';
import type { Ctx } from '../deps';
import { badParam } from '../http/errors';
import type { AlertDto, AlertsResponse } from '@quant-pairs/contract';
import { alertsRequest } from '@quant-pairs/contract/requests';
import { readQuery } from '../http/params';

export function mount(r: Router, ctx: Ctx): void {
  r.post('/api/alerts', express.json({ limit: '1mb', type: () => true, strict: true }), async (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badParam('body', 'expected a JSON object: the Grafana webhook payload');
    }
    const b = body as Record<string, unknown>;
    if (typeof b.status !== 'string' || !/^(firing|resolved)$/.test(b.status)) {
      throw badParam('status', 'expected "status": "firing" or "resolved" (Grafana webhook payload)');
    }
    if (b.alerts !== undefined && !Array.isArray(b.alerts)) throw badParam('alerts', 'expected "alerts" to be an array');
    const stored = await ctx.store.insertAlert(ctx.now(), b.status, body);
    const dto: AlertDto = { id: stored.id, receivedAt: stored.receivedAt, status: stored.status, payload: stored.payload };
    res.status(201).json(dto);
  });

  r.get('/api/alerts', async (req, res) => {
    const q = readQuery(req.query, alertsRequest);
    const body: AlertsResponse = { alerts: (await ctx.store.alerts(q.limit)).map((a) => ({ id: a.id, receivedAt: a.receivedAt, status: a.status, payload: a.payload })) };
    res.json(body);
  });
}
