/**
 * Grafana Live: SubscribeStream admits a channel whose path follows the grammar of
 * channel.ts; RunStream (one per channel, started by Grafana) forwards the channel's updates as
 * StreamPackets: the first packet carries schema and data, later ones data only.
 *
 * Ticks, pair and bars channels connect to the collector's live push (`GET /api/live`,
 * WebSocket, `Authorization: Bearer`), subscribe to what the channel needs and forward every
 * update (the collector sends one every 500 ms while something changed). Rows: `ticks/<S>` ->
 * [time of the trade, price, qty = null]; `pair/...` -> [server time of the update, beta, alpha,
 * spread, spreadMean, zscore, signal code, correlation], or time + the channel's field subset:
 * the same columns as the analytics query that named the channel, so a live panel keeps its
 * schema and history; `bars/<S>/<tf>` -> each completed bar, the columns of a bars query (its
 * `source` as the collector marks the bar).
 *
 * A `stats/...` channel asks the collector's /api/stats the stats query's own question every
 * STATS_PERIOD_MS and sends the row when it changed: the push carries the analytics point and the
 * paper position but not ADF, Engle-Granger and half-life, nor a query's own entryZ / exitZ,
 * which /api/stats answers from stored bars; asking /api/stats gives the stats query's numbers by
 * construction. Row time = the time of the answer, as the pair channel's is the time of the push.
 *
 * When the collector cannot be reached or drops the connection, RunStream ends with
 * UNAVAILABLE and Grafana restarts it (100 ms x 2^n backoff up to 5 s); data source settings it
 * cannot use (no collector URL, jsonData not JSON) end it with FAILED_PRECONDITION, which only
 * an edit of the data source mends. A path outside the
 * grammar is malformed input: SubscribeStream refuses it in band with NOT_FOUND (the reply's
 * status has OK, NOT_FOUND and PERMISSION_DENIED only; Grafana answers the browser 404 for it,
 * while a gRPC error there would be its internal error, 500), and RunStream, which Grafana starts
 * only for a path SubscribeStream admitted, ends with INVALID_ARGUMENT (Grafana's stream manager
 * treats every RunStream error alike, so the code tells other callers and the logs what failed).
 */
import WebSocket from 'ws';
import { ANALYTICS_FIELDS, type AnalyticsField, type LiveServerMessage, type LiveSubscribe, type StatsResponse } from '@quant-pairs/contract';
import type { Frame } from '../frame/frame';
import { frameToJSON } from '../frame/json';
import { log } from '../hclog';
import { metrics } from '../metrics';
import { SIGNAL_CODE } from '../query/display';
import { CollectorClient } from '../collector/client';
import { analyticsFrame, pairParams } from '../query/analytics';
import { barsFrame } from '../query/bars';
import { statsFrame } from '../query/stats';
import { ticksFrame } from '../query/ticks';
import type { BarsQ, PairQ, TicksQ } from '../query/model';
import { readSettings, Settings, SettingsError } from '../settings';
import { StreamRequest, StreamStatus, SubscribeStreamResponse } from '../protocol';
import { Channel, parseChannelPath, shownPath } from './channel';

/** An empty frame with the channel's schema (what a query for the same thing would return). */
export function channelFrame(ch: Channel): Frame {
  const base = { refId: '', live: true, from: 0, to: 1, maxDataPoints: 0, intervalMs: 0 };
  switch (ch.kind) {
    case 'ticks': {
      const f = ticksFrame({ ...base, queryType: 'ticks', symbol: ch.symbol, limit: 1 } as TicksQ, [], []);
      f.fields[2]!.nullable = true;
      return f;
    }
    case 'bars':
      return barsFrame({ ...base, queryType: 'bars', symbol: ch.symbol, tf: ch.tf } as BarsQ, [], []);
    case 'pair': {
      const empty = { ts: [], beta: [], alpha: [], spread: [], spreadMean: [], zscore: [], signal: [], correlation: [] };
      return analyticsFrame(ch.query, { points: 0, thinned: false, series: empty }, []);
    }
    case 'stats':
      return statsFrame(ch.query, noStats(ch.query), []);
  }
}

/** A stats answer without values: the stats frame's schema, no row. */
function noStats(q: PairQ): StatsResponse {
  const none = { committed: null, provisional: null, adf: null, coint: null, halfLife: null, ou: null, correlation: null, updatedAt: null, position: null };
  return { pair: q.pair, hedge: q.hedge.hedge, tf: q.tf, window: q.window, prices: { y: null, x: null }, source: 'computed', ...none };
}

export function subscribeStream(req: StreamRequest): SubscribeStreamResponse {
  const ch = parseChannelPath(req.path);
  if ('error' in ch) {
    log.warn('subscribe refused', { path: shownPath(req.path), reason: ch.error });
    return { status: StreamStatus.NOT_FOUND, data: Buffer.from(JSON.stringify({ error: ch.error })) };
  }
  try {
    readSettings(req.pluginContext);
  } catch (e) {
    return { status: StreamStatus.NOT_FOUND, data: Buffer.from(JSON.stringify({ error: e instanceof SettingsError ? e.message : String(e) })) };
  }
  return { status: StreamStatus.OK, data: Buffer.from(frameToJSON(channelFrame(ch))) };
}

function subscription(ch: PushChannel): LiveSubscribe {
  switch (ch.kind) {
    case 'ticks':
    case 'bars':
      return { type: 'subscribe', symbols: [ch.symbol] };
    case 'pair': {
      const q = ch.query;
      return { type: 'subscribe', pairs: [{ pair: q.pair, tf: q.tf, window: q.window, ...q.hedge }] };
    }
  }
}

/** The channels fed by the collector's live push (a stats channel asks /api/stats instead). */
type PushChannel = Exclude<Channel, { kind: 'stats' }>;

/** The data rows one collector message gives a channel (column-major), or null. */
export function rowsFor(ch: PushChannel, msg: LiveServerMessage, state: { lastTs: number }): unknown[][] | null {
  if (ch.kind === 'ticks' && msg.type === 'update') {
    const p = msg.prices[ch.symbol];
    if (!p || p.ts <= state.lastTs) return null;
    state.lastTs = p.ts;
    return [[p.ts], [p.price], [null]];
  }
  if (ch.kind === 'pair' && msg.type === 'update') {
    const q = ch.query;
    // the collector echoes a Kalman subscription's hedge (none for ols)
    const hedge = JSON.stringify(q.hedge.hedge === 'ols' ? undefined : q.hedge);
    const a = msg.analytics.find((x) => x.pair === q.pair && x.tf === q.tf && x.window === q.window && JSON.stringify(x.hedge) === hedge);
    if (!a || !a.point) return null;
    const pt = a.point as typeof a.point & { spreadMean?: number | null };
    const t = msg.ts;
    if (t <= state.lastTs) return null;
    state.lastTs = t;
    const value: Record<AnalyticsField, number | null> = {
      beta: pt.beta,
      alpha: pt.alpha,
      spread: pt.spread,
      spreadMean: pt.spreadMean ?? null,
      zscore: pt.zscore,
      signal: pt.signal === null ? null : SIGNAL_CODE[pt.signal],
      correlation: pt.correlation,
    };
    return [[t], ...(q.fields ?? ANALYTICS_FIELDS).map((f) => [value[f]])];
  }
  if (ch.kind === 'bars' && msg.type === 'bar' && msg.symbol === ch.symbol && msg.tf === ch.tf) {
    const b = msg.bar;
    if (b.start <= state.lastTs) return null;
    state.lastTs = b.start;
    return [[b.start], [b.open], [b.high], [b.low], [b.close], [b.volume], [b.trades], [b.vwap], [b.source]];
  }
  return null;
}

/** Encodes rows as a packet: schema + data the first time, data only after that. */
function packet(frame: Frame, rows: ReadonlyArray<readonly unknown[]>, withSchema: boolean): Buffer {
  const f: Frame = { ...frame, fields: frame.fields.map((fl, i) => ({ ...fl, values: rows[i] as never })) };
  return Buffer.from(frameToJSON(f, withSchema ? 'all' : 'data'));
}

/** A channel path outside the grammar of channel.ts: the caller's input, not the collector link, is wrong. */
export class ChannelPathError extends Error {}

export interface PacketSink {
  write(p: { data: Buffer }): void;
  onCancel(cb: () => void): void;
}

/** Runs one channel until cancelled; resolves on cancel, rejects when the collector link fails (a ChannelPathError for a malformed path). */
export function runStream(req: StreamRequest, sink: PacketSink): Promise<void> {
  const ch = parseChannelPath(req.path);
  if ('error' in ch) return Promise.reject(new ChannelPathError(ch.error));
  let settings: Settings;
  try {
    settings = readSettings(req.pluginContext);
  } catch (e) {
    return Promise.reject(e);
  }
  if (ch.kind === 'stats') return runStats(ch.query, settings, sink);
  const frame = channelFrame(ch);
  const url = settings.collectorUrl.replace(/^http/, 'ws') + '/api/live';
  const headers: Record<string, string> = {};
  if (settings.apiToken) headers.authorization = `Bearer ${settings.apiToken}`;
  metrics.streams.inc();
  return new Promise<void>((resolve, reject) => {
    let done = false;
    let sentSchema = false;
    const state = { lastTs: -Infinity };
    const ws = new WebSocket(url, { headers, handshakeTimeout: settings.timeoutMs });
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      metrics.streams.dec();
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      if (err) reject(err);
      else resolve();
    };
    sink.onCancel(() => finish());
    ws.on('open', () => ws.send(JSON.stringify(subscription(ch))));
    ws.on('message', (raw) => {
      let msg: LiveServerMessage;
      try {
        msg = JSON.parse(raw.toString()) as LiveServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'error') {
        finish(new Error(`the collector refused the live subscription: ${msg.error}`));
        return;
      }
      const rows = rowsFor(ch, msg, state);
      if (!rows) return;
      sink.write({ data: packet(frame, rows, !sentSchema) });
      sentSchema = true;
      metrics.streamPackets.inc();
    });
    ws.on('unexpected-response', (_r, res) => {
      const why = res.statusCode === 401 ? 'the collector rejected the API token' : `HTTP ${res.statusCode}`;
      finish(new Error(`live push of ${settings.collectorUrl}: ${why}`));
    });
    ws.on('error', (e) => finish(new Error(`live push of ${settings.collectorUrl}: ${e.message}`)));
    ws.on('close', () => finish(new Error(`the collector closed the live push connection`)));
  });
}

/** How often a stats channel asks /api/stats: the collector's push period. */
const STATS_PERIOD_MS = 500;

/**
 * A stats channel: /api/stats with the stats query's parameters every STATS_PERIOD_MS (the next
 * ask waits for the answer), a packet with the stats frame's row whenever a value changed; the
 * first packet carries the schema the query's frame has. Rejects when the collector fails.
 */
function runStats(q: PairQ, settings: Settings, sink: PacketSink): Promise<void> {
  const client = new CollectorClient(settings);
  const abort = new AbortController();
  metrics.streams.inc();
  return new Promise<void>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let last = '';
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      metrics.streams.dec();
      clearTimeout(timer);
      abort.abort();
      if (err) reject(err);
      else resolve();
    };
    sink.onCancel(() => finish());
    const ask = async (): Promise<void> => {
      const at = Date.now();
      let frame: Frame;
      try {
        frame = statsFrame(q, await client.stats(pairParams(q), abort.signal), []);
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      if (done) return;
      const [time, ...rest] = frame.fields;
      const values = JSON.stringify(rest.map((f) => f.values));
      if (time!.values.length > 0 && values !== last) {
        const rows = [[at], ...rest.map((f) => f.values)];
        sink.write({ data: packet(frame, rows, last === '') });
        last = values;
        metrics.streamPackets.inc();
      }
      timer = setTimeout(() => void ask(), Math.max(0, at + STATS_PERIOD_MS - Date.now()));
    };
    void ask();
  });
}
