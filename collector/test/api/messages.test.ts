/** Live-push client messages read through the contract's liveSubscribeMessage schema: errors name the field's path. */
import { MessageError, parseMessage } from '../../src/api/live/messages';

const error = (text: string): { param: string; message: string } => {
  try {
    parseMessage(text);
  } catch (e) {
    if (e instanceof MessageError) return { param: e.param, message: e.message };
    throw e;
  }
  throw new Error(`accepted ${text}`);
};

describe('parseMessage', () => {
  it('reads a subscribe message: numbers or text for values, symbols upper-cased, pairs keyed', () => {
    const m = parseMessage(JSON.stringify({ type: 'subscribe', symbols: ['btcusdt'], pairs: [{ pair: 'ethusdt/BTCUSDT', tf: '1m', window: '30' }] }));
    expect(m).toEqual({
      type: 'subscribe',
      symbols: ['BTCUSDT'],
      pairs: [{ pair: { y: 'ETHUSDT', x: 'BTCUSDT', id: 'ETHUSDT/BTCUSDT' }, tf: '1m', window: 30, hedge: { hedge: 'ols' }, key: 'ETHUSDT/BTCUSDT|1m|30' }],
    });
    expect(parseMessage('{"type":"unsubscribe"}')).toEqual({ type: 'unsubscribe', symbols: [], pairs: [] });
  });

  it.each([
    ['message', 'message must be a JSON object', '[1]'],
    ['pairs[0]', 'pairs[0] must be {"pair","tf","window"} (and optionally "hedge", "delta", "ve", "tune")', '{"type":"subscribe","pairs":[[1]]}'],
    ['pairs[0].pair', 'pairs[0].pair must be a pair such as "ETHUSDT/BTCUSDT", got undefined', '{"type":"subscribe","pairs":[{"tf":"1m","window":5}]}'],
    ['symbols[0]', 'symbols[0] must be a symbol such as "BTCUSDT", got true', '{"type":"subscribe","symbols":[true]}'],
    [
      'pairs[0].window',
      'pairs[0].window="2.5" is invalid: expected a whole number from 2 to 10000',
      '{"type":"subscribe","pairs":[{"pair":"ETHUSDT/BTCUSDT","tf":"1m","window":"2.5"}]}',
    ],
    ['message', 'at most 100 subscriptions per message', JSON.stringify({ type: 'subscribe', symbols: Array.from({ length: 101 }, () => 'BTCUSDT') })],
  ])('%s: %s', (param, message, text) => {
    expect(error(text)).toEqual({ param, message });
  });
});
