/**
 * Provisioned data sources: ours with a fixed uid (dashboards and alert rules refer to it),
 * the collector URL in jsonData and the API token, from the environment, in secureJsonData
 * (encrypted by Grafana, never sent to a browser); and a Prometheus that scrapes the
 * collector's /metrics for the ingest-health dashboard. The file does not set `prune`
 * (provisioning README).
 */
import type { PairsDataSourceOptions, PairsSecureJsonData } from '@quant-pairs/contract';
import { DATASOURCE_NAME, DATASOURCE_UID, PLUGIN_ID, PROMETHEUS_NAME, PROMETHEUS_UID } from './settings';

export interface DatasourcesFile {
  apiVersion: 1;
  datasources: Array<{
    name: string;
    type: string;
    uid: string;
    access: 'proxy';
    orgId: number;
    url: string;
    isDefault: boolean;
    editable: boolean;
    version: number;
    jsonData: Record<string, unknown>;
    secureJsonData?: Record<string, string>;
  }>;
}

export function datasourcesFile(): DatasourcesFile {
  // Typed against the plugin's own settings, so a renamed field fails to compile here.
  const jsonData: PairsDataSourceOptions = { collectorUrl: '${COLLECTOR_URL}', timeoutSeconds: 10 };
  const secureJsonData: Required<PairsSecureJsonData> = { apiToken: '${API_TOKEN}' };
  return {
    // no `prune: true`: Grafana 12/13 have open reports of start-up failures ("data source not
    // found") with it, and these two uids never change, so there is nothing to prune
    apiVersion: 1,
    datasources: [
      {
        name: DATASOURCE_NAME,
        type: PLUGIN_ID,
        uid: DATASOURCE_UID,
        access: 'proxy',
        orgId: 1,
        url: '${COLLECTOR_URL}',
        isDefault: true,
        editable: false,
        version: 1,
        jsonData: { ...jsonData },
        secureJsonData: { ...secureJsonData },
      },
      {
        name: PROMETHEUS_NAME,
        type: 'prometheus',
        uid: PROMETHEUS_UID,
        access: 'proxy',
        orgId: 1,
        url: '${PROMETHEUS_URL}',
        isDefault: false,
        editable: false,
        version: 1,
        jsonData: { timeInterval: '5s', httpMethod: 'POST' },
      },
    ],
  };
}
