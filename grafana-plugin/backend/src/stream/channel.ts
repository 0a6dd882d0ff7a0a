/**
 * Grafana Live channel paths this data source serves. A channel id is `ds/<datasource uid>/<path>`;
 * the path grammar (characters [A-Za-z0-9_\-/=.] as Grafana allows):
 *
 *   path    = ticks | pair | bars
 *   ticks   = "ticks/" SYMBOL                           latest trade price of one symbol
 *   pair    = "pair/" Y "-" X "/" TF "/" WINDOW         latest analytics point of the pair Y/X
 *                                                       (provisional, moves with every tick)
 *                                                       and both legs' prices
 *   bars    = "bars/" SYMBOL "/" TF2                    each completed bar of the symbol
 *   SYMBOL, Y, X = [A-Z0-9]{2,20}   (upper case, Binance spelling)
 *   TF      = "1s" | "1m" | "5m"     TF2 = "1m" | "5m"
 *   WINDOW  = integer 2..10000 (bars)
 *
 * Examples: `ds/pairs/pair/ETHUSDT-BTCUSDT/1m/100`, `ds/pairs/ticks/BTCUSDT`, `ds/pairs/bars/ETHUSDT/5m`.
 * A pair uses `-` between the legs because `/` separates path segments.
 */
import type { ApiTimeframe } from '../../../../collector/src/api/types';

export type Channel =
  | { kind: 'ticks'; symbol: string }
  | { kind: 'pair'; y: string; x: string; pair: string; tf: ApiTimeframe; window: number }
  | { kind: 'bars'; symbol: string; tf: '1m' | '5m' };

const SYMBOL = '([A-Z0-9]{2,20})';

export function parseChannelPath(path: string): Channel | { error: string } {
  let m = new RegExp(`^ticks/${SYMBOL}$`).exec(path);
  if (m) return { kind: 'ticks', symbol: m[1]! };
  m = new RegExp(`^pair/${SYMBOL}-${SYMBOL}/(1s|1m|5m)/(\\d{1,5})$`).exec(path);
  if (m) {
    const window = Number(m[4]);
    if (window < 2 || window > 10_000) return { error: `window ${window} must be from 2 to 10000 bars` };
    if (m[1] === m[2]) return { error: 'the two legs of a pair must differ' };
    return { kind: 'pair', y: m[1]!, x: m[2]!, pair: `${m[1]}/${m[2]}`, tf: m[3] as ApiTimeframe, window };
  }
  m = new RegExp(`^bars/${SYMBOL}/(1m|5m)$`).exec(path);
  if (m) return { kind: 'bars', symbol: m[1]!, tf: m[2] as '1m' | '5m' };
  return { error: `unknown channel path ${JSON.stringify(path)}; expected ticks/<SYMBOL>, pair/<Y>-<X>/<tf>/<window> or bars/<SYMBOL>/<1m|5m>` };
}

export function ticksPath(symbol: string): string {
  return `ticks/${symbol}`;
}
export function pairPath(y: string, x: string, tf: string, window: number): string {
  return `pair/${y}-${x}/${tf}/${window}`;
}
export function barsPath(symbol: string, tf: string): string {
  return `bars/${symbol}/${tf}`;
}
/** The full channel id a frame's meta.channel carries. */
export function channelId(uid: string, path: string): string {
  return `ds/${uid}/${path}`;
}
