/**
 * Logging for a go-plugin child: one JSON object per line on **stderr** in hclog's JSON form
 * (`{"@level":"info","@message":"...","@timestamp":"2006-01-02T15:04:05.000000Z07:00",...}`),
 * which go-plugin parses and re-logs under Grafana's logger with the plugin id. stdout belongs
 * to the handshake line alone. Level from `GF_PLUGIN_LOG_LEVEL` or `LOG_LEVEL`
 * (trace|debug|info|warn|error|off; default info).
 */
export type HcLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<HcLevel | 'off', number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, off: 9 };

function initialLevel(): number {
  const env = (process.env.GF_PLUGIN_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info').toLowerCase();
  return ORDER[env as HcLevel] ?? ORDER.info;
}

let min = initialLevel();
let sink: (line: string) => void = (line) => process.stderr.write(line + '\n');

/** hclog's timestamp layout: microseconds and a zone (`Z` for UTC). */
function hclogTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function emit(level: HcLevel, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < min) return;
  const rec: Record<string, unknown> = { '@level': level, '@message': msg, '@timestamp': hclogTime(new Date()) };
  if (fields) for (const [k, v] of Object.entries(fields)) rec[k] = v instanceof Error ? v.message : v;
  sink(JSON.stringify(rec));
}

export const log = {
  trace: (msg: string, f?: Record<string, unknown>) => emit('trace', msg, f),
  debug: (msg: string, f?: Record<string, unknown>) => emit('debug', msg, f),
  info: (msg: string, f?: Record<string, unknown>) => emit('info', msg, f),
  warn: (msg: string, f?: Record<string, unknown>) => emit('warn', msg, f),
  error: (msg: string, f?: Record<string, unknown>) => emit('error', msg, f),
  configure(opts: { level?: HcLevel | 'off'; sink?: (line: string) => void }): void {
    if (opts.level) min = ORDER[opts.level];
    if (opts.sink) sink = opts.sink;
  },
};
