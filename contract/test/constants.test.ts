/** The shared constants' rules, against the literal rules they replaced in the collector. */
import { DEFAULT_PAIRS, SYMBOL_PATTERN, isSymbol, isUsdtSymbol, parsePair, statsSample } from '../src';

describe('isUsdtSymbol: what rest.ts accepted as /^[A-Z0-9]{1,16}USDT$/', () => {
  const old = (s: string) => /^[A-Z0-9]{1,16}USDT$/.test(s);
  it.each([
    'BTCUSDT',
    'PEPEUSDT',
    '1000SHIBUSDT',
    'AUSDT',
    'USDT',
    'USDTUSDT',
    'btcusdt',
    'BTCUSDC',
    'A'.repeat(16) + 'USDT',
    'A'.repeat(17) + 'USDT',
    'ETH-USDT',
  ])('%s as before', (s) => expect(isUsdtSymbol(s)).toBe(old(s)));
});

describe('SYMBOL_PATTERN / isSymbol: the pattern config.ts spelled /^[A-Z0-9]{2,20}$/', () => {
  it.each(['BTCUSDT', 'B', 'BT', 'A'.repeat(20), 'A'.repeat(21), 'btcusdt', 'BTC_USDT'])('%s as before', (s) => {
    expect(isSymbol(s)).toBe(/^[A-Z0-9]{2,20}$/.test(s));
    expect(new RegExp(`^${SYMBOL_PATTERN}$`).test(s)).toBe(isSymbol(s));
  });
});

describe('statsSample: 5 windows, from 200 to 5000 points (the live engine and /api/stats)', () => {
  it.each([
    [2, 200], // 5 x 2 = 10, raised to the floor
    [40, 200],
    [41, 205],
    [100, 500],
    [1000, 5000],
    [10_000, 5000], // MAX_WINDOW: capped
  ])('window %p -> %p points', (w, n) => expect(statsSample(w)).toBe(n));
});

describe('DEFAULT_PAIRS', () => {
  it('are Y/X pairs of symbols, frozen', () => {
    for (const p of DEFAULT_PAIRS) expect(parsePair(p).id).toBe(p); // throws on a malformed pair
    expect(Object.isFrozen(DEFAULT_PAIRS)).toBe(true);
  });
});
