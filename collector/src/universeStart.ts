/**
 * UNIVERSE=top:N (or all) at start: looked up on Binance for at most UNIVERSE_START_MS, else
 * left to the background (retryLookup) while the pairs' symbols are ingested and scanned.
 */
import type { HealthLookup } from '@quant-pairs/contract';
import { ConfigError, type Config } from './config';
import { RegionRefusedError, RestClient, isTransient } from './ingest/rest';
import type { UniverseRefresher } from './live';
import { log } from './log';

/**
 * The universe at start: `config` with the looked-up symbols (or, unresolved, the ingested ones
 * as the universe until the look-up succeeds), whether the look-up answered, and its state as
 * /api/health shows it (null for a listed universe).
 */
export async function universeAtStart(settings: Config): Promise<{ config: Config; resolved: boolean; lookup: HealthLookup | null }> {
  const atStart = await resolveUniverse(settings);
  const resolved = typeof atStart === 'string' ? null : atStart;
  const config = resolved ?? { ...settings, scan: { ...settings.scan, universe: { symbols: [...settings.ingestSymbols] } } };
  const lookup: HealthLookup | null =
    'top' in settings.scan.universe ? { state: resolved ? 'done' : 'loading', attempts: 1, lastError: resolved ? null : (atStart as string) } : null;
  return { config, resolved: resolved !== null, lookup };
}

/**
 * UNIVERSE=top:N resolved: the N USDT symbols of largest 24 h quote volume (one
 * /api/v3/ticker/24hr), or UNIVERSE=all: every TRADING USDT spot symbol (one /api/v3/exchangeInfo),
 * scanned and ingested beside the pairs' symbols (unless SYMBOLS names what this collector
 * ingests). A list is returned as it is. Looked up at start (for at most UNIVERSE_START_MS: a
 * Binance that does not answer leaves the universe to the background look-up, and the reason is
 * returned), then every UNIVERSE_REFRESH (UniverseRefresher, wired in startCollector).
 */
async function resolveUniverse(config: Config): Promise<Config | string> {
  const u = config.scan.universe;
  if (!('top' in u)) return config;
  const name = u.top === 'all' ? 'all' : `top:${u.top}`;
  let top: string[];
  try {
    top = await new RestClient({
      baseUrl: config.binanceRestUrl.replace(/\/+$/, ''),
      kind: config.stream,
      signal: AbortSignal.timeout(UNIVERSE_START_MS),
      giveUpAfter: 1,
    }).universe(u.top);
  } catch (e) {
    if (e instanceof RegionRefusedError) log.error(e.message);
    else
      log.warn(`universe: UNIVERSE=${name} could not be looked up at start; ingesting the pairs' symbols, looking up again in the background`, {
        reason: (e as Error).message,
      });
    return (e as Error).message;
  }
  if (top.length < 2) throw new ConfigError('UNIVERSE', `UNIVERSE=${name}: Binance listed ${top.length} USDT symbols`);
  log.info(u.top === 'all' ? 'universe: every TRADING USDT symbol' : 'universe: the top USDT symbols by 24 h quote volume', {
    n: top.length,
    first: top.slice(0, 5),
  });
  return withUniverse(config, top);
}

/** How long start-up waits for UNIVERSE's first look-up before leaving it to the background. */
const UNIVERSE_START_MS = 3_000;

/** `config` with the universe `top` (ingested too when SYMBOLS names no subset). */
function withUniverse(config: Config, top: readonly string[]): Config {
  const symbols = [...config.symbols, ...top.filter((s) => !config.symbols.includes(s))];
  return {
    ...config,
    symbols,
    ingestSymbols: ingestsAllOf(config) ? symbols : config.ingestSymbols,
    scan: { ...config.scan, universe: { symbols: [...top] } },
  };
}

/** True when the collector ingests every symbol it knows (SYMBOLS does not name a subset). */
export const ingestsAllOf = (config: Config): boolean =>
  config.ingestSymbols.length === config.symbols.length && config.ingestSymbols.every((s, i) => s === config.symbols[i]);

/**
 * UNIVERSE=top:N's look-up after a failed one at start: again after a growing pause until it
 * succeeds (then the refresher applies the top N as a change) or Binance refuses it for good;
 * `state` is what /api/health shows.
 */
export async function retryLookup(universe: UniverseRefresher, state: HealthLookup, retry = { firstMs: 2_000, maxMs: 60_000 }): Promise<void> {
  for (let failures = 0; ; failures++) {
    await new Promise((r) => setTimeout(r, Math.min(retry.maxMs, retry.firstMs * 2 ** failures)).unref());
    const before = universe.stats.failures;
    state.attempts++;
    const err = await universe.refresh().then(
      () => (universe.stats.failures > before ? universe.lastError : null),
      (e: unknown) => e,
    );
    if (universe.isStopped) return;
    if (err === null) {
      Object.assign(state, { state: 'done', lastError: null });
      return;
    }
    state.lastError = err instanceof Error ? err.message : String(err);
    if (!isTransient(err)) {
      state.state = 'failed';
      return;
    }
  }
}
