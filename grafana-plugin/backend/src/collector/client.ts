/**
 * HTTP client of the collector's query API (@quant-pairs/contract describes every
 * endpoint). It turns each way a call can fail into a `CollectorError` whose `kind` and
 * `message` say in plain words what happened, so that QueryData, CheckHealth and CallResource
 * can report it without guessing.
 */
import type {
  AnalyticsParams,
  AnalyticsResponse,
  ApiError,
  BacktestParams,
  BacktestResponse,
  BarsParams,
  BarsResponse,
  HealthResponse,
  PairsResponse,
  ScanHistoryParams,
  ScanHistoryResponse,
  ScanParams,
  ScanResponse,
  SignalsParams,
  SignalsResponse,
  StatsParams,
  FundingParams,
  FundingResponse,
  StatsResponse,
  SweepParams,
  SweepResponse,
  WalkForwardParams,
  WalkForwardResponse,
  SymbolsResponse,
  TicksParams,
  TicksResponse,
} from '@quant-pairs/contract';
import type { Settings } from '../settings';
import { metrics } from '../metrics';

export type CollectorErrorKind = 'unreachable' | 'timeout' | 'unauthorized' | 'bad-request' | 'not-found' | 'too-large' | 'server' | 'bad-response';

export class CollectorError extends Error {
  constructor(
    readonly kind: CollectorErrorKind,
    message: string,
    /** HTTP status of the collector's answer (0 when there was none). */
    readonly status: number,
    /** The query parameter the collector blamed, if any. */
    readonly param?: string,
  ) {
    super(message);
  }
}

type Params = Record<string, string | number | undefined | null>;

function kindOf(status: number): CollectorErrorKind {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 400) return 'bad-request';
  if (status === 404) return 'not-found';
  if (status === 413) return 'too-large';
  return 'server';
}

export class CollectorClient {
  constructor(private readonly settings: Settings) {}

  get baseUrl(): string {
    return this.settings.collectorUrl;
  }

  async get<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
    const url = new URL(this.settings.collectorUrl + path);
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.settings.apiToken) headers.authorization = `Bearer ${this.settings.apiToken}`;
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const started = performance.now();
    const endpoint = path.replace(/^\/api\//, '');
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (e) {
      metrics.collectorRequests.inc({ endpoint, outcome: 'unreachable' });
      if (timeout.aborted) {
        throw new CollectorError('timeout', `the collector at ${this.baseUrl} did not answer within ${this.settings.timeoutMs / 1000} s`, 0);
      }
      if (signal?.aborted) throw new CollectorError('unreachable', 'the request was cancelled', 0);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new CollectorError('unreachable', `cannot reach the collector at ${this.baseUrl} (${why}); check the URL and that the collector is running`, 0);
    }
    const text = await res.text();
    metrics.collectorRequests.inc({ endpoint, outcome: String(res.status) });
    metrics.collectorSeconds.observe({ endpoint }, (performance.now() - started) / 1000);
    if (!res.ok) {
      let body: Partial<ApiError> = {};
      try {
        body = JSON.parse(text) as ApiError;
      } catch {
        /* not JSON: use the status line */
      }
      const kind = kindOf(res.status);
      let message = body.error ?? `HTTP ${res.status} ${res.statusText}`;
      if (kind === 'unauthorized') {
        message = this.settings.apiToken
          ? `the collector rejected the API token (${message}); check "API token" in the data source settings`
          : `the collector needs an API token (${message}); set "API token" in the data source settings`;
      } else if (kind === 'server') {
        message = `the collector failed: ${message}`;
      }
      throw new CollectorError(kind, message, res.status, body.param);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CollectorError(
        'bad-response',
        `the collector at ${this.baseUrl} answered ${path} with something that is not JSON; is the URL that of the collector?`,
        res.status,
      );
    }
  }

  health(signal?: AbortSignal): Promise<HealthResponse> {
    return this.get('/api/health', {}, signal);
  }
  symbols(signal?: AbortSignal): Promise<SymbolsResponse> {
    return this.get('/api/symbols', {}, signal);
  }
  pairs(signal?: AbortSignal): Promise<PairsResponse> {
    return this.get('/api/pairs', {}, signal);
  }
  ticks(p: TicksParams, signal?: AbortSignal): Promise<TicksResponse> {
    return this.get('/api/ticks', { ...p }, signal);
  }
  bars(p: BarsParams, signal?: AbortSignal): Promise<BarsResponse> {
    return this.get('/api/bars', { ...p }, signal);
  }
  analytics(p: AnalyticsParams, signal?: AbortSignal): Promise<AnalyticsResponse> {
    return this.get('/api/analytics', { ...p }, signal);
  }
  funding(p: FundingParams, signal?: AbortSignal): Promise<FundingResponse> {
    return this.get('/api/funding', { ...p }, signal);
  }
  stats(p: StatsParams, signal?: AbortSignal): Promise<StatsResponse> {
    return this.get('/api/stats', { ...p }, signal);
  }
  signals(p: SignalsParams, signal?: AbortSignal): Promise<SignalsResponse> {
    return this.get('/api/signals', { ...p }, signal);
  }
  scan(p: ScanParams, signal?: AbortSignal): Promise<ScanResponse> {
    return this.get('/api/scan', { ...p }, signal);
  }
  scanHistory(p: ScanHistoryParams, signal?: AbortSignal): Promise<ScanHistoryResponse> {
    return this.get('/api/scan/history', { ...p }, signal);
  }
  backtest(p: BacktestParams, signal?: AbortSignal): Promise<BacktestResponse> {
    return this.get('/api/backtest', { ...p }, signal);
  }
  /** The grids go as comma-separated lists. */
  sweep(p: SweepParams, signal?: AbortSignal): Promise<SweepResponse> {
    return this.get('/api/backtest/sweep', { ...p }, signal);
  }
  /** The grids go as comma-separated lists. */
  walkForward(p: WalkForwardParams, signal?: AbortSignal): Promise<WalkForwardResponse> {
    return this.get('/api/backtest/walkforward', { ...p }, signal);
  }
}
