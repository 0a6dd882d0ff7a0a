/**
 * POST /api/alerts: Grafana's alerting webhook (contact point type `webhook`). The payload
 * (`receiver`, `status` firing|resolved, `alerts[]`, ...) is stored as sent.
 * GET /api/alerts: the stored notifications, newest first.
 */
import express, { type Router } from 'express';
import type { Ctx } from '../deps';
import { badParam } from '../http/errors';
import type { AlertDto, AlertsResponse } from '@quant-pairs/contract';
import { alertWebhookBody, alertsRequest } from '@quant-pairs/contract/requests';
import { readQuery } from '../http/params';

export function mount(r: Router, ctx: Ctx): void {
  r.post('/api/alerts', express.json({ limit: '1mb', type: () => true, strict: true }), async (req, res) => {
    const body: unknown = req.body;
    const parsed = alertWebhookBody.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badParam(issue.path.length > 0 ? String(issue.path[0]) : 'body', issue.message);
    }
    const stored = await ctx.store.insertAlert(ctx.now(), parsed.data.status, body);
    const dto: AlertDto = { id: stored.id, receivedAt: stored.receivedAt, status: stored.status, payload: stored.payload };
    res.status(201).json(dto);
  });

  r.get('/api/alerts', async (req, res) => {
    const q = readQuery(req.query, alertsRequest);
    const body: AlertsResponse = {
      alerts: (await ctx.store.alerts(q.limit)).map((a) => ({ id: a.id, receivedAt: a.receivedAt, status: a.status, payload: a.payload })),
    };
    res.json(body);
  });
}
