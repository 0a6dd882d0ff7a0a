/**
 * The Grafana Live channel path grammar (backend/src/stream/channel.ts, documented in
 * backend/README.md) and the rows each collector push message gives a channel.
 */
import type { LiveBar, LiveUpdate } from '@quant-pairs/contract';
import { barsPath, pairPath, parseChannelPath, ticksPath } from '../../backend/src/stream/channel';
import { analyticsFrame, barsFrame } from '../../backend/src/query/frames';
import { channelFrame, rowsFor } from '../../backend/src/stream/streams';

describe('channel paths', () => {
  it('reads the three kinds, and builds the same paths back', () => {
    expect(parseChannelPath('ticks/BTCUSDT')).toEqual({ kind: 'ticks', symbol: 'BTCUSDT' });
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100')).toEqual({
      kind: 'pair',
      y: 'ETHUSDT',
      x: 'BTCUSDT',
      pair: 'ETHUSDT/BTCUSDT',
      tf: '1m',
      window: 100,
      fields: undefined,
      hedge: { hedge: 'ols' },
    });
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100/zscore')).toMatchObject({ kind: 'pair', window: 100, fields: ['zscore'] });
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100/spreadMean.spread')).toMatchObject({ fields: ['spreadMean', 'spread'] });
    expect(parseChannelPath('bars/SOLUSDT/5m')).toEqual({ kind: 'bars', symbol: 'SOLUSDT', tf: '5m' });
    expect(ticksPath('BTCUSDT')).toBe('ticks/BTCUSDT');
    expect(pairPath('ETHUSDT', 'BTCUSDT', '1s', 30)).toBe('pair/ETHUSDT-BTCUSDT/1s/30');
    expect(pairPath('ETHUSDT', 'BTCUSDT', '1s', 30, ['spread', 'spreadMean'])).toBe('pair/ETHUSDT-BTCUSDT/1s/30/spread.spreadMean');
    expect(barsPath('ETHUSDT', '1m')).toBe('bars/ETHUSDT/1m');
  });

  it('reads and builds a Kalman pair channel (issue 18): tuned, or with delta and Ve', () => {
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/30/kalman=tune/zscore')).toMatchObject({
      window: 30,
      fields: ['zscore'],
      hedge: { hedge: 'kalman', tune: true },
    });
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/30/kalman=1e-7_0.5')).toMatchObject({
      fields: undefined,
      hedge: { hedge: 'kalman', delta: 1e-7, ve: 0.5 },
    });
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/30')).toMatchObject({ hedge: { hedge: 'ols' } });
    for (const hedge of [{ hedge: 'kalman', tune: true }, { hedge: 'kalman', delta: 1e-7, ve: 0.5 }, { hedge: 'ols' }] as const) {
      const path = pairPath('ETHUSDT', 'BTCUSDT', '5m', 60, ['beta', 'zscore'], hedge);
      expect(parseChannelPath(path)).toMatchObject({ tf: '5m', window: 60, fields: ['beta', 'zscore'], hedge });
    }
    expect(pairPath('ETHUSDT', 'BTCUSDT', '1m', 30, undefined, { hedge: 'kalman', tune: true })).toBe('pair/ETHUSDT-BTCUSDT/1m/30/kalman=tune');
    expect(pairPath('ETHUSDT', 'BTCUSDT', '1m', 30, undefined, { hedge: 'ols' })).toBe('pair/ETHUSDT-BTCUSDT/1m/30');
  });

  it.each([
    ['pair/ETHUSDT-BTCUSDT/1m/30/kalman=2_0.5', /delta must be between 0 and 1/],
    ['pair/ETHUSDT-BTCUSDT/1m/30/kalman=1e-7_0', /Ve above 0/],
    ['pair/ETHUSDT-BTCUSDT/1m/30/kalman=', /unknown channel path/],
    ['ticks/btcusdt', /unknown channel path/],
    ['pair/ETHUSDT/BTCUSDT/1m/100', /unknown channel path/],
    ['pair/ETHUSDT-BTCUSDT/2m/100', /unknown channel path/],
    ['pair/ETHUSDT-BTCUSDT/1m/1', /window 1 must be from 2 to 10000/],
    ['pair/ETHUSDT-ETHUSDT/1m/30', /legs of a pair must differ/],
    ['bars/BTCUSDT/1s', /unknown channel path/],
    ['pair/ETHUSDT-BTCUSDT/1m/100/price', /unknown field "price"/],
    ['pair/ETHUSDT-BTCUSDT/1m/100/zscore.zscore', /lists "zscore" twice/],
    ['pair/ETHUSDT-BTCUSDT/1m/100/', /unknown channel path/],
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
    analytics: [
      {
        pair: 'ETHUSDT/BTCUSDT',
        tf: '1m',
        window: 100,
        point: { ts: 1_699_999_980_000, beta: 0.05, alpha: 3, spread: -1.5, zscore: -2.1, signal: 'LONG', correlation: 0.9 },
        provisional: true,
      },
    ],
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
    // a Kalman channel takes only the point of its own hedge, as the collector echoes it
    const kalman = parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100/kalman=tune/zscore') as typeof ch;
    expect(rowsFor(kalman, update, { lastTs: -Infinity })).toBeNull();
    const both: LiveUpdate = {
      ...update,
      analytics: [
        ...update.analytics,
        { ...update.analytics[0]!, hedge: { hedge: 'kalman', tune: true }, point: { ...update.analytics[0]!.point!, zscore: 0.7 } },
      ],
    };
    expect(rowsFor(kalman, both, { lastTs: -Infinity })).toEqual([[1_700_000_000_500], [0.7]]);
    expect(rowsFor(ch, both, { lastTs: -Infinity })![5]).toEqual([-2.1]);
  });

  // Grafana's StreamingDataFrame takes the schema of the stream: a z-score panel whose stream
  // carried all eight columns drew beta, alpha, spread... after the first packet. A channel with a
  // field subset carries time + exactly those fields, in the query's order.
  it('pair with a field subset: time + exactly those columns, as the query frame has them', () => {
    const ch = parseChannelPath(pairPath('ETHUSDT', 'BTCUSDT', '1m', 100, ['zscore'])) as Exclude<ReturnType<typeof parseChannelPath>, { error: string }>;
    expect(channelFrame(ch).fields.map((f) => f.name)).toEqual(['time', 'zscore']);
    expect(rowsFor(ch, update, { lastTs: -Infinity })).toEqual([[1_700_000_000_500], [-2.1]]);
    const two = parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100/signal.beta') as typeof ch;
    expect(rowsFor(two, update, { lastTs: -Infinity })).toEqual([[1_700_000_000_500], [1], [0.05]]);
    // Same names, types and labels as the frame of the query that names this channel.
    const q = {
      refId: 'A',
      live: true,
      from: 0,
      to: 1,
      maxDataPoints: 0,
      intervalMs: 0,
      queryType: 'analytics' as const,
      pair: 'ETHUSDT/BTCUSDT',
      y: 'ETHUSDT',
      x: 'BTCUSDT',
      tf: '1m' as const,
      window: 100,
      entryZ: undefined,
      exitZ: undefined,
      fields: ['signal', 'beta'] as Array<'signal' | 'beta'>,
      hedge: { hedge: 'ols' as const },
    };
    const empty = { ts: [], beta: [], alpha: [], spread: [], spreadMean: [], zscore: [], signal: [], correlation: [] };
    const shape = (f: { fields: Array<{ name: string; type: string; labels?: Record<string, string> }> }) =>
      f.fields.map(({ name, type, labels }) => ({ name, type, labels }));
    expect(shape(channelFrame(two))).toEqual(shape(analyticsFrame(q, { points: 0, thinned: false, series: empty }, [])));
  });

  it('bars: each completed bar of the symbol and timeframe', () => {
    const ch = parseChannelPath('bars/BTCUSDT/1m') as Exclude<ReturnType<typeof parseChannelPath>, { error: string }>;
    const bar: LiveBar = {
      type: 'bar',
      symbol: 'BTCUSDT',
      tf: '1m',
      bar: { start: 1_700_000_040_000, open: 1, high: 3, low: 0.5, close: 2, volume: 10, quoteVolume: 20, trades: 7, vwap: 2, final: true, source: 'ticks' },
    };
    expect(channelFrame(ch).fields.map((f) => f.name)).toEqual(['time', 'open', 'high', 'low', 'close', 'volume', 'trades', 'vwap', 'source']);
    expect(rowsFor(ch, bar, { lastTs: -Infinity })).toEqual([[1_700_000_040_000], [1], [3], [0.5], [2], [10], [7], [2], ['ticks']]);
    // the source as the collector marks the bar (a kline bar: history, long-outage repair)
    expect(rowsFor(ch, { ...bar, bar: { ...bar.bar, source: 'klines' } }, { lastTs: -Infinity })![8]).toEqual(['klines']);
    expect(rowsFor(ch, { ...bar, tf: '5m' }, { lastTs: -Infinity })).toBeNull();
    // Same names, types and labels as the frame of a bars query of that symbol and timeframe,
    // and one row value per column.
    const q = { refId: 'A', live: true, from: 0, to: 1, maxDataPoints: 0, intervalMs: 0, queryType: 'bars' as const, symbol: 'BTCUSDT', tf: '1m' as const };
    const shape = (f: { fields: Array<{ name: string; type: string; nullable?: boolean; labels?: Record<string, string> }> }) =>
      f.fields.map(({ name, type, nullable, labels }) => ({ name, type, nullable, labels }));
    const queried = barsFrame(q, [bar.bar], []);
    expect(shape(channelFrame(ch))).toEqual(shape(queried));
    expect(queried.fields.find((f) => f.name === 'source')).toMatchObject({
      type: 'string',
      labels: { symbol: 'BTCUSDT', field: 'source' },
      values: ['ticks'],
    });
    expect(rowsFor(ch, bar, { lastTs: -Infinity })).toEqual(queried.fields.map((f) => f.values));
  });
});
