/**
 * The client -> server message of the live push (WebSocket /api/live), as one schema: its type
 * (`LiveSubscribe`, what a client sends) and its validation (the collector reads every message
 * through it). Each value is a string or a number, read as the query parameter of the same kind.
 *
 * Messages of the schema's issues leave out the field they are about; the collector puts its
 * path in front (`pairs[0].window must be ...`), or, for a value of the wrong kind, the value too.
 */
import { z } from 'zod';
import { HEDGES, KALMAN_MAX_VE, MAX_WINDOW, MIN_WINDOW } from '../constants';
import { bool, int, oneOf, openNum, pair, symbol, timeframe, type Kind } from './kinds';

/** Most symbols + pairs one message may name (and one connection may hold). */
export const MAX_SUBSCRIPTIONS = 100;

/** A value of the message: a string or a number, then read as `kind`. */
const value = <T>(kind: Kind<T>, what: string) =>
  z
    .union([z.string(), z.number()], { error: `must be ${what}` })
    .transform(String)
    .pipe(kind);

const PAIR_SHAPE = '{"pair","tf","window"} (and optionally "hedge", "delta", "ve", "tune")';

export const liveSubscribeMessage = z
  .object(
    {
      type: z.enum(['subscribe', 'unsubscribe'], { error: 'must be "subscribe" or "unsubscribe"' }),
      /** Symbols whose latest price and completed 1m/5m bars are pushed. */
      symbols: z.array(value(symbol, 'a symbol such as "BTCUSDT"'), { error: 'must be an array of symbols such as "BTCUSDT"' }).default([]),
      /** Pairs whose latest analytics point is pushed; the legs' prices come with them. */
      pairs: z
        .array(
          z.object(
            {
              pair: value(pair, 'a pair such as "ETHUSDT/BTCUSDT"'),
              tf: value(timeframe, 'one of 1s, 1m, 5m'),
              window: value(int(MIN_WINDOW, MAX_WINDOW), `a whole number ${MIN_WINDOW}..${MAX_WINDOW}`),
              // as the query parameters of the same names (hedgeRule checks them together)
              hedge: value(oneOf(HEDGES), `one of ${HEDGES.join(', ')}`).optional(),
              delta: value(openNum(0, 1), 'a number greater than 0 and less than 1').optional(),
              ve: value(openNum(0, KALMAN_MAX_VE), `a number greater than 0 and less than ${KALMAN_MAX_VE}`).optional(),
              tune: z.union([z.boolean(), z.string()], { error: 'must be true or false' }).transform(String).pipe(bool).optional(),
            },
            { error: `must be ${PAIR_SHAPE}` },
          ),
          { error: `must be an array of ${PAIR_SHAPE}` },
        )
        .default([]),
    },
    { error: 'message must be a JSON object' },
  )
  .refine((m) => m.symbols.length + m.pairs.length <= MAX_SUBSCRIPTIONS, `at most ${MAX_SUBSCRIPTIONS} subscriptions per message`);

/** Client -> server. `subscribe` adds to, `unsubscribe` removes from the connection's set. */
export type LiveSubscribe = z.input<typeof liveSubscribeMessage>;
