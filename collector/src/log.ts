/**
 * Logging, on pino: one JSON object per line on stderr, or pino-pretty's coloured lines when
 * stderr is a terminal (LOG_PRETTY=1 forces them, LOG_PRETTY=0 forbids them).
 * `LOG_LEVEL` = debug | info | warn | error | silent (default info; tests run with warn).
 *
 *   log.info('ws connected', { url, streams: 4 })
 *   // {"level":"info","time":"2026-11-26T05:14:29.123Z","msg":"ws connected","url":"...","streams":4}
 *
 * An Error in any field is logged with its type, message and stack (pino's err serializer).
 * Secrets never reach the output: the password of any `scheme://user:password@host` URL, the
 * values of fields named token / apiToken / password / authorization / databaseUrl, and every
 * value registered with `log.configure({ secrets })` (the API token) are written `[redacted]`,
 * wherever they appear in a line (message, field, error message or stack).
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type Level = 'debug' | 'info' | 'warn' | 'error';
type Fields = Record<string, unknown>;

const REDACTED = '[redacted]';
const SECRET_KEYS = ['token', 'apiToken', 'password', 'authorization', 'databaseUrl'];
/** `postgres://user:secret@host` -> `postgres://user:[redacted]@host` */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@"]*:)[^@/?#\s"]*@/gi;

let secrets: string[] = [];
let sink: (line: string) => void = defaultSink();

/** Where the lines go: stderr as JSON, or through pino-pretty on a terminal. */
function defaultSink(human: boolean | null = prettyFromEnv()): (line: string) => void {
  if (!(human ?? process.stderr.isTTY === true)) return (line) => void process.stderr.write(line + '\n');
  const stream = pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss.l' });
  return (line) => void stream.write(line + '\n');
}

/** LOG_PRETTY as read before the configuration is: 1 / 0, or null (decide by the terminal). */
function prettyFromEnv(): boolean | null {
  const flag = process.env.LOG_PRETTY?.trim().toLowerCase();
  if (flag === undefined || flag === '') return null;
  return !/^(0|false|no|off)$/.test(flag);
}

/** Replaces every secret in a serialized line (as JSON-escaped text: that is how it appears there). */
function scrub(line: string): string {
  let out = line.replace(URL_PASSWORD, `$1${REDACTED}@`);
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}

const logger: Logger = pino(
  {
    level: initialLevel(),
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // emit() serializes every Error itself, whatever its field's name
    serializers: { err: (v: unknown) => v },
    redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: REDACTED },
  },
  { write: (s: string) => sink(scrub(s.endsWith('\n') ? s.slice(0, -1) : s)) },
);

/** LOG_LEVEL as read before the configuration is (a bad value is reported by loadConfig, not here). */
function initialLevel(): Level | 'silent' {
  const env = process.env.LOG_LEVEL?.toLowerCase();
  if (env === 'debug' || env === 'info' || env === 'warn' || env === 'error' || env === 'silent') return env;
  return process.env.JEST_WORKER_ID ? 'warn' : 'info';
}

function emit(level: Level, msg: string, fields?: Fields): void {
  if (!logger.isLevelEnabled(level)) return;
  if (!fields) return logger[level](msg);
  const rec: Fields = {};
  for (const [k, v] of Object.entries(fields)) rec[k] = v instanceof Error ? pino.stdSerializers.err(v) : v;
  logger[level](rec, msg);
}

export const log = {
  debug: (msg: string, fields?: Fields) => emit('debug', msg, fields),
  info: (msg: string, fields?: Fields) => emit('info', msg, fields),
  warn: (msg: string, fields?: Fields) => emit('warn', msg, fields),
  error: (msg: string, fields?: Fields) => emit('error', msg, fields),
  /**
   * Sets the level, pretty or JSON lines on stderr (null: pretty on a terminal), registers secret values to redact (empty and unset ones are ignored), or,
   * for tests, captures lines (without their newline) instead of writing them.
   */
  configure(opts: {
    level?: Level | 'silent';
    pretty?: boolean | null;
    sink?: (line: string) => void;
    secrets?: ReadonlyArray<string | null | undefined>;
  }): void {
    if (opts.level) logger.level = opts.level;
    if (opts.pretty !== undefined) sink = defaultSink(opts.pretty);
    if (opts.sink) sink = opts.sink;
    if (opts.secrets) secrets = opts.secrets.filter((s): s is string => typeof s === 'string' && s !== '').map((s) => JSON.stringify(s).slice(1, -1));
  },
};

/** The secrets of a configuration: the API token and the password of the database URL. */
export function configSecrets(config: { apiToken: string | null; databaseUrl: string | null }): string[] {
  const out: string[] = [];
  if (config.apiToken) out.push(config.apiToken);
  if (config.databaseUrl) {
    try {
      const pw = decodeURIComponent(new URL(config.databaseUrl).password);
      if (pw) out.push(pw, encodeURIComponent(pw));
    } catch {
      /* not a URL: loadConfig rejects it before anything logs */
    }
  }
  return out;
}

/**
 * Logs a message once per `kind` and counts every occurrence, for noisy conditions such as
 * malformed messages: the first of each kind is logged, the rest only counted.
 */
export class OnceLogger {
  readonly counts = new Map<string, number>();
  warn(kind: string, msg: string, fields?: Record<string, unknown>): void {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    if (n === 1) log.warn(msg, { kind, ...fields, note: 'further messages of this kind are counted, not logged' });
  }
  total(): number {
    let s = 0;
    for (const n of this.counts.values()) s += n;
    return s;
  }
}
