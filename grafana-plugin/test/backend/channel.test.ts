/**
 * The Grafana Live channel path grammar (backend/src/stream/channel.ts, documented in
 * backend/README.md) and the rows each collector push message gives a channel.
 */
import type { LiveBar, LiveUpdate } from '@quant-pairs/contract';
import { barsPath, pairPath, parseChannelPath, ticksPath } from '../../backend/src/stream/channel';
import { channelFrame, rowsFor } from '../../backend/src/stream/streams';

describe('channel paths', () => {
  it('reads the three kinds, and builds the same paths back', () => {
    expect(parseChannelPath('ticks/BTCUSDT')).toEqual({ kind: 'ticks', symbol: 'BTCUSDT' });
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100')).toEqual({ kind: 'pair', y: 'ETHUSDT', x: 'BTCUSDT', pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 100 });
    expect(parseChannelPath('bars/SOLUSDT/5m')).toEqual({ kind: 'bars', symbol: 'SOLUSDT', tf: '5m' });
    expect(ticksPath('BTCUSDT')).toBe('ticks/BTCUSDT');
    expect(pairPath('ETHUSDT', 'BTCUSDT', '1s', 30)).toBe('pair/ETHUSDT-BTCUSDT/1s/30');
    expect(barsPath('ETHUSDT', '1m')).toBe('bars/ETHUSDT/1m');
  });

  it.each([
    ['ticks/btcusdt', /unknown channel path/],
    ['pair/ETHUSDT/BTCUSDT/1m/100', /unknown channel path/],
    ['pair/ETHUSDT-BTCUSDT/2m/100', /unknown channel path/],
    ['pair/ETHUSDT-BTCUSDT/1m/1', /window 1 must be from 2 to 10000/],
    ['pair/ETHUSDT-ETHUSDT/1m/30', /legs of a pair must differ/],
    ['bars/BTCUSDT/1s', /unknown channel path/],
    ['', /unknown channel path/],
  ])('refuses %j', (path, why) => {
    const r = parseChannelPath(path);
    expect('error' in r && r.error).toMatch(why);
  });
});

describe('rows for a channel', () => {
  const update: LiveUpdate = {
    type: 'update',
    ts: 1_700_000_000_500,
    prices: { BTCUSDT: { price: 61000.5, ts: 1_700_000_000_400 } },
    analytics: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 100, point: { ts: 1_699_999_980_000, beta: 0.05, alpha: 3, spread: -1.5, zscore: -2.1, signal: 'LONG', correlation: 0.9 }, provisional: true }],
  };

  it('ticks: the latest price once per trade time', () => {
    const ch = parseChannelPath('ticks/BTCUSDT') as Exclude<ReturnType<typeof parseChannelPath>, { error: string }>;
    const state = { lastTs: -Infinity };
    expect(rowsFor(ch, update, state)).toEqual([[1_700_000_000_400], [61000.5], [null]]);
    expect(rowsFor(ch, update, state)).toBeNull(); // same trade again: nothing new
  });

  it('pair: the analytics columns in the order of the analytics frame, signal coded', () => {
    const ch = parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100') as Exclude<ReturnType<typeof parseChannelPath>, { error: string }>;
    const rows = rowsFor(ch, update, { lastTs: -Infinity })!;
    expect(channelFrame(ch).fields.map((f) => f.name)).toEqual(['time', 'beta', 'alpha', 'spread', 'spreadMean', 'zscore', 'signal', 'correlation']);
    expect(rows).toEqual([[1_700_000_000_500], [0.05], [3], [-1.5], [null], [-2.1], [1], [0.9]]);
    expect(rowsFor(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/30') as never, update, { lastTs: -Infinity })).toBeNull(); // another window
  });

  it('bars: each completed bar of the symbol and timeframe', () => {
    const ch = parseChannelPath('bars/BTCUSDT/1m') as Exclude<ReturnType<typeof parseChannelPath>, { error: string }>;
    const bar: LiveBar = { type: 'bar', symbol: 'BTCUSDT', tf: '1m', bar: { start: 1_700_000_040_000, open: 1, high: 3, low: 0.5, close: 2, volume: 10, quoteVolume: 20, trades: 7, vwap: 2, final: true } };
    expect(channelFrame(ch).fields.map((f) => f.name)).toEqual(['time', 'open', 'high', 'low', 'close', 'volume', 'trades', 'vwap']);
    expect(rowsFor(ch, bar, { lastTs: -Infinity })).toEqual([[1_700_000_040_000], [1], [3], [0.5], [2], [10], [7], [2]]);
    expect(rowsFor(ch, { ...bar, tf: '5m' }, { lastTs: -Infinity })).toBeNull();
  });
});
