/**
 * Collector API answers -> data frames. One function per query type; each returns frames
 * whose field names, units and display config make panels look right without overrides.
 * Values are passed through unchanged (the collector's numbers), except the signal, which is
 * coded LONG = 1, NEUTRAL = 0, SHORT = -1 with value mappings back to the words (the stats frame's
 * paper position likewise: LONG 1, FLAT 0, SHORT -1), and the half-life, which is converted from
 * bars to seconds.
 *
 * Shapes are "wide" time series (one time field, numeric fields; meta.type timeseries-wide)
 * so that alert rules can use them; the signals frame is an annotation/event table. The bars
 * frame also has a string field, `source` (`ticks` or `klines`, as the collector marks each
 * bar): the dataplane reader, which Grafana's expression engine uses for a frame with meta.type
 * and typeVersion, keeps a string field of a timeseries-wide frame as remainder data, not a
 * series (grafana/dataplane sdata/timeseries/wide.go), so alert rules on bars see the same series.
 *
 * Labels: Grafana's expression engine makes each numeric field of a wide frame one series
 * identified by its labels alone and refuses two with the same labels ("frame cannot uniquely
 * be identified by its labels", grafana/grafana pkg/expr/converter.go, pkg/services/ngalert/eval).
 * So every numeric field carries what it is about (symbol, or pair/tf/window) plus `field`, its
 * own name: an alert rule on any query, all columns included, gets one instance per column.
 */
import {
  ANALYTICS_FIELDS,
  DEFAULT_ENTRY_Z,
  TIMEFRAME_MS,
  type AnalyticsField,
  type AnalyticsResponse,
  type ApiSignal,
  type BacktestMetricsDto,
  type BacktestResponse,
  type BarDto,
  type BarSource,
  type LatestPoint,
  type Maybe,
  type SignalEvent,
  type ScanField,
  type ScanHistoryResponse,
  type ScanResponse,
  type ScanRow,
  type StatsResponse,
  type SweepResponse,
  type TickDto,
  SCAN_FIELDS,
} from '@quant-pairs/contract';
import type { Field, Frame, FrameMeta, Notice } from '../frame/frame';
import {
  POSITION_CODE,
  SIGNAL_CODE,
  halfLifeConfig,
  paperRulesText,
  plainConfig,
  pnlConfig,
  positionConfig,
  priceConfig,
  pvalueConfig,
  quantityConfig,
  scanPvalueConfig,
  signalConfig,
  zscoreConfig,
} from './display';
import type { BacktestQ, BarsQ, PairQ, ScanQ, TicksQ } from './model';

const WIDE: FrameMeta = { type: 'timeseries-wide', typeVersion: [0, 1] };

function meta(extra: Partial<FrameMeta>, notices: Notice[]): FrameMeta {
  const m: FrameMeta = { ...WIDE, ...extra };
  if (notices.length > 0) m.notices = notices;
  return m;
}

/** A numeric field's labels: the frame's subject plus the field's own name. */
function labelsOf(subject: Record<string, string>, field: string): Record<string, string> {
  return { ...subject, field };
}

function timeField(values: readonly number[], intervalMs?: number): Field {
  return { name: 'time', type: 'time', values, config: intervalMs ? { interval: intervalMs } : {} };
}

export function ticksFrame(q: TicksQ, ticks: readonly TickDto[], notices: Notice[], channel?: string): Frame {
  const n = ticks.length;
  const ts = new Array<number>(n);
  const price = new Array<number>(n);
  const qty = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t = ticks[i]!;
    ts[i] = t.ts;
    price[i] = t.price;
    qty[i] = t.qty;
  }
  const labels = { symbol: q.symbol };
  return {
    name: q.symbol,
    refId: q.refId,
    meta: meta({ executedQueryString: `ticks ${q.symbol} limit ${q.limit}`, ...(channel ? { channel } : {}) }, notices),
    fields: [
      timeField(ts),
      {
        name: 'price',
        type: 'float64',
        labels: labelsOf(labels, 'price'),
        values: price,
        config: { ...priceConfig(q.symbol, `${q.symbol} price`), custom: { drawStyle: 'line', showPoints: 'auto' } },
      },
      {
        name: 'qty',
        type: 'float64',
        labels: labelsOf(labels, 'qty'),
        values: qty,
        config: { ...quantityConfig(q.symbol, `${q.symbol} quantity`), custom: { drawStyle: 'points', axisPlacement: 'right' } },
      },
    ],
  };
}

export function barsFrame(q: BarsQ, bars: readonly BarDto[], notices: Notice[], channel?: string): Frame {
  const n = bars.length;
  const cols = {
    start: new Array<number>(n),
    open: new Array<number>(n),
    high: new Array<number>(n),
    low: new Array<number>(n),
    close: new Array<number>(n),
    volume: new Array<number>(n),
    trades: new Array<number>(n),
    vwap: new Array<number | null>(n),
    source: new Array<BarSource>(n),
  };
  for (let i = 0; i < n; i++) {
    const b = bars[i]!;
    cols.start[i] = b.start;
    cols.open[i] = b.open;
    cols.high[i] = b.high;
    cols.low[i] = b.low;
    cols.close[i] = b.close;
    cols.volume[i] = b.volume;
    cols.trades[i] = b.trades;
    cols.vwap[i] = b.vwap;
    cols.source[i] = b.source;
  }
  const labels = { symbol: q.symbol };
  const price = (name: 'open' | 'high' | 'low' | 'close' | 'vwap'): Field => ({
    name,
    type: 'float64',
    nullable: name === 'vwap',
    labels: labelsOf(labels, name),
    values: cols[name],
    config: priceConfig(q.symbol, `${q.symbol} ${name}`),
  });
  return {
    name: `${q.symbol} ${q.tf}`,
    refId: q.refId,
    meta: meta({ executedQueryString: `bars ${q.symbol} ${q.tf}`, ...(channel ? { channel } : {}) }, notices),
    fields: [
      timeField(cols.start, TIMEFRAME_MS[q.tf]),
      price('open'),
      price('high'),
      price('low'),
      price('close'),
      { name: 'volume', type: 'float64', labels: labelsOf(labels, 'volume'), values: cols.volume, config: quantityConfig(q.symbol, `${q.symbol} volume`) },
      { name: 'trades', type: 'float64', labels: labelsOf(labels, 'trades'), values: cols.trades, config: plainConfig(`${q.symbol} trades`, 0) },
      price('vwap'),
      // A string field: panels that draw (candlestick, time series) and the alert engine (the
      // dataplane reader keeps string fields of a timeseries-wide frame as remainder) skip it;
      // a table or the data inspector shows which bars came from klines.
      {
        name: 'source',
        type: 'string',
        nullable: false,
        labels: labelsOf(labels, 'source'),
        values: cols.source,
        config: { displayNameFromDS: `${q.symbol} source` },
      },
    ],
  };
}

function signalCodes(values: ReadonlyArray<ApiSignal | null>): Array<number | null> {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = values[i];
    // Plain comparisons: an object lookup per row costs more than the rest of the row.
    out[i] = s === 'NEUTRAL' ? 0 : s === 'LONG' ? 1 : s === 'SHORT' ? -1 : null;
  }
  return out;
}

/** Labels of a pair query's fields; a Kalman query's carry hedge=kalman (and no window, which it does not use). */
function pairLabels(q: PairQ): Record<string, string> {
  return q.hedge.hedge === 'kalman' ? { pair: q.pair, tf: q.tf, hedge: 'kalman' } : { pair: q.pair, tf: q.tf, window: String(q.window) };
}

/** How a Kalman query's hedge is described: its parameters, or that they are tuned. */
function kalmanText(q: PairQ): string {
  const h = q.hedge;
  if (h.hedge !== 'kalman') return '';
  return h.tune ? 'Kalman filter, delta and Ve fitted each UTC day on the day before' : `Kalman filter, delta ${h.delta}, Ve ${h.ve}`;
}

/** The analytics columns, each with its display config; `values` come from the caller. */
function analyticsField(q: PairQ, name: AnalyticsField, values: ReadonlyArray<number | null>): Field {
  const labels = labelsOf(pairLabels(q), name);
  const kalman = q.hedge.hedge === 'kalman';
  const k = kalman ? ' (Kalman)' : '';
  const label = `${q.pair} ${name === 'zscore' ? 'z-score' : name}${k}`;
  const entryZ = q.entryZ ?? DEFAULT_ENTRY_Z;
  const configs: Record<AnalyticsField, Field['config']> = {
    beta: plainConfig(`${q.pair} β${k}`, 4, {
      description: `Hedge ratio: ${q.y} = α + β·${q.x} (${kalman ? kalmanText(q) : `rolling OLS over ${q.window} bars`})`,
    }),
    alpha: { ...priceConfig(q.y, `${q.pair} α`), description: 'Intercept of the rolling OLS' },
    spread: { ...priceConfig(q.y, `${q.pair} spread`), description: `${q.y} − (α + β·${q.x})` },
    spreadMean: { ...priceConfig(q.y, `${q.pair} spread mean`), description: `Rolling mean of the spread over ${q.window} bars` },
    zscore: zscoreConfig(label, entryZ),
    signal: signalConfig(`${q.pair} signal`),
    correlation: plainConfig(`${q.pair} correlation`, 3, { min: -1, max: 1, unit: 'none' }),
  };
  return { name, type: 'float64', nullable: true, labels, values, config: configs[name] };
}

export function analyticsFrame(
  q: PairQ,
  res: Pick<AnalyticsResponse, 'series' | 'points' | 'thinned'> & { provisional?: boolean },
  notices: Notice[],
  channel?: string,
): Frame {
  const s = res.series as Omit<AnalyticsResponse['series'], 'spreadMean'> & { spreadMean?: Array<number | null> };
  const fields: Field[] = [timeField(s.ts, TIMEFRAME_MS[q.tf])];
  // All columns by default, in the order of ANALYTICS_FIELDS: the pair channel of Grafana Live
  // sends the same columns, so a live panel keeps its history when packets arrive.
  const wanted = q.fields ?? ANALYTICS_FIELDS;
  for (const name of wanted) {
    let values: ReadonlyArray<number | null>;
    if (name === 'signal') values = signalCodes(s.signal);
    else if (name === 'spreadMean') values = s.spreadMean ?? new Array<null>(s.ts.length).fill(null);
    else values = s[name];
    fields.push(analyticsField(q, name, values));
  }
  if (res.thinned)
    notices.push({ severity: 'info', text: `${res.points} points thinned to ${s.ts.length} (max data points), keeping each bucket's z extremes` });
  return {
    name: `${q.pair} ${q.tf} ${q.hedge.hedge === 'kalman' ? 'kalman' : `w${q.window}`}`,
    refId: q.refId,
    meta: meta(
      {
        executedQueryString: `analytics ${q.pair} tf=${q.tf} ${q.hedge.hedge === 'kalman' ? `hedge=kalman (${kalmanText(q)})` : `window=${q.window}`}`,
        custom: { points: res.points, thinned: res.thinned, provisional: res.provisional ?? false },
        ...(channel ? { channel } : {}),
      },
      notices,
    ),
    fields,
  };
}

function maybe<T>(v: Maybe<T>, what: string, notices: Notice[]): T | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && 'error' in (v as object)) {
    notices.push({ severity: 'info', text: `${what}: ${(v as { error: string }).error}` });
    return null;
  }
  return v as T;
}

export function statsFrame(q: PairQ, res: StatsResponse, notices: Notice[], channel?: string): Frame {
  const point: LatestPoint | null = res.provisional ?? res.committed;
  const adf = maybe(res.adf, 'ADF', notices);
  const coint = maybe(res.coint, 'Engle-Granger', notices);
  const hl = maybe(res.halfLife, 'half-life', notices);
  const ts = point?.ts ?? res.updatedAt;
  const tfSec = TIMEFRAME_MS[q.tf] / 1000;
  const one = (v: number | null | undefined): Array<number | null> => (ts === null ? [] : [v ?? null]);
  const num = (name: string, v: number | null | undefined, config: Field['config']): Field => ({
    name,
    type: 'float64',
    nullable: true,
    labels: labelsOf(pairLabels(q), name),
    values: one(v),
    config,
  });
  const fields: Field[] = [
    { name: 'time', type: 'time', values: ts === null ? [] : [ts], config: {} },
    num('yPrice', res.prices.y?.price, priceConfig(q.y, `${q.y} price`)),
    num('xPrice', res.prices.x?.price, priceConfig(q.x, `${q.x} price`)),
    analyticsField(q, 'beta', one(point?.beta)),
    analyticsField(q, 'alpha', one(point?.alpha)),
    analyticsField(q, 'spread', one(point?.spread)),
    analyticsField(q, 'zscore', one(point?.zscore)),
    analyticsField(q, 'signal', one(point?.signal === null || point?.signal === undefined ? null : SIGNAL_CODE[point.signal])),
    analyticsField(q, 'correlation', one(res.correlation ?? point?.correlation)),
    num('adfStat', adf?.stat, plainConfig(`${q.pair} ADF statistic`, 3, { description: 'Augmented Dickey-Fuller statistic of the spread' })),
    num('adfPValue', adf?.pvalue, pvalueConfig(`${q.pair} ADF p-value`, 'MacKinnon p-value of the ADF test; below 0.05 the spread is stationary at 5 %')),
    num('egStat', coint?.stat, plainConfig(`${q.pair} Engle-Granger statistic`, 3, { description: 'Engle-Granger cointegration statistic' })),
    num(
      'egPValue',
      coint?.pvalue,
      pvalueConfig(`${q.pair} Engle-Granger p-value`, 'MacKinnon p-value of the Engle-Granger test; below 0.05 the legs are cointegrated at 5 %'),
    ),
    num(
      'halfLife',
      hl?.halfLife === null || hl?.halfLife === undefined ? null : hl.halfLife * tfSec,
      plainConfig(`${q.pair} half-life`, 1, {
        unit: 's',
        description: `Half-life of mean reversion (${tfSec} s per bar); empty when the spread does not mean-revert`,
      }),
    ),
    ...positionFields(q, res.position, num),
  ];
  return {
    name: `${q.pair} ${q.tf} w${q.window} stats`,
    refId: q.refId,
    meta: meta(
      {
        executedQueryString: `stats ${q.pair} tf=${q.tf} window=${q.window}`,
        custom: { provisional: res.provisional !== null, source: res.source, updatedAt: res.updatedAt },
        ...(channel ? { channel } : {}),
      },
      notices,
    ),
    fields,
  };
}

/**
 * The live paper position (the collector's /api/stats `position`): its side coded LONG 1, FLAT 0,
 * SHORT -1 with value mappings (numeric, as the signal, so alert rules can read it), the entry
 * fill's bar time (epoch ms, null when flat), unrealised P&L, equity and closed trades, the money in
 * the y leg's quote asset. All null where the collector keeps no position: a window or hedge its
 * live engine does not run, a query with its own entryZ / exitZ (answered from stored bars), an
 * API without the live engine.
 */
function positionFields(q: PairQ, p: StatsResponse['position'], num: (name: string, v: number | null | undefined, config: Field['config']) => Field): Field[] {
  const rules = p ? paperRulesText(p.rules) : '';
  const under = rules ? ` (paper: ${rules})` : '';
  return [
    num('position', p ? POSITION_CODE[p.side] : null, positionConfig(`${q.pair} paper position`, rules)),
    num('entryTs', p?.entryTs, {
      displayNameFromDS: `${q.pair} paper entry`,
      description: "Bar time of the paper position's entry fill; empty when flat",
      unit: 'dateTimeAsIso',
    }),
    num('unrealisedPnl', p?.unrealisedPnl, {
      ...pnlConfig(
        q.pair,
        `${q.pair} unrealised P&L`,
        `The held paper trade marked at the last committed bar's closes, net of its entry fees; 0 when flat${under}`,
      ),
      color: { mode: 'thresholds' },
      thresholds: PNL_THRESHOLDS,
    }),
    num(
      'equity',
      p?.equity,
      pnlConfig(q.pair, `${q.pair} paper equity`, `Notional + realised P&L + unrealised P&L, net of every fee, at the last committed bar${under}`),
    ),
    num('closedTrades', p?.closedTrades, plainConfig(`${q.pair} paper trades closed`, 0, { description: 'Paper trades closed since the collector started' })),
  ];
}

export function signalsFrame(q: PairQ, events: readonly SignalEvent[], notices: Notice[]): Frame {
  const n = events.length;
  const cols = {
    ts: new Array<number>(n),
    title: new Array<string>(n),
    text: new Array<string>(n),
    tags: new Array<string>(n),
    signal: new Array<number>(n),
    zscore: new Array<number | null>(n),
  };
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    cols.ts[i] = e.ts;
    cols.title[i] = `${q.pair} ${e.signal}`;
    cols.text[i] = e.text;
    cols.tags[i] = `${q.pair},${e.signal}`;
    cols.signal[i] = SIGNAL_CODE[e.signal];
    cols.zscore[i] = e.zscore;
  }
  return {
    name: `${q.pair} ${q.tf} w${q.window} signals`,
    refId: q.refId,
    meta: { executedQueryString: `signals ${q.pair} tf=${q.tf} window=${q.window}`, ...(notices.length > 0 ? { notices } : {}) },
    fields: [
      { name: 'time', type: 'time', values: cols.ts, config: {} },
      { name: 'title', type: 'string', values: cols.title, config: {} },
      { name: 'text', type: 'string', values: cols.text, config: {} },
      { name: 'tags', type: 'string', values: cols.tags, config: {} },
      { ...analyticsField(q, 'signal', cols.signal), nullable: false },
      analyticsField(q, 'zscore', cols.zscore),
    ],
  };
}

/**
 * The scan table (queryType scan without a pair): one row a pair, sorted by q-value as the
 * collector sends them (it applies `selectedOnly`, `symbol` and `limit`, so that the 79,800 rows
 * of UNIVERSE=all need not travel). Half-life in seconds (bars × tf), as in the stats frame. An empty table with a notice when no scan is stored yet.
 */
export function scanFrame(q: ScanQ, res: ScanResponse | null, notices: Notice[]): Frame {
  const rows: ScanRow[] = res?.pairs ?? [];
  const tfSec = TIMEFRAME_MS[q.tf] / 1000;
  const str = (name: string, values: string[], config: Field['config'] = {}): Field => ({ name, type: 'string', values, config });
  const num = (name: string, values: Array<number | null>, config: Field['config']): Field => ({ name, type: 'float64', nullable: true, values, config });
  const fields: Field[] = [
    str(
      'pair',
      rows.map((r) => `${r.a}/${r.b}`),
      { displayNameFromDS: 'Pair' },
    ),
    num(
      'qvalue',
      rows.map((r) => r.qvalue),
      scanPvalueConfig('q-value', 'Benjamini-Hochberg q-value of the pair among all pairs tested in this scan (the false discovery rate if selected at it)'),
    ),
    num(
      'pvalue',
      rows.map((r) => r.pvalue),
      scanPvalueConfig('p-value', 'Engle-Granger p-value, the larger of coint(A, B) and coint(B, A)'),
    ),
    num(
      'halfLife',
      rows.map((r) => (r.halfLife === null ? null : r.halfLife * tfSec)),
      halfLifeConfig(tfSec),
    ),
    num(
      'hurst',
      rows.map((r) => r.hurst),
      plainConfig('Hurst', 3, { description: 'Hurst exponent of the spread: below 0.5 mean-reverting' }),
    ),
    num(
      'meanCrossings',
      rows.map((r) => r.meanCrossings),
      plainConfig('Mean crossings', 0, { description: 'How often the spread crossed its mean in the window' }),
    ),
    num(
      'correlation',
      rows.map((r) => r.correlation),
      plainConfig('Correlation', 3),
    ),
    num(
      'beta',
      rows.map((r) => r.beta),
      plainConfig('Beta', 4, { description: 'Hedge ratio: OLS of A on B over the window' }),
    ),
    num(
      'egStat',
      rows.map((r) => r.coint?.stat ?? null),
      plainConfig('EG stat (A on B)', 3),
    ),
    num(
      'egReverseStat',
      rows.map((r) => r.cointReverse?.stat ?? null),
      plainConfig('EG stat (B on A)', 3),
    ),
    str(
      'selected',
      rows.map((r) => (r.selected ? 'yes' : 'no')),
      { displayNameFromDS: 'Selected' },
    ),
  ];
  const at = res ? new Date(res.ts).toISOString() : 'none';
  const custom = res ? { ts: res.ts, symbols: res.symbols.length, tested: res.tested, selected: res.selected } : null;
  return {
    name: `scan ${q.tf} w${q.window}`,
    refId: q.refId,
    meta: {
      type: 'table',
      preferredVisualisationType: 'table',
      executedQueryString: `scan tf=${q.tf} window=${q.window} at ${at}`,
      custom,
      ...(notices.length > 0 ? { notices } : {}),
    },
    fields,
  };
}

/** A pair's numbers in every scan of the range (queryType scan with a pair): wide time series, one labelled field a column. */
export function scanHistoryFrame(q: ScanQ, res: ScanHistoryResponse, notices: Notice[]): Frame {
  const tfSec = TIMEFRAME_MS[q.tf] / 1000;
  const subject = { pair: res.pair, tf: q.tf, window: String(q.window) };
  const pts = res.points;
  const columns: Record<ScanField, { values: Array<number | null>; config: Field['config'] }> = {
    pvalue: {
      values: pts.map((p) => p.pvalue),
      config: scanPvalueConfig(`${res.pair} EG p-value`, 'Engle-Granger p-value over the scan window, the larger of both directions'),
    },
    qvalue: { values: pts.map((p) => p.qvalue), config: scanPvalueConfig(`${res.pair} q-value`, 'Benjamini-Hochberg q-value in its scan') },
    cointPvalue: { values: pts.map((p) => p.cointPvalue), config: scanPvalueConfig(`${res.pair} EG p (A on B)`, 'coint(A, B)') },
    cointReversePvalue: { values: pts.map((p) => p.cointReversePvalue), config: scanPvalueConfig(`${res.pair} EG p (B on A)`, 'coint(B, A)') },
    halfLife: { values: pts.map((p) => (p.halfLife === null ? null : p.halfLife * tfSec)), config: halfLifeConfig(tfSec) },
    hurst: { values: pts.map((p) => p.hurst), config: plainConfig(`${res.pair} Hurst`, 3) },
    selected: { values: pts.map((p) => (p.selected ? 1 : 0)), config: plainConfig(`${res.pair} selected`, 0, { min: 0, max: 1 }) },
  };
  const names = q.scanFields ?? SCAN_FIELDS;
  return {
    name: `${res.pair} scan ${q.tf} w${q.window}`,
    refId: q.refId,
    meta: meta({ executedQueryString: `scan history ${res.pair} tf=${q.tf} window=${q.window}` }, notices),
    fields: [
      timeField(pts.map((p) => p.ts)),
      ...names.map((name): Field => ({
        name,
        type: 'float64',
        nullable: true,
        labels: labelsOf(subject, name),
        values: columns[name].values,
        config: columns[name].config,
      })),
    ],
  };
}

/** What a backtest ran on and with, as the frames' executed query string. */
function backtestText(q: BacktestQ, window: string): string {
  const parts = [`backtest ${q.pair} tf=${q.tf} window=${window}`];
  if (q.hedge.hedge === 'kalman') parts.push('hedge=kalman');
  if (q.output !== 'sweep') parts.push(`entry=${q.entry} exit=${q.exit}`);
  if (q.stop !== undefined) parts.push(`stop=${q.stop}`);
  if (q.maxHold !== undefined) parts.push(`maxHold=${q.maxHold}`);
  parts.push(`cooldown=${q.cooldown} lag=${q.lag} feeBps=${q.feeBps} slippageBps=${q.slippageBps} notional=${q.notional}`);
  return parts.join(' ');
}

function backtestLabels(q: BacktestQ): Record<string, string> {
  const l: Record<string, string> = { pair: q.pair, tf: q.tf, window: String(q.window) };
  if (q.hedge.hedge === 'kalman') l.hedge = 'kalman';
  return l;
}

/** The equity curve (output equity): equity at each bar's close, in the y leg's quote asset. */
export function equityFrame(q: BacktestQ, res: BacktestResponse, notices: Notice[]): Frame {
  const all = [...notices];
  if (res.thinned) all.push({ severity: 'info', text: `equity thinned from ${res.bars} bars to ${res.equity.ts.length} points (each bucket's extremes kept)` });
  return {
    name: `${res.pair} backtest equity`,
    refId: q.refId,
    meta: meta({ executedQueryString: backtestText(q, String(q.window)), custom: { bars: res.bars, metrics: res.metrics } }, all),
    fields: [
      timeField(res.equity.ts),
      {
        name: 'equity',
        type: 'float64',
        labels: labelsOf(backtestLabels(q), 'equity'),
        values: res.equity.equity,
        config: pnlConfig(q.pair, `${res.pair} equity`, `Capital (${q.notional}) + realised P&L + open positions marked at each close, net of fees`),
      },
    ],
  };
}

/** One line a trade for its annotation: `LONG exit: +12.34 (15 bars, fees 2.00)`. */
function tradeText(t: BacktestResponse['trades'][number]): string {
  const sign = t.pnl >= 0 ? '+' : '';
  return `${t.side} ${t.reason}: ${sign}${t.pnl.toFixed(2)} (${t.bars} bars, fees ${t.fees.toFixed(2)}, beta ${t.beta.toPrecision(4)})`;
}

/**
 * The trades (output trades): one row a trade, entry fill at `time`, exit fill at `timeEnd`
 * (a trade open at the end: the last bar), `text` and `tags` for region annotations, `pnl` net of
 * the trade's fees. A table too (side, reason, bars, quantities).
 */
export function tradesFrame(q: BacktestQ, res: BacktestResponse, notices: Notice[]): Frame {
  const t = res.trades;
  const str = (name: string, values: string[], config: Field['config'] = {}): Field => ({ name, type: 'string', values, config });
  const num = (name: string, values: number[], config: Field['config']): Field => ({ name, type: 'float64', values, config });
  return {
    name: `${res.pair} backtest trades`,
    refId: q.refId,
    meta: { type: 'table', executedQueryString: backtestText(q, String(q.window)), ...(notices.length > 0 ? { notices } : {}) },
    fields: [
      { name: 'time', type: 'time', values: t.map((x) => x.entryTs), config: { displayNameFromDS: 'Entry' } },
      { name: 'timeEnd', type: 'time', values: t.map((x) => x.exitTs), config: { displayNameFromDS: 'Exit' } },
      str(
        'title',
        t.map((x) => `${res.pair} ${x.side}`),
        { displayNameFromDS: 'Title' },
      ),
      str('text', t.map(tradeText), { displayNameFromDS: 'Trade' }),
      str(
        'tags',
        t.map((x) => `${x.side},${x.reason}`),
        { displayNameFromDS: 'Tags' },
      ),
      str(
        'side',
        t.map((x) => x.side),
        { displayNameFromDS: 'Side' },
      ),
      str(
        'reason',
        t.map((x) => x.reason),
        { displayNameFromDS: 'Reason', description: 'exit (z back past the exit level), stop, time (maxHold) or open (still held at the end, marked)' },
      ),
      num(
        'pnl',
        t.map((x) => x.pnl),
        { ...pnlConfig(q.pair, 'P&L', "Both legs' P&L net of the trade's fees"), color: { mode: 'thresholds' }, thresholds: PNL_THRESHOLDS },
      ),
      num(
        'fees',
        t.map((x) => x.fees),
        pnlConfig(q.pair, 'Fees', 'Fees of both legs on every fill of the trade'),
      ),
      num(
        'bars',
        t.map((x) => x.bars),
        plainConfig('Bars held', 0),
      ),
      num(
        'beta',
        t.map((x) => x.beta),
        plainConfig('Beta', 4, { description: 'Hedge ratio of the decision bar, frozen for the trade' }),
      ),
      num(
        'qy',
        t.map((x) => x.qy),
        plainConfig('Qty Y', 6),
      ),
      num(
        'qx',
        t.map((x) => x.qx),
        plainConfig('Qty X', 6),
      ),
    ],
  };
}

const PNL_THRESHOLDS: NonNullable<Field['config']>['thresholds'] = {
  mode: 'absolute',
  steps: [
    { value: null, color: 'red' },
    { value: 0, color: 'green' },
  ],
};

function metricsFields(q: BacktestQ, m: readonly BacktestMetricsDto[], labels?: Record<string, string>): Field[] {
  const lab = (name: string) => (labels ? { labels: labelsOf(labels, name) } : {});
  const num = (name: string, values: Array<number | null>, config: Field['config']): Field => ({
    name,
    type: 'float64',
    nullable: true,
    ...lab(name),
    values,
    config,
  });
  return [
    num(
      'totalReturn',
      m.map((x) => x.totalReturn),
      { displayNameFromDS: 'Total return', unit: 'percentunit', decimals: 2, color: { mode: 'thresholds' }, thresholds: PNL_THRESHOLDS },
    ),
    num(
      'sharpe',
      m.map((x) => x.sharpe),
      {
        displayNameFromDS: 'Sharpe',
        description: 'Annualised: mean / std (ddof 1) of the per-bar returns x sqrt(bars a year); empty without variation',
        decimals: 2,
        color: { mode: 'thresholds' },
        thresholds: SHARPE_THRESHOLDS,
      },
    ),
    num(
      'maxDrawdown',
      m.map((x) => x.maxDrawdown),
      { displayNameFromDS: 'Max drawdown', unit: 'percentunit', decimals: 2 },
    ),
    num(
      'trades',
      m.map((x) => x.trades),
      plainConfig('Trades', 0, { description: 'Trades, the one open at the end included' }),
    ),
    num(
      'winRate',
      m.map((x) => x.winRate),
      { displayNameFromDS: 'Win rate', unit: 'percentunit', decimals: 1, min: 0, max: 1 },
    ),
    num(
      'avgBars',
      m.map((x) => x.avgBars),
      plainConfig('Avg bars held', 1),
    ),
    num(
      'fees',
      m.map((x) => x.fees),
      pnlConfig(q.pair, 'Fees', 'Fees paid on every fill'),
    ),
  ];
}

/** Sharpe colours: red below 0, orange to 1, green from 1. */
const SHARPE_THRESHOLDS: NonNullable<Field['config']>['thresholds'] = {
  mode: 'absolute',
  steps: [
    { value: null, color: 'red' },
    { value: 0, color: 'orange' },
    { value: 1, color: 'green' },
  ],
};

/** The metrics (output metrics): one row, for stat panels; each numeric field labelled (an alert rule may read it). */
export function backtestMetricsFrame(q: BacktestQ, res: BacktestResponse, notices: Notice[]): Frame {
  return {
    name: `${res.pair} backtest metrics`,
    refId: q.refId,
    meta: { type: 'numeric-wide', typeVersion: [0, 1], executedQueryString: backtestText(q, String(q.window)), ...(notices.length > 0 ? { notices } : {}) },
    fields: metricsFields(q, [res.metrics], backtestLabels(q)),
  };
}

/** The sweep (output sweep): one row a combination (window, entry, exit) in the collector's order, its metrics beside. */
export function sweepFrame(q: BacktestQ, res: SweepResponse, notices: Notice[]): Frame {
  const rows = res.rows;
  const axis = (name: 'window' | 'entry' | 'exit', title: string, decimals: number): Field => ({
    name,
    type: 'float64',
    values: rows.map((r) => r[name]),
    config: plainConfig(title, decimals),
  });
  const all = [...notices];
  if (rows.length === 0) all.push({ severity: 'info', text: 'no combination of the grid ran: each needs its exit below its entry and its stop above it' });
  return {
    name: `${res.pair} backtest sweep`,
    refId: q.refId,
    meta: {
      type: 'table',
      preferredVisualisationType: 'table',
      executedQueryString: `${backtestText(q, q.sweep!.windows.join(','))} entries=${q.sweep!.entries.join(',')} exits=${q.sweep!.exits.join(',')}`,
      custom: { bars: res.bars },
      ...(all.length > 0 ? { notices: all } : {}),
    },
    fields: [
      axis('window', 'Window', 0),
      axis('entry', 'Entry', 2),
      axis('exit', 'Exit', 2),
      ...metricsFields(
        q,
        rows.map((r) => r.metrics),
      ),
    ],
  };
}
