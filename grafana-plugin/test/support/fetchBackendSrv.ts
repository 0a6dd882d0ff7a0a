/**
 * Grafana's HTTP layer for the harnesses that talk to a real server (test/amd in Node against the
 * emulator, test/browser in Chromium against the page's loopback server): `BackendSrv.fetch` over
 * the platform's fetch, as the app does it for a data source — JSON bodies, query parameters, and
 * a non-2xx answer thrown as the response object (the shape DataSourceWithBackend reads errors from).
 *
 *   setBackendSrv(fetchBackendSrv(emulator.url));
 */
import type { BackendSrv, BackendSrvRequest } from '@grafana/runtime';
import { from } from 'rxjs';

export function fetchBackendSrv(base: string): BackendSrv {
  return {
    fetch: (req: BackendSrvRequest) =>
      from(
        (async () => {
          const url = new URL(req.url, base);
          for (const [k, v] of Object.entries(req.params ?? {})) {
            url.searchParams.set(k, String(v));
          }
          const res = await fetch(url, {
            method: req.method ?? 'GET',
            headers: { 'content-type': 'application/json', ...(req.headers ?? {}) },
            body: req.data === undefined ? undefined : JSON.stringify(req.data),
          });
          const text = await res.text();
          const rsp = {
            data: text ? JSON.parse(text) : undefined,
            status: res.status,
            statusText: res.statusText,
            ok: res.ok,
            headers: res.headers,
            url: url.toString(),
            redirected: false,
            type: 'basic',
            config: req,
          };
          if (!res.ok) {
            throw rsp;
          }
          return rsp;
        })(),
      ),
  } as unknown as BackendSrv;
}
