/**
 * The Grafana Live channel path grammar (backend/src/stream/channel.ts, documented in
 * backend/README.md) and the rows each collector push message gives a channel.
 */
import { KALMAN_MAX_VE, MAX_WINDOW, SYMBOL_PATTERN, type LiveBar, type LiveUpdate } from '@quant-pairs/contract';
import {
  FIELD_CODE,
  MAX_CHANNEL_ID,
  barsPath,
  channelId,
  numToken,
  parseChannelPath,
  queryPath,
  ticksPath,
  type Channel,
} from '../../backend/src/stream/channel';
import { analyticsFrame } from '../../backend/src/query/analytics';
import { barsFrame } from '../../backend/src/query/bars';
import { statsFrame } from '../../backend/src/query/stats';
import type { PairQ } from '../../backend/src/query/model';
import { channelFrame, rowsFor } from '../../backend/src/stream/streams';

type PushChannel = Exclude<Channel, { kind: 'stats' }>;
const ok = (path: string): Channel => {
  const ch = parseChannelPath(path);
  if ('error' in ch) throw new Error(ch.error);
  return ch;
};
/** A live pair query as QueryData validates it (backend/src/query/model.ts). */
const pairQ = (over: Partial<PairQ> = {}): PairQ => ({
  refId: 'live',
  live: true,
  from: 0,
  to: 1,
  maxDataPoints: 0,
  intervalMs: 0,
  queryType: 'analytics',
  pair: 'ETHUSDT/BTCUSDT',
  y: 'ETHUSDT',
  x: 'BTCUSDT',
  tf: '1m',
  window: 100,
  entryZ: undefined,
  exitZ: undefined,
  fields: undefined,
  hedge: { hedge: 'ols' },
  ...over,
});

describe('channel paths', () => {
  it('reads the four kinds, and builds the same paths back', () => {
    expect(parseChannelPath('ticks/BTCUSDT')).toEqual({ kind: 'ticks', symbol: 'BTCUSDT' });
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100')).toEqual({ kind: 'pair', query: pairQ() });
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100/fz')).toEqual({ kind: 'pair', query: pairQ({ fields: ['zscore'] }) });
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100/fms')).toMatchObject({ query: { fields: ['spreadMean', 'spread'] } });
    expect(parseChannelPath('stats/ETHUSDT-BTCUSDT/5m/30/e2.5/x0.5')).toEqual({
      kind: 'stats',
      query: pairQ({ queryType: 'stats', tf: '5m', window: 30, entryZ: 2.5, exitZ: 0.5 }),
    });
    expect(parseChannelPath('bars/SOLUSDT/5m')).toEqual({ kind: 'bars', symbol: 'SOLUSDT', tf: '5m' });
    // issue 25: perpetuals keep their '.P' in the path (Grafana's path characters include '.')
    expect(parseChannelPath('ticks/BTCUSDT.P')).toEqual({ kind: 'ticks', symbol: 'BTCUSDT.P' });
    expect(parseChannelPath('bars/1000PEPEUSDT.P/1m')).toEqual({ kind: 'bars', symbol: '1000PEPEUSDT.P', tf: '1m' });
    expect(parseChannelPath('pair/BTCUSDT.P-BTCUSDT/1m/30')).toMatchObject({ kind: 'pair', query: { y: 'BTCUSDT.P', x: 'BTCUSDT' } });
    expect(ticksPath('BTCUSDT')).toBe('ticks/BTCUSDT');
    expect(queryPath(pairQ({ tf: '1s', window: 30 }))).toBe('pair/ETHUSDT-BTCUSDT/1s/30');
    expect(queryPath(pairQ({ fields: ['spread', 'spreadMean'] }))).toBe('pair/ETHUSDT-BTCUSDT/1m/100/fsm');
    expect(queryPath(pairQ({ queryType: 'stats', entryZ: 2 }))).toBe('stats/ETHUSDT-BTCUSDT/1m/100/e2');
    expect(barsPath('ETHUSDT', '1m')).toBe('bars/ETHUSDT/1m');
  });

  it('every analytics field has its own letter', () => {
    expect(new Set(Object.values(FIELD_CODE)).size).toBe(Object.keys(FIELD_CODE).length);
    for (const c of Object.values(FIELD_CODE)) expect(c).toMatch(/^[a-z]$/);
  });

  it('reads and builds a Kalman channel (issue 18): tuned, or with delta and Ve', () => {
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/30/t/fz')).toMatchObject({
      query: { window: 30, fields: ['zscore'], hedge: { hedge: 'kalman', tune: true } },
    });
    expect(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/30/d1e-7/v0.5')).toMatchObject({
      query: { fields: undefined, hedge: { hedge: 'kalman', delta: 1e-7, ve: 0.5 } },
    });
    for (const hedge of [{ hedge: 'kalman', tune: true }, { hedge: 'kalman', delta: 1e-7, ve: 0.5 }, { hedge: 'ols' }] as const) {
      for (const queryType of ['analytics', 'stats'] as const) {
        const q = pairQ({ queryType, tf: '5m', window: 60, hedge, ...(queryType === 'analytics' ? { fields: ['beta', 'zscore'] } : { entryZ: 1.5 }) });
        expect(parseChannelPath(queryPath(q))).toEqual({ kind: queryType === 'stats' ? 'stats' : 'pair', query: q });
      }
    }
    expect(queryPath(pairQ({ window: 30, hedge: { hedge: 'kalman', tune: true } }))).toBe('pair/ETHUSDT-BTCUSDT/1m/30/t');
  });

  // Numbers are exact: a full-precision double takes 11 base64url characters, a short one stays readable.
  it('spells every number in at most 11 characters and reads back the same double', () => {
    const hard = [
      1e-7,
      0.5,
      2,
      0.1 + 0.2,
      Math.PI / 1e9,
      1 - Number.EPSILON,
      Number.MIN_VALUE,
      KALMAN_MAX_VE - 1e-3,
      1e300,
      -1.9999999999999998,
      123456789.123,
    ];
    for (let i = 0; i < 2000; i++) hard.push(Math.random() * 10 ** Math.floor(Math.random() * 40 - 20));
    for (const n of hard) {
      const t = numToken(n);
      expect(t.length).toBeLessThanOrEqual(11);
      expect(t).toMatch(/^[A-Za-z0-9_.-]+$/);
      const q = pairQ({ queryType: 'stats', entryZ: Math.abs(n) || 1 });
      expect(parseChannelPath(queryPath(q))).toEqual({ kind: 'stats', query: q });
    }
  });

  // Issue 23: Grafana refuses a channel id over 160 characters (MAX_CHANNEL_ID). The longest
  // settings the contract allows: legs of the longest symbol SYMBOL_PATTERN admits, MAX_WINDOW, a
  // Kalman delta and Ve and the thresholds at full precision, every analytics field; a 40-character
  // uid (Grafana's longest data source uid).
  it('keeps the channel id within 160 characters at the longest settings', () => {
    const longest = Number(/\{\d+,(\d+)\}/.exec(SYMBOL_PATTERN)![1]);
    expect(longest).toBe(20);
    // issue 25: the longest legs are perpetuals, 20 characters + '.P' (Grafana's path rule admits '.':
    // grafana-plugin-sdk-go live/channel.go, pathPattern `^[A-z0-9_\-/=.,]*$`)
    expect(new RegExp(`^${SYMBOL_PATTERN}$`).test(`${'Y'.repeat(longest)}.P`)).toBe(true);
    const y = `${'Y'.repeat(longest)}.P`;
    const x = `${'X'.repeat(longest)}.P`;
    const uid = 'u'.repeat(40);
    const base = {
      pair: `${y}/${x}`,
      y,
      x,
      tf: '1m' as const,
      window: MAX_WINDOW,
      hedge: { hedge: 'kalman' as const, delta: 0.12345678901234568, ve: 98765.43210987654 },
    };
    const worst = [
      pairQ({ ...base, fields: ['correlation', 'signal', 'zscore', 'spreadMean', 'spread', 'alpha', 'beta'] }),
      pairQ({ ...base, queryType: 'stats', entryZ: 2.0000000000000004, exitZ: 1.9999999999999998 }),
    ];
    const lengths = worst.map((q) => {
      const path = queryPath(q);
      expect(parseChannelPath(path)).toEqual({ kind: q.queryType === 'stats' ? 'stats' : 'pair', query: q });
      return channelId(uid, path).length;
    });
    // pair 5 + 45 + 3 + 6 + 2 x 13 + 9 = 94, stats 6 + 45 + 3 + 6 + 4 x 13 = 112; + "ds/" + uid + "/" = 44
    expect(lengths).toEqual([138, 156]);
    for (const n of lengths) expect(n).toBeLessThanOrEqual(MAX_CHANNEL_ID);
  });

  it.each([
    ['pair/ETHUSDT-BTCUSDT/1m/30/d2/v0.5', /delta/],
    ['pair/ETHUSDT-BTCUSDT/1m/30/d1e-7/v0', /ve/],
    ['pair/ETHUSDT-BTCUSDT/1m/30/d1e-7', /not in canonical form.*d1e-7\/v0.001/],
    ['pair/ETHUSDT-BTCUSDT/1m/30/d0.50/v1', /not in canonical form/],
    ['pair/ETHUSDT-BTCUSDT/1m/30/v1/d0.5', /not in canonical form/],
    ['pair/ETHUSDT-BTCUSDT/1m/30/dP-AAAAAAAAA/v1', /not in canonical form.*d0.5/],
    ['pair/ETHUSDT-BTCUSDT/1m/30/d', /segment "d" is not one of pair's/],
    ['pair/ETHUSDT-BTCUSDT/1m/30/e2', /segment "e2" is not one of pair's/],
    ['stats/ETHUSDT-BTCUSDT/1m/30/fz', /segment "fz" is not one of stats'/],
    ['stats/ETHUSDT-BTCUSDT/1m/30/e1/x2', /exit threshold/],
    ['ticks/btcusdt', /unknown channel path/],
    ['pair/ETHUSDT/BTCUSDT/1m/100', /unknown channel path/],
    ['pair/ETHUSDT-BTCUSDT/2m/100', /unknown channel path/],
    ['pair/ETHUSDT-BTCUSDT/1m/1', /window/],
    ['pair/ETHUSDT-ETHUSDT/1m/30', /legs of a pair must differ/],
    ['bars/BTCUSDT/1s', /unknown channel path/],
    ['pair/ETHUSDT-BTCUSDT/1m/100/fy', /unknown field code "y"/],
    ['pair/ETHUSDT-BTCUSDT/1m/100/fzz', /list a field twice/],
    ['pair/ETHUSDT-BTCUSDT/1m/100/', /unknown channel path/],
    ['', /unknown channel path/],
  ])('refuses %j', (path, why) => {
    const r = parseChannelPath(path);
    expect('error' in r && r.error).toMatch(why);
  });

  it("stats: the channel's schema is the stats query's frame", () => {
    const ch = ok('stats/ETHUSDT-BTCUSDT/1m/100/e2');
    const shape = (f: { fields: Array<{ name: string; type: string; labels?: Record<string, string> }> }) =>
      f.fields.map(({ name, type, labels }) => ({ name, type, labels }));
    const q = pairQ({ queryType: 'stats', entryZ: 2 });
    const none = { committed: null, provisional: null, adf: null, coint: null, halfLife: null, correlation: null, position: null };
    const queried = statsFrame(
      q,
      { ...none, pair: q.pair, hedge: 'ols', tf: '1m', window: 100, prices: { y: null, x: null }, updatedAt: 1, source: 'computed' },
      [],
    );
    expect(queried.fields).toHaveLength(19);
    expect(shape(channelFrame(ch))).toEqual(shape(queried));
    expect(channelFrame(ch).fields[0]!.values).toEqual([]);
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
    const ch = parseChannelPath('ticks/BTCUSDT') as PushChannel;
    const state = { lastTs: -Infinity };
    expect(rowsFor(ch, update, state)).toEqual([[1_700_000_000_400], [61000.5], [null]]);
    expect(rowsFor(ch, update, state)).toBeNull(); // same trade again: nothing new
  });

  it('pair: the analytics columns in the order of the analytics frame, signal coded', () => {
    const ch = parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100') as PushChannel;
    const rows = rowsFor(ch, update, { lastTs: -Infinity })!;
    expect(channelFrame(ch).fields.map((f) => f.name)).toEqual(['time', 'beta', 'alpha', 'spread', 'spreadMean', 'zscore', 'signal', 'correlation']);
    expect(rows).toEqual([[1_700_000_000_500], [0.05], [3], [-1.5], [null], [-2.1], [1], [0.9]]);
    expect(rowsFor(parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/30') as never, update, { lastTs: -Infinity })).toBeNull(); // another window
    // a Kalman channel takes only the point of its own hedge, as the collector echoes it
    const kalman = parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100/t/fz') as typeof ch;
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
    const ch = parseChannelPath(queryPath(pairQ({ fields: ['zscore'] }))) as PushChannel;
    expect(channelFrame(ch).fields.map((f) => f.name)).toEqual(['time', 'zscore']);
    expect(rowsFor(ch, update, { lastTs: -Infinity })).toEqual([[1_700_000_000_500], [-2.1]]);
    const two = parseChannelPath('pair/ETHUSDT-BTCUSDT/1m/100/fgb') as typeof ch;
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
    const ch = parseChannelPath('bars/BTCUSDT/1m') as PushChannel;
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
    const q = {
      refId: 'A',
      live: true,
      from: 0,
      to: 1,
      maxDataPoints: 0,
      intervalMs: 0,
      queryType: 'bars' as const,
      symbol: 'BTCUSDT',
      tf: '1m' as const,
      normalize: false,
    };
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
