/**
 * Bearer-token authentication. With a token configured every request must carry
 * `Authorization: Bearer <token>`; the comparison is constant-time over SHA-256 digests so
 * that neither the token's content nor its length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './errors';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** A checker for one token: true when `header` is `Bearer <token>`. */
export function tokenChecker(token: string): (header: string | undefined) => boolean {
  const want = digest(token);
  return (header) => {
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
    const given = digest(m ? m[1]!.trim() : '');
    return timingSafeEqual(given, want) && m !== null;
  };
}

/** Express middleware; `open` paths (e.g. /api/health) need no token. */
export function requireToken(token: string | undefined, open: readonly string[]): RequestHandler {
  if (!token) return (_req, _res, next) => next();
  const check = tokenChecker(token);
  return (req, res, next) => {
    if (open.includes(req.path)) return next();
    if (check(req.headers.authorization)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer');
    next(new HttpError(401, req.headers.authorization ? 'invalid token' : 'missing Authorization: Bearer <token> header'));
  };
}
