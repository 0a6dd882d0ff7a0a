/**
 * The parts of a running Grafana that unit tests need and that cannot run outside Grafana:
 * its template service (the app's TemplateSrv is not in any package) and its HTTP layer
 * (BackendSrv), here answering resource calls with bodies shaped like the backend's answers.
 * The real HTTP path (emulator + backend + collector) is exercised in test/amd.
 */
import type { DataSourceInstanceSettings, ScopedVars, TypedVariableModel } from '@grafana/data';
import { setBackendSrv, type BackendSrv, type BackendSrvRequest, type FetchResponse, type TemplateSrv } from '@grafana/runtime';
import { Observable, of, throwError } from 'rxjs';

import { TIMEFRAMES, type PairsDataSourceOptions, type PairsResponse, type SymbolsResponse } from '@quant-pairs/contract';

/**
 * Grafana's interpolation rules for single values: `$name`, `${name}`, `${name:raw}` and
 * `[[name]]`; scoped variables win over dashboard variables; unknown variables stay as written.
 */
export class TestTemplateSrv implements TemplateSrv {
  constructor(private readonly vars: Record<string, string>) {}
  getVariables(): TypedVariableModel[] {
    return Object.keys(this.vars).map((name) => ({ name, type: 'custom' }) as unknown as TypedVariableModel);
  }
  replace(target?: string, scopedVars?: ScopedVars): string {
    if (target === undefined) {
      return '';
    }
    return target.replace(/\$(\w+)|\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]/g, (all, a, b, c) => {
      const name = a ?? b ?? c;
      const scoped = scopedVars?.[name]?.value;
      if (scoped !== undefined) {
        return String(scoped);
      }
      return name in this.vars ? this.vars[name] : all;
    });
  }
  containsTemplate(target?: string): boolean {
    return !!target && /\$\w+|\$\{\w+|\[\[\w+\]\]/.test(target);
  }
  updateTimeRange(): void {}
}

export type Routes = Record<string, unknown | ((req: BackendSrvRequest) => unknown)>;

/** A BackendSrv whose fetch answers `url` from `routes` (a thrown status 500 otherwise). */
export function installBackendSrv(routes: Routes): BackendSrvRequest[] {
  const seen: BackendSrvRequest[] = [];
  const fetch = (req: BackendSrvRequest): Observable<FetchResponse> => {
    seen.push(req);
    const route = routes[req.url];
    if (route === undefined) {
      return throwError(() => ({ status: 404, data: { message: `no route ${req.url}` } }));
    }
    if (route instanceof Error) {
      return throwError(() => ({ status: 502, data: { message: route.message } }));
    }
    const data = typeof route === 'function' ? (route as (r: BackendSrvRequest) => unknown)(req) : route;
    return of({
      data,
      status: 200,
      statusText: 'OK',
      ok: true,
      headers: new Headers(),
      url: req.url,
      type: 'basic',
      redirected: false,
      config: req,
    } as FetchResponse);
  };
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return seen;
}

export function instanceSettings(jsonData: PairsDataSourceOptions = {}): DataSourceInstanceSettings<PairsDataSourceOptions> {
  return {
    id: 1,
    uid: 'pairs',
    type: 'quant-pairs-datasource',
    name: 'Pairs',
    access: 'proxy',
    readOnly: false,
    jsonData,
    meta: { id: 'quant-pairs-datasource', name: 'Quant Pairs', type: 'datasource', backend: true, streaming: true } as DataSourceInstanceSettings['meta'],
  };
}

/** The collector's /api/pairs body (@quant-pairs/contract PairsResponse), as the backend passes it on. */
export const PAIRS_BODY: PairsResponse = {
  pairs: [
    { pair: 'ETHUSDT/BTCUSDT', y: 'ETHUSDT', x: 'BTCUSDT', configured: true, stored: true },
    { pair: 'SOLUSDT/ETHUSDT', y: 'SOLUSDT', x: 'ETHUSDT', configured: true, stored: true },
  ],
  timeframes: [...TIMEFRAMES],
  windows: [100, 500],
  entryZ: 2,
  exitZ: null,
};

/** The collector's /api/symbols body (SymbolsResponse). */
export const SYMBOLS_BODY: SymbolsResponse = {
  symbols: [
    { symbol: 'BTCUSDT', configured: true, ticks: 10, firstTs: 1, lastTs: 2, bars: [] },
    { symbol: 'ETHUSDT', configured: true, ticks: 10, firstTs: 1, lastTs: 2, bars: [] },
    { symbol: 'SOLUSDT', configured: true, ticks: 10, firstTs: 1, lastTs: 2, bars: [] },
  ],
};

export function resourceRoutes(uid = 'pairs'): Routes {
  const r = (p: string) => `/api/datasources/uid/${uid}/resources/${p}`;
  return {
    [r('pairs')]: PAIRS_BODY,
    [r('symbols')]: SYMBOLS_BODY,
    [r('timeframes')]: [...TIMEFRAMES],
    [r('windows')]: [100, 500],
  };
}
