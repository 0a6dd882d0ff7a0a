/**
 * Grafana Live channel paths this data source serves. A channel id is `ds/<datasource uid>/<path>`,
 * at most 160 characters, path characters [A-Za-z0-9_\-/=.] (grafana-plugin-sdk-go
 * live/channel.go, `maxChannelLength`); the path grammar:
 *
 *   path    = ticks | pair | stats | bars
 *   ticks   = "ticks/" SYMBOL                           latest trade price of one symbol
 *   pair    = "pair/" LEGS [ HEDGE ] [ "/f" CODES ]     latest analytics point of the pair Y/X
 *                                                       (provisional, moves with every tick):
 *                                                       time + the coded fields in that order, or
 *                                                       time + all analytics columns without them
 *   stats   = "stats/" LEGS [ HEDGE ] [ "/e" NUM ] [ "/x" NUM ]
 *                                                       the stats query's row (/api/stats), entryZ, exitZ
 *   bars    = "bars/" SYMBOL "/" TF2                    each completed bar of the symbol
 *   LEGS    = Y "-" X "/" TF "/" WINDOW
 *   HEDGE   = "/t" | "/d" NUM "/v" NUM                  the Kalman hedge, tuned or with delta / Ve; absent: rolling OLS
 *   NUM     = the number as JavaScript prints it when that is at most 10 characters of [0-9.e-],
 *             else the 11 base64url characters of its IEEE-754 double (big-endian): exact at full
 *             precision, and never longer than 11
 *   CODES   = one letter per analytics field (FIELD_CODE), each at most once
 *   SYMBOL, Y, X = SYMBOL_PATTERN   TF = TIMEFRAMES   TF2 = LIVE_BAR_TIMEFRAMES   WINDOW = MIN_WINDOW..MAX_WINDOW
 *
 * Examples: `pair/ETHUSDT-BTCUSDT/1m/100`, `pair/ETHUSDT-BTCUSDT/1m/100/fsm` (spread, spreadMean),
 * `pair/ETHUSDT-BTCUSDT/1m/100/t/fz` (tuned Kalman z), `pair/ETHUSDT-BTCUSDT/1m/100/d1e-7/v0.5`,
 * `stats/ETHUSDT-BTCUSDT/1m/100/e2`, `ticks/BTCUSDT`, `bars/ETHUSDT/5m`.
 *
 * The path IS the query (no registry, no digest): Grafana re-runs RunStream, and browsers
 * re-subscribe after a reconnect, with the path alone. The runtime subscribes from `meta.channel`
 * without `data` (@grafana/data `parseLiveChannelAddress` sets scope, stream and path only), and
 * Grafana keys a stream by its channel, giving RunStream the `data` of the first subscriber
 * (pkg/services/live/runstream/manager.go, `registerStream` / `runStream`), so a query carried in
 * `data` would reach no plugin, and a digest known only to one plugin process would not survive its
 * restart. Hence a compact, exact, canonical spelling: one path per question (a path that is not
 * the canonical spelling of what it decodes to is refused), short at any settings the contract
 * allows (at most 112 path characters with two perpetual legs: test/backend/channel.test.ts and the Go host suite).
 *
 * The field subset is part of the channel because Grafana's StreamingDataFrame adopts the
 * schema of the stream: a panel asking for z alone must get packets with time + z alone, and two
 * panels asking for different subsets must not share a channel (one RunStream per channel).
 */
import {
  ANALYTICS_FIELDS,
  LIVE_BAR_TIMEFRAMES,
  QUERY_MODEL_VERSION,
  SYMBOL_PATTERN,
  TIMEFRAMES,
  type AnalyticsField,
  type LiveBarTimeframe,
} from '@quant-pairs/contract';
import { parseQuery, QueryError, type PairQ } from '../query/model';

/** Grafana's longest channel id (grafana-plugin-sdk-go v0.299.0 live/channel.go line 30, `maxChannelLength = 160`). */
export const MAX_CHANNEL_ID = 160;

export type Channel =
  | { kind: 'ticks'; symbol: string }
  /** `query` is the analytics query (pair) or the stats query the path names, validated as QueryData validates it. */
  | { kind: 'pair'; query: PairQ }
  | { kind: 'stats'; query: PairQ }
  | { kind: 'bars'; symbol: string; tf: LiveBarTimeframe };

/** The letter of each analytics field in a pair path (a Record: every field has one). */
export const FIELD_CODE: Readonly<Record<AnalyticsField, string>> = {
  beta: 'b',
  alpha: 'a',
  spread: 's',
  spreadMean: 'm',
  zscore: 'z',
  signal: 'g',
  correlation: 'c',
};

const SYMBOL = `(${SYMBOL_PATTERN})`;
const TF = `(${TIMEFRAMES.join('|')})`;
const BAR_TF = `(${LIVE_BAR_TIMEFRAMES.join('|')})`;
const DECIMAL = /^[0-9.e-]{1,10}$/;

/** A channel path as messages and logs show it: at most 200 characters (a fuzzed one was 10 MB). */
export function shownPath(path: string): string {
  return JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}...` : path);
}

/** NUM of the grammar: the short decimal, else the double's 8 bytes in base64url (11 characters). */
export function numToken(n: number): string {
  const s = String(n);
  if (DECIMAL.test(s)) return s;
  const b = Buffer.alloc(8);
  b.writeDoubleBE(n);
  return b.toString('base64url');
}

function tokenNum(t: string): number | undefined {
  const n = DECIMAL.test(t) ? Number(t) : /^[A-Za-z0-9_-]{11}$/.test(t) ? Buffer.from(t, 'base64url').readDoubleBE(0) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** The path of a live analytics (`pair`) or stats (`stats`) query: its canonical spelling. */
export function queryPath(q: PairQ): string {
  const kind = q.queryType === 'stats' ? 'stats' : 'pair';
  let p = `${kind}/${q.y}-${q.x}/${q.tf}/${q.window}`;
  const h = q.hedge;
  if (h.hedge === 'kalman') p += h.tune ? '/t' : `/d${numToken(h.delta!)}/v${numToken(h.ve!)}`;
  if (kind === 'stats') {
    if (q.entryZ !== undefined) p += `/e${numToken(q.entryZ)}`;
    if (q.exitZ !== undefined) p += `/x${numToken(q.exitZ)}`;
  } else if (q.fields && q.fields.length > 0) p += `/f${q.fields.map((f) => FIELD_CODE[f]).join('')}`;
  return p;
}

/** The query a pair or stats path names: its segments as a saved query model, through QueryData's own rules. */
function queryOf(kind: 'pair' | 'stats', y: string, x: string, tf: string, window: string, options: string): PairQ | { error: string } {
  const model: Record<string, unknown> = {
    version: QUERY_MODEL_VERSION,
    queryType: kind === 'pair' ? 'analytics' : 'stats',
    pair: `${y}/${x}`,
    timeframe: tf,
    window,
  };
  const keys = kind === 'pair' ? 'tdvf' : 'tdvex';
  for (const seg of options.split('/').slice(1)) {
    const key = seg[0]!;
    const value = seg.slice(1);
    if (!keys.includes(key) || (key === 't') !== (value === ''))
      return { error: `segment ${JSON.stringify(seg)} is not one of ${kind}'s (${[...keys].join(', ')})` };
    if (key === 't') Object.assign(model, { hedge: 'kalman', tune: true });
    else if (key === 'f') {
      const fields = [...value].map((c) => ANALYTICS_FIELDS.find((f) => FIELD_CODE[f] === c));
      const bad = [...value].find((_, i) => fields[i] === undefined);
      if (bad !== undefined)
        return { error: `unknown field code ${JSON.stringify(bad)}; codes are ${ANALYTICS_FIELDS.map((f) => `${FIELD_CODE[f]} ${f}`).join(', ')}` };
      if (new Set(fields).size !== fields.length) return { error: `the field codes ${JSON.stringify(value)} list a field twice` };
      model.fields = fields;
    } else {
      const n = tokenNum(value);
      if (n === undefined) return { error: `${JSON.stringify(value)} is not a number (a short decimal or 11 base64url characters)` };
      const name = { d: 'delta', v: 've', e: 'entryZ', x: 'exitZ' }[key as 'd' | 'v' | 'e' | 'x'];
      model[name] = n;
      if (key === 'd' || key === 'v') model.hedge = 'kalman';
    }
  }
  try {
    return parseQuery({ refId: 'live', json: Buffer.from(JSON.stringify({ ...model, live: true })), timeRange: { fromEpochMS: 0, toEpochMS: 1 } }) as PairQ;
  } catch (e) {
    if (e instanceof QueryError) return { error: e.message };
    throw e;
  }
}

export function parseChannelPath(path: string): Channel | { error: string } {
  let m = new RegExp(`^ticks/${SYMBOL}$`).exec(path);
  if (m) return { kind: 'ticks', symbol: m[1]! };
  m = new RegExp(`^(pair|stats)/${SYMBOL}-${SYMBOL}/${TF}/(\\d{1,9})((?:/[a-z][0-9A-Za-z_.-]*)*)$`).exec(path);
  if (m) {
    const kind = m[1] as 'pair' | 'stats';
    const query = queryOf(kind, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!);
    if ('error' in query) return query;
    // one spelling per question, so that two panels asking it share one RunStream
    const canonical = queryPath(query);
    if (canonical !== path) return { error: `channel path ${shownPath(path)} is not in canonical form; the same question is ${shownPath(canonical)}` };
    return { kind, query };
  }
  m = new RegExp(`^bars/${SYMBOL}/${BAR_TF}$`).exec(path);
  if (m) return { kind: 'bars', symbol: m[1]!, tf: m[2] as LiveBarTimeframe };
  return {
    error: `unknown channel path ${shownPath(path)}; expected ticks/<SYMBOL>, pair/<Y>-<X>/<tf>/<window>, stats/<Y>-<X>/<tf>/<window> or bars/<SYMBOL>/<1m|5m>`,
  };
}

export function ticksPath(symbol: string): string {
  return `ticks/${symbol}`;
}
export function barsPath(symbol: string, tf: string): string {
  return `bars/${symbol}/${tf}`;
}
/** The full channel id a frame's meta.channel carries. */
export function channelId(uid: string, path: string): string {
  return `ds/${uid}/${path}`;
}
