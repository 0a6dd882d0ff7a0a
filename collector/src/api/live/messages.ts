/**
 * Validation of live-push client messages: the contract's `liveSubscribeMessage` schema (whose
 * input type is `LiveSubscribe`). A bad message is answered with `{"type":"error","error","param"}`
 * and changes nothing; `param` is the path of the field at fault (`pairs[0].window`).
 */
import { describeValue, hedgeRule, parseJson, type HedgeChoice } from '@quant-pairs/contract';
import { liveSubscribeMessage } from '@quant-pairs/contract/requests';
import type { Pair, Timeframe } from '../../domain';

export interface PairSub {
  pair: Pair;
  tf: Timeframe;
  window: number;
  /** Rolling OLS (the default) or the Kalman hedge, as on /api/analytics. */
  hedge: HedgeChoice;
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

/** `['pairs', 0, 'window']` -> `pairs[0].window`. */
const pathText = (path: readonly PropertyKey[]): string =>
  path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');

/** The value at `path` in what was sent. */
function valueAt(m: unknown, path: readonly PropertyKey[]): unknown {
  let v = m;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

export function parseMessage(text: string): ParsedMessage {
  let m: unknown;
  try {
    m = parseJson(text);
  } catch {
    throw new MessageError('message is not valid JSON; send {"type":"subscribe","symbols":[...],"pairs":[{"pair","tf","window"}]}', 'message');
  }
  const r = liveSubscribeMessage.safeParse(m);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    if (issue.path.length === 0) throw new MessageError(issue.message, 'message');
    const param = pathText(issue.path);
    // A value (symbols[i], pairs[i].pair|tf|window): either not a string or number, or not of its kind.
    const isValue = (issue.path[0] === 'symbols' && issue.path.length === 2) || (issue.path[0] === 'pairs' && issue.path.length === 3);
    const raw = describeValue(valueAt(m, issue.path));
    if (!isValue) throw new MessageError(`${param} ${issue.message}`, param);
    if (issue.code === 'invalid_union') throw new MessageError(`${param} ${issue.message}, got ${raw}`, param);
    throw new MessageError(`${param}=${raw} is invalid: ${issue.message}`, param);
  }
  const { type, symbols, pairs } = r.data;
  return {
    type,
    symbols,
    pairs: pairs.map(({ pair, tf, window, ...h }, i) => {
      const rule = hedgeRule(h);
      if (rule.param !== undefined) throw new MessageError(`pairs[${i}].${rule.param}: ${rule.message}`, `pairs[${i}].${rule.param}`);
      const hedge = rule.choice;
      const key = `${pair.id}|${tf}|${window}`;
      return { pair, tf, window, hedge, key: hedge.hedge === 'ols' ? key : `${key}|${JSON.stringify(hedge)}` };
    }),
  };
}
