/**
 * RATE_LIMIT: at most `limit` requests per client address per `windowMs` (express-rate-limit,
 * fixed windows in memory), then 429 `{"error"}` saying the limit and when to retry, with
 * `Retry-After` and the IETF `RateLimit` / `RateLimit-Policy` headers. It runs before the token
 * check, so guessing tokens is limited too. The client is req.ip (an IPv6 /56 as one): the
 * socket's address, or behind the reverse proxies TRUST_PROXY names, the address their
 * X-Forwarded-For gives (client-address.ts); without TRUST_PROXY no header is trusted, and behind
 * a proxy every user shares its limit.
 */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from './errors';

export function rateLimiter(spec: { limit: number; windowMs: number }): RequestHandler {
  return rateLimit({
    windowMs: spec.windowMs,
    limit: spec.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // its X-Forwarded-For check prints a stack trace on stderr; client-address.ts says it once in the log instead
    validate: { xForwardedForHeader: false },
    handler: (req, res, next) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retry = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + spec.windowMs) - Date.now()) / 1000));
      res.setHeader('Retry-After', String(retry));
      next(
        new HttpError(429, `too many requests: more than ${spec.limit} in ${spec.windowMs / 1000} s from this address (RATE_LIMIT); retry after ${retry} s`),
      );
    },
  });
}
