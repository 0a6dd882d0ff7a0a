/**
 * CheckHealth ("Save & test"): reaches the collector with the configured URL and token and says
 * in plain words what is wrong. Order: settings -> /api/health (reachable? is it the collector?)
 * -> /api/symbols (needs the token when the collector has one) -> is there any data yet?
 */
import type { HealthResponse, SymbolsResponse } from '@quant-pairs/contract';
import { CollectorClient, CollectorError } from './collector/client';
import { metrics } from './metrics';
import { CheckHealthRequest, CheckHealthResponse, HealthStatus } from './protocol';
import { readSettings, SettingsError } from './settings';

function result(status: number, message: string, details?: unknown): CheckHealthResponse {
  metrics.healthChecks.inc({ status: status === HealthStatus.OK ? 'ok' : 'error' });
  return { status, message, jsonDetails: details === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(details)) };
}

export async function checkHealth(req: CheckHealthRequest): Promise<CheckHealthResponse> {
  let client: CollectorClient;
  try {
    client = new CollectorClient(readSettings(req.pluginContext));
  } catch (e) {
    return result(HealthStatus.ERROR, e instanceof SettingsError ? e.message : String(e));
  }
  let health: HealthResponse;
  let symbols: SymbolsResponse;
  try {
    health = await client.health();
    if (typeof health !== 'object' || health === null || !('status' in health) || !Array.isArray(health.symbols)) {
      return result(HealthStatus.ERROR, `${client.baseUrl} answered /api/health, but not like the pairs collector; check the URL`);
    }
    symbols = await client.symbols();
  } catch (e) {
    if (e instanceof CollectorError) {
      if (e.kind === 'not-found') return result(HealthStatus.ERROR, `${client.baseUrl} has no pairs collector API (404); check the URL`);
      return result(HealthStatus.ERROR, e.message);
    }
    return result(HealthStatus.ERROR, `checking the collector failed: ${(e as Error).message}`);
  }
  const withTicks = symbols.symbols.filter((s) => s.ticks > 0);
  const details = {
    version: health.version,
    websocket: health.websocket,
    database: health.database,
    symbols: withTicks.map((s) => s.symbol),
    problems: health.problems,
  };
  if (withTicks.length === 0) {
    return result(
      HealthStatus.ERROR,
      `connected to the collector ${health.version} at ${client.baseUrl}, but it has no data yet: no ticks are stored (Binance connection: ${health.websocket})`,
      details,
    );
  }
  const names = withTicks
    .map((s) => s.symbol)
    .sort()
    .join(', ');
  if (health.status !== 'ok') {
    return result(HealthStatus.OK, `connected to the collector ${health.version}; data for ${names}; degraded: ${health.problems.join('; ')}`, details);
  }
  return result(HealthStatus.OK, `connected to the collector ${health.version}; data for ${names}`, details);
}
