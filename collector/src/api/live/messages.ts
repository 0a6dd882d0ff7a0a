/**
 * Validation of live-push client messages (`LiveSubscribe` in @quant-pairs/contract). A bad message is
 * answered with `{"type":"error","error","param"}` and changes nothing.
 */
import { MAX_WINDOW, MIN_WINDOW, describeValue, parseJson } from '@quant-pairs/contract';
import { liveKinds, type Kind } from '@quant-pairs/contract/requests';
import type { Pair, Timeframe } from '../../domain';

export interface PairSub {
  pair: Pair;
  tf: Timeframe;
  window: number;
  key: string;
}

export interface ParsedMessage {
  type: 'subscribe' | 'unsubscribe';
  symbols: string[];
  pairs: PairSub[];
}

export class MessageError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

export const MAX_SUBSCRIPTIONS = 100;

/** One value of the message, read as the query parameter of the same kind would be. */
function field<T>(param: string, raw: unknown, kind: Kind<T>, what: string): T {
  if (typeof raw !== 'string' && typeof raw !== 'number') throw new MessageError(`${param} must be ${what}, got ${describeValue(raw)}`, param);
  const r = kind.safeParse(String(raw));
  if (!r.success) throw new MessageError(`${param}=${describeValue(raw)} is invalid: ${r.error.issues[0]!.message}`, param);
  return r.data;
}

export function parseMessage(text: string): ParsedMessage {
  let m: unknown;
  try {
    m = parseJson(text);
  } catch {
    throw new MessageError('message is not valid JSON; send {"type":"subscribe","symbols":[...],"pairs":[{"pair","tf","window"}]}', 'message');
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new MessageError('message must be a JSON object', 'message');
  const o = m as Record<string, unknown>;
  if (o.type !== 'subscribe' && o.type !== 'unsubscribe') throw new MessageError('type must be "subscribe" or "unsubscribe"', 'type');
  const symbols = o.symbols ?? [];
  const pairs = o.pairs ?? [];
  if (!Array.isArray(symbols)) throw new MessageError('symbols must be an array of symbols such as "BTCUSDT"', 'symbols');
  if (!Array.isArray(pairs)) throw new MessageError('pairs must be an array of {"pair","tf","window"}', 'pairs');
  if (symbols.length + pairs.length > MAX_SUBSCRIPTIONS) throw new MessageError(`at most ${MAX_SUBSCRIPTIONS} subscriptions per message`, 'message');
  const out: ParsedMessage = { type: o.type, symbols: [], pairs: [] };
  symbols.forEach((s, i) => out.symbols.push(field(`symbols[${i}]`, s, liveKinds.symbol, 'a symbol such as "BTCUSDT"')));
  pairs.forEach((p, i) => {
    if (typeof p !== 'object' || p === null) throw new MessageError(`pairs[${i}] must be {"pair","tf","window"}`, `pairs[${i}]`);
    const e = p as Record<string, unknown>;
    const pair = field(`pairs[${i}].pair`, e.pair, liveKinds.pair, 'a pair such as "ETHUSDT/BTCUSDT"');
    const tf = field(`pairs[${i}].tf`, e.tf, liveKinds.timeframe, 'one of 1s, 1m, 5m');
    const window = field(`pairs[${i}].window`, e.window, liveKinds.window, `a whole number ${MIN_WINDOW}..${MAX_WINDOW}`);
    out.pairs.push({ pair, tf, window, key: `${pair.id}|${tf}|${window}` });
  });
  return out;
}
