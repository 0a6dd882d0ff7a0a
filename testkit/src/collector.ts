/**
 * The collector as the other workspaces' end-to-end tests start it: our fake Binance on
 * 127.0.0.1, then `startCollector` (collector/src/main.ts, the composition root) on a SQLite file
 * in `dir`, its HTTP API on 127.0.0.1 at a free port. `env` adds or overrides settings (PAIRS,
 * API_TOKEN, WINDOWS, LOG_LEVEL, ...) exactly as the collector's environment would.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from 'collector/src/config';
import { startFakeBinance, type FakeBinance, type FakeBinanceOptions } from 'collector/src/fake-binance';
import { startCollector, type Collector } from 'collector/src/main';

export interface BootedCollector {
  fake: FakeBinance;
  collector: Collector;
  /** `http://127.0.0.1:PORT` of the collector's API. */
  url: string;
}

export async function bootCollector(o: {
  fake: FakeBinanceOptions;
  /** Settings beside the fake's URLs, the database and the loopback API. */
  env: Record<string, string>;
  /** Folder for the SQLite file (the caller's temp directory, removed by the caller). */
  dir: string;
  /** startCollector's second argument: the ingest connection's timings. */
  ingest?: Parameters<typeof startCollector>[1];
}): Promise<BootedCollector> {
  const fake = await startFakeBinance(o.fake);
  const config = loadConfig({
    BINANCE_WS_URL: fake.wsUrl,
    BINANCE_REST_URL: fake.restUrl,
    DB_PATH: join(o.dir, 'collector.db'),
    HOST: '127.0.0.1',
    PORT: '0',
    ...o.env,
  });
  const collector = await startCollector(config, o.ingest);
  if (!collector.server) throw new Error('bootCollector: startCollector did not start the HTTP API');
  return { fake, collector, url: `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}` };
}

export type { Collector } from 'collector/src/main';
export type { FakeBinance } from 'collector/src/fake-binance';
