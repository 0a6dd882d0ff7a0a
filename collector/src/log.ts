/**
 * Structured logging: one JSON object per line on stderr, quiet by default.
 * `LOG_LEVEL` = debug | info | warn | error | silent (default info; tests run with warn).
 *
 *   log.info('ws connected', { url, streams: 4 })
 *   // {"level":"info","time":"2026-11-26T05:14:29.123Z","msg":"ws connected","url":"...","streams":4}
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function threshold(): number {
  const env = (process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'warn' : 'info')).toLowerCase();
  return ORDER[env as Level] ?? ORDER.info;
}

let min = threshold();
let sink: (line: string) => void = (line) => process.stderr.write(line + '\n');

function emit(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < min) return;
  const rec: Record<string, unknown> = { level, time: new Date().toISOString(), msg };
  if (fields) {
    for (const [k, v] of Object.entries(fields)) rec[k] = v instanceof Error ? v.message : v;
  }
  sink(JSON.stringify(rec));
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => emit('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => emit('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => emit('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => emit('error', msg, fields),
  /** For tests: capture lines instead of writing them, and/or change the level. */
  configure(opts: { level?: Level | 'silent'; sink?: (line: string) => void }): void {
    if (opts.level) min = ORDER[opts.level];
    if (opts.sink) sink = opts.sink;
  },
};

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
