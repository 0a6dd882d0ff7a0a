import { join } from 'path';
import { tableFromIPC } from 'apache-arrow';

/**
 * The plugin directory the suites run: the backend built by `npm run build:backend` (the same
 * script, `--dist`) plus src/plugin.json, in a directory of its own, so that a frontend build
 * running at the same time (webpack cleans dist/) cannot pull the executable from under a test.
 */
export const PLUGIN_DIR = join(__dirname, '..', '..', 'test-output', 'backend-plugin');

/** Decodes an Arrow file with apache-arrow directly (independent of our decoder). */
export function arrowTable(bytes: Uint8Array) {
  return tableFromIPC(bytes);
}

export const HOUR = 3_600_000;
/**
 * Start of the test data: minute-aligned, two hours before now, so that two hours of data end
 * at about now (the collector's /api/stats looks back from now).
 */
export const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 2 * HOUR;

/**
 * The plugin context Grafana sends for our data source: its settings (`jsonData`, e.g.
 * `{ collectorUrl }`) and, unless null, the decrypted API token.
 */
export function dataSourceContext(jsonData: Record<string, unknown>, apiToken: string | null): Record<string, unknown> {
  return {
    orgId: 1,
    pluginId: 'quant-pairs-datasource',
    dataSourceInstanceSettings: {
      id: 1,
      uid: 'pairs',
      name: 'Pairs',
      jsonData: Buffer.from(JSON.stringify(jsonData)),
      decryptedSecureJsonData: apiToken === null ? {} : { apiToken },
      lastUpdatedMS: 1,
    },
  };
}
