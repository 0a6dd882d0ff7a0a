/**
 * Client errors and the one error handler. A client error is an `HttpError` (400 / 401 / 404 /
 * 413) whose message is shown as is; anything else is logged with the request's context and
 * answered with a 500 that hides the details. Body-parser failures (bad JSON, body too large)
 * are client errors too.
 */
import type { ErrorRequestHandler, Request } from 'express';
import { log } from '../../log';
import { ClientError as HttpError, badParam } from '../../serving';

export { HttpError, badParam };
export const notFound = (message: string, param?: string): HttpError => new HttpError(404, message, param);

/** Fields of a request worth logging (never the Authorization header). */
function requestContext(req: Request): Record<string, unknown> {
  return { method: req.method, path: req.path, query: req.query, ip: req.ip };
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  message?: string;
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) {
    // A streamed response failed half-way: the client sees a cut body; end it.
    log.warn('response failed after headers were sent', { ...requestContext(req), error: err });
    res.destroy();
    return;
  }
  if (err instanceof HttpError) {
    res.status(err.status).json(err.param ? { error: err.message, param: err.param } : { error: err.message });
    return;
  }
  const bp = err as BodyParserError;
  if (bp && typeof bp.status === 'number' && bp.status >= 400 && bp.status < 500 && bp.expose) {
    const message =
      bp.type === 'entity.too.large' ? 'request body too large' : bp.type === 'entity.parse.failed' ? 'request body is not valid JSON' : String(bp.message);
    res.status(bp.status).json({ error: message, param: 'body' });
    return;
  }
  log.error('request failed', { ...requestContext(req), error: err });
  res.status(500).json({ error: 'internal error; the collector log has the details' });
};
