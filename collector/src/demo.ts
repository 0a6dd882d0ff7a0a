/**
 * `npm run demo`: the whole collector against our fake Binance on 127.0.0.1, no internet needed.
 *
 * The fake (src/fake-binance) trades the configured symbols as a cointegrated set:
 * the hedge leg (BTCUSDT) is a random walk and every other symbol is b·BTC plus mean-reverting
 * noise, so spreads, z-scores and signals move as they would on a real pair. Bars appear within
 * seconds; the rolling statistics fill in after WINDOWS bars.
 *
 * Honours every collector setting (DB_PATH, HOST, PORT, PAIRS, STREAM, ...); DB_PATH defaults to
 * ./data/demo.db so demo data never mixes with live data. Extra settings:
 *   DEMO_RATE=20     trades per second per symbol
 *   DEMO_FAULTS=1    drop the connection and skip ids now and then, to watch reconnect + backfill
 */
import { ConfigError, loadConfig } from './config';
import { startFakeBinance } from './fake-binance';
import { configSecrets, log } from './log';
import { startCollector, stopOnSignals } from './main';

async function demo(): Promise<void> {
  const env: Record<string, string | undefined> = { ...process.env, DB_PATH: process.env.DB_PATH ?? './data/demo.db' };
  const base = loadConfig(env, process.argv.slice(2));
  log.configure({ level: base.logLevel, secrets: configSecrets(base) });
  const rate = Number(env.DEMO_RATE ?? '20');
  if (!Number.isFinite(rate) || rate <= 0 || rate > 5000) throw new ConfigError('DEMO_RATE', `DEMO_RATE=${JSON.stringify(env.DEMO_RATE)}: must be a number of trades per second from 0 to 5000`);

  // Hedge legs first: the fake's first symbol is the random walk the others follow.
  const symbols = [...new Set([...base.pairs.map((p) => p.x), ...base.symbols])];
  // Ids grow with the wall clock, so a second demo run continues above the ids already stored.
  const startIds = Object.fromEntries(symbols.map((s, i) => [s, Math.floor((Date.now() - 1.7e12) * 10) + i]));
  const fake = await startFakeBinance({ symbols, stream: base.stream, rate, startIds, historyLimit: 200_000 });

  const config = { ...base, binanceWsUrl: fake.wsUrl, binanceRestUrl: fake.restUrl };
  const c = await startCollector(config);
  const api = c.server?.address();
  const url = api && typeof api === 'object' ? `http://${config.host}:${api.port}` : null;
  process.stderr.write(
    [
      '',
      `  demo: fake Binance at ${fake.wsUrl} trading ${symbols.join(', ')} (${rate} trades/s each, ${config.stream} stream)`,
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
      log.info('demo status', { ws: st.wsState, reconnects: st.reconnects, gapsBackfilled: st.gapsBackfilled, ticks: Object.fromEntries(Object.entries(st.symbols).map(([s, v]) => [s, v.ticks])) });
    }, 15_000),
  );
  if (env.DEMO_FAULTS === '1') {
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
  });
}

demo().catch((e: unknown) => {
  process.stderr.write(`demo: ${e instanceof ConfigError ? e.message : ((e as Error).stack ?? String(e))}\n`);
  process.exit(e instanceof ConfigError ? 2 : 1);
});
