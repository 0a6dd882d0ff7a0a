/**
 * Issue 25's instruments: a symbol names a spot market (`BTCUSDT`) or Binance's USD-M perpetual
 * (`BTCUSDT.P`, TradingView's suffix), and every rule built on SYMBOL_PATTERN takes both.
 */
import {
  MARKETS,
  PERP_SUFFIX,
  SYMBOL_PATTERN,
  SYMBOL_REQUEST_PATTERN,
  VENUE_SYMBOL_PATTERN,
  instrumentOf,
  isPerp,
  isSymbol,
  isUsdtSymbol,
  parsePair,
  symbolOf,
} from '../src';
import { analyticsRequest, openApiDocument, ticksRequest } from '../src/requests';

describe('instrumentOf: the market and Binance name of a symbol', () => {
  it.each([
    ['BTCUSDT.P', { symbol: 'BTCUSDT.P', venueSymbol: 'BTCUSDT', market: 'perp' }],
    ['1000PEPEUSDT.P', { symbol: '1000PEPEUSDT.P', venueSymbol: '1000PEPEUSDT', market: 'perp' }],
    ['BTCUSDT', { symbol: 'BTCUSDT', venueSymbol: 'BTCUSDT', market: 'spot' }],
    ['PEPEUSDT', { symbol: 'PEPEUSDT', venueSymbol: 'PEPEUSDT', market: 'spot' }],
  ])('%s', (s, want) => expect(instrumentOf(s)).toEqual(want));

  it.each(['btcusdt.p', 'BTCUSDT.p', 'BTCUSDT.', 'BTCUSDT.PP', 'BTCUSDT.Q', '.P', 'B.P', 'BTCUSDT_PERP', 'A'.repeat(21) + '.P'])(
    '%j is refused with its text in the message',
    (s) => expect(() => instrumentOf(s)).toThrow(JSON.stringify(s)),
  );

  it('symbolOf is its inverse for each market', () => {
    for (const market of MARKETS) {
      const s = symbolOf('ETHUSDT', market);
      expect(instrumentOf(s)).toEqual({ symbol: s, venueSymbol: 'ETHUSDT', market });
    }
    expect(() => symbolOf('ETHUSDT.P', 'perp')).toThrow('"ETHUSDT.P" is not a Binance symbol');
  });

  it('isPerp', () => {
    expect(['BTCUSDT.P', 'BTCUSDT', 'btcusdt.p', 'X.P'].map(isPerp)).toEqual([true, false, false, false]);
  });
});

describe('the symbol patterns take the .P suffix once, upper case in the store, either case in requests', () => {
  const store = new RegExp(`^${SYMBOL_PATTERN}$`);
  const request = new RegExp(`^${SYMBOL_REQUEST_PATTERN}$`);
  const venue = new RegExp(`^${VENUE_SYMBOL_PATTERN}$`);
  it.each([
    // [text, stored form, a request may write it, Binance's name]
    ['BTCUSDT', true, true, true],
    ['BTCUSDT.P', true, true, false],
    ['btcusdt.p', false, true, false],
    ['BTCUSDT.p', false, true, false],
    ['A'.repeat(20) + '.P', true, true, false],
    ['A'.repeat(21) + '.P', false, false, false],
    ['BTCUSDT.P.P', false, false, false],
    ['BTCUSDT.X', false, false, false],
    ['BTCUSDT/P', false, false, false],
  ])('%s: stored %p, request %p, venue %p', (s, stored, req, ven) => {
    expect(store.test(s)).toBe(stored);
    expect(isSymbol(s)).toBe(stored);
    expect(request.test(s)).toBe(req);
    expect(venue.test(s)).toBe(ven);
  });

  it('isUsdtSymbol (what UNIVERSE picks from spot lists) stays spot-only', () => {
    expect(isUsdtSymbol('BTCUSDT')).toBe(true);
    expect(isUsdtSymbol('BTCUSDT' + PERP_SUFFIX)).toBe(false);
  });
});

describe('pairs mix markets', () => {
  it.each([
    ['ethusdt.p/btcusdt.p', 'ETHUSDT.P/BTCUSDT.P'],
    ['BTCUSDT.P/BTCUSDT', 'BTCUSDT.P/BTCUSDT'], // the basis pair of one asset
    ['1000PEPEUSDT.P/PEPEUSDT', '1000PEPEUSDT.P/PEPEUSDT'],
  ])('%s', (text, id) => expect(parsePair(text).id).toBe(id));

  it('a leg on both markets is two legs; the same perp twice is not', () => {
    expect(parsePair('BTCUSDT/BTCUSDT.P')).toEqual({ y: 'BTCUSDT', x: 'BTCUSDT.P', id: 'BTCUSDT/BTCUSDT.P' });
    expect(() => parsePair('BTCUSDT.P/btcusdt.p')).toThrow('the two legs must differ');
    expect(() => parsePair('BTCUSDT.Q/BTCUSDT')).toThrow('"BTCUSDT.Q" is not a Binance symbol');
  });
});

describe('requests take .P symbols (zod and the OpenAPI pattern agree)', () => {
  it('ticks and analytics', () => {
    expect(ticksRequest.parse({ symbol: 'btcusdt.p' })).toEqual({ symbol: 'BTCUSDT.P', limit: 1000 });
    expect(analyticsRequest.parse({ pair: 'btcusdt.p/BTCUSDT', tf: '1m', window: '30' }).pair.id).toBe('BTCUSDT.P/BTCUSDT');
    expect(ticksRequest.safeParse({ symbol: 'BTCUSDT.Q' }).error?.issues[0]).toMatchObject({ path: ['symbol'], message: expect.stringContaining('BTCUSDT.P') });
  });

  it('the OpenAPI pattern of symbol and pair admits what zod admits', () => {
    type Doc = { paths: Record<string, { get: { parameters: { name: string; schema: { pattern: string } }[] } }> };
    const doc = openApiDocument('test') as Doc;
    const symbolRe = new RegExp(doc.paths['/api/ticks']!.get.parameters.find((p) => p.name === 'symbol')!.schema.pattern);
    const pairRe = new RegExp(doc.paths['/api/analytics']!.get.parameters.find((p) => p.name === 'pair')!.schema.pattern);
    for (const s of ['btcusdt.p', 'BTCUSDT.P', 'BTCUSDT']) expect([s, symbolRe.test(s)]).toEqual([s, ticksRequest.safeParse({ symbol: s }).success]);
    expect(pairRe.test('ethusdt.p/BTCUSDT.P')).toBe(true);
    expect(pairRe.test('BTCUSDT.P/BTCUSDT')).toBe(true);
  });
});
