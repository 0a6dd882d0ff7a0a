/**
 * The value schemas of the collector's settings: each turns a setting's text (trimmed, never
 * empty) into its value, or fails with an issue saying what is expected; and ConfigError, which
 * names the setting at fault; what a setting is (Setting) and how a table of them is read
 * (readSettings). The collector's settings themselves: ./config.ts.
 */
import { MAX_WINDOW, MIN_WINDOW, isSymbol } from '@quant-pairs/contract';
import { backtestRequest } from '@quant-pairs/contract/requests';
import { z } from 'zod';
import { CommandLineError, parseCommandLine, type Options } from './cli/commandLine';
import { SCAN_THRESHOLD_RULES, type ScanThresholds } from './analytics/scan';
import { TIMEFRAMES, parsePair, type Pair, type Timeframe } from './domain';
import { trustOf, type TrustProxy } from './api/http/client-address';
import type { ScanConfig } from './config';
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

// ---- value schemas: text (trimmed, never empty) -> value, or an issue saying what is expected ----

/** A schema from the setting's text, failing with `why` when `parse` returns undefined or throws. */
export function textTo<T>(parse: (text: string) => T | undefined, why: string | ((text: string) => string)): z.ZodType<T, string> {
  return z.string().transform((text, ctx) => {
    let v: T | undefined;
    let reason: string | undefined;
    try {
      v = parse(text);
    } catch (e) {
      reason = (e as Error).message;
    }
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: reason ?? (typeof why === 'string' ? why : why(text)) });
      return z.NEVER;
    }
    return v;
  });
}

export const integer = (min: number, max: number) =>
  textTo((t) => (/^[+-]?\d+$/.test(t) && Number(t) >= min && Number(t) <= max ? Number(t) : undefined), `must be an integer from ${min} to ${max}`);

export const number = (ok: (n: number) => boolean, why: string) => textTo((t) => (t !== '' && ok(Number(t)) ? Number(t) : undefined), why);

/** A scanner threshold, by the rule the scan CLI's flag follows too (SCAN_THRESHOLD_RULES). */
export const scanRule = (key: keyof ScanThresholds) => number(SCAN_THRESHOLD_RULES[key].ok, `must be ${SCAN_THRESHOLD_RULES[key].rule}`);

/** A URL of one of `protocols`, without trailing slashes. */
export const url = (protocols: string[]) =>
  textTo((t) => {
    let u: URL;
    try {
      u = new URL(t);
    } catch {
      throw new Error('is not a URL');
    }
    if (!protocols.includes(u.protocol)) throw new Error(`must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL`);
    return t.replace(/\/+$/, '');
  }, 'is not a URL');

/** `PAIRS`: pairs y/x, comma-separated, each once. */
export const pairList = textTo((t) => {
  const pairs: Pair[] = [];
  for (const part of t.split(',')) {
    const p = parsePair(part);
    if (pairs.some((q) => q.id === p.id)) throw new Error(`${p.id} is listed twice`);
    pairs.push(p);
  }
  return pairs;
}, 'must be pairs such as ETHUSDT/BTCUSDT');

/** `SYMBOLS`: `none`, or upper-cased symbols (checked against PAIRS in `crossCheck`). */
export const symbolList = textTo((t) => (t.toLowerCase() === 'none' ? ('none' as const) : t.split(',').map((s) => s.trim().toUpperCase())), '');

export const windowList = textTo((t) => {
  const windows: number[] = [];
  for (const raw of t.split(',')) {
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isInteger(n) || n < MIN_WINDOW || n > MAX_WINDOW)
      throw new Error(`${JSON.stringify(raw.trim())} is not a whole number of bars from ${MIN_WINDOW} to ${MAX_WINDOW}`);
    if (!windows.includes(n)) windows.push(n);
  }
  return windows;
}, 'must be whole numbers of bars');

/** A duration of at least `minMs`, such as 60s or 2m. */
export const duration = (minMs: number, why: string) =>
  textTo((t) => {
    const ms = parseDuration(t);
    return typeof ms === 'number' && ms >= minMs ? ms : undefined;
  }, why);

/** A duration, or 0 for forever. */
export const durationOrForever = (why: string) =>
  textTo((t) => {
    const ms = parseDuration(t);
    return ms === null ? ('forever' as const) : ms;
  }, why);

/** `UNIVERSE`: symbols, comma-separated, top:N, or all. */
export const universeList = textTo<ScanConfig['universe']>((t) => {
  if (t.trim().toLowerCase() === 'all') return { top: 'all' };
  const top = /^top:(\d+)$/i.exec(t);
  if (top) {
    const n = Number(top[1]);
    if (n < 2 || n > 1000) throw new Error(`top:${top[1]}: N must be from 2 to 1000`);
    return { top: n };
  }
  const symbols: string[] = [];
  for (const raw of t.split(',')) {
    const sym = raw.trim().toUpperCase();
    if (!isSymbol(sym)) throw new Error(`${JSON.stringify(raw.trim())} is not a symbol such as BTCUSDT`);
    if (!symbols.includes(sym)) symbols.push(sym);
  }
  if (symbols.length < 2) throw new Error('needs at least 2 symbols (or top:N, or all)');
  return { symbols };
}, 'must be symbols such as BTCUSDT,ETHUSDT,SOLUSDT, top:N or all');

/** `HISTORY`: `0` (none) or timeframe:duration pairs, e.g. 1s:2h,1m:3d,5m:14d. */
export const historyList = textTo((t) => {
  if (t.trim() === '0') return 'off' as const;
  const out: Partial<Record<Timeframe, number>> = {};
  for (const part of t.split(',')) {
    const [tf, d] = part.split(':').map((x) => x.trim());
    if (!TIMEFRAMES.includes(tf as Timeframe)) throw new Error(`${JSON.stringify(part.trim())}: the timeframe must be one of ${TIMEFRAMES.join(', ')}`);
    const ms = parseDuration(d ?? '');
    if (typeof ms !== 'number') throw new Error(`${JSON.stringify(part.trim())}: the duration must be such as 2h, 3d, 90m`);
    out[tf as Timeframe] = ms;
  }
  return out;
}, 'must be 0 or timeframe:duration pairs such as 1m:3d,5m:14d');

/** `RATE_LIMIT`: `0` (none) or requests/duration, e.g. 6000/1m. */
export const rateLimitSpec = textTo((t) => {
  if (t.trim() === '0') return 'off' as const;
  const m = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(t);
  const windowMs = m ? parseDuration(m[2]!) : undefined;
  const limit = m ? Number(m[1]) : 0;
  return typeof windowMs === 'number' && limit >= 1 && Number.isSafeInteger(limit) ? { limit, windowMs } : undefined;
}, 'must be 0 (no limit) or requests/duration such as 6000/1m or 100/1s');

/** TRUST_PROXY: a hop count, or addresses / subnets / proxy-addr's names, comma-separated (checked by compiling them). */
export const trustProxySpec = textTo((t): TrustProxy | undefined => {
  if (/^\s*\d+\s*$/.test(t)) {
    const hops = Number(t);
    return hops >= 1 && hops <= 10 ? { hops } : undefined;
  }
  const addresses = t
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (addresses.length === 0) return undefined;
  try {
    trustOf({ addresses });
  } catch {
    return undefined;
  }
  return { addresses };
}, 'must be a hop count from 1 to 10, or addresses or subnets (such as 10.0.0.0/8, ::1) and the names loopback, linklocal, uniquelocal, comma-separated');

export const oneOf = <T extends string>(values: readonly T[], why: string) => textTo((t) => values.find((v) => v.toLowerCase() === t.toLowerCase()), why);

/**
 * The schema /api/backtest reads its parameter `name` with (@quant-pairs/contract/requests): a
 * PAPER_* setting takes exactly what the API takes, with the API's message (its default is the
 * setting's own, from BACKTEST_DEFAULTS).
 */
export function paperParam(name: 'exit' | 'stop' | 'maxHold' | 'cooldown' | 'lag' | 'feeBps' | 'slippageBps' | 'notional'): z.ZodType<number, string> {
  return backtestRequest.shape[name].unwrap();
}

export const flag = textTo((t) => (/^(1|true|yes|on)$/i.test(t) ? true : /^(0|false|no|off)$/i.test(t) ? false : undefined), 'must be 1 or 0');

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** parseDuration's inverse for a positive duration, in the largest unit that divides it: 21600000 -> `6h`. */
export function durationText(ms: number): string {
  const [unit, size] = Object.entries(UNIT_MS)
    .sort((a, b) => b[1] - a[1])
    .find(([, n]) => ms % n === 0)!;
  return `${ms / size}${unit}`;
}

/** `0` -> null (forever); `7d` -> 604800000; anything else -> undefined. */
export function parseDuration(text: string): number | null | undefined {
  if (text.trim() === '0') return null;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : undefined;
}

// ---- the command line ----

/** `DB_PATH` -> `db-path` (the flag's name without its dashes). */
export const flagName = (variable: string): string => variable.toLowerCase().replace(/_/g, '-');

/** `--db-path` -> `DB_PATH`. */
function flagToVariable(flag: string): string {
  return flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}

/**
 * Splits the command line into positionals and settings (node:util.parseArgs): `--name=value`
 * and `--name value` are settings; `--help`/`-h` is reported as `help`. Unknown flags and flags
 * without a value throw a ConfigError.
 */
export function parseArgv(argv: readonly string[], table: SettingTable): { positionals: string[]; settings: Record<string, string>; help: boolean } {
  const options: Options = { help: { type: 'boolean', short: 'h' } };
  for (const name of Object.keys(table)) options[flagName(name)] = { type: 'string' };
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv, options);
  } catch (e) {
    if (!(e instanceof CommandLineError)) throw e;
    const variable = flagToVariable(e.option.replace(/^-+/, ''));
    throw new ConfigError(variable, e.message.startsWith('unknown option') ? `${e.message} (see --help)` : e.message);
  }
  const settings: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.values)) if (k !== 'help' && typeof v === 'string') settings[flagToVariable(k)] = v;
  return { positionals: parsed.positionals, settings, help: parsed.values.help === true };
}

// ---- settings: a name, a default, help and the schema of the value ----

export interface Setting<T = unknown> {
  help: string;
  /** The default, as it would be written; none: the setting is unset unless given. */
  def?: string;
  /** What --help shows as the default when `def` is absent. */
  shown?: string;
  /** The value is never repeated in a message. */
  secret?: boolean;
  schema: z.ZodType<T, string>;
}
export type SettingTable = Record<string, Setting>;
export function setting<T>(s: Setting<T> & { def: string }): Setting<T> & { def: string };
export function setting<T>(s: Setting<T>): Setting<T>;
export function setting<T>(s: Setting<T>): Setting<T> {
  return s;
}

/** The value of each setting: its schema's output, or undefined for an unset setting without a default. */
export type SettingValues<S extends SettingTable> = {
  [K in keyof S]: S[K] extends Setting<infer T> ? (S[K] extends { def: string } ? T : T | undefined) : never;
};

// ---- reading and checking ----

/** Each setting's text: the flag, else the variable, trimmed; blank counts as unset. */
function settingTexts(
  table: SettingTable,
  env: Readonly<Record<string, string | undefined>>,
  flags: Record<string, string>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of Object.keys(table)) {
    const v = (flags[name] ?? env[name])?.trim();
    out[name] = v === undefined || v === '' ? undefined : v;
  }
  return out;
}

/** `NAME="value"` for a message; a secret is not repeated (a URL keeps all but its password). */
function shownValue(name: string, s: Setting, text: string | undefined): string {
  if (!s.secret || text === undefined) return `${name}=${JSON.stringify(text)}`;
  const withoutPassword = text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, '$1[redacted]@');
  return withoutPassword === text && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? `${name}=[redacted]` : `${name}=${JSON.stringify(withoutPassword)}`;
}

/** Parses every setting of `table` with its schema; the first bad one throws a ConfigError naming it. */
export function readSettings<S extends SettingTable>(
  table: S,
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[] = [],
): SettingValues<S> {
  const texts = settingTexts(table, env, parseArgv(argv, table).settings);
  const values: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(table)) {
    const text = texts[name] ?? s.def;
    if (text === undefined) continue;
    const r = s.schema.safeParse(text);
    if (!r.success) throw new ConfigError(name, `${shownValue(name, s, texts[name] ?? s.def)}: ${r.error.issues[0]?.message ?? 'invalid'}`);
    values[name] = r.data;
  }
  return values as SettingValues<S>;
}
