/**
 * The names every provisioned file shares: data source uids, the plugin id, the pairs the
 * dashboards and alert rules are generated for, and the alert threshold. `npm run generate`
 * reads PAIRS, ALERT_TIMEFRAME, ALERT_WINDOW and ALERT_Z from the environment (the same
 * PAIRS syntax as the collector's), so adding a pair is one command; see ../README.md.
 */
import {
  DEFAULT_ENTRY_Z,
  DEFAULT_PAIRS,
  DEFAULT_WINDOW,
  MAX_WINDOW,
  MIN_WINDOW,
  QUERY_MODEL_VERSION,
  TIMEFRAMES,
  parsePair,
  type Timeframe,
} from '@quant-pairs/contract';

export const PLUGIN_ID = 'quant-pairs-datasource';
/** Fixed uid of our data source: dashboards and alert rules refer to it. */
export const DATASOURCE_UID = 'quant-pairs';
export const DATASOURCE_NAME = 'Quant Pairs';
/** Prometheus, scraping the collector's /metrics, for the ingest-health dashboard. */
export const PROMETHEUS_UID = 'quant-pairs-metrics';
export const PROMETHEUS_NAME = 'Collector metrics';

export const PAIRS_DS = { type: PLUGIN_ID, uid: DATASOURCE_UID } as const;
export const PROMETHEUS_DS = { type: 'prometheus', uid: PROMETHEUS_UID } as const;

/** Folder that holds the dashboards and the alert rules (both provisioners find it by title). */
export const FOLDER = { title: 'Quant Pairs' } as const;

export const MODEL_VERSION = QUERY_MODEL_VERSION;

export interface GenerateOptions {
  /** `Y/X` pairs, as the collector's PAIRS. */
  pairs: string[];
  /** Timeframe and window the alert rules evaluate z on. */
  alertTimeframe: Timeframe;
  alertWindow: string;
  /** Alert when |z| > alertZ. */
  alertZ: number;
}

export class OptionsError extends Error {}

/** Reads generator options from environment variables; throws an OptionsError naming the bad one. */
export function optionsFromEnv(env: Record<string, string | undefined>): GenerateOptions {
  const pairs = (env.PAIRS ?? DEFAULT_PAIRS.join(','))
    .split(',')
    .map((p) => p.trim().toUpperCase())
    .filter((p) => p !== '');
  if (pairs.length === 0) throw new OptionsError('PAIRS: give at least one pair, e.g. ETHUSDT/BTCUSDT');
  for (const p of pairs) {
    try {
      parsePair(p);
    } catch (e) {
      throw new OptionsError(`PAIRS: ${(e as Error).message}`);
    }
  }
  if (new Set(pairs).size !== pairs.length) throw new OptionsError(`PAIRS: ${pairs.join(',')} lists a pair twice`);
  const tf = env.ALERT_TIMEFRAME ?? '1m';
  if (!(TIMEFRAMES as readonly string[]).includes(tf)) throw new OptionsError(`ALERT_TIMEFRAME: ${JSON.stringify(tf)} must be one of ${TIMEFRAMES.join(', ')}`);
  const window = env.ALERT_WINDOW ?? DEFAULT_WINDOW;
  if (!/^\d+$/.test(window) || Number(window) < MIN_WINDOW || Number(window) > MAX_WINDOW) {
    throw new OptionsError(`ALERT_WINDOW: ${JSON.stringify(window)} must be a whole number of bars from ${MIN_WINDOW} to ${MAX_WINDOW}`);
  }
  const z = env.ALERT_Z === undefined ? DEFAULT_ENTRY_Z : Number(env.ALERT_Z);
  if (!Number.isFinite(z) || z <= 0) throw new OptionsError(`ALERT_Z: ${JSON.stringify(env.ALERT_Z)} must be a positive number`);
  return { pairs, alertTimeframe: tf as GenerateOptions['alertTimeframe'], alertWindow: window, alertZ: z };
}
