import { parsePair, bucketStart } from '../../src/domain';

describe('parsePair', () => {
  it('reads y/x with x as the hedge leg, case-insensitively', () => {
    expect(parsePair('ethusdt/BTCUSDT')).toEqual({ y: 'ETHUSDT', x: 'BTCUSDT', id: 'ETHUSDT/BTCUSDT' });
  });
  it('says what is wrong with a bad pair', () => {
    expect(() => parsePair('ETHUSDT')).toThrow(/must look like ETHUSDT\/BTCUSDT/);
    expect(() => parsePair('BTCUSDT/BTCUSDT')).toThrow(/must differ/);
    expect(() => parsePair('ETH-USDT/BTCUSDT')).toThrow(/not a Binance symbol/);
  });
});

describe('bucketStart', () => {
  it('aligns to the epoch in UTC', () => {
    // 2025-11-25T13:00:00.121Z is 1764075600121 ms
    expect(bucketStart(1764075600121, '1s')).toBe(1764075600000);
    expect(bucketStart(1764075659999, '1m')).toBe(1764075600000);
    expect(bucketStart(1764075899999.5, '5m')).toBe(1764075600000);
  });
});
