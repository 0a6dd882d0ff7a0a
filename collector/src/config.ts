/**
 * Configuration from environment variables and the same settings as CLI flags.
 *
 * Every setting has one name: `PAIRS` in the environment is `--pairs` on the command line
 * (`--pairs=ETHUSDT/BTCUSDT` or `--pairs ETHUSDT/BTCUSDT`); a flag wins over the variable.
 * A bad value throws a `ConfigError` naming the variable, so start-up stops with a clear message:
 *
 *   loadConfig({ PORT: 'eighty' }, [])
 *   // ConfigError: PORT="eighty": must be an integer from 0 to 65535
 */
import { DEFAULT_ENTRY_Z, MAX_WINDOW, MIN_WINDOW } from '@quant-pairs/contract';
import { parsePair, type Pair } from './domain';
import type { StreamKind } from './ingest/types';

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
  dbPath: string;
  /** PostgreSQL connection string; when set, the PostgreSQL store is used instead of SQLite. */
  databaseUrl: string | null;
  stream: StreamKind;
  /** Ticks and bars older than this many ms are deleted; null keeps everything. */
  retentionMs: number | null;
  /** A WebSocket silent (no message, no ping) this long, in ms, is dropped and reopened. */
  stallTimeoutMs: number;
  host: string;
  port: number;
  /** Bearer token required by the HTTP API; null means no authentication. */
  apiToken: string | null;
  /** Rolling analytics windows, in bars. */
  windows: number[];
  entryZ: number;
  exitZ: number | null;
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Every setting: environment name, default, and a one-line description for `--help`. */
export const SETTINGS: ReadonlyArray<{ name: string; def: string; help: string }> = [
  { name: 'PAIRS', def: 'ETHUSDT/BTCUSDT,SOLUSDT/BTCUSDT', help: 'pairs y/x, comma-separated; x is the hedge leg' },
  { name: 'SYMBOLS', def: '(all symbols of PAIRS)', help: 'subset of the pair symbols this collector ingests (scale-out); none = API replica that ingests nothing' },
  { name: 'STREAM', def: 'trade', help: 'Binance stream: trade | aggTrade' },
  { name: 'BINANCE_WS_URL', def: 'wss://data-stream.binance.vision', help: 'Binance WebSocket base URL' },
  { name: 'BINANCE_REST_URL', def: 'https://api.binance.com', help: 'Binance REST base URL (gap backfill)' },
  { name: 'DB_PATH', def: './data/collector.db', help: 'SQLite database file' },
  { name: 'DATABASE_URL', def: '(unset)', help: 'PostgreSQL URL; when set, used instead of SQLite' },
  { name: 'RETENTION', def: '0', help: 'keep ticks and bars this long: 7d, 24h, 90m; 0 keeps forever' },
  { name: 'STALL_TIMEOUT', def: '60s', help: 'reopen the WebSocket after this long without a message or ping (Binance pings every 20 s)' },
  { name: 'HOST', def: '127.0.0.1', help: 'HTTP API listen address' },
  { name: 'PORT', def: '8080', help: 'HTTP API port' },
  { name: 'API_TOKEN', def: '(unset)', help: 'bearer token the HTTP API requires; unset = open' },
  { name: 'WINDOWS', def: '30,100', help: 'rolling analytics windows in bars, comma-separated' },
  { name: 'ENTRY_Z', def: '2', help: 'signal entry threshold |z|' },
  { name: 'EXIT_Z', def: '(unset)', help: 'signal exit threshold |z|, below ENTRY_Z' },
  { name: 'LOG_LEVEL', def: 'info', help: 'debug | info | warn | error | silent' },
];
const KNOWN = new Set(SETTINGS.map((s) => s.name));

/** `--db-path` -> `DB_PATH`. */
export function flagToVariable(flag: string): string {
  return flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}

/**
 * Splits the command line into positionals and settings. `--name=value` and `--name value`
 * are settings; `--help`/`-h` is reported as `help`. Unknown flags throw.
 */
export function parseArgv(argv: readonly string[]): { positionals: string[]; settings: Record<string, string>; help: boolean } {
  const positionals: string[] = [];
  const settings: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      help = true;
      continue;
    }
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = flagToVariable(eq >= 0 ? a.slice(0, eq) : a);
    if (!KNOWN.has(name)) throw new ConfigError(name, `unknown option ${a.split('=')[0]} (see --help)`);
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(name, `option ${a} needs a value`);
      i++;
    }
    settings[name] = value;
  }
  return { positionals, settings, help };
}

/** Reads the configuration from `env` overridden by the flags in `argv`; positionals are ignored. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, argv: readonly string[] = []): Config {
  const { settings } = parseArgv(argv);
  const get = (name: string): string | undefined => {
    const v = settings[name] ?? env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const fail = (name: string, why: string): never => {
    throw new ConfigError(name, `${name}=${JSON.stringify(get(name))}: ${why}`);
  };

  const pairsText = get('PAIRS') ?? 'ETHUSDT/BTCUSDT,SOLUSDT/BTCUSDT';
  const pairs: Pair[] = [];
  for (const part of pairsText.split(',')) {
    try {
      const p = parsePair(part);
      if (pairs.some((q) => q.id === p.id)) fail('PAIRS', `${p.id} is listed twice`);
      pairs.push(p);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      fail('PAIRS', (e as Error).message);
    }
  }
  const symbols: string[] = [];
  for (const p of pairs) for (const s of [p.y, p.x]) if (!symbols.includes(s)) symbols.push(s);

  let ingestSymbols = symbols;
  const symText = get('SYMBOLS');
  if (symText !== undefined && symText.trim().toLowerCase() === 'none') {
    // An API replica: serves what other collectors store in the shared database, ingests nothing.
    ingestSymbols = [];
  } else if (symText !== undefined) {
    ingestSymbols = [];
    for (const raw of symText.split(',')) {
      const s = raw.trim().toUpperCase();
      if (!symbols.includes(s)) fail('SYMBOLS', `${JSON.stringify(raw.trim())} is not a symbol of PAIRS (${symbols.join(', ')})`);
      if (!ingestSymbols.includes(s)) ingestSymbols.push(s);
    }
  }

  const url = (name: string, def: string, protocols: string[]): string => {
    const v = get(name) ?? def;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      return fail(name, 'is not a URL');
    }
    if (!protocols.includes(u.protocol)) fail(name, `must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL`);
    return v.replace(/\/+$/, '');
  };
  const binanceWsUrl = url('BINANCE_WS_URL', 'wss://data-stream.binance.vision', ['ws:', 'wss:']);
  const binanceRestUrl = url('BINANCE_REST_URL', 'https://api.binance.com', ['http:', 'https:']);
  const databaseUrl = get('DATABASE_URL') === undefined ? null : url('DATABASE_URL', '', ['postgres:', 'postgresql:']);

  const streamText = get('STREAM') ?? 'trade';
  const stream = streamText.toLowerCase() === 'trade' ? 'trade' : streamText.toLowerCase() === 'aggtrade' ? 'aggTrade' : fail('STREAM', 'must be trade or aggTrade');

  const retentionText = get('RETENTION') ?? '0';
  const retentionMs = parseDuration(retentionText);
  if (retentionMs === undefined) fail('RETENTION', 'must be 0 (keep forever) or a duration such as 7d, 24h, 90m, 3600s');

  const stallTimeoutMs = parseDuration(get('STALL_TIMEOUT') ?? '60s');
  if (stallTimeoutMs === undefined || stallTimeoutMs === null || stallTimeoutMs < 100) fail('STALL_TIMEOUT', 'must be a duration of at least 100ms, such as 60s or 2m');

  const port = Number(get('PORT') ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('PORT', 'must be an integer from 0 to 65535');

  const windows: number[] = [];
  for (const w of (get('WINDOWS') ?? '30,100').split(',')) {
    const n = Number(w.trim());
    // The API's bounds: every configured window can also be queried (GET /api/analytics?window=).
    if (!Number.isInteger(n) || n < MIN_WINDOW || n > MAX_WINDOW) fail('WINDOWS', `${JSON.stringify(w.trim())} is not a whole number of bars from ${MIN_WINDOW} to ${MAX_WINDOW}`);
    if (!windows.includes(n)) windows.push(n);
  }

  const entryZ = Number(get('ENTRY_Z') ?? String(DEFAULT_ENTRY_Z));
  if (!Number.isFinite(entryZ) || entryZ <= 0) fail('ENTRY_Z', 'must be a number above 0');
  const exitText = get('EXIT_Z');
  const exitZ = exitText === undefined ? null : Number(exitText);
  if (exitZ !== null && (!Number.isFinite(exitZ) || exitZ < 0 || exitZ >= entryZ)) fail('EXIT_Z', `must be a number from 0 up to (not including) ENTRY_Z=${entryZ}`);

  const logLevel = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) fail('LOG_LEVEL', 'must be debug, info, warn, error or silent');

  const host = get('HOST') ?? '127.0.0.1';
  if (/\s/.test(host)) fail('HOST', 'must be a host name or address');

  return {
    pairs,
    symbols,
    ingestSymbols,
    binanceWsUrl,
    binanceRestUrl,
    dbPath: get('DB_PATH') ?? './data/collector.db',
    databaseUrl,
    stream,
    retentionMs: retentionMs ?? null,
    stallTimeoutMs: stallTimeoutMs!,
    host,
    port,
    apiToken: get('API_TOKEN') ?? null,
    windows,
    entryZ,
    exitZ,
    logLevel: logLevel as LogLevel,
  };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `0` -> null (forever); `7d` -> 604800000; anything else -> undefined. */
export function parseDuration(text: string): number | null | undefined {
  if (text.trim() === '0') return null;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** The `--help` text of the settings. */
export function settingsHelp(): string {
  return SETTINGS.map((s) => `  --${s.name.toLowerCase().replace(/_/g, '-').padEnd(17)} ${s.name.padEnd(17)} ${s.help} (default ${s.def})`).join('\n');
}
