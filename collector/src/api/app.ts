/**
 * createApi(deps): the express app of the query API. Layers: http/ (validation, auth,
 * errors, OpenAPI, metrics), routes/ (one file per group of endpoints; what they compute they
 * ask the read side, src/serving), export/ (CSV), live/ (WebSocket push, attached to the
 * http.Server separately).
 */
import express, { type Express } from 'express';
import { makeCtx, type ApiDeps, type Ctx } from './deps';
import { requireToken } from './http/auth';
import { HttpError, errorHandler } from './http/errors';
import { createMetrics, type Metrics } from './http/metrics';
import { trustOf, warnUntrustedForwarding, type TrustFn } from './http/client-address';
import { rateLimiter } from './http/rate-limit';
import { ROUTES, openApiDocument } from '@quant-pairs/contract/requests';
import * as alerts from './routes/alerts';
import * as analytics from './routes/analytics';
import * as backtestRoutes from './routes/backtest';
import * as exportRoute from './routes/export';
import * as funding from './routes/funding';
import * as market from './routes/market';
import * as meta from './routes/meta';
import * as scan from './routes/scan';

const GROUPS = [meta, market, funding, analytics, backtestRoutes, exportRoute, scan, alerts];

export interface Api extends Express {
  /** `trust`: TRUST_PROXY's function (null: the socket address is the client), for the Live push's LIVE_CONNECTIONS. */
  locals: Express['locals'] & { ctx: Ctx; metrics: Metrics; trust: TrustFn | null };
}

export function createApi(deps: ApiDeps): Api {
  const ctx = makeCtx(deps);
  const metrics = createMetrics(ctx);
  const app = express() as Api;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.locals.ctx = ctx;
  app.locals.metrics = metrics;
  // req.ip, which RATE_LIMIT counts by: the socket's address unless TRUST_PROXY names the proxies (http/client-address.ts)
  app.locals.trust = deps.trustProxy ? trustOf(deps.trustProxy) : null;
  app.set('trust proxy', app.locals.trust ?? false);

  app.use(metrics.timer);
  if (!app.locals.trust) app.use(warnUntrustedForwarding());
  if (deps.rateLimit) app.use(rateLimiter(deps.rateLimit));
  app.use(
    requireToken(
      deps.token ?? undefined,
      ROUTES.filter((r) => r.open).map((r) => r.path),
    ),
  );
  const router = express.Router();
  for (const g of GROUPS) g.mount(router, ctx);
  const doc = openApiDocument(ctx.version, { auth: Boolean(deps.token), rateLimited: Boolean(deps.rateLimit) });
  router.get('/api/openapi.json', (_req, res) => {
    res.json(doc);
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  app.use(router);
  app.use((req, res, next) => {
    // A documented path asked with another method: 405 with the methods it has (HEAD with GET).
    const methods = ROUTES.filter((r) => r.path === req.path).flatMap((r) => (r.method === 'get' ? ['GET', 'HEAD'] : [r.method.toUpperCase()]));
    if (methods.length === 0) return next();
    res.setHeader('Allow', methods.join(', '));
    next(new HttpError(405, `${req.method} is not allowed on ${req.path}; use ${methods.join(' or ')} (see /api/openapi.json)`));
  });
  app.use((req, _res, next) => {
    next(new HttpError(404, `no endpoint ${req.method} ${req.path}; see /api/openapi.json`));
  });
  app.use(errorHandler);
  return app;
}
