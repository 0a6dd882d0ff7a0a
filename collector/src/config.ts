/**
 * Configuration from environment variables and the same settings as CLI flags.
 *
 * Every setting is described once, in SETTINGS: its name, default, one line of help and a zod
 * schema that turns the text into its value. `PAIRS` in the environment is `--pairs` on the
 * command line (`--pairs=ETHUSDT/BTCUSDT` or `--pairs ETHUSDT/BTCUSDT`, read with
 * node:util.parseArgs); a flag wins over the variable; `--help` is generated from the same table.
 * A bad value throws a `ConfigError` naming the variable, so start-up stops with a clear message:
 *
 *   loadConfig({ PORT: 'eighty' }, [])
 *   // ConfigError: PORT="eighty": must be an integer from 0 to 65535
 *
 * The values of secret settings (API_TOKEN, the password of DATABASE_URL) never appear in a message.
 */
import { BACKTEST_DEFAULTS, DEFAULT_ENTRY_Z, DEFAULT_PAIRS, MAX_WINDOW, MIN_WINDOW, SCAN_DEFAULTS as SCAN, type PaperRulesDto } from '@quant-pairs/contract';
import { MAX_SUBSCRIPTIONS } from '@quant-pairs/contract/requests';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { backtestOptionsProblem } from './analytics/backtest';
import { SCAN_DEFAULTS, type ScanThresholds } from './analytics/scan';
import { TIMEFRAMES, type Pair, type Timeframe } from './domain';
import type { TrustProxy } from './api/http/client-address';
import { BINANCE_HOSTS } from './ingest/rest';
import { UNIVERSE_REFRESH_MS } from './live/universe';
import type { StreamKind } from './ingest/types';
import {
  ConfigError,
  textTo,
  integer,
  number,
  scanRule,
  url,
  pairList,
  symbolList,
  windowList,
  duration,
  durationOrForever,
  universeList,
  historyList,
  rateLimitSpec,
  trustProxySpec,
  oneOf,
  paperParam,
  flag,
  durationText,
  flagName,
  parseArgv as parseTableArgv,
  readSettings,
  setting,
  type SettingTable,
  type SettingValues,
} from './settingValues';

export { ConfigError, flag, number, parseDuration, readSettings, setting, type Setting, type SettingTable, type SettingValues } from './settingValues';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Config {
  /** Traded pairs, y/x (x is the hedge leg). */
  pairs: Pair[];
  /** Every symbol of the pairs, upper-case, in order of first appearance. */
  symbols: string[];
  /** The symbols this collector ingests itself (SYMBOLS, a subset of `symbols`; default all). */
  ingestSymbols: string[];
  binanceWsUrl: string;
  binanceRestUrl: string;
  /** Binance USD-M futures, for the `.P` symbols (issue 25): the WebSocket's routed /market base, and REST. */
  binanceFuturesWsUrl: string;
  binanceFuturesRestUrl: string;
  dbPath: string;
  /** PostgreSQL connection string; when set, the PostgreSQL store is used instead of SQLite. */
  databaseUrl: string | null;
  stream: StreamKind;
  /** Ticks and bars older than this many ms are deleted; null keeps everything. */
  retentionMs: number | null;
  /** How far back each timeframe's bars are loaded from Binance klines at start-up, ms; null: no history. */
  history: Partial<Record<Timeframe, number>> | null;
  /** An outage longer than this (ms) has its older part filled from klines, not trades. */
  outageKlinesAfterMs: number;
  /** So has an outage that missed more trades than this (known from trade ids). */
  outageKlinesAfterTrades: number;
  /** A WebSocket silent (no message, no ping) this long, in ms, is dropped and reopened. */
  stallTimeoutMs: number;
  host: string;
  port: number;
  /** Bearer token required by the HTTP API; null means no authentication. */
  apiToken: string | null;
  /** Most HTTP requests one client address may make per window (429 beyond); null: no limit. */
  rateLimit: { limit: number; windowMs: number } | null;
  /** Most Live WebSocket connections one client address may hold at once (429 beyond); null: no limit. */
  liveConnections: number | null;
  /** TRUST_PROXY: the reverse proxies whose X-Forwarded-For names the client; null = none. */
  trustProxy: TrustProxy | null;
  /** Rolling analytics windows, in bars. */
  windows: number[];
  entryZ: number;
  exitZ: number | null;
  /** The rules and costs of the live paper positions (PAPER_*; entry = ENTRY_Z), as the backtest takes them. */
  paper: PaperRulesDto;
  /** The pair scanner (issue 15): universe (UNIVERSE; default the symbols of PAIRS), timeframe, window, selection thresholds. */
  scan: ScanConfig;
  logLevel: LogLevel;
  /** Human-readable log lines (pino-pretty); null: when stderr is a terminal. */
  logPretty: boolean | null;
}

export interface ScanConfig {
  /**
   * The symbols scanned, in order; `top` instead: the N USDT symbols of largest 24 h quote volume,
   * or (`all`) every TRADING USDT spot symbol of exchangeInfo, looked up at start and every UNIVERSE_REFRESH.
   */
  universe: { symbols: string[] } | { top: number | 'all' };
  /** UNIVERSE=top:N: ms between lookups of the top N after the one at start. */
  universeRefreshMs: number;
  /** Stored scans older than this many ms are deleted; null keeps them as long as RETENTION keeps bars. */
  retentionMs: number | null;
  /** At start, the closes of this many ms before the latest are scanned where no scan is stored (SCAN_BACKFILL; 0 = none). */
  backfillMs: number;
  /** Worker threads a scan's pairs are shared among (SCAN_THREADS); 0 = in the main thread, sliced. */
  threads: number;
  tf: Timeframe;
  window: number;
  thresholds: ScanThresholds;
}

// ---- the settings ----

/** Every collector setting: environment name, default, help and the schema of its value. */
export const SETTINGS = {
  PAIRS: setting({ def: DEFAULT_PAIRS.join(','), help: 'pairs y/x, comma-separated; x is the hedge leg', schema: pairList }),
  SYMBOLS: setting({
    shown: '(all symbols of PAIRS)',
    help: 'subset of the pair symbols this collector ingests (scale-out); none = API replica that ingests nothing',
    schema: symbolList,
  }),
  STREAM: setting({
    def: 'trade',
    help: 'Binance spot stream: trade | aggTrade (.P perpetuals are always aggTrade)',
    schema: oneOf<StreamKind>(['trade', 'aggTrade'], 'must be trade or aggTrade'),
  }),
  BINANCE_WS_URL: setting({ def: BINANCE_HOSTS.BINANCE_WS_URL, help: 'Binance WebSocket base URL', schema: url(['ws:', 'wss:']) }),
  BINANCE_REST_URL: setting({
    def: BINANCE_HOSTS.BINANCE_REST_URL,
    help: 'Binance REST base URL (gap backfill; the market-data-only host, served where api.binance.com answers 451)',
    schema: url(['http:', 'https:']),
  }),
  BINANCE_FUTURES_WS_URL: setting({
    def: BINANCE_HOSTS.BINANCE_FUTURES_WS_URL,
    help: 'Binance USD-M futures WebSocket base for .P symbols: the routed /market path (aggTrade, markPrice); an unrouted URL gets no market data',
    schema: url(['ws:', 'wss:']),
  }),
  BINANCE_FUTURES_REST_URL: setting({
    def: BINANCE_HOSTS.BINANCE_FUTURES_REST_URL,
    help: 'Binance USD-M futures REST base for .P symbols (aggTrades backfill, klines, funding)',
    schema: url(['http:', 'https:']),
  }),
  DB_PATH: setting({ def: './data/collector.db', help: 'SQLite database file', schema: z.string() }),
  DATABASE_URL: setting({
    shown: '(unset)',
    secret: true,
    help: 'PostgreSQL URL; when set, used instead of SQLite',
    schema: url(['postgres:', 'postgresql:']),
  }),
  RETENTION: setting({
    def: '0',
    help: 'keep ticks and bars this long: 7d, 24h, 90m; 0 keeps forever',
    schema: durationOrForever('must be 0 (keep forever) or a duration such as 7d, 24h, 90m, 3600s'),
  }),
  HISTORY: setting({
    def: '1s:2h,1m:3d,5m:14d',
    help: 'bar history loaded from Binance klines at start-up, per timeframe (at least what the windows need); 0 = none',
    schema: historyList,
  }),
  OUTAGE_KLINES_AFTER: setting({
    def: '10m',
    help: 'an outage longer than this is repaired from klines except its last part (trades by id); shorter ones from trades only',
    schema: duration(60_000, 'must be a duration of at least 1m, such as 10m or 1h'),
  }),
  OUTAGE_KLINES_AFTER_TRADES: setting({
    def: '200000',
    help: 'an outage that missed more trades than this (trade ids: the newest minus the last stored) is repaired from klines too, except its last ~this many trades',
    schema: integer(1000, 1_000_000_000),
  }),
  STALL_TIMEOUT: setting({
    def: '60s',
    help: 'reopen the WebSocket after this long without a message or ping (Binance pings every 20 s)',
    schema: duration(100, 'must be a duration of at least 100ms, such as 60s or 2m'),
  }),
  HOST: setting({ def: '127.0.0.1', help: 'HTTP API listen address', schema: textTo((t) => (/\s/.test(t) ? undefined : t), 'must be a host name or address') }),
  PORT: setting({ def: '8080', help: 'HTTP API port', schema: integer(0, 65535) }),
  API_TOKEN: setting({ shown: '(unset)', secret: true, help: 'bearer token the HTTP API requires; unset = open', schema: z.string() }),
  RATE_LIMIT: setting({
    def: '6000/1m',
    help: 'HTTP requests per client address per period, then 429 with Retry-After (a Grafana server is one client for all its users); 0 = no limit',
    schema: rateLimitSpec,
  }),
  TRUST_PROXY: setting({
    shown: '(unset: none; the socket address is the client)',
    help: 'reverse proxies in front of the API whose X-Forwarded-For names the client for RATE_LIMIT and LIVE_CONNECTIONS: their addresses or subnets (loopback, linklocal, uniquelocal name the usual ranges), comma-separated, or a hop count',
    schema: trustProxySpec,
  }),
  LIVE_CONNECTIONS: setting({
    def: '200',
    help: `Live WebSocket connections one client address may hold at once (each up to ${MAX_SUBSCRIPTIONS} subscriptions), then 429; 0 = no limit`,
    schema: integer(0, 1_000_000),
  }),
  WINDOWS: setting({ def: '30,100', help: `rolling analytics windows in bars (${MIN_WINDOW}..${MAX_WINDOW}), comma-separated`, schema: windowList }),
  ENTRY_Z: setting({
    def: String(DEFAULT_ENTRY_Z),
    help: 'signal entry threshold |z|',
    schema: number((n) => Number.isFinite(n) && n > 0, 'must be a number above 0'),
  }),
  EXIT_Z: setting({
    shown: '(unset)',
    help: 'signal exit threshold |z|, below ENTRY_Z',
    schema: number((n) => Number.isFinite(n) && n >= 0, 'must be a number from 0 up to (not including) ENTRY_Z'),
  }),
  // The live paper positions (issue 16): each setting takes what /api/backtest takes for its
  // parameter (the same schema, from the contract); the defaults are the backtest's.
  PAPER_EXIT: setting({
    shown: `(EXIT_Z when set, else ${BACKTEST_DEFAULTS.exit})`,
    help: 'paper position: a LONG exits once z >= -PAPER_EXIT, a SHORT once z <= PAPER_EXIT; below ENTRY_Z',
    schema: paperParam('exit'),
  }),
  PAPER_STOP: setting({
    shown: '(unset: no stop)',
    help: 'paper position: stop-loss, a LONG stops once z <= -PAPER_STOP, a SHORT once z >= PAPER_STOP; above ENTRY_Z',
    schema: paperParam('stop'),
  }),
  PAPER_MAX_HOLD: setting({ shown: '(unset: no time stop)', help: 'paper position: time stop, exit after this many bars held', schema: paperParam('maxHold') }),
  PAPER_COOLDOWN: setting({ def: String(BACKTEST_DEFAULTS.cooldown), help: 'paper position: bars without entry after a stop', schema: paperParam('cooldown') }),
  PAPER_LAG: setting({
    def: String(BACKTEST_DEFAULTS.lag),
    help: "paper position: bars from a decision to its fill at that bar's closes",
    schema: paperParam('lag'),
  }),
  PAPER_FEE_BPS: setting({
    def: String(BACKTEST_DEFAULTS.feeBps),
    help: "paper position: fee in basis points of each leg's traded notional, on every fill",
    schema: paperParam('feeBps'),
  }),
  PAPER_SLIPPAGE_BPS: setting({
    def: String(BACKTEST_DEFAULTS.slippageBps),
    help: 'paper position: slippage in basis points of the close, against the trade',
    schema: paperParam('slippageBps'),
  }),
  PAPER_NOTIONAL: setting({
    def: String(BACKTEST_DEFAULTS.notional),
    help: "paper position: capital, and each trade's y-leg notional (above 0)",
    schema: paperParam('notional'),
  }),
  UNIVERSE: setting({
    shown: '(the symbols of PAIRS)',
    help: 'symbols the pair scanner scans (and the collector ingests): a list, top:N = the N USDT symbols of largest 24 h quote volume, or all = every TRADING USDT spot symbol of exchangeInfo, ~400 (both looked up at start and every UNIVERSE_REFRESH)',
    schema: universeList,
  }),
  UNIVERSE_REFRESH: setting({
    shown: `${UNIVERSE_REFRESH_MS / 3_600_000}h`,
    help: 'UNIVERSE=top:N only (an error with a listed UNIVERSE): how often the top N is looked up again after start (/api/v3/ticker/24hr, weight 80)',
    schema: duration(60_000, 'must be a duration of at least 1m, such as 24h or 6h'),
  }),
  SCAN_RETENTION: setting({
    def: '7d',
    help: 'keep stored scans this long (a 100-symbol scan stores 4,950 rows, 288 scans a day at 5m); 0 = as long as RETENTION keeps bars',
    schema: durationOrForever('must be 0 (as long as RETENTION) or a duration such as 7d, 48h, 90m'),
  }),
  SCAN_BACKFILL: setting({
    def: '24h',
    help: 'at start, scan the closes of this span before the latest one that have no stored scan, at most 1,440 (the p-value history panels and alert rules have numbers at once); 0 = none',
    schema: durationOrForever('must be 0 (no backfill) or a duration such as 24h, 6h, 90m'),
  }),
  SCAN_THREADS: setting({
    shown: '(the cores: os.availableParallelism())',
    help: 'worker threads each scan shares its pairs among (results identical to one thread); 0 = in the main thread, between other work',
    schema: integer(0, 256),
  }),
  SCAN_TF: setting({
    def: SCAN.tf,
    help: 'timeframe of the pair scanner: a scan at each close',
    schema: oneOf<Timeframe>(TIMEFRAMES, `must be one of ${TIMEFRAMES.join(', ')}`),
  }),
  SCAN_WINDOW: setting({ def: String(SCAN.window), help: 'bars each scan covers (the trailing window)', schema: integer(20, MAX_WINDOW) }),
  SCAN_FDR: setting({
    def: String(SCAN_DEFAULTS.fdr),
    help: 'scanner: largest Benjamini-Hochberg q-value selected (false discovery rate)',
    schema: scanRule('fdr'),
  }),
  SCAN_MIN_HL: setting({
    def: String(SCAN_DEFAULTS.minHalfLife),
    help: 'scanner: shortest half-life selected, in bars',
    schema: scanRule('minHalfLife'),
  }),
  SCAN_MAX_HL: setting({
    def: String(SCAN_DEFAULTS.maxHalfLife),
    help: 'scanner: longest half-life selected, in bars',
    schema: scanRule('maxHalfLife'),
  }),
  SCAN_MAX_HURST: setting({
    def: String(SCAN_DEFAULTS.maxHurst),
    help: 'scanner: selected spreads have a Hurst exponent below this',
    schema: scanRule('maxHurst'),
  }),
  SCAN_MIN_CROSSINGS: setting({
    def: String(SCAN_DEFAULTS.minCrossings),
    help: 'scanner: fewest mean crossings of the spread in the window',
    schema: scanRule('minCrossings'),
  }),
  LOG_LEVEL: setting({
    def: 'info',
    help: 'debug | info | warn | error | silent',
    schema: oneOf<LogLevel>(['debug', 'info', 'warn', 'error', 'silent'], 'must be debug, info, warn, error or silent'),
  }),
  LOG_PRETTY: setting({ shown: '(1 when stderr is a terminal)', help: '1: human-readable log lines; 0: one JSON object per line', schema: flag }),
} satisfies SettingTable;

/** The command line's positionals and settings (--help as `help`), of the collector's SETTINGS unless `table` is given. */
export function parseArgv(argv: readonly string[], table: SettingTable = SETTINGS): { positionals: string[]; settings: Record<string, string>; help: boolean } {
  return parseTableArgv(argv, table);
}

/** The symbols of the pairs, in order of first appearance. */
function pairSymbols(pairs: readonly Pair[]): string[] {
  const symbols: string[] = [];
  for (const p of pairs) for (const s of [p.y, p.x]) if (!symbols.includes(s)) symbols.push(s);
  return symbols;
}

/** SYMBOLS against PAIRS: all by default, none for an API replica, else a subset of them. */
function ingestSymbolsOf(symbols: readonly string[], chosen: string[] | 'none' | undefined): string[] {
  if (chosen === undefined) return [...symbols];
  // An API replica: serves what other collectors store in the shared database, ingests nothing.
  if (chosen === 'none') return [];
  const out: string[] = [];
  for (const s of chosen) {
    if (!symbols.includes(s))
      throw new ConfigError('SYMBOLS', `SYMBOLS=${JSON.stringify(chosen.join(','))}: ${JSON.stringify(s)} is not a symbol of PAIRS (${symbols.join(', ')})`);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

function checkExitZ(entryZ: number, exitZ: number | undefined): number | null {
  if (exitZ === undefined) return null;
  if (exitZ >= entryZ)
    throw new ConfigError('EXIT_Z', `EXIT_Z=${JSON.stringify(String(exitZ))}: must be a number from 0 up to (not including) ENTRY_Z=${entryZ}`);
  return exitZ;
}

/** The PAPER_* setting of each backtest parameter (ENTRY_Z for entry). */
const PAPER_VARIABLE: Record<keyof PaperRulesDto, keyof typeof SETTINGS> = {
  entry: 'ENTRY_Z',
  exit: 'PAPER_EXIT',
  stop: 'PAPER_STOP',
  maxHold: 'PAPER_MAX_HOLD',
  cooldown: 'PAPER_COOLDOWN',
  lag: 'PAPER_LAG',
  feeBps: 'PAPER_FEE_BPS',
  slippageBps: 'PAPER_SLIPPAGE_BPS',
  notional: 'PAPER_NOTIONAL',
};

/**
 * The paper positions' rules: the PAPER_* settings, entry at ENTRY_Z, exit PAPER_EXIT else EXIT_Z
 * else the backtest's. Stop above and exit below the entry; then whatever else /api/backtest
 * refuses (backtestOptionsProblem, the collector's one check of backtest options: a notional of
 * 0) names its setting.
 */
function paperRules(v: SettingValues<typeof SETTINGS>, exitZ: number | null): PaperRulesDto {
  const entry = v.ENTRY_Z;
  const rules: PaperRulesDto = {
    entry,
    exit: v.PAPER_EXIT ?? exitZ ?? BACKTEST_DEFAULTS.exit,
    stop: v.PAPER_STOP ?? BACKTEST_DEFAULTS.stop,
    maxHold: v.PAPER_MAX_HOLD ?? BACKTEST_DEFAULTS.maxHold,
    cooldown: v.PAPER_COOLDOWN,
    lag: v.PAPER_LAG,
    feeBps: v.PAPER_FEE_BPS,
    slippageBps: v.PAPER_SLIPPAGE_BPS,
    notional: v.PAPER_NOTIONAL,
  };
  if (v.PAPER_EXIT !== undefined && v.PAPER_EXIT >= entry)
    throw new ConfigError(
      'PAPER_EXIT',
      `PAPER_EXIT=${JSON.stringify(String(v.PAPER_EXIT))}: must be below ENTRY_Z=${entry} (a paper position that could not exit once entered)`,
    );
  if (rules.stop !== null && rules.stop <= entry)
    throw new ConfigError(
      'PAPER_STOP',
      `PAPER_STOP=${JSON.stringify(String(rules.stop))}: must be above ENTRY_Z=${entry} (a stop at or inside the entry level would stop every trade as it enters)`,
    );
  const problem = backtestOptionsProblem({ ...BACKTEST_DEFAULTS, ...rules });
  if (problem) {
    const variable = PAPER_VARIABLE[problem.split(' ')[0] as keyof PaperRulesDto];
    const text = v[variable];
    throw new ConfigError(variable, `${variable}=${JSON.stringify(String(text))}: ${problem}`);
  }
  return rules;
}

/** Reads the configuration from `env` overridden by the flags in `argv`; positionals are ignored. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, argv: readonly string[] = []): Config {
  return configFrom(readSettings(SETTINGS, env, argv));
}

/**
 * The Config of parsed settings (the cross-setting rules: SYMBOLS within PAIRS, EXIT_Z below
 * ENTRY_Z, PAPER_EXIT below and PAPER_STOP above ENTRY_Z).
 */
export function configFrom(v: SettingValues<typeof SETTINGS>): Config {
  const pairSyms = pairSymbols(v.PAIRS);
  const universe = v.UNIVERSE ?? { symbols: pairSyms };
  // the collector ingests the universe's symbols besides the pairs' (top:N is resolved at start, then every UNIVERSE_REFRESH)
  const symbols = 'symbols' in universe ? [...pairSyms, ...universe.symbols.filter((s) => !pairSyms.includes(s))] : pairSyms;
  if (v.UNIVERSE_REFRESH !== undefined && 'symbols' in universe)
    throw new ConfigError(
      'UNIVERSE_REFRESH',
      `UNIVERSE_REFRESH=${JSON.stringify(durationText(v.UNIVERSE_REFRESH))}: applies to UNIVERSE=top:N or all only; UNIVERSE is ${v.UNIVERSE ? 'a list' : 'unset (the symbols of PAIRS)'}, which is never looked up again`,
    );
  const exitZ = checkExitZ(v.ENTRY_Z, v.EXIT_Z);
  if (v.SCAN_MIN_HL > v.SCAN_MAX_HL) throw new ConfigError('SCAN_MIN_HL', `SCAN_MIN_HL=${v.SCAN_MIN_HL} must not be above SCAN_MAX_HL=${v.SCAN_MAX_HL}`);
  return {
    pairs: v.PAIRS,
    symbols,
    ingestSymbols: ingestSymbolsOf(symbols, v.SYMBOLS),
    binanceWsUrl: v.BINANCE_WS_URL,
    binanceRestUrl: v.BINANCE_REST_URL,
    binanceFuturesWsUrl: v.BINANCE_FUTURES_WS_URL,
    binanceFuturesRestUrl: v.BINANCE_FUTURES_REST_URL,
    dbPath: v.DB_PATH,
    databaseUrl: v.DATABASE_URL ?? null,
    stream: v.STREAM,
    retentionMs: v.RETENTION === 'forever' ? null : v.RETENTION,
    history: v.HISTORY === 'off' ? null : v.HISTORY,
    outageKlinesAfterMs: v.OUTAGE_KLINES_AFTER,
    outageKlinesAfterTrades: v.OUTAGE_KLINES_AFTER_TRADES,
    stallTimeoutMs: v.STALL_TIMEOUT,
    host: v.HOST,
    port: v.PORT,
    apiToken: v.API_TOKEN ?? null,
    rateLimit: v.RATE_LIMIT === 'off' ? null : v.RATE_LIMIT,
    liveConnections: v.LIVE_CONNECTIONS === 0 ? null : v.LIVE_CONNECTIONS,
    trustProxy: v.TRUST_PROXY ?? null,
    windows: v.WINDOWS,
    entryZ: v.ENTRY_Z,
    exitZ,
    paper: paperRules(v, exitZ),
    scan: {
      universe,
      universeRefreshMs: v.UNIVERSE_REFRESH ?? UNIVERSE_REFRESH_MS,
      retentionMs: v.SCAN_RETENTION === 'forever' ? null : v.SCAN_RETENTION,
      backfillMs: v.SCAN_BACKFILL === 'forever' ? 0 : v.SCAN_BACKFILL,
      threads: v.SCAN_THREADS ?? availableParallelism(),
      tf: v.SCAN_TF,
      window: v.SCAN_WINDOW,
      thresholds: { fdr: v.SCAN_FDR, minHalfLife: v.SCAN_MIN_HL, maxHalfLife: v.SCAN_MAX_HL, maxHurst: v.SCAN_MAX_HURST, minCrossings: v.SCAN_MIN_CROSSINGS },
    },
    logLevel: v.LOG_LEVEL,
    logPretty: v.LOG_PRETTY ?? null,
  };
}

/** The `--help` text of the settings of `table`: flag, variable, help and default, one line each. */
export function settingsHelp(table: SettingTable = SETTINGS): string {
  return Object.entries(table)
    .map(([name, s]) => `  --${flagName(name).padEnd(17)} ${name.padEnd(17)} ${s.help} (default ${s.def ?? s.shown ?? '(unset)'})`)
    .join('\n');
}
