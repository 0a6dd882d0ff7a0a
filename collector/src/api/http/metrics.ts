/**
 * GET /metrics: Prometheus text from the app's own prom-client registry (never the global one,
 * so that several apps in one process do not collide). Ingest counters are read from the
 * ingestor's status when Prometheus scrapes; HTTP latency is a histogram per route; the
 * event-loop lag comes from prom-client's default Node.js metrics.
 */
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngestStatus } from '../../ingest/types';
import type { Ctx } from '../deps';

const STATES = ['loading', 'done', 'failed'] as const;

export interface Metrics {
  registry: Registry;
  /** Times every request into the latency histogram (by route pattern, never raw URL). */
  timer: RequestHandler;
  /** Seconds one Live push round took (every connection's update, then the completed bars). */
  liveRound: Histogram;
}

/** A counter whose value is a running total owned elsewhere (the ingestor's status). */
function mirroredCounter(registry: Registry, name: string, help: string, labelNames: string[], read: () => Array<[Record<string, string>, number]>): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, v] of read()) if (v > 0) this.inc(labels, v);
    },
  });
}

/** What the ingest counts (mirrored from its status) and how old each symbol's newest tick is. */
function ingestMetrics(registry: Registry, ctx: Ctx, status: () => IngestStatus | undefined): void {
  mirroredCounter(registry, 'collector_ticks_ingested_total', 'valid ticks received per symbol (live + backfill)', ['symbol'], () =>
    Object.entries(status()?.symbols ?? {}).map(([symbol, s]) => [{ symbol }, s.ticks]),
  );
  mirroredCounter(registry, 'collector_messages_rejected_total', 'malformed or unexpected messages, by kind', ['kind'], () =>
    Object.entries(status()?.rejected ?? {}).map(([kind, n]) => [{ kind }, n]),
  );
  mirroredCounter(registry, 'collector_reconnects_total', 'WebSocket connections re-established', [], () => [[{}, status()?.reconnects ?? 0]]);
  mirroredCounter(registry, 'collector_gaps_backfilled_total', 'gaps closed through REST backfill', [], () => [[{}, status()?.gapsBackfilled ?? 0]]);
  mirroredCounter(registry, 'collector_backfilled_ticks_total', 'ticks obtained through REST backfill', [], () => [[{}, status()?.backfilledTicks ?? 0]]);

  new Gauge({
    name: 'collector_last_tick_age_seconds',
    help: 'seconds since the newest tick of each symbol was received',
    labelNames: ['symbol'],
    registers: [registry],
    collect() {
      this.reset();
      const now = ctx.now();
      for (const [symbol, s] of Object.entries(status()?.symbols ?? {})) {
        const seen = s.lastReceivedAt ?? s.lastTickTs;
        if (seen !== null) this.set({ symbol }, Math.max(0, (now - seen) / 1000));
      }
    },
  });
}

/** Bars from klines, and the history and universe look-ups that run beside the ingest. */
function backgroundMetrics(registry: Registry, ctx: Ctx): void {
  new Gauge({
    name: 'collector_kline_bars',
    help: 'stored bars that came from Binance klines, not ticks (history at start-up, the older part of a long outage), by symbol, timeframe and reason',
    labelNames: ['symbol', 'tf', 'reason'],
    registers: [registry],
    async collect() {
      this.reset();
      const sums = new Map<string, { labels: Record<string, string>; bars: number }>();
      for (const k of await ctx.store.klineSpans()) {
        const key = `${k.symbol}|${k.tf}|${k.reason}`;
        const e = sums.get(key) ?? { labels: { symbol: k.symbol, tf: k.tf, reason: k.reason }, bars: 0 };
        e.bars += k.bars;
        sums.set(key, e);
      }
      for (const e of sums.values()) this.set(e.labels, e.bars);
    },
  });
  new Gauge({
    name: 'collector_kline_span_seconds',
    help: 'time covered by bars from Binance klines, by symbol, timeframe and reason (history | outage)',
    labelNames: ['symbol', 'tf', 'reason'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const k of await ctx.store.klineSpans()) this.inc({ symbol: k.symbol, tf: k.tf, reason: k.reason }, (k.to - k.from) / 1000);
    },
  });
  // 1 for a part's current state and 0 for the others, so a panel or rule can select by state.
  new Gauge({
    name: 'collector_history_state',
    help: 'history loaded beside the ingest: 1 for the state (loading | done | failed) each symbol and part (1s, 1m, 5m klines; seam trades; outage repair) is in',
    labelNames: ['symbol', 'tf', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const h of ctx.background?.history() ?? []) for (const state of STATES) this.set({ symbol: h.symbol, tf: h.part, state }, h.state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'collector_history_attempts',
    help: 'attempts made to load each symbol and part of history (more than 1: it failed and was retried)',
    labelNames: ['symbol', 'tf'],
    registers: [registry],
    collect() {
      this.reset();
      for (const h of ctx.background?.history() ?? []) this.set({ symbol: h.symbol, tf: h.part }, h.attempts);
    },
  });
  new Gauge({
    name: 'collector_universe_lookup_state',
    help: "UNIVERSE=top:N's look-up of the top symbols: 1 for its state (loading | done | failed); absent for a listed universe",
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      const u = ctx.background?.universe();
      if (u) for (const state of STATES) this.set({ state }, u.state === state ? 1 : 0);
    },
  });
}

export function createMetrics(ctx: Ctx): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const status = () => ctx.ingest?.status();

  ingestMetrics(registry, ctx, status);
  backgroundMetrics(registry, ctx);
  new Gauge({
    name: 'collector_websocket_up',
    help: '1 while the Binance WebSocket is open',
    registers: [registry],
    collect() {
      this.set(status()?.wsState === 'open' ? 1 : 0);
    },
  });

  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route pattern',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const timer: RequestHandler = (req, res, next) => {
    const t0 = process.hrtime.bigint();
    res.on('finish', () => {
      const route =
        (req.route as { path?: string } | undefined)?.path ?? (res.statusCode === 404 ? 'unmatched' : req.path.startsWith('/export') ? '/export' : 'other');
      latency.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - t0) / 1e9);
    });
    next();
  };
  // A round longer than the push interval (500 ms) delays every connection's next update: the
  // timer skips a tick while a round still runs.
  const liveRound = new Histogram({
    name: 'collector_live_push_round_seconds',
    help: 'time one Live push round took: every connection updated in turn, then the completed bars',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, timer, liveRound };
}
