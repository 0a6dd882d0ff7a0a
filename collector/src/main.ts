#!/usr/bin/env node
/**
 * The composition root and command line: the one place that wires ingest -> store -> live
 * analytics -> HTTP API.
 *
 *   collector                  run: store + live ingest from Binance (+ retention, API, analytics)
 *   collector replay FILE...   load Binance archive files (zip or csv) into the store
 *   collector --help
 *
 * Settings come from environment variables or the same-named flags (see config.ts). SIGINT /
 * SIGTERM stop the ingest, flush the tick writer and close the store; a second signal exits at once.
 */
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, resolve } from 'node:path';
import { serveApi } from './api/serve';
import { ConfigError, loadConfig, parseArgv, settingsHelp, type Config } from './config';
import { ingestsAllOf, retryLookup, universeAtStart } from './universeStart';
import { historyClient, historySpans, loadHistory, type HistoryReport } from './ingest/history';
import { HistoryJob } from './ingest/historyJob';
import { Ingestor, type IngestorOptions } from './ingest/ingestor';
import { FundingJob } from './ingest/funding';
import { HistoryJobs, MarketIngest } from './ingest/markets';
import { isPerp } from '@quant-pairs/contract';
import { RegionRefusedError, RestClient } from './ingest/rest';
import { LiveAnalytics, LiveScanner, UniverseRefresher, warmUpBars, type UniverseChange } from './live';
import { ScanPool } from './live/scanPool';
import { replayFiles } from './ingest/replay';
import { configSecrets, log } from './log';
import { openStore as openConfiguredStore } from './store';
import type { Store } from './store/store';
import { TIMEFRAME_MS, type Timeframe } from './domain';
import { TickWriter } from './store/tickWriter';
import { withWriteHealth } from './store/writeHealth';
import { withBarEvents } from './store/barEvents';

export const USAGE = `Usage:
  collector                  collect live trades from Binance into the store, serve the HTTP API
  collector replay FILE...   load Binance archive files (.zip or the .csv inside; trades, aggTrades, or 1s/1m/5m klines)
  collector --help

Settings (environment variable, or the flag of the same name; a flag wins):
${settingsHelp()}

Example:
  PAIRS=ETHUSDT/BTCUSDT STREAM=aggTrade collector --db-path ./data/eth.db --port 8081`;

/** Opens the configured store: PostgreSQL when DATABASE_URL is set, else SQLite at DB_PATH. */
export async function openStore(config: Config): Promise<Store> {
  try {
    return await openConfiguredStore({ databaseUrl: config.databaseUrl, dbPath: config.dbPath });
  } catch (e) {
    if (config.databaseUrl || e instanceof ConfigError) throw e;
    // better-sqlite3 says only "unable to open database file", and mkdir on a read-only file
    // system says ENOENT: name the file and find out what is wrong with its directory.
    throw new ConfigError(
      'DB_PATH',
      `DB_PATH=${JSON.stringify(config.dbPath)}: cannot open the SQLite database: ${(e as Error).message}${whyNotWritable(dirname(resolve(config.dbPath)))}`,
    );
  }
}

/** ' (the file system of /x is read-only)' and the like, or '' when nothing is found. */
function whyNotWritable(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  try {
    accessSync(d, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EROFS' ? ` (the file system of ${d} is read-only)` : ` (${d} is not writable: ${code ?? (e as Error).message})`;
  }
  try {
    const s = statfsSync(d);
    if (s.bavail === 0) return ` (no space left on the file system of ${d})`;
  } catch {
    /* no statfs: nothing more to say */
  }
  return d === dir ? '' : ` (${dir} does not exist and could not be created)`;
}

export interface Collector {
  config: Config;
  store: Store;
  writer: TickWriter;
  /** The ingest of both markets (spot, `.P` perpetuals), each on its own hosts. */
  ingestor: MarketIngest;
  /** The perpetuals' marks and funding (null without perpetuals). */
  funding: FundingJob | null;
  /**
   * Start-up history and outage repair from klines, loaded beside the ingest and retried in the
   * background (its state per symbol and part: `history.status()`, /api/health).
   */
  history: HistoryJobs;
  /** Resolves when every part of the history is done or failed for good (tests, benchmarks). */
  historyReady: Promise<HistoryReport>;
  /** The HTTP server once the API is wired in, else null. */
  server: Server | null;
  /** The pair scanner (null with fewer than 2 universe symbols). */
  scanner: LiveScanner | null;
  /** UNIVERSE=top:N's lookup every UNIVERSE_REFRESH (null for a listed universe). */
  universe: UniverseRefresher | null;
  /** Stops the ingest, flushes the writer, closes the API and the store. */
  stop(): Promise<void>;
}

/**
 * Deletes what is older than the retention now and then (every tenth of it, at most hourly):
 * `what` ticks and bars (RETENTION: deleteBefore) or scans (SCAN_RETENTION: deleteScansBefore).
 */
function startRetention(store: Store, retentionMs: number, what: 'ticks' | 'scans' = 'ticks'): () => void {
  const run = (): void => {
    (what === 'ticks' ? store.deleteBefore(Date.now() - retentionMs) : store.deleteScansBefore(Date.now() - retentionMs))
      .then((n) => n > 0 && log.info(`retention: old ${what} deleted`, { [what]: n, retentionMs }))
      .catch((e: unknown) => log.error('retention job failed', { what, err: e as Error }));
  };
  run();
  const timer = setInterval(run, Math.min(3_600_000, Math.max(1_000, retentionMs / 10)));
  timer.unref();
  return () => clearInterval(timer);
}

/** RETENTION's deletes and SCAN_RETENTION's (scans go sooner than the bars; RETENTION deletes them with the bars anyway); returns what stops both. */
function startRetentions(store: Store, config: Config): () => void {
  const stopTicks = config.retentionMs !== null ? startRetention(store, config.retentionMs) : () => undefined;
  const scans = config.scan.retentionMs;
  const stopScans = scans !== null && (config.retentionMs === null || scans < config.retentionMs) ? startRetention(store, scans, 'scans') : () => undefined;
  return () => {
    stopTicks();
    stopScans();
  };
}

/** The pair scanner of the universe (null with fewer than 2 symbols), not yet started. */
function newScanner(config: Config, store: Store): LiveScanner | null {
  const scanned = 'symbols' in config.scan.universe ? config.scan.universe.symbols : config.ingestSymbols;
  return scanned.length >= 2
    ? new LiveScanner({
        store,
        symbols: scanned,
        tf: config.scan.tf,
        window: config.scan.window,
        thresholds: config.scan.thresholds,
        backfillMs: config.scan.backfillMs,
        pool: config.scan.threads > 0 ? new ScanPool(config.scan.threads) : undefined,
      })
    : null;
}

/** What startCollector takes besides the settings: test or demo tuning. */
export interface CollectorTuning {
  /** UNIVERSE=top:N: ms between lookups of the top N, below UNIVERSE_REFRESH's 1-minute minimum (tests). */
  universeRefreshMs?: number;
  /** History's pause after a transient failure, doubling up to maxMs (default 2 s .. 60 s; tests: shorter). */
  historyRetry?: { firstMs: number; maxMs: number };
}

/** History spans with the scanner's window of SCAN_TF bars and its SCAN_BACKFILL too (when HISTORY is on). */
function withScanHistory(spans: Record<Timeframe, number>, config: Config): Record<Timeframe, number> {
  if (config.history === null) return spans;
  const tf = config.scan.tf;
  return { ...spans, [tf]: Math.max(spans[tf], (config.scan.window + 1) * TIMEFRAME_MS[tf] + config.scan.backfillMs) };
}

/** UNIVERSE=top:N's look-up every UNIVERSE_REFRESH, one attempt each, stopped by `signal` (null for a listed universe). */
function newUniverseRefresher(
  settings: Config,
  config: Config,
  signal: AbortSignal,
  tuning: CollectorTuning,
  apply: (change: UniverseChange) => Promise<void>,
): UniverseRefresher | null {
  const u = settings.scan.universe;
  if (!('top' in u) || !('symbols' in config.scan.universe)) return null;
  return new UniverseRefresher({
    n: u.top,
    top: config.scan.universe.symbols,
    // one attempt a look-up (the refresher and retryLookup pace the next), stopped at shutdown
    lookup: (n) => new RestClient({ baseUrl: config.binanceRestUrl.replace(/\/+$/, ''), kind: config.stream, signal, giveUpAfter: 1 }).universe(n),
    intervalMs: tuning.universeRefreshMs ?? config.scan.universeRefreshMs,
    apply,
  });
}

/**
 * History from klines beside the ingest (ingest/history.ts, historyJob.ts): a job per market that
 * loads it for the ingested symbols (perpetuals from the futures API, with no 1s part: USD-M
 * futures have no 1s klines, so a perpetual's 1s bars are its stored trades), `historyOf` for
 * (spot) symbols that join later, and what stops them.
 */
async function newHistory(config: Config, store: Store, ingest: MarketIngest, tuning: CollectorTuning, landed: (symbol: string) => Promise<void>) {
  const spans = withScanHistory(historySpans(config.history ?? {}, config.history ? warmUpBars(config.windows) : 0), config);
  const historyOf = (symbols: readonly string[]): Promise<HistoryReport> =>
    loadHistory({
      rest: historyClient(config.binanceRestUrl, config.stream),
      store,
      symbols,
      history: spans,
      outageKlinesAfterMs: config.outageKlinesAfterMs,
      outageKlinesAfterTrades: config.outageKlinesAfterTrades,
    });
  const historyStop = new AbortController();
  const stored = new Map((await store.symbols()).map((s) => [s.symbol, s]));
  const job = (symbols: string[], perp: boolean) =>
    new HistoryJob({
      rest: perp
        ? new RestClient({
            baseUrl: config.binanceFuturesRestUrl.replace(/\/+$/, ''),
            kind: 'aggTrade',
            api: 'futures',
            signal: historyStop.signal,
            giveUpAfter: 1,
          })
        : new RestClient({ baseUrl: config.binanceRestUrl.replace(/\/+$/, ''), kind: config.stream, signal: historyStop.signal, giveUpAfter: 1 }),
      signal: historyStop.signal,
      store,
      symbols,
      stored,
      history: perp ? { ...spans, '1s': 0 } : spans,
      outageKlinesAfterMs: config.outageKlinesAfterMs,
      outageKlinesAfterTrades: config.outageKlinesAfterTrades,
      ingest,
      landed,
      retry: tuning.historyRetry,
    });
  const { spot, perp } = byMarket(config.ingestSymbols);
  const history = new HistoryJobs([...(spot.length ? [job(spot, false)] : []), ...(perp.length ? [job(perp, true)] : [])]);
  return { history, historyOf, historyStop };
}

/** The ingested symbols of each market: spot, and the `.P` perpetuals. */
const byMarket = (symbols: readonly string[]) => ({ spot: symbols.filter((s) => !isPerp(s)), perp: symbols.filter(isPerp) });

/**
 * The ingest of both markets (ingest/markets.ts): the spot symbols on BINANCE_WS_URL / _REST_URL,
 * the `.P` perpetuals' aggregate trades and 1 s marks on BINANCE_FUTURES_WS_URL / _REST_URL, with
 * their funding (ingest/funding.ts). `tuning` (tests, the demo) applies to both connections.
 */
function newIngest(config: Config, store: Store, writer: TickWriter, tuning: Partial<IngestorOptions>): { ingest: MarketIngest; funding: FundingJob | null } {
  const { spot, perp } = byMarket(config.ingestSymbols);
  const common = {
    sink: writer,
    lastTradeId: (s: string) => store.lastTradeId(s),
    idGaps: store.idGaps ? (s: string, fromId: number) => store.idGaps!(s, fromId) : undefined,
    connection: { stallTimeoutMs: config.stallTimeoutMs },
  };
  const spotIngestor = spot.length
    ? new Ingestor({ wsUrl: config.binanceWsUrl, restUrl: config.binanceRestUrl, symbols: spot, stream: config.stream, ...common, ...tuning })
    : null;
  if (perp.length === 0) return { ingest: new MarketIngest(spotIngestor, null), funding: null };
  const rest = new RestClient({ baseUrl: config.binanceFuturesRestUrl.replace(/\/+$/, ''), kind: 'aggTrade', api: 'futures', giveUpAfter: 3 });
  const funding = new FundingJob({ rest, store, symbols: perp });
  const { wsUrl: _w, restUrl: _r, stream: _s, symbols: _y, ...perpTuning } = tuning;
  const perpIngestor = new Ingestor({
    wsUrl: config.binanceFuturesWsUrl,
    restUrl: config.binanceFuturesRestUrl,
    symbols: perp,
    stream: 'aggTrade',
    market: 'perp',
    onMark: (symbol, mark) => funding.onMark(symbol, mark),
    ...common,
    ...perpTuning,
  });
  return { ingest: new MarketIngest(spotIngestor, perpIngestor), funding };
}

/** Starts everything `collector` runs; `ingest` passes test or demo tuning to the ingestor. */
export async function startCollector(settings: Config, ingest: Partial<IngestorOptions> = {}, tuning: CollectorTuning = {}): Promise<Collector> {
  // ---- WIRING: the universe (UNIVERSE=top:N looked up on Binance now, else in the background) ----
  const ingestsAll = ingestsAllOf(settings);
  const { config, resolved, lookup } = await universeAtStart(settings);
  // Failed writes (disk full, read-only directory) make /api/health degraded while the writer
  // retries; every write, whoever makes it, announces the bars it changes (the read side's caches).
  const store = withBarEvents(withWriteHealth(await openStore(config)));
  const writer = new TickWriter(store);
  const { ingest: ingestor, funding } = newIngest(config, store, writer, ingest);
  const stopRetention = startRetentions(store, config);

  // ---- WIRING: history from klines beside the ingest (collector/src/ingest/history.ts, historyJob.ts) ----
  // Started once the ingest and the API run; retried in the background, never in their way.
  // The live engines warm up again once a symbol's history is in.
  const { history, historyOf, historyStop } = await newHistory(config, store, ingestor, tuning, (symbol) => live.rewarm(store, [symbol]));

  // ---- WIRING: live analytics (collector/src/live) ----
  // Warmed from the stored bars, then fed every parsed batch before the writer flushes it. Each
  // pair / timeframe / window keeps a paper position under the PAPER_* rules (config.paper).
  const live = new LiveAnalytics({ pairs: config.pairs, windows: config.windows, entryZ: config.entryZ, exitZ: config.exitZ, paper: config.paper });
  await live.warmUp(store);
  ingestor.onTicks((ticks) => live.onTicks(ticks));
  // the perpetual legs' settlements, as stored: the paper positions pay them
  funding?.onSettled((events) => {
    // settlements older than the live bars (the history loaded after the warm-up): warm those series up again
    const stale = live.onFunding(events);
    if (stale.length > 0) void live.rewarm(store, stale);
  });

  // ---- WIRING: pair scanner (collector/src/live/scanner.ts): a scan of the universe at each SCAN_TF close, stored ----
  const scanner = newScanner(config, store);
  scanner?.start();

  // ---- WIRING: UNIVERSE=top:N looked up again every UNIVERSE_REFRESH (default daily; collector/src/live/universe.ts) ----
  // A changed top N: history for the new symbols first (klines before the 5-minute seam, trades
  // since, as at start), then the combined stream re-opened with the pairs' symbols + the new
  // top N (kept symbols caught up through REST from their last id), then the scanner's universe.
  const universe = newUniverseRefresher(settings, config, historyStop.signal, tuning, async (change: UniverseChange) => {
    if (ingestsAll) {
      const symbols = [...settings.symbols, ...change.top.filter((s) => !settings.symbols.includes(s))];
      const fresh = change.added.filter((s) => !settings.symbols.includes(s));
      try {
        // the store announces the history's writes to the read side, as it does the ingest's
        if (fresh.length > 0) await historyOf(fresh);
      } catch (e) {
        if (!(e instanceof RegionRefusedError)) throw e;
        log.error(e.message);
      }
      await ingestor.setSymbols(symbols);
    }
    scanner?.setSymbols(change.top);
  });

  // ---- WIRING: HTTP API (collector/src/api): REST, CSV export, /metrics, WebSocket push at /api/live ----
  const api = await serveApi(
    {
      store,
      pairs: config.pairs,
      windows: config.windows,
      paper: config.paper,
      entryZ: config.entryZ,
      exitZ: config.exitZ,
      token: config.apiToken,
      ingest: ingestor,
      funding: funding ?? undefined,
      live,
      background: { history: () => history.status(), universe: () => (lookup ? { ...lookup } : null), scanner: () => scanner?.status() ?? null },
      ...limitsOf(config),
    },
    config.host,
    config.port,
  );
  const server: Server | null = api.server;
  await ingestor.start();
  funding?.start();
  history.start(); // once the ingest runs: its first live ticks bound history's seams
  void history.ready.then(() => scanner?.catchUp()); // the closes history made scannable
  if (universe && lookup && !resolved) void retryLookup(universe, lookup, tuning.historyRetry).then(() => universe.start());
  else universe?.start();
  log.info('collector started', { symbols: config.ingestSymbols, stream: config.stream, store: store.kind, ws: config.binanceWsUrl });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      stopRetention();
      await universe?.stop();
      await scanner?.stop();
      await api.close();
      historyStop.abort();
      await history.ready;
      await ingestor.stop();
      await funding?.stop();
      await writer.close();
      await store.close();
      log.info('collector stopped');
    })());
  return { config, store, writer, ingestor, funding, history, historyReady: history.ready, server, scanner, universe, stop };
}

/** RATE_LIMIT and LIVE_CONNECTIONS for the API, and TRUST_PROXY for whom they count. */
const limitsOf = (config: Config) => ({ rateLimit: config.rateLimit, liveConnections: config.liveConnections, trustProxy: config.trustProxy });

/**
 * An API replica (`SYMBOLS=none`, scale-out): no ingest, no writer; the HTTP API serves what the
 * collectors write to the shared database, computing analytics from the stored bars.
 */
export async function startApiReplica(config: Config): Promise<{ store: Store; server: Server; stop: () => Promise<void> }> {
  const store = await openStore(config);
  const api = await serveApi(
    {
      store,
      pairs: config.pairs,
      windows: config.windows,
      entryZ: config.entryZ,
      exitZ: config.exitZ,
      paper: config.paper,
      token: config.apiToken,
      ...limitsOf(config),
    },
    config.host,
    config.port,
  );
  log.info('API replica started (SYMBOLS=none: ingests nothing)', { store: store.kind, pairs: config.pairs.map((p) => p.id) });
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await api.close();
      await store.close();
      log.info('API replica stopped');
    })());
  return { store, server: api.server, stop };
}

/** `collector replay FILE...`: stores every file, prints a summary per file as JSON on stdout. */
export async function runReplay(config: Config, files: readonly string[]): Promise<number> {
  if (files.length === 0) {
    process.stderr.write('collector replay: give at least one archive file (.zip or .csv)\n');
    return 2;
  }
  const store = await openStore(config);
  try {
    // `npm start -- replay FILE` runs in collector/: resolve names against where npm was invoked.
    const base = process.env.INIT_CWD ?? process.cwd();
    const results = await replayFiles(
      files.map((f) => resolve(base, f)),
      { insert: (t) => store.insertTicks(t), insertKlineBars: (b) => store.insertKlineBars(b), addKlineSpan: (k) => store.addKlineSpan(k) },
    );
    for (const r of results) process.stdout.write(JSON.stringify(r) + '\n');
    return 0;
  } catch (e) {
    process.stderr.write(`collector replay: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

/** Stops `collector` on SIGINT / SIGTERM; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled) {
      log.warn('second signal: exiting without flushing', { signal: sig });
      process.exit(130);
    }
    signalled = true;
    log.info('shutting down: flushing ticks', { signal: sig });
    stop().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error('shutdown failed', { err: e as Error });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: Config;
  let positionals: string[];
  try {
    const parsed = parseArgv(argv);
    if (parsed.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    positionals = parsed.positionals;
    config = loadConfig(env, argv);
  } catch (e) {
    process.stderr.write(`collector: ${(e as Error).message}\n`);
    return 2;
  }
  log.configure({ level: config.logLevel, pretty: config.logPretty, secrets: configSecrets(config) });
  const [command = 'run', ...rest] = positionals;
  if (command === 'replay') return runReplay(config, rest);
  if (command !== 'run' || rest.length > 0) {
    process.stderr.write(`collector: unknown command ${JSON.stringify(positionals.join(' '))}\n\n${USAGE}\n`);
    return 2;
  }
  const c = config.ingestSymbols.length === 0 ? await startApiReplica(config) : await startCollector(config);
  stopOnSignals(c.stop);
  return new Promise<number>(() => undefined); // runs until a signal
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`collector: ${e instanceof ConfigError ? e.message : ((e as Error).stack ?? String(e))}\n`);
      process.exit(e instanceof ConfigError ? 2 : 1);
    },
  );
}
