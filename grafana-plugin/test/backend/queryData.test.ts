/**
 * QueryData, CheckHealth, CallResource and CollectMetrics of the built executable, called over
 * gRPC as Grafana calls them, against the real collector query API (createApi on a real SQLite
 * store, collectorApi.ts) holding two hours of a deterministic cointegrated pair.
 * Expected values come from the collector API itself, fetched directly in each test: the
 * backend must pass its numbers through unchanged (signal coded 1/0/-1, half-life bars -> s).
 * Arrow frames are read with apache-arrow directly, not with our decoder.
 */
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { DataType, Type } from 'apache-arrow';
import {
  SCAN_DEFAULTS,
  TOP_PAIRS,
  type AnalyticsResponse,
  type BacktestResponse,
  type BarsResponse,
  type SignalsResponse,
  type StatsResponse,
  type SweepResponse,
  type TicksResponse,
  type WalkForwardResponse,
} from '@quant-pairs/contract';
import { call, PluginProcess, startPlugin } from '../emulator';
import { arrowTable, dataSourceContext, HOUR, PLUGIN_DIR, T0 } from './helpers';
import { startFakeBinance, type FakeBinance } from 'collector/src/fake-binance';
import { historyClient, loadHistory } from 'collector/src/ingest/history';
import { log } from 'collector/src/log';
import { CollectorApi, pairTicks, startCollectorApi } from './collectorApi';

const TOKEN = 'test-token-123';
const FROM = T0;
const TO = T0 + 2 * HOUR;
const SIGNAL: Record<string, number> = { LONG: 1, NEUTRAL: 0, SHORT: -1 };
/** The paper position's side as the stats frame codes it (query/stats.ts positionFields). */
const SIDE: Record<string, number> = { LONG: 1, FLAT: 0, SHORT: -1 };

let api: CollectorApi;
let plugin: PluginProcess;
/** A loopback URL where nothing listens (a port the OS gave and took back). */
let deadUrl: string;

function ctx(over: { url?: string; token?: string | null; jsonData?: Record<string, unknown> } = {}) {
  return dataSourceContext(over.jsonData ?? { collectorUrl: over.url ?? api.url }, over.token === undefined ? TOKEN : over.token);
}

interface DR {
  frames: Buffer[];
  error: string;
  status: number;
  errorSource: string;
}

function q(refId: string, model: Record<string, unknown>, range: [number, number] = [FROM, TO], maxDataPoints = 1000) {
  return {
    refId,
    maxDataPoints,
    intervalMS: 60_000,
    timeRange: { fromEpochMS: range[0], toEpochMS: range[1] },
    json: Buffer.from(JSON.stringify({ refId, ...model })),
    queryType: String(model.queryType ?? ''),
  };
}

async function queryData(queries: Array<ReturnType<typeof q>>, context = ctx()): Promise<Record<string, DR>> {
  const r = await call<{ responses: Record<string, DR> }>(plugin.clients.data, 'QueryData', { pluginContext: context, headers: {}, queries });
  return r.responses;
}

function col(t: ReturnType<typeof arrowTable>, name: string): unknown[] {
  const i = t.schema.fields.findIndex((f) => f.name === name);
  if (i < 0) throw new Error(`no field ${name}`);
  return Array.from(t.getChildAt(i)!.toArray() as ArrayLike<unknown>);
}

/** Values with nulls (toArray of a float column with nulls gives 0 at the null slots). */
function colNullable(t: ReturnType<typeof arrowTable>, name: string): Array<number | null> {
  const i = t.schema.fields.findIndex((f) => f.name === name);
  const v = t.getChildAt(i)!;
  return Array.from({ length: v.length }, (_, k) => (v.isValid(k) ? (v.get(k) as number) : null));
}

function timesMs(t: ReturnType<typeof arrowTable>): number[] {
  const i = t.schema.fields.findIndex((f) => f.name === 'time');
  const raw = t.getChildAt(i)!.data.flatMap((d) => Array.from(d.values as BigInt64Array));
  // Exact: whole ms plus the sub-ms rest (Number(ns) / 1e6 would round).
  return raw.map((ns) => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6);
}

beforeAll(async () => {
  api = await startCollectorApi({ ticks: pairTicks(T0, 7200), token: TOKEN });
  plugin = await startPlugin({ pluginDir: PLUGIN_DIR });
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  deadUrl = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  await new Promise((r) => srv.close(r));
}, 60_000);

afterAll(async () => {
  await plugin?.stop();
  await api?.close();
});

describe('QueryData against the real collector API', () => {
  it('answers several refIds at once, each with its frame, numbers equal to the collector API', async () => {
    const pair = { pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30' };
    const res = await queryData([
      q('A', { queryType: 'ticks', symbol: 'BTCUSDT', limit: 500 }),
      q('B', { queryType: 'bars', symbol: 'ETHUSDT', timeframe: '1m' }),
      q('C', { queryType: 'analytics', ...pair }),
      q('D', { queryType: 'stats', ...pair }),
      q('E', { queryType: 'signals', ...pair, entryZ: 1.5 }),
    ]);
    expect(Object.keys(res).sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
    for (const r of Object.values(res)) {
      expect(r.error).toBe('');
      expect(r.status).toBe(200);
      expect(r.frames).toHaveLength(1);
    }

    // A: the newest 500 ticks of the range, as /api/ticks pages give them.
    let ticks: TicksResponse['ticks'] = [];
    for (let from: number | null = FROM; from !== null;) {
      const page: TicksResponse = await api.get(`/api/ticks?symbol=BTCUSDT&from=${from}&to=${TO}&limit=10000`);
      ticks = ticks.concat(page.ticks);
      from = page.next;
    }
    ticks = ticks.slice(-500);
    const a = arrowTable(res.A!.frames[0]!);
    expect(a.numRows).toBe(500);
    expect(timesMs(a)).toEqual(ticks.map((t) => t.ts));
    expect(col(a, 'price')).toEqual(ticks.map((t) => t.price));
    expect(col(a, 'qty')).toEqual(ticks.map((t) => t.qty));

    // B: every 1m bar.
    const bars: BarsResponse = await api.get(`/api/bars?symbol=ETHUSDT&tf=1m&from=${FROM}&to=${TO}`);
    const b = arrowTable(res.B!.frames[0]!);
    expect(bars.bars.length).toBe(120);
    expect(timesMs(b)).toEqual(bars.bars.map((x) => x.start));
    for (const k of ['open', 'high', 'low', 'close', 'volume', 'trades'] as const) expect(col(b, k)).toEqual(bars.bars.map((x) => x[k]));
    expect(colNullable(b, 'vwap')).toEqual(bars.bars.map((x) => x.vwap));
    expect(col(b, 'source')).toEqual(bars.bars.map((x) => x.source)); // all 'ticks' here: the store holds trades only

    // C: the analytics series (maxDataPoints passed through). Equal exactly, not within the
    // tolerance across paths: the stored bars are settled and long past, so both requests are
    // served by one path (the same cached run), and the frame must carry its doubles unchanged.
    const an: AnalyticsResponse = await api.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1m&window=30&from=${FROM}&to=${TO}&maxDataPoints=1000`);
    const c = arrowTable(res.C!.frames[0]!);
    expect(an.series.ts.length).toBeGreaterThan(60);
    expect(timesMs(c)).toEqual(an.series.ts);
    for (const k of ['beta', 'alpha', 'spread', 'spreadMean', 'zscore', 'correlation'] as const) expect(colNullable(c, k)).toEqual(an.series[k]);
    expect(colNullable(c, 'signal')).toEqual(an.series.signal.map((s) => (s === null ? null : SIGNAL[s]!)));
    expect(an.series.zscore.some((z) => z === null)).toBe(true); // warm-up: nulls really travel as nulls
    // the rolling mean of the spread travels as numbers (not the all-null column of an engine without it)
    expect(colNullable(c, 'spreadMean').filter((v) => typeof v === 'number' && Number.isFinite(v)).length).toBeGreaterThan(60);

    // D: latest stats.
    const st: StatsResponse = await api.get(`/api/stats?pair=ETHUSDT/BTCUSDT&tf=1m&window=30`);
    const d = arrowTable(res.D!.frames[0]!);
    const point = st.provisional ?? st.committed;
    expect(d.numRows).toBe(1);
    expect(timesMs(d)).toEqual([point!.ts]);
    expect(colNullable(d, 'zscore')).toEqual([point!.zscore]);
    expect(colNullable(d, 'beta')).toEqual([point!.beta]);
    expect(colNullable(d, 'signal')).toEqual([point!.signal === null ? null : SIGNAL[point!.signal]]);
    expect(colNullable(d, 'yPrice')).toEqual([st.prices.y?.price ?? null]);
    const num = (v: unknown, k: string): number | null => (v && typeof v === 'object' && k in v ? (v as Record<string, number>)[k]! : null);
    expect(colNullable(d, 'adfPValue')).toEqual([num(st.adf, 'pvalue')]);
    expect(colNullable(d, 'egPValue')).toEqual([num(st.coint, 'pvalue')]);
    const hl = num(st.halfLife, 'halfLife');
    expect(colNullable(d, 'halfLife')).toEqual([hl === null ? null : hl * 60]);
    // this API runs no live engine: no paper position, its columns there and empty
    expect(st.position).toBeNull();
    for (const k of ['position', 'entryTs', 'unrealisedPnl', 'equity', 'closedTrades']) expect(colNullable(d, k)).toEqual([null]);

    // E: signal events with entryZ passed through.
    const sg: SignalsResponse = await api.get(`/api/signals?pair=ETHUSDT/BTCUSDT&tf=1m&window=30&entryZ=1.5&from=${FROM}&to=${TO}`);
    const e = arrowTable(res.E!.frames[0]!);
    expect(sg.events.length).toBeGreaterThan(0);
    expect(timesMs(e)).toEqual(sg.events.map((x) => x.ts));
    expect(col(e, 'text')).toEqual(sg.events.map((x) => x.text));
    expect(col(e, 'signal')).toEqual(sg.events.map((x) => SIGNAL[x.signal]));
  });

  it('passes the Kalman hedge through (issue 18): its numbers, labelled hedge=kalman, named (Kalman); a conflicting setting is the refId’s error', async () => {
    const pair = { pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30' };
    const res = await queryData([
      q('K', { queryType: 'analytics', ...pair, hedge: 'kalman', delta: 1e-7, ve: 0.5, fields: ['beta', 'zscore'] }),
      q('O', { queryType: 'analytics', ...pair, fields: ['beta', 'zscore'] }),
      q('S', { queryType: 'stats', ...pair, hedge: 'kalman', delta: '1e-7', ve: '0.5' }),
      q('X', { queryType: 'analytics', ...pair, hedge: 'kalman', tune: true, ve: 0.5 }),
    ]);
    const an: AnalyticsResponse = await api.get(
      `/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1m&window=30&from=${FROM}&to=${TO}&maxDataPoints=1000&hedge=kalman&delta=1e-7&ve=0.5`,
    );
    expect(an.hedge).toBe('kalman');
    const k = arrowTable(res.K!.frames[0]!);
    expect(timesMs(k)).toEqual(an.series.ts);
    expect(colNullable(k, 'beta')).toEqual(an.series.beta);
    expect(colNullable(k, 'zscore')).toEqual(an.series.zscore);
    const o = arrowTable(res.O!.frames[0]!);
    expect(colNullable(o, 'zscore')).not.toEqual(an.series.zscore);
    const meta = (t: ReturnType<typeof arrowTable>, name: string) =>
      JSON.parse(t.schema.fields.find((f) => f.name === name)!.metadata.get('config') ?? '{}') as { displayNameFromDS?: string };
    const labels = (t: ReturnType<typeof arrowTable>, name: string) =>
      JSON.parse(t.schema.fields.find((f) => f.name === name)!.metadata.get('labels') ?? '{}') as Record<string, string>;
    expect(meta(k, 'beta').displayNameFromDS).toBe('ETHUSDT/BTCUSDT β (Kalman)');
    expect(labels(k, 'zscore')).toMatchObject({ hedge: 'kalman' });
    expect(meta(o, 'beta').displayNameFromDS).toBe('ETHUSDT/BTCUSDT β');
    const st: StatsResponse = await api.get(`/api/stats?pair=ETHUSDT/BTCUSDT&tf=1m&window=30&hedge=kalman&delta=1e-7&ve=0.5`);
    expect(colNullable(arrowTable(res.S!.frames[0]!), 'zscore')).toEqual([(st.provisional ?? st.committed)!.zscore]);
    expect(res.X!.status).toBe(400);
    expect(res.X!.error).toMatch(/^tune: .*give tune or ve, not both/);
  });

  it('carries the live paper position (issue 16): side LONG 1 / FLAT 0 / SHORT -1, entry time, unrealised P&L, equity, closed trades as /api/stats gives them; empty without one', async () => {
    // The collector's live engine (1m, window 30, paper entry at 1.5: 120 bars of a mean-reverting
    // spread trade at |z| > 1.5, as the backtest test below shows) warmed up from the same ticks.
    const liveApi = await startCollectorApi({ ticks: pairTicks(T0, 7200), token: TOKEN, live: { entryZ: 1.5 } });
    try {
      const pair = { pair: 'ETHUSDT/BTCUSDT', timeframe: '1m' };
      const res = await queryData(
        [
          q('P', { queryType: 'stats', ...pair, window: '30' }),
          // a window the engine does not keep, and a query with its own entry: both computed from stored bars
          q('W', { queryType: 'stats', ...pair, window: '60' }),
          q('Z', { queryType: 'stats', ...pair, window: '30', entryZ: 2 }),
        ],
        ctx({ url: liveApi.url }),
      );
      const st: StatsResponse = await liveApi.get(`/api/stats?pair=ETHUSDT/BTCUSDT&tf=1m&window=30`);
      expect(st.source).toBe('live');
      const p = st.position!;
      expect(p.rules.entry).toBe(1.5);
      // not the untouched book: trades closed, so equity is no longer the notional
      expect(p.closedTrades).toBeGreaterThan(0);
      expect(p.equity).not.toBe(p.rules.notional);
      const f = arrowTable(res.P!.frames[0]!);
      expect(f.numRows).toBe(1);
      expect(colNullable(f, 'position')).toEqual([SIDE[p.side]]);
      expect(colNullable(f, 'entryTs')).toEqual([p.entryTs]);
      expect(colNullable(f, 'unrealisedPnl')).toEqual([p.unrealisedPnl]);
      expect(colNullable(f, 'equity')).toEqual([p.equity]);
      expect(colNullable(f, 'closedTrades')).toEqual([p.closedTrades]);
      // the side reads as words in a panel (value mappings), the money in the y leg's quote asset (USDT)
      const config = (name: string) => JSON.parse(f.schema.fields.find((x) => x.name === name)!.metadata.get('config') ?? '{}') as Record<string, any>;
      expect(config('position').mappings[0].options).toEqual({
        '1': { text: 'LONG', color: 'green', index: 0 },
        '0': { text: 'FLAT', color: 'text', index: 1 },
        '-1': { text: 'SHORT', color: 'red', index: 2 },
      });
      expect(config('position').description).toContain('entry ±1.5, exit 0');
      expect([config('equity').unit, config('equity').decimals, config('unrealisedPnl').unit]).toEqual(['currencyUSD', 2, 'currencyUSD']);
      expect(config('entryTs').unit).toBe('dateTimeAsIso');
      // each column its own series for an alert rule: labelled with its name
      expect(JSON.parse(f.schema.fields.find((x) => x.name === 'equity')!.metadata.get('labels') ?? '{}')).toEqual({
        pair: 'ETHUSDT/BTCUSDT',
        tf: '1m',
        window: '30',
        field: 'equity',
      });
      for (const [refId, query] of [
        ['W', 'window=60'],
        ['Z', 'window=30&entryZ=2'],
      ] as const) {
        const other: StatsResponse = await liveApi.get(`/api/stats?pair=ETHUSDT/BTCUSDT&tf=1m&${query}`);
        expect([refId, other.source, other.position]).toEqual([refId, 'computed', null]);
        const t = arrowTable(res[refId]!.frames[0]!);
        expect(t.numRows).toBe(1);
        for (const k of ['position', 'entryTs', 'unrealisedPnl', 'equity', 'closedTrades']) expect([refId, k, colNullable(t, k)]).toEqual([refId, k, [null]]);
      }
    } finally {
      await liveApi.close();
    }
  });

  it('runs the backtest (issue 16): equity, trades, metrics and sweep frames equal /api/backtest and /api/backtest/sweep; bad values named', async () => {
    // entry 1.5, a stop, 5 bps fees, 2 bps slippage, lag 0 given as text (a dashboard variable interpolated): each reaches the collector
    const bt = { pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30', entryZ: '1.5', exitZ: 0, stop: 4, feeBps: '5', slippageBps: 2, lag: '0' };
    const res = await queryData([
      q('EQ', { queryType: 'backtest', ...bt }, [FROM, TO], 50),
      q('TR', { queryType: 'backtest', ...bt, output: 'trades' }),
      q('ME', { queryType: 'backtest', ...bt, output: 'metrics' }),
      q('SW', { queryType: 'backtest', ...bt, output: 'sweep', sweepWindows: [20, 30], sweepEntries: '1,1.5,2', sweepExits: [0, 1.5] }),
      q('BAD', { queryType: 'backtest', ...bt, stop: 1 }),
      q('BIG', {
        queryType: 'backtest',
        ...bt,
        output: 'sweep',
        sweepEntries: Array.from({ length: 30 }, (_, i) => 1 + i / 10),
        sweepExits: Array.from({ length: 40 }, (_, i) => i / 100),
      }),
    ]);
    const common = `pair=ETHUSDT/BTCUSDT&tf=1m&from=${FROM}&to=${TO}&stop=4&cooldown=0&lag=0&feeBps=5&slippageBps=2&notional=1000`;
    const full: BacktestResponse = await api.get(`/api/backtest?${common}&window=30&entry=1.5&exit=0`);
    expect(full.trades.length).toBeGreaterThan(2); // 120 bars of a mean-reverting spread at |z| > 1.5

    // EQ: the equity curve thinned by the collector to the panel's maxDataPoints (50)
    const thin: BacktestResponse = await api.get(`/api/backtest?${common}&window=30&entry=1.5&exit=0&maxDataPoints=50`);
    expect(thin.thinned).toBe(true);
    const eq = arrowTable(res.EQ!.frames[0]!);
    expect(timesMs(eq)).toEqual(thin.equity.ts);
    expect(col(eq, 'equity')).toEqual(thin.equity.equity);

    // TR: one row a trade, entry fill at time, exit fill at timeEnd, P&L as the collector's
    const tr = arrowTable(res.TR!.frames[0]!);
    expect(timesMs(tr)).toEqual(full.trades.map((t) => t.entryTs));
    const i = tr.schema.fields.findIndex((f) => f.name === 'timeEnd');
    const ends = tr
      .getChildAt(i)!
      .data.flatMap((d) => Array.from(d.values as BigInt64Array))
      .map((ns) => Number(ns / 1_000_000n));
    expect(ends).toEqual(full.trades.map((t) => t.exitTs));
    expect(col(tr, 'pnl')).toEqual(full.trades.map((t) => t.pnl));
    expect(col(tr, 'side')).toEqual(full.trades.map((t) => t.side));
    expect(col(tr, 'reason')).toEqual(full.trades.map((t) => t.reason));
    const t0 = full.trades[0]!;
    expect(col(tr, 'text')[0]).toBe(
      `${t0.side} ${t0.reason}: ${t0.pnl >= 0 ? '+' : ''}${t0.pnl.toFixed(2)} (${t0.bars} bars, fees ${t0.fees.toFixed(2)}, beta ${t0.beta.toPrecision(4)})`,
    );

    // ME: one row of metrics
    const me = arrowTable(res.ME!.frames[0]!);
    expect(me.numRows).toBe(1);
    for (const k of ['totalReturn', 'sharpe', 'maxDrawdown', 'trades', 'winRate', 'avgBars', 'fees'] as const)
      expect(colNullable(me, k)).toEqual([full.metrics[k]]);

    // SW: one row a valid combination (exit below entry, stop above it), metrics as /api/backtest/sweep's
    const sw: SweepResponse = await api.get(`/api/backtest/sweep?${common}&window=20,30&entry=1,1.5,2&exit=0,1.5`);
    const s = arrowTable(res.SW!.frames[0]!);
    expect(s.numRows).toBe(sw.rows.length);
    expect(sw.rows.length).toBe(2 * (3 + 1)); // per window: entries 1, 1.5, 2 at exit 0, and entry 2 at exit 1.5
    expect(col(s, 'window')).toEqual(sw.rows.map((r) => r.window));
    expect(col(s, 'entry')).toEqual(sw.rows.map((r) => r.entry));
    expect(col(s, 'exit')).toEqual(sw.rows.map((r) => r.exit));
    expect(colNullable(s, 'sharpe')).toEqual(sw.rows.map((r) => r.metrics.sharpe));
    expect(colNullable(s, 'totalReturn')).toEqual(sw.rows.map((r) => r.metrics.totalReturn));
    // the sweep's row of window 30, entry 1.5, exit 0 is the single backtest's metrics
    const k = sw.rows.findIndex((r) => r.window === 30 && r.entry === 1.5 && r.exit === 0);
    expect(colNullable(s, 'sharpe')[k]).toBe(full.metrics.sharpe);

    // bad values: named by the contract before any call (the collector's rules: stop above entry, at most 1,000 combinations)
    expect(res.BAD!.status).toBe(400);
    expect(res.BAD!.error).toBe('stop: the stop (1) must be above the entry threshold (1.5)');
    expect(res.BIG!.status).toBe(400);
    expect(res.BIG!.error).toMatch(/^sweepExits: the grid has 1 windows x 30 entries x 40 exits = 1200 combinations; at most 1000/);
  });

  it("runs the grid's verdict, the walk-forward, its folds and the OU band (issue 26): frames equal /api/backtest/sweep, /api/backtest/walkforward and /api/stats", async () => {
    const bt = { queryType: 'backtest', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30', exitZ: 0, feeBps: 5 };
    const grid = { sweepWindows: [20, 30], sweepEntries: '1,1.5,2' };
    const wf = { ...grid, wfTrain: '60', wfTest: 20, wfObjective: 'sortino' }; // text: a dashboard variable interpolated
    const res = await queryData([
      q('VE', { ...bt, ...grid, output: 'verdict' }),
      q('WF', { ...bt, ...wf, output: 'walkforward' }),
      q('FO', { ...bt, ...wf, output: 'folds' }),
      q('OUW', { ...bt, output: 'ouband' }),
      q('BAD', { ...bt, ...wf, wfTrain: 1, output: 'folds' }),
    ]);
    const common = `pair=ETHUSDT/BTCUSDT&tf=1m&from=${FROM}&to=${TO}&cooldown=0&lag=1&feeBps=5&slippageBps=0&notional=1000&window=20,30&entry=1,1.5,2&exit=0`;
    const sw: SweepResponse = await api.get(`/api/backtest/sweep?${common}`);
    const v = arrowTable(res.VE!.frames[0]!);
    expect(v.numRows).toBe(1);
    expect([colNullable(v, 'dsr'), colNullable(v, 'psr'), colNullable(v, 'pbo'), colNullable(v, 'probLoss')]).toEqual([
      [sw.dsr],
      [sw.psr],
      [sw.pbo!.pbo],
      [sw.pbo!.probLoss],
    ]);
    expect(colNullable(v, 'bestSharpe')).toEqual([sw.rows[sw.best]!.metrics.sharpe]);
    expect(sw.pbo!.logits).toHaveLength(12870); // 120 bars in 16 blocks of 7, C(16, 8) splits
    // the PBO stat's colours travel with the field: red from 0.5 (more likely overfit than not)
    const pboField = v.schema.fields.find((f) => f.name === 'pbo')!;
    expect(JSON.parse(pboField.metadata.get('config')!).thresholds.steps.at(-1)).toEqual({ value: 0.5, color: 'red' });

    const w: WalkForwardResponse = await api.get(`/api/backtest/walkforward?${common}&train=60&test=20&objective=sortino`);
    // 119 final bars: folds test [60, 80), [80, 100), [100, 119)
    expect(w.folds.map((f) => [f.testStart, f.testEnd])).toEqual([
      [60, 80],
      [80, 100],
      [100, w.bars],
    ]);
    const e = arrowTable(res.WF!.frames[0]!);
    expect(timesMs(e)).toEqual(w.equityTs);
    expect(col(e, 'oosEquity')).toEqual(w.equity);
    const f = arrowTable(res.FO!.frames[0]!);
    expect(timesMs(f)).toEqual(w.folds.map((x) => x.testStartTs));
    expect(col(f, 'window')).toEqual(w.folds.map((x) => x.choice.window));
    expect(col(f, 'entry')).toEqual(w.folds.map((x) => x.choice.entry));
    expect(colNullable(f, 'outSharpe')).toEqual(w.folds.map((x) => x.outOfSample.sharpe));
    expect(colNullable(f, 'inSharpe')).toEqual(w.folds.map((x) => x.inSample.sharpe));

    // 1s bars: the spread's AR(1) noise (0.8 a second) reverts over bars; on 1m bars it is white (0.8^60), no OU fit.
    // The collector's clock is real and the sample is the last 1s bars before it: /api/stats asked just before
    // and just after the plugin's query, the plugin's band is one of the two answers.
    const stats1s = () => api.get('/api/stats?pair=ETHUSDT/BTCUSDT&tf=1s&window=30') as Promise<StatsResponse>;
    const before = await stats1s();
    const band = (await queryData([q('OU', { ...bt, timeframe: '1s', output: 'ouband' })])).OU!;
    const after = await stats1s();
    const o = arrowTable(band.frames[0]!);
    const got = JSON.parse(o.schema.metadata.get('meta')!).custom.ou as { entryLong: number; mu: number; entryShort: number };
    expect([before.ou, after.ou]).toContainEqual(got);
    expect(got.entryLong).toBeLessThan(got.mu);
    expect(got.mu).toBeLessThan(got.entryShort);
    // two points, the range's ends: flat lines across the panel
    expect(timesMs(o)).toEqual([FROM, TO]);
    expect([col(o, 'ouEntryLong'), col(o, 'ouMu'), col(o, 'ouEntryShort')]).toEqual([
      [got.entryLong, got.entryLong],
      [got.mu, got.mu],
      [got.entryShort, got.entryShort],
    ]);

    // on 1m bars: no band, an empty frame saying why
    const none = arrowTable(res.OUW!.frames[0]!);
    expect(none.numRows).toBe(0);
    expect(JSON.parse(none.schema.metadata.get('meta')!).notices).toEqual([
      { severity: 'info', text: 'no OU band: the spread does not revert (its AR(1) coefficient is not in (0, 1))' },
    ]);
    expect(res.BAD!.status).toBe(400);
    expect(res.BAD!.error).toBe('wfTrain: the train part must be a whole number of bars from 2 to 1000000, got 1');
  });

  it('runs the backtest under the Kalman hedge (issue 16): the query’s hedge, delta / Ve or tune reach /api/backtest and /api/backtest/sweep', async () => {
    const bt = { queryType: 'backtest', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30', entryZ: 1.5, exitZ: 0 };
    // delta 1e-9, Ve 0.1: |z| up to 4.4 on these bars (the Kalman z is the innovation over its predicted sd), so trades at entry 1.5
    const kalman = { hedge: 'kalman', delta: 1e-9, ve: '0.1' }; // Ve as text: a dashboard variable interpolated
    const before = api.requests.length;
    const res = await queryData([
      q('KTR', { ...bt, ...kalman, output: 'trades' }),
      q('KME', { ...bt, ...kalman, output: 'metrics' }),
      q('OME', { ...bt, output: 'metrics' }),
      q('TME', { ...bt, hedge: 'kalman', tune: true, output: 'metrics' }),
      q('KSW', { ...bt, ...kalman, output: 'sweep', sweepWindows: [20, 30], sweepEntries: [1, 1.5] }),
      q('BAD', { ...bt, hedge: 'kalman', tune: true, delta: 1e-7 }),
    ]);
    const backendAsked = api.requests.slice(before);
    const common = `pair=ETHUSDT/BTCUSDT&tf=1m&from=${FROM}&to=${TO}&cooldown=0&lag=1&feeBps=10&slippageBps=0&notional=1000`;
    const k: BacktestResponse = await api.get(`/api/backtest?${common}&window=30&entry=1.5&exit=0&hedge=kalman&delta=1e-9&ve=0.1`);
    const o: BacktestResponse = await api.get(`/api/backtest?${common}&window=30&entry=1.5&exit=0`);
    const tuned: BacktestResponse = await api.get(`/api/backtest?${common}&window=30&entry=1.5&exit=0&hedge=kalman&tune=true`);
    expect([k.hedge, o.hedge, tuned.hedge]).toEqual(['kalman', 'ols', 'kalman']);
    // the Kalman backtest trades otherwise than the OLS one on these bars, so passing OLS instead would fail here
    expect(k.trades.length).toBeGreaterThan(0);
    expect(k.trades.map((t) => t.pnl)).not.toEqual(o.trades.map((t) => t.pnl));

    const tr = arrowTable(res.KTR!.frames[0]!);
    expect(timesMs(tr)).toEqual(k.trades.map((t) => t.entryTs));
    expect(col(tr, 'pnl')).toEqual(k.trades.map((t) => t.pnl));
    expect(col(tr, 'beta')).toEqual(k.trades.map((t) => t.beta));
    const metrics = (r: DR) => arrowTable(r.frames[0]!);
    for (const m of ['totalReturn', 'sharpe', 'maxDrawdown', 'trades', 'fees'] as const) {
      expect(colNullable(metrics(res.KME!), m)).toEqual([k.metrics[m]]);
      expect(colNullable(metrics(res.OME!), m)).toEqual([o.metrics[m]]);
      expect(colNullable(metrics(res.TME!), m)).toEqual([tuned.metrics[m]]);
    }
    // labelled and described as Kalman, so a panel with both hedges tells them apart
    const field = metrics(res.KME!).schema.fields.find((f) => f.name === 'sharpe')!;
    expect(JSON.parse(field.metadata.get('labels') ?? '{}')).toMatchObject({ hedge: 'kalman' });
    expect(JSON.parse(metrics(res.KME!).schema.metadata.get('meta')!).executedQueryString).toMatch(/ hedge=kalman /);
    expect(JSON.parse(metrics(res.OME!).schema.metadata.get('meta')!).executedQueryString).not.toMatch(/hedge/);

    const sw: SweepResponse = await api.get(`/api/backtest/sweep?${common}&window=20,30&entry=1,1.5&exit=0&hedge=kalman&delta=1e-9&ve=0.1`);
    expect(sw.hedge).toBe('kalman');
    const s = arrowTable(res.KSW!.frames[0]!);
    expect(col(s, 'window')).toEqual(sw.rows.map((r) => r.window));
    expect(col(s, 'entry')).toEqual(sw.rows.map((r) => r.entry));
    expect(colNullable(s, 'totalReturn')).toEqual(sw.rows.map((r) => r.metrics.totalReturn));

    // what the backend asked: the hedge's parameters as the collector names them, none for OLS (its default)
    const asked = (refine: (p: URLSearchParams) => boolean) =>
      backendAsked
        .filter((u) => u.startsWith('/api/backtest?'))
        .map((u) => new URL(u, api.url).searchParams)
        .filter(refine)
        .map((p) => ['hedge', 'delta', 've', 'tune'].map((n) => p.get(n)));
    expect(asked((p) => p.get('window') === '30' && p.get('entry') === '1.5' && p.has('maxDataPoints') === false && p.get('delta') !== '1e-9')).toEqual([
      [null, null, null, null], // OME
      ['kalman', null, null, 'true'], // TME: two hours of bars, no previous UTC day to fit on, so no z and no trades; the parameter still travels
    ]);
    expect(asked((p) => p.get('delta') === '1e-9')).toContainEqual(['kalman', '1e-9', '0.1', null]);

    // tune fits delta and Ve: given with delta, the contract names the conflict before any call
    expect(res.BAD!.status).toBe(400);
    expect(res.BAD!.error).toMatch(/^tune: .*give tune or delta, not both/);
  });

  it('writes Arrow files Grafana reads: magic, schema and field metadata, ns timestamps without zone, plain Utf8, nullability', async () => {
    const res = await queryData([
      q('Z', { queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30', entryZ: 2.5 }),
      q('S', { queryType: 'signals', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30', entryZ: 1.5 }),
    ]);
    const bytes = res.Z!.frames[0]!;
    expect(bytes.subarray(0, 6).toString()).toBe('ARROW1');
    expect(bytes.subarray(bytes.length - 6).toString()).toBe('ARROW1');
    const t = arrowTable(bytes);
    expect(t.schema.metadata.get('refId')).toBe('Z');
    expect(t.schema.metadata.get('name')).toBe('ETHUSDT/BTCUSDT 1m w30');
    const meta = JSON.parse(t.schema.metadata.get('meta')!);
    expect(meta).toMatchObject({ type: 'timeseries-wide', typeVersion: [0, 1] });
    expect(t.schema.fields.map((f) => f.name)).toEqual(['time', 'beta', 'alpha', 'spread', 'spreadMean', 'zscore', 'signal', 'correlation']);
    const [time, ...values] = t.schema.fields;
    expect(time!.type.typeId).toBe(Type.Timestamp);
    expect((time!.type as DataType & { unit: number; timezone: string | null }).unit).toBe(3); // NANOSECOND
    expect((time!.type as DataType & { timezone: string | null }).timezone ?? null).toBeNull();
    expect(time!.nullable).toBe(false);
    expect(time!.metadata.get('tstype')).toBe('time');
    expect(JSON.parse(time!.metadata.get('config')!)).toEqual({ interval: 60_000 });
    for (const f of values) {
      expect(f.type.typeId).toBe(Type.Float);
      expect(f.nullable).toBe(true);
      expect(f.metadata.get('tstype')).toBe('number');
      expect(JSON.parse(f.metadata.get('labels')!)).toEqual({ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: '30', field: f.name });
    }
    const cfg = (name: string) => JSON.parse(t.schema.fields.find((f) => f.name === name)!.metadata.get('config')!);
    // z-score thresholds at ±entryZ, drawn as dashed lines; signal as a state field with mappings.
    expect(cfg('zscore').thresholds.steps).toEqual([
      { value: null, color: 'green' },
      { value: -2.5, color: 'green' },
      { value: 2.5, color: 'red' },
    ]);
    expect(cfg('zscore').custom.thresholdsStyle).toEqual({ mode: 'dashed' });
    expect(cfg('signal').mappings[0].options).toMatchObject({ '1': { text: 'LONG' }, '0': { text: 'NEUTRAL' }, '-1': { text: 'SHORT' } });
    expect(cfg('spread').unit).toBe('currencyUSD');
    expect(cfg('beta').displayNameFromDS).toBe('ETHUSDT/BTCUSDT β');
    // Nulls come from the validity bitmap.
    const z = t.getChild('zscore')!;
    expect(z.nullCount).toBeGreaterThan(0);
    // Strings are Utf8, never Dictionary / view types.
    const s = arrowTable(res.S!.frames[0]!);
    for (const name of ['title', 'text', 'tags']) {
      const f = s.schema.fields.find((x) => x.name === name)!;
      expect(f.type.typeId).toBe(Type.Utf8);
      expect(f.metadata.get('tstype')).toBe('string');
    }
    for (const f of [...t.schema.fields, ...s.schema.fields])
      expect([Type.Dictionary, Type.Utf8View, Type.BinaryView, Type.LargeUtf8]).not.toContain(f.type.typeId);
    expect(s.batches.length).toBe(1);
  });

  // Grafana's expression engine (alert rules, server-side expressions) turns each numeric field of
  // a wide frame into one series identified by its labels alone, and the evaluation fails with
  // "frame cannot uniquely be identified by its labels" when two share them (grafana/grafana
  // pkg/expr/converter.go WideToMany, pkg/services/ngalert/eval/eval.go). So a rule on any query
  // the editor builds, the default analytics one (all columns) included, needs distinct labels.
  it('labels every numeric field so that each is a distinct series (a rule on any query type evaluates)', async () => {
    const pair = { pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30' };
    const res = await queryData([
      q('T', { queryType: 'ticks', symbol: 'BTCUSDT', limit: 10 }),
      q('B', { queryType: 'bars', symbol: 'ETHUSDT', timeframe: '1m' }),
      q('A', { queryType: 'analytics', ...pair }),
      q('F', { queryType: 'analytics', ...pair, fields: ['zscore', 'beta'] }),
      q('S', { queryType: 'stats', ...pair }),
      q('G', { queryType: 'signals', ...pair, entryZ: 1.5 }),
    ]);
    for (const [refId, r] of Object.entries(res)) {
      expect({ refId, error: r.error }).toEqual({ refId, error: '' });
      const t = arrowTable(r.frames[0]!);
      const numeric = t.schema.fields.filter((f) => f.metadata.get('tstype') === 'number');
      expect(numeric.length).toBeGreaterThan(0);
      const ids = numeric.map((f) => JSON.stringify(Object.entries(JSON.parse(f.metadata.get('labels') ?? '{}') as Record<string, string>).sort()));
      expect({ refId, unique: new Set(ids).size }).toEqual({ refId, unique: numeric.length });
    }
  });

  it('answers an empty range with an empty frame that still has the full schema', async () => {
    const empty: [number, number] = [T0 - 10 * HOUR, T0 - 9 * HOUR];
    const res = await queryData([
      q('T', { queryType: 'ticks', symbol: 'BTCUSDT' }, empty),
      q('B', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '5m' }, empty),
      q('S', { queryType: 'signals', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30' }, empty),
    ]);
    for (const [refId, names] of [
      ['T', ['time', 'price', 'qty']],
      ['B', ['time', 'open', 'high', 'low', 'close', 'volume', 'trades', 'vwap', 'source']],
      ['S', ['time', 'title', 'text', 'tags', 'signal', 'zscore']],
    ] as const) {
      const r = res[refId]!;
      expect(r.error).toBe('');
      const t = arrowTable(r.frames[0]!);
      expect(t.numRows).toBe(0);
      expect(t.schema.fields.map((f) => f.name)).toEqual(names);
      expect(t.schema.fields[0]!.type.typeId).toBe(Type.Timestamp);
      expect(t.schema.metadata.get('refId')).toBe(refId);
    }
  });

  it('answers a bad query with an error in its own refId (status, source), the others still answered', async () => {
    const res = await queryData([
      q('OK', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '5m' }),
      q('W', { queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '1' }),
      q('P', { queryType: 'analytics', pair: 'ETHUSDT', timeframe: '1m', window: '30' }),
      q('V', { queryType: 'stats', pair: '$pair', timeframe: '1m', window: '30' }),
      q('TF', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '2h' }),
      q('QT', { queryType: 'candles', symbol: 'BTCUSDT' }),
      q('U', { queryType: 'bars', symbol: 'DOGEUSDT', timeframe: '1m' }),
      { ...q('J', {}), json: Buffer.from('not json') },
      q('R', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' }, [TO, FROM]),
    ]);
    expect(res.OK!.error).toBe('');
    expect(res.OK!.frames).toHaveLength(1);
    const expectErr = (refId: string, status: number, source: string, text: RegExp) => {
      const r = res[refId]!;
      expect({ refId, status: r.status, source: r.errorSource, frames: r.frames.length }).toEqual({ refId, status, source, frames: 0 });
      expect(r.error).toMatch(text);
    };
    expectErr('W', 400, 'plugin', /window must be a whole number of bars from 2 to 10000, got "1"/);
    expectErr('P', 400, 'plugin', /"ETHUSDT" is not a pair; write it as Y\/X/);
    expectErr('V', 400, 'plugin', /template variable/);
    expectErr('TF', 400, 'plugin', /"2h" is not a timeframe; use one of 1s, 1m, 5m/);
    expectErr('QT', 400, 'plugin', /query type "candles"/);
    expectErr('U', 404, 'downstream', /DOGEUSDT/);
    expectErr('J', 400, 'plugin', /not a JSON object/);
    expectErr('R', 400, 'plugin', /time range is empty/);
  });

  it('says what is wrong with the collector connection per refId: bad token 401, unreachable 502', async () => {
    const bad = await queryData([q('A', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' })], ctx({ token: 'wrong' }));
    expect(bad.A).toMatchObject({ status: 401, errorSource: 'downstream' });
    expect(bad.A!.error).toMatch(/rejected the API token/);
    const none = await queryData([q('A', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' })], ctx({ token: null }));
    expect(none.A!.error).toMatch(/needs an API token/);
    const down = await queryData([q('A', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' })], ctx({ url: deadUrl }));
    expect(down.A).toMatchObject({ status: 502, errorSource: 'downstream' });
    expect(down.A!.error).toContain(`cannot reach the collector at ${deadUrl} (ECONNREFUSED)`);
    const nourl = await queryData([q('A', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' })], ctx({ jsonData: {} }));
    expect(nourl.A!.error).toMatch(/no collector URL is configured/);
  });

  it('answers alert-rule models as saved (numbers as numbers or strings, fields subset) with one numeric series', async () => {
    const res = await queryData([q('A', { queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: 30, fields: ['zscore'] })]);
    const t = arrowTable(res.A!.frames[0]!);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['time', 'zscore']);
  });

  it('serves concurrent calls: 10 QueryData calls of 3 queries each in flight at once give identical answers', async () => {
    const queries = [
      q('A', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' }),
      q('B', { queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '30' }),
      q('C', { queryType: 'ticks', symbol: 'ETHUSDT', limit: 100 }),
    ];
    const one = await queryData(queries);

    const all = await Promise.all(Array.from({ length: 10 }, () => queryData(queries)));
    for (const r of all) {
      for (const k of ['A', 'B', 'C']) {
        expect(r[k]!.error).toBe('');
        expect(Buffer.compare(r[k]!.frames[0]!, one[k]!.frames[0]!)).toBe(0);
      }
    }
  });
});

// Issue 14: the collector stores history (and the older part of a long outage) as bars from
// Binance klines and marks them `source: klines`. A fresh start against the fake Binance (two
// hours of trades, one every 5 s per symbol) loads an hour of 1m klines before its seam and the
// trades from the seam on, exactly as the collector does at start-up (loadHistory).
describe('bars from Binance klines (issue 14)', () => {
  let fake: FakeBinance;
  let hist: CollectorApi;
  let seam: number;

  beforeAll(async () => {
    log.configure({ level: 'error' });
    fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], past: [{ ms: 2 * HOUR, everyMs: 5_000 }] });
    hist = await startCollectorApi({ token: TOKEN });
    // The seam is the 5-minute boundary at or before `now()`: ten minutes back, so ticks (one
    // every 5 s) follow it whenever the test runs.
    await loadHistory({
      rest: historyClient(fake.restUrl, 'trade'),
      store: hist.store,
      symbols: ['BTCUSDT'],
      history: { '1s': 0, '1m': HOUR, '5m': 0 },
      outageKlinesAfterMs: 600_000,
      outageKlinesAfterTrades: 200_000,
      now: () => Date.now() - 10 * 60_000,
    });
    const spans = await hist.store.klineSpans('BTCUSDT');
    expect(spans.map((x) => [x.tf, x.reason])).toEqual([['1m', 'history']]);
    seam = spans[0]!.to;
  }, 60_000);

  afterAll(async () => {
    await hist?.close();
    await fake?.stop();
    log.configure({ level: 'warn' });
  });

  it("a bars query says `klines` for the bars from klines and `ticks` for the rest, as /api/bars does; every column equals the collector's", async () => {
    const from = seam - HOUR;
    const to = Date.now() + 60_000;
    const res = await queryData([q('K', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' }, [from, to])], ctx({ url: hist.url }));
    expect(res.K!.error).toBe('');
    const bars: BarsResponse = await hist.get(`/api/bars?symbol=BTCUSDT&tf=1m&from=${from}&to=${to}`);
    expect(bars.next).toBeNull();
    const k = arrowTable(res.K!.frames[0]!);
    expect(timesMs(k)).toEqual(bars.bars.map((x) => x.start));
    for (const name of ['open', 'high', 'low', 'close', 'volume', 'trades'] as const) expect(col(k, name)).toEqual(bars.bars.map((x) => x[name]));
    expect(colNullable(k, 'vwap')).toEqual(bars.bars.map((x) => x.vwap));
    expect(col(k, 'source')).toEqual(bars.bars.map((x) => x.source));
    // The collector's marks: klines before the seam (60 one-minute bars: the hour of history, a
    // trade every 5 s in each), ticks from it (the 10 to 15 minutes since, and the bar in progress).
    const sources = bars.bars.map((x) => x.source);
    expect(sources).toEqual(bars.bars.map((x) => (x.start < seam ? 'klines' : 'ticks')));
    expect(sources.filter((x) => x === 'klines')).toHaveLength(60);
    expect(sources.filter((x) => x === 'ticks').length).toBeGreaterThanOrEqual(10);
    // A plain Utf8 column, never null, labelled like the numeric ones.
    const f = k.schema.fields.find((x) => x.name === 'source')!;
    expect(f.type.typeId).toBe(Type.Utf8);
    expect(f.nullable).toBe(false);
    expect(f.metadata.get('tstype')).toBe('string');
    expect(JSON.parse(f.metadata.get('labels')!)).toEqual({ symbol: 'BTCUSDT', field: 'source' });
    expect(JSON.parse(f.metadata.get('config')!)).toEqual({ displayNameFromDS: 'BTCUSDT source' });
  });
});

describe('CheckHealth', () => {
  const health = (context: ReturnType<typeof ctx>) =>
    call<{ status: number; message: string; jsonDetails: Buffer }>(plugin.clients.diagnostics, 'CheckHealth', { pluginContext: context });

  it('is OK with the collector, its token and stored data', async () => {
    const h = await health(ctx());
    expect(h.status).toBe(1);
    expect(h.message).toMatch(/^connected to the collector .*; data for BTCUSDT, ETHUSDT/);
  });

  it('says in plain words what is wrong: bad token, no token, unreachable, not a collector, no URL, no data yet', async () => {
    expect(await health(ctx({ token: 'nope' }))).toMatchObject({ status: 2, message: expect.stringMatching(/rejected the API token.*check "API token"/) });
    expect(await health(ctx({ token: null }))).toMatchObject({ status: 2, message: expect.stringMatching(/needs an API token/) });
    expect(await health(ctx({ url: deadUrl }))).toMatchObject({
      status: 2,
      message: expect.stringContaining(`cannot reach the collector at ${deadUrl} (ECONNREFUSED)`),
    });
    expect(await health(ctx({ jsonData: {} }))).toMatchObject({ status: 2, message: expect.stringMatching(/no collector URL/) });
    expect(await health(ctx({ jsonData: { collectorUrl: 'collector:8080' } }))).toMatchObject({
      status: 2,
      message: expect.stringMatching(/must start with http/),
    });
    const empty = await startCollectorApi({ token: TOKEN });
    try {
      const h = await health(ctx({ url: empty.url }));
      expect(h.status).toBe(2);
      expect(h.message).toMatch(/no data yet: no ticks are stored/);
    } finally {
      await empty.close();
    }
  });
});

describe('CallResource', () => {
  async function resource(path: string, method = 'GET') {
    type Part = { code: number; body: Buffer; headers: Record<string, { values: string[] }> };
    const stream = plugin.clients.resource.CallResource!({
      pluginContext: ctx(),
      path,
      method,
      url: path,
      headers: {},
      body: Buffer.alloc(0),
    }) as ClientReadableStream<Part>;
    const parts: Part[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (d: (typeof parts)[number]) => parts.push(d));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    return { code: parts[0]!.code, type: parts[0]!.headers['Content-Type']?.values[0], body: JSON.parse(parts[0]!.body.toString()) };
  }

  it('lists symbols, pairs, timeframes and windows as {text, value} for editors and variables', async () => {
    const symbols = await resource('symbols');
    expect(symbols.code).toBe(200);
    expect(symbols.type).toBe('application/json');
    expect(symbols.body.map((s: { value: string }) => s.value).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect((await resource('pairs')).body).toEqual([{ text: 'ETHUSDT/BTCUSDT', value: 'ETHUSDT/BTCUSDT', y: 'ETHUSDT', x: 'BTCUSDT', configured: true }]);
    expect((await resource('timeframes')).body).toEqual(['1s', '1m', '5m'].map((t) => ({ text: t, value: t })));
    expect((await resource('windows')).body).toEqual([{ text: '30', value: '30' }]);
    expect((await resource('defaults')).body).toMatchObject({ entryZ: 2, windows: [30] });
  });

  it("topPairs: [] before the first scan, then the latest scan's TOP_PAIRS lowest q-values as {text, value, qvalue}", async () => {
    // the collector answers /api/scan 404 while no scan is stored: the variable has no options yet, no error
    expect(await resource('topPairs')).toMatchObject({ code: 200, body: [] });
    const row = (a: string, b: string, qvalue: number | null) => ({
      a,
      b,
      beta: 1,
      alpha: 0,
      coint: null,
      cointReverse: null,
      pvalue: qvalue,
      qvalue,
      halfLife: null,
      hurst: null,
      meanCrossings: 0,
      correlation: null,
      selected: false,
      note: null,
    });
    // 7 pairs stored in q-value order (as the scanner stores them); an older scan is not listed
    const pairs = [
      row('A', 'B', 0.001),
      row('A', 'C', 0.002),
      row('B', 'C', 0.01),
      row('A', 'D', 0.02),
      row('B', 'D', 0.03),
      row('C', 'D', 0.5),
      row('A', 'E', null),
    ];
    const base = { tf: SCAN_DEFAULTS.tf, window: SCAN_DEFAULTS.window, symbols: ['A', 'B', 'C', 'D', 'E'], tested: 6, selected: 0 };
    await api.store.insertScan({ ...base, ts: T0, pairs: [row('D', 'E', 0)] });
    await api.store.insertScan({ ...base, ts: T0 + 300_000, pairs });
    // and a scan of another window is not the scanner's
    await api.store.insertScan({ ...base, window: 500, ts: T0 + 600_000, pairs: [row('C', 'E', 0)] });
    const r = await resource('topPairs');
    expect(r.code).toBe(200);
    expect(r.body).toEqual(pairs.slice(0, TOP_PAIRS).map((p) => ({ text: `${p.a}/${p.b}`, value: `${p.a}/${p.b}`, qvalue: p.qvalue })));
    expect(TOP_PAIRS).toBe(5);
  });

  it('answers an unknown path 404 and a write 405', async () => {
    expect(await resource('nothing')).toMatchObject({ code: 404, body: { error: expect.stringMatching(/no resource "nothing"/) } });
    expect((await resource('symbols', 'POST')).code).toBe(405);
  });
});

describe('CollectMetrics', () => {
  it("returns the backend's own Prometheus metrics", async () => {
    const r = await call<{ metrics: { prometheus: Buffer } }>(plugin.clients.diagnostics, 'CollectMetrics', { pluginContext: ctx() });
    const text = r.metrics.prometheus.toString();
    expect(text).toMatch(/^# HELP pairs_backend_queries_total/m);
    expect(text).toMatch(/pairs_backend_queries_total\{query_type="analytics",outcome="ok"\} \d+/);
    expect(text).toMatch(/pairs_backend_collector_requests_total\{endpoint="bars",outcome="200"\} \d+/);
    expect(text).toMatch(/pairs_backend_process_resident_memory_bytes \d+/);
  });
});
