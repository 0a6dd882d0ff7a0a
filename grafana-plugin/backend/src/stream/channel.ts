/**
 * Grafana Live channel paths this data source serves. A channel id is `ds/<datasource uid>/<path>`;
 * the path grammar (characters [A-Za-z0-9_\-/=.] as Grafana allows):
 *
 *   path    = ticks | pair | bars
 *   ticks   = "ticks/" SYMBOL                           latest trade price of one symbol
 *   pair    = "pair/" Y "-" X "/" TF "/" WINDOW [ "/" FIELDS ]
 *                                                       latest analytics point of the pair Y/X
 *                                                       (provisional, moves with every tick):
 *                                                       time + FIELDS in that order, or time + all
 *                                                       analytics columns without FIELDS
 *   bars    = "bars/" SYMBOL "/" TF2                    each completed bar of the symbol
 *   SYMBOL, Y, X = SYMBOL_PATTERN   (upper case, Binance spelling)
 *   TF      = TIMEFRAMES ("1s" | "1m" | "5m")     TF2 = LIVE_BAR_TIMEFRAMES ("1m" | "5m")
 *   WINDOW  = integer MIN_WINDOW..MAX_WINDOW (2..10000 bars)
 *   FIELDS  = FIELD *( "." FIELD )   each one of ANALYTICS_FIELDS, at most once
 *
 * Examples: `ds/pairs/pair/ETHUSDT-BTCUSDT/1m/100`, `ds/pairs/pair/ETHUSDT-BTCUSDT/1m/100/spread.spreadMean`,
 * `ds/pairs/ticks/BTCUSDT`, `ds/pairs/bars/ETHUSDT/5m`.
 * A pair uses `-` between the legs because `/` separates path segments.
 *
 * The field subset is part of the channel because Grafana's StreamingDataFrame adopts the
 * schema of the stream: a panel asking for z alone must get packets with time + z alone, and two
 * panels asking for different subsets must not share a channel (one RunStream per channel).
 */
import {
  ANALYTICS_FIELDS,
  LIVE_BAR_TIMEFRAMES,
  MAX_WINDOW,
  MIN_WINDOW,
  SYMBOL_PATTERN,
  TIMEFRAMES,
  type AnalyticsField,
  type LiveBarTimeframe,
  type Timeframe,
} from '@quant-pairs/contract';

export type Channel =
  | { kind: 'ticks'; symbol: string }
  | { kind: 'pair'; y: string; x: string; pair: string; tf: Timeframe; window: number; fields: AnalyticsField[] | undefined }
  | { kind: 'bars'; symbol: string; tf: LiveBarTimeframe };

const SYMBOL = `(${SYMBOL_PATTERN})`;
const TF = `(${TIMEFRAMES.join('|')})`;
const BAR_TF = `(${LIVE_BAR_TIMEFRAMES.join('|')})`;

export function parseChannelPath(path: string): Channel | { error: string } {
  let m = new RegExp(`^ticks/${SYMBOL}$`).exec(path);
  if (m) return { kind: 'ticks', symbol: m[1]! };
  m = new RegExp(`^pair/${SYMBOL}-${SYMBOL}/${TF}/(\\d{1,9})(?:/([A-Za-z]+(?:\\.[A-Za-z]+)*))?$`).exec(path);
  if (m) {
    const window = Number(m[4]);
    if (window < MIN_WINDOW || window > MAX_WINDOW) return { error: `window ${window} must be from ${MIN_WINDOW} to ${MAX_WINDOW} bars` };
    if (m[1] === m[2]) return { error: 'the two legs of a pair must differ' };
    let fields: AnalyticsField[] | undefined;
    if (m[5] !== undefined) {
      fields = [];
      for (const f of m[5].split('.')) {
        if (!(ANALYTICS_FIELDS as readonly string[]).includes(f))
          return { error: `unknown field ${JSON.stringify(f)} in channel path; fields are ${ANALYTICS_FIELDS.join(', ')}` };
        if (fields.includes(f as AnalyticsField)) return { error: `the channel path lists ${JSON.stringify(f)} twice` };
        fields.push(f as AnalyticsField);
      }
    }
    return { kind: 'pair', y: m[1]!, x: m[2]!, pair: `${m[1]}/${m[2]}`, tf: m[3] as Timeframe, window, fields };
  }
  m = new RegExp(`^bars/${SYMBOL}/${BAR_TF}$`).exec(path);
  if (m) return { kind: 'bars', symbol: m[1]!, tf: m[2] as LiveBarTimeframe };
  return { error: `unknown channel path ${JSON.stringify(path)}; expected ticks/<SYMBOL>, pair/<Y>-<X>/<tf>/<window> or bars/<SYMBOL>/<1m|5m>` };
}

export function ticksPath(symbol: string): string {
  return `ticks/${symbol}`;
}
/** The pair channel; with `fields`, a channel of time + exactly those columns, in that order. */
export function pairPath(y: string, x: string, tf: string, window: number, fields?: readonly AnalyticsField[]): string {
  const base = `pair/${y}-${x}/${tf}/${window}`;
  return fields && fields.length > 0 ? `${base}/${fields.join('.')}` : base;
}
export function barsPath(symbol: string, tf: string): string {
  return `bars/${symbol}/${tf}`;
}
/** The full channel id a frame's meta.channel carries. */
export function channelId(uid: string, path: string): string {
  return `ds/${uid}/${path}`;
}
