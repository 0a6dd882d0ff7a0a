/**
 * `npm run demo`: the whole collector against our fake Binance on 127.0.0.1, no internet needed.
 *
 * The fake (src/fake-binance) trades the configured symbols as a cointegrated set:
 * the hedge leg (BTCUSDT) is a random walk and every other symbol is b·BTC plus mean-reverting
 * noise, so spreads, z-scores and signals move as they would on a real pair. The fake starts with
 * 46 hours of past trades (one every 15 s, the last 2 hours one a second), or as much more as the
 * pair scanner needs (SCAN_WINDOW 5m bars and SCAN_BACKFILL: 107 hours at the defaults), which the
 * collector loads as kline history: every panel and alert rule has numbers within seconds (5m bars
 * for window 100 need 41.7 hours). A later run continues the same
 * database: the fake's past then starts at the last stored trade, and the collector repairs
 * that outage as it would a real one (from klines when it is longer than OUTAGE_KLINES_AFTER or missed more than OUTAGE_KLINES_AFTER_TRADES trades).
 *
 * Perpetuals (issue 25): the demo's PAIRS add a perpetual pair and a basis pair
 * (ETHUSDT.P/BTCUSDT.P, BTCUSDT.P/BTCUSDT), served by the fake USD-M futures on a port of its
 * own, their prices following spot's plus a mean-reverting basis of a few bps, funding settled
 * every minute (two days of it before the start), marks every second.
 *
 * Honours every collector setting (DB_PATH, HOST, PORT, PAIRS, STREAM, ...); DB_PATH defaults to
 * ./data/demo.db so demo data never mixes with live data. Extra settings (`--help` lists all):
 *   DEMO_RATE=20     trades per second per symbol
 *   DEMO_FAULTS=1    drop the connection and skip ids now and then, to watch reconnect + backfill
 */
import { ConfigError, SETTINGS, configFrom, flag, number, readSettings, setting, settingsHelp, type Config } from './config';
import { TIMEFRAME_MS } from './domain';
import { DEFAULT_PAIRS, instrumentOf, isPerp } from '@quant-pairs/contract';
import { startFakeBinance, startFakeFutures, type FakeBinance, type FakeFutures } from './fake-binance';
import { spotPriceOf } from './fake-binance/futuresPrices';
import { configSecrets, log } from './log';
import { openStore, startCollector, stopOnSignals } from './main';

const HOUR = 3_600_000;
/** How far back the fake's trades reach on a fresh database. */
const DEMO_PAST_MS = 46 * HOUR;

/**
 * How far back the fake's trades reach on a fresh database: DEMO_PAST_MS, or more where the
 * scanner needs it: SCAN_WINDOW bars of SCAN_TF and the SCAN_BACKFILL span before the latest
 * close (plus a bar), so the scanner dashboard and its rules have numbers within seconds.
 */
export function demoPastMs(config: Pick<Config, 'scan'>): number {
  const { tf, window, backfillMs } = config.scan;
  return Math.max(DEMO_PAST_MS, (window + 2) * TIMEFRAME_MS[tf] + backfillMs);
}

/** The fake's past: `ms` of trades ending now, one every 15 s, the last 2 hours one a second. */
export function demoPast(ms: number): Array<{ ms: number; everyMs: number }> {
  const dense = Math.min(ms, 2 * HOUR);
  return [
    { ms: ms - dense, everyMs: 15_000 },
    { ms: dense, everyMs: 1_000 },
  ];
}

/** The demo's perpetual pair and basis pair, beside DEFAULT_PAIRS. */
const DEMO_PERP_PAIRS = ['ETHUSDT.P/BTCUSDT.P', 'BTCUSDT.P/BTCUSDT'];

/** The fake futures of the demo's perpetuals: prices following the spot fake's, funding every minute. */
function startDemoFutures(perps: readonly string[], rate: number, pastMs: number, spot: FakeBinance): Promise<FakeFutures> {
  const venues = perps.map((s) => instrumentOf(s).venueSymbol);
  const startIds = Object.fromEntries(venues.map((s, i) => [s, Math.floor((Date.now() - 1.7e12) * 10) + 100 + i]));
  return startFakeFutures({
    symbols: venues,
    rate,
    startIds,
    past: demoPast(pastMs),
    fundingIntervalMs: 60_000,
    pastFundingMs: 2 * 24 * HOUR,
    followSpot: spotPriceOf((s) => spot.trades(s)),
  });
}

/** The collector's settings, PAIRS' and DB_PATH's defaults apart, and the demo's own. */
export const DEMO_SETTINGS = {
  ...SETTINGS,
  PAIRS: { ...SETTINGS.PAIRS, def: [...DEFAULT_PAIRS, ...DEMO_PERP_PAIRS].join(',') },
  DB_PATH: { ...SETTINGS.DB_PATH, def: './data/demo.db' },
  DEMO_RATE: setting({
    def: '20',
    help: 'trades per second per symbol of the fake Binance',
    schema: number((n) => Number.isFinite(n) && n > 0 && n <= 5000, 'must be a number of trades per second above 0, at most 5000'),
  }),
  DEMO_FAULTS: setting({ def: '0', help: '1: drop the connection and skip ids now and then, to watch reconnect + backfill', schema: flag }),
};

async function demo(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      `Usage: npm run demo [-- --setting value ...]\n\nSettings (environment variable, or the flag of the same name; a flag wins):\n${settingsHelp(DEMO_SETTINGS)}\n`,
    );
    return;
  }
  const settings = readSettings(DEMO_SETTINGS, process.env, argv);
  const base = configFrom(settings);
  log.configure({ level: base.logLevel, pretty: base.logPretty, secrets: configSecrets(base) });
  const rate = settings.DEMO_RATE;

  // Hedge legs first: the fake's first symbol is the random walk the others follow.
  const all = [...new Set([...base.pairs.map((p) => p.x), ...base.symbols])];
  const symbols = all.filter((s) => !isPerp(s));
  const perps = all.filter(isPerp);
  // Ids grow with the wall clock, so a second demo run continues above the ids already stored.
  const startIds = Object.fromEntries(symbols.map((s, i) => [s, Math.floor((Date.now() - 1.7e12) * 10) + i]));
  // The past begins where the database ends (a later run), else DEMO_PAST_MS ago.
  const store = await openStore(base);
  const stored = (await store.symbols()).filter((s) => all.includes(s.symbol) && s.lastTs !== null).map((s) => s.lastTs!);
  await store.close();
  const fullPast = demoPastMs(base);
  const pastMs = Math.max(0, Math.min(fullPast, stored.length ? Date.now() - Math.max(...stored) : fullPast));
  const fake = await startFakeBinance({ symbols, stream: base.stream, rate, startIds, historyLimit: 400_000, past: demoPast(pastMs) });

  const futures = perps.length ? await startDemoFutures(perps, rate, pastMs, fake) : null;
  const config = {
    ...base,
    binanceWsUrl: fake.wsUrl,
    binanceRestUrl: fake.restUrl,
    ...(futures ? { binanceFuturesWsUrl: futures.wsUrl, binanceFuturesRestUrl: futures.restUrl } : {}),
  };
  const c = await startCollector(config);
  const api = c.server?.address();
  const url = api && typeof api === 'object' ? `http://${config.host}:${api.port}` : null;
  process.stderr.write(
    [
      '',
      `  demo: fake Binance at ${fake.wsUrl} trading ${symbols.join(', ')} (${rate} trades/s each, ${config.stream} stream)`,
      ...(futures ? [`  demo: fake USD-M futures at ${futures.wsUrl} trading ${perps.join(', ')} (funding every minute)`] : []),
      `  demo: storing into ${config.databaseUrl ? 'PostgreSQL' : config.dbPath}`,
      url ? `  demo: API at ${url}   e.g. curl ${url}/api/health` : '  demo: the HTTP API is not wired in this build',
      '  demo: Ctrl-C stops (ticks are flushed first)',
      '',
    ].join('\n') + '\n',
  );

  const timers: NodeJS.Timeout[] = [];
  timers.push(
    setInterval(() => {
      const st = c.ingestor.status();
      log.info('demo status', {
        ws: st.wsState,
        reconnects: st.reconnects,
        gapsBackfilled: st.gapsBackfilled,
        ticks: Object.fromEntries(Object.entries(st.symbols).map(([s, v]) => [s, v.ticks])),
      });
    }, 15_000),
  );
  if (settings.DEMO_FAULTS) {
    timers.push(
      setInterval(() => {
        fake.skipIds(symbols[1] ?? symbols[0]!, 25);
        log.info('demo fault: 25 ids skipped, then the connection dropped; watch the backfill');
        setTimeout(() => fake.dropConnections(), 2_000);
      }, 60_000),
    );
  }
  stopOnSignals(async () => {
    for (const t of timers) clearInterval(t);
    await c.stop();
    await fake.stop();
    await futures?.stop();
  });
}

if (require.main === module) {
  demo(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`demo: ${e instanceof ConfigError ? e.message : ((e as Error).stack ?? String(e))}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  });
}
