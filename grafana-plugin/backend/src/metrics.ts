/**
 * The backend's own Prometheus metrics, answered by CollectMetrics (Grafana serves them at
 * /metrics/plugins/quant-pairs-datasource). A registry of its own, so nothing global leaks in.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'pairs_backend_' });

export const metrics = {
  queries: new Counter({
    name: 'pairs_backend_queries_total',
    help: 'Queries answered by QueryData, by query type and outcome (ok or the HTTP-like status)',
    labelNames: ['query_type', 'outcome'] as const,
    registers: [registry],
  }),
  queryDataSeconds: new Histogram({
    name: 'pairs_backend_query_data_seconds',
    help: 'Time to answer one QueryData call',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
  collectorRequests: new Counter({
    name: 'pairs_backend_collector_requests_total',
    help: 'HTTP requests to the collector API, by endpoint and outcome (status code or unreachable)',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [registry],
  }),
  collectorSeconds: new Histogram({
    name: 'pairs_backend_collector_request_seconds',
    help: 'Latency of collector API requests',
    labelNames: ['endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  }),
  healthChecks: new Counter({
    name: 'pairs_backend_health_checks_total',
    help: 'CheckHealth calls by result',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  resourceCalls: new Counter({
    name: 'pairs_backend_resource_calls_total',
    help: 'CallResource calls by path and status code',
    labelNames: ['path', 'code'] as const,
    registers: [registry],
  }),
  streams: new Gauge({
    name: 'pairs_backend_streams_running',
    help: 'RunStream calls in progress',
    registers: [registry],
  }),
  streamPackets: new Counter({
    name: 'pairs_backend_stream_packets_total',
    help: 'Stream packets sent to Grafana Live',
    registers: [registry],
  }),
  arrowBytes: new Counter({
    name: 'pairs_backend_arrow_bytes_total',
    help: 'Bytes of Arrow frames returned by QueryData',
    registers: [registry],
  }),
};
