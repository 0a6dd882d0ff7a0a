/**
 * Grafana Live channel paths this data source serves. A channel id is `ds/<datasource uid>/<path>`;
 * the path grammar (characters [A-Za-z0-9_\-/=.] as Grafana allows):
 *
 *   path    = ticks | pair | bars
 *   ticks   = "ticks/" SYMBOL                           latest trade price of one symbol
 *   pair    = "pair/" Y "-" X "/" TF "/" WINDOW [ "/" HEDGE ] [ "/" FIELDS ]
 *                                                       latest analytics point of the pair Y/X
 *                                                       (provisional, moves with every tick):
 *                                                       time + FIELDS in that order, or time + all
 *                                                       analytics columns without FIELDS
 *   bars    = "bars/" SYMBOL "/" TF2                    each completed bar of the symbol
 *   SYMBOL, Y, X = SYMBOL_PATTERN   (upper case, Binance spelling)
 *   TF      = TIMEFRAMES ("1s" | "1m" | "5m")     TF2 = LIVE_BAR_TIMEFRAMES ("1m" | "5m")
 *   WINDOW  = integer MIN_WINDOW..MAX_WINDOW (2..10000 bars)
 *   FIELDS  = FIELD *( "." FIELD )   each one of ANALYTICS_FIELDS, at most once
 *   HEDGE   = "kalman=tune" | "kalman=" DELTA "_" VE    the Kalman hedge, tuned or with fixed
 *             delta / Ve (decimal, exponent allowed, as JavaScript prints them); absent: rolling OLS
 *
 * Examples: `ds/pairs/pair/ETHUSDT-BTCUSDT/1m/100`, `ds/pairs/pair/ETHUSDT-BTCUSDT/1m/100/spread.spreadMean`,
 * `ds/pairs/pair/ETHUSDT-BTCUSDT/1m/100/kalman=tune/zscore`, `ds/pairs/pair/ETHUSDT-BTCUSDT/1m/100/kalman=1e-7_0.5`,
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
  hedgeRule,
  type AnalyticsField,
  type HedgeChoice,
  type LiveBarTimeframe,
  type Timeframe,
} from '@quant-pairs/contract';

export type Channel =
  | { kind: 'ticks'; symbol: string }
  | { kind: 'pair'; y: string; x: string; pair: string; tf: Timeframe; window: number; fields: AnalyticsField[] | undefined; hedge: HedgeChoice }
  | { kind: 'bars'; symbol: string; tf: LiveBarTimeframe };

const SYMBOL = `(${SYMBOL_PATTERN})`;
const TF = `(${TIMEFRAMES.join('|')})`;
const BAR_TF = `(${LIVE_BAR_TIMEFRAMES.join('|')})`;

/** A channel path as messages and logs show it: at most 200 characters (a fuzzed one was 10 MB). */
export function shownPath(path: string): string {
  return JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}...` : path);
}

export function parseChannelPath(path: string): Channel | { error: string } {
  let m = new RegExp(`^ticks/${SYMBOL}$`).exec(path);
  if (m) return { kind: 'ticks', symbol: m[1]! };
  m = new RegExp(`^pair/${SYMBOL}-${SYMBOL}/${TF}/(\\d{1,9})(?:/kalman=(tune|[0-9.e-]+_[0-9.e-]+))?(?:/([A-Za-z]+(?:\\.[A-Za-z]+)*))?$`).exec(path);
  if (m) {
    const window = Number(m[4]);
    let hedge: HedgeChoice = { hedge: 'ols' };
    if (m[5] !== undefined) {
      const [d, v] = m[5] === 'tune' ? [undefined, undefined] : m[5].split('_').map(Number);
      const ok = (n: number | undefined, max: number) => n === undefined || (n > 0 && n < max);
      if (!ok(d, 1) || !ok(v, Infinity)) return { error: `kalman=${m[5]}: delta must be between 0 and 1 and Ve above 0` };
      const rule = hedgeRule({ hedge: 'kalman', delta: d, ve: v, tune: m[5] === 'tune' });
      if (rule.param !== undefined) return { error: rule.message };
      hedge = rule.choice;
    }
    if (window < MIN_WINDOW || window > MAX_WINDOW) return { error: `window ${window} must be from ${MIN_WINDOW} to ${MAX_WINDOW} bars` };
    if (m[1] === m[2]) return { error: 'the two legs of a pair must differ' };
    let fields: AnalyticsField[] | undefined;
    if (m[6] !== undefined) {
      fields = [];
      for (const f of m[6].split('.')) {
        if (!(ANALYTICS_FIELDS as readonly string[]).includes(f))
          return { error: `unknown field ${JSON.stringify(f)} in channel path; fields are ${ANALYTICS_FIELDS.join(', ')}` };
        if (fields.includes(f as AnalyticsField)) return { error: `the channel path lists ${JSON.stringify(f)} twice` };
        fields.push(f as AnalyticsField);
      }
    }
    return { kind: 'pair', y: m[1]!, x: m[2]!, pair: `${m[1]}/${m[2]}`, tf: m[3] as Timeframe, window, fields, hedge };
  }
  m = new RegExp(`^bars/${SYMBOL}/${BAR_TF}$`).exec(path);
  if (m) return { kind: 'bars', symbol: m[1]!, tf: m[2] as LiveBarTimeframe };
  return { error: `unknown channel path ${shownPath(path)}; expected ticks/<SYMBOL>, pair/<Y>-<X>/<tf>/<window> or bars/<SYMBOL>/<1m|5m>` };
}

export function ticksPath(symbol: string): string {
  return `ticks/${symbol}`;
}
/** The segment of a Kalman hedge in a pair channel path (none for the rolling OLS). */
function hedgeSegment(hedge: HedgeChoice | undefined): string {
  if (!hedge || hedge.hedge === 'ols') return '';
  return hedge.tune ? '/kalman=tune' : `/kalman=${hedge.delta}_${hedge.ve}`;
}

/** The pair channel; with `fields`, a channel of time + exactly those columns, in that order; with a Kalman `hedge`, its numbers. */
export function pairPath(y: string, x: string, tf: string, window: number, fields?: readonly AnalyticsField[], hedge?: HedgeChoice): string {
  const base = `pair/${y}-${x}/${tf}/${window}${hedgeSegment(hedge)}`;
  return fields && fields.length > 0 ? `${base}/${fields.join('.')}` : base;
}
export function barsPath(symbol: string, tf: string): string {
  return `bars/${symbol}/${tf}`;
}
/** The full channel id a frame's meta.channel carries. */
export function channelId(uid: string, path: string): string {
  return `ds/${uid}/${path}`;
}
