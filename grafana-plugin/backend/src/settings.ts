/**
 * The data source instance settings as this backend reads them from a PluginContext:
 * `jsonData.collectorUrl` (else the data source URL), `jsonData.timeoutSeconds`, and the
 * secret `decryptedSecureJsonData.apiToken`, which never leaves the backend.
 */
import type { PairsDataSourceOptions, PairsSecureJsonData } from '@quant-pairs/contract';
import type { PluginContext } from './protocol';

export interface Settings {
  uid: string;
  collectorUrl: string;
  apiToken: string | undefined;
  timeoutMs: number;
  /** Changes whenever Grafana saves the settings (cache key). */
  version: string;
}

export class SettingsError extends Error {}

const DEFAULT_TIMEOUT_S = 30;

export function readSettings(ctx: PluginContext | null | undefined): Settings {
  const ds = ctx?.dataSourceInstanceSettings;
  if (!ds) throw new SettingsError('the request has no data source settings');
  let json: PairsDataSourceOptions = {};
  const raw = ds.jsonData ? Buffer.from(ds.jsonData).toString('utf8').trim() : '';
  if (raw !== '') {
    try {
      json = JSON.parse(raw) as PairsDataSourceOptions;
    } catch {
      throw new SettingsError('the data source settings (jsonData) are not valid JSON');
    }
  }
  const secure = (ds.decryptedSecureJsonData ?? {}) as PairsSecureJsonData;
  const url = (json.collectorUrl ?? '').trim() || (ds.url ?? '').trim();
  if (url === '') throw new SettingsError('no collector URL is configured: set "Collector URL" in the data source settings');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SettingsError(`the collector URL ${JSON.stringify(url)} is not a URL (expected e.g. http://collector:8080)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SettingsError(`the collector URL ${JSON.stringify(url)} must start with http:// or https://`);
  }
  const t = Number(json.timeoutSeconds);
  const timeoutMs = Number.isFinite(t) && t > 0 ? t * 1000 : DEFAULT_TIMEOUT_S * 1000;
  const token = secure.apiToken?.trim();
  return {
    uid: ds.uid ?? '',
    collectorUrl: parsed.toString().replace(/\/+$/, ''),
    apiToken: token ? token : undefined,
    timeoutMs,
    version: `${ds.uid}:${ds.lastUpdatedMS ?? 0}`,
  };
}
