/**
 * POST /api/alerts: Grafana's alerting webhook (contact point type `webhook`). The payload
 * (`receiver`, `status` firing|resolved, `alerts[]`, ...) is stored as sent (a number beyond a
 * double's range, such as 1e999, as the text written).
 * GET /api/alerts: the stored notifications, newest first.
 */
import express, { type Router } from 'express';
import type { Ctx } from '../deps';
import { badParam } from '../http/errors';
import { parseJson, type AlertDto, type AlertsResponse } from '@quant-pairs/contract';
import { alertWebhookBody, alertsRequest } from '@quant-pairs/contract/requests';
import { readQuery } from '../http/params';

export function mount(r: Router, ctx: Ctx): void {
  // Read as text and parsed with parseJson: a number too large for a double (1e999) is stored
  // as the text written, where express.json's JSON.parse would store null.
  r.post('/api/alerts', express.text({ limit: '1mb', type: () => true }), async (req, res) => {
    let body: unknown;
    try {
      body = parseJson(typeof req.body === 'string' ? req.body : '');
    } catch {
      throw badParam('body', 'request body is not valid JSON');
    }
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
