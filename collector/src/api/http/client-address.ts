/**
 * Who the client is, for RATE_LIMIT and LIVE_CONNECTIONS: the socket's address, unless
 * TRUST_PROXY names the reverse proxies in front of the API, whose `X-Forwarded-For` is then
 * followed back to the first address that is not one of them (proxy-addr, as Express's
 * `trust proxy` does it). Unset, no header is trusted: a client cannot escape its limits by
 * writing `X-Forwarded-For` itself.
 *
 * @example
 * const trust = trustOf({ addresses: ['loopback'] });
 * // a request from 127.0.0.1 (an nginx on the same host) with X-Forwarded-For: 203.0.113.7
 * clientAddress(req, trust); // '203.0.113.7'
 */
import type { IncomingMessage } from 'http';
import type { RequestHandler } from 'express';
import proxyaddr from 'proxy-addr';
import { log } from '../../log';

/** TRUST_PROXY: the proxies' addresses or subnets (and proxy-addr's names loopback, linklocal, uniquelocal), or a hop count. */
export type TrustProxy = { addresses: string[] } | { hops: number };

/** Is the address at `hop` (0 = the socket's) a trusted proxy. */
export type TrustFn = (address: string, hop: number) => boolean;

/** The proxy-addr trust function; throws a TypeError naming an address it cannot read. */
export function trustOf(spec: TrustProxy): TrustFn {
  if ('hops' in spec) return (_address, hop) => hop < spec.hops;
  return proxyaddr.compile(spec.addresses);
}

/** The client's address: the socket's without `trust`, else the first untrusted one back along X-Forwarded-For. */
export function clientAddress(req: IncomingMessage, trust: TrustFn | null): string {
  if (!trust) return req.socket.remoteAddress ?? 'unknown';
  return proxyaddr(req, trust);
}

/**
 * Without TRUST_PROXY: says once, in the log, that requests come through a proxy (they carry
 * X-Forwarded-For) whose users therefore share one client's limits, and how to change that.
 */
export function warnUntrustedForwarding(): RequestHandler {
  let said = false;
  return (req, _res, next) => {
    if (!said && req.headers['x-forwarded-for'] !== undefined) {
      said = true;
      log.warn(
        "requests carry X-Forwarded-For, which is not trusted: all clients behind that proxy share one RATE_LIMIT and LIVE_CONNECTIONS; set TRUST_PROXY to the proxy's address if it is yours",
        {
          from: req.socket.remoteAddress,
        },
      );
    }
    next();
  };
}
