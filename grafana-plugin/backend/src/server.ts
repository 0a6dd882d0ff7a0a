/**
 * The gRPC server Grafana talks to: pluginv2 Data, Diagnostics, Resource and Stream, the
 * standard health service (service "plugin" = SERVING, which go-plugin checks), and go-plugin's
 * optional GRPCController (Shutdown) and GRPCStdio services.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { log } from './hclog';
import { checkHealth } from './health';
import { registry } from './metrics';
import type { CallResourceRequest, CheckHealthRequest, QueryDataRequest, StreamRequest } from './protocol';
import { queryData } from './queryData';
import { SettingsError } from './settings';
import { callResource } from './resources';
import { shownPath } from './stream/channel';
import { ChannelPathError, runStream, subscribeStream } from './stream/streams';

/**
 * The protos as protobufjs JSON, put in by the bundler (scripts/build.mjs `define`), so the bundle
 * and the native executables read no file at start; undefined when run from source (tests).
 */
declare const PAIRS_PROTO_JSON: Parameters<typeof protoLoader.fromJSON>[0] | undefined;

/** Where the .proto files are when run from source: the source tree's proto/. */
function protoDir(): string {
  const dir = join(__dirname, '..', 'proto');
  if (existsSync(join(dir, 'pluginv2.proto'))) return dir;
  throw new Error(`pluginv2.proto not found in ${dir}`);
}

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: Number, bytes: Buffer, defaults: true, oneofs: true };
const PROTO_FILES = ['pluginv2.proto', 'health.proto', 'controller.proto'];

function loadProtos(): grpc.GrpcObject {
  const def =
    typeof PAIRS_PROTO_JSON !== 'undefined'
      ? protoLoader.fromJSON(PAIRS_PROTO_JSON, LOADER_OPTIONS)
      : protoLoader.loadSync(
          PROTO_FILES.map((f) => join(protoDir(), f)),
          { ...LOADER_OPTIONS, includeDirs: [protoDir()] },
        );
  return grpc.loadPackageDefinition(def);
}

type Svc = grpc.ServiceClientConstructor;
function svc(root: grpc.GrpcObject, path: string): grpc.ServiceDefinition {
  let o: unknown = root;
  for (const p of path.split('.')) o = (o as Record<string, unknown>)[p];
  return (o as Svc).service;
}

/**
 * A status's details travel in an HTTP/2 trailer (grpc-message): one that echoes a huge input
 * (a 10 MB service name) is too big to send, and the caller never gets an answer. Capped here.
 */
const MAX_DETAILS = 1_000;
function statusDetails(text: string): string {
  return text.length > MAX_DETAILS ? `${text.slice(0, MAX_DETAILS)}... (${text.length} characters)` : text;
}

/**
 * Ends a server stream with an error status. (Not `call.destroy(err)`: grpc-js then resets the
 * stream without a status, and the caller waits until it gives up; the fuzzer found RunStream and
 * CallResource failures hanging that way.)
 */
function failStream(call: grpc.ServerWritableStream<unknown, unknown>, code: grpc.status, message: string): void {
  call.emit('error', { code, details: statusDetails(message) });
}

function unary<Req, Res>(name: string, fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  return (call, cb) => {
    Promise.resolve()
      .then(() => fn(call.request, call))
      .then(
        (res) => cb(null, res),
        (e: Error) => {
          log.error(`${name} failed`, { error: e.stack ?? String(e) });
          cb({ code: grpc.status.INTERNAL, details: statusDetails(`${name}: ${e.message}`) });
        },
      );
  };
}

export interface Backend {
  server: grpc.Server;
  port: number;
  /** Graceful stop: ends streams, waits up to `graceMs` for calls in flight. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  host?: string;
  minPort?: number;
  maxPort?: number;
  /** Called when Grafana asks for a shutdown through GRPCController. */
  onShutdownRequest?: () => void;
}

async function bind(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
}

type Call = grpc.ServerWritableStream<unknown, unknown>;
/** A running RunStream call, with the function that ends it (set by `addStreamService`). */
type StreamCall = Call & { __stop?: () => void };

/** Starts the gRPC server on `host` (a port of PLUGIN_MIN_PORT..PLUGIN_MAX_PORT when given, else any free one). */
export async function startBackend(opts: StartOptions = {}): Promise<Backend> {
  const root = loadProtos();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const streams = new Set<StreamCall>();
  const stdio = new Set<Call>();
  addDataServices(server, root);
  addStreamService(server, root, streams);
  addHealthService(server, root);
  addGoPluginServices(server, root, stdio, opts.onShutdownRequest);
  const port = await bindPort(server, opts.host ?? '127.0.0.1', opts.minPort, opts.maxPort);
  return { server, port, stop: (graceMs) => stopServer(server, streams, stdio, graceMs) };
}

/** pluginv2 Data (QueryData), Diagnostics (CheckHealth, CollectMetrics) and Resource (CallResource). */
function addDataServices(server: grpc.Server, root: grpc.GrpcObject): void {
  server.addService(svc(root, 'pluginv2.Data'), {
    QueryData: unary<QueryDataRequest, unknown>('QueryData', (req, call) => {
      const ac = new AbortController();
      call.on('cancelled', () => ac.abort());
      return queryData(req, ac.signal);
    }),
  });
  server.addService(svc(root, 'pluginv2.Diagnostics'), {
    CheckHealth: unary<CheckHealthRequest, unknown>('CheckHealth', (req) => checkHealth(req)),
    CollectMetrics: unary<unknown, unknown>('CollectMetrics', async () => ({ metrics: { prometheus: Buffer.from(await registry.metrics()) } })),
  });
  server.addService(svc(root, 'pluginv2.Resource'), {
    CallResource: (call: grpc.ServerWritableStream<CallResourceRequest, unknown>) => {
      callResource(call.request).then(
        (res) => {
          call.write(res);
          call.end();
        },
        (e: Error) => {
          log.error('CallResource failed', { error: e.stack ?? String(e) });
          failStream(call, grpc.status.INTERNAL, e.message);
        },
      );
    },
  });
}

/** pluginv2 Stream: Subscribe, Publish (refused: read-only channels) and RunStream, whose calls are kept in `active`. */
function addStreamService(server: grpc.Server, root: grpc.GrpcObject, active: Set<StreamCall>): void {
  server.addService(svc(root, 'pluginv2.Stream'), {
    SubscribeStream: unary<StreamRequest, unknown>('SubscribeStream', (req) => subscribeStream(req)),
    PublishStream: unary<StreamRequest, unknown>('PublishStream', () => ({ status: 2, data: Buffer.from('{"error":"these channels are read-only"}') })),
    RunStream: (call: grpc.ServerWritableStream<StreamRequest, unknown>) => runStreamCall(call, active),
  });
}

function runStreamCall(call: grpc.ServerWritableStream<StreamRequest, unknown>, active: Set<StreamCall>): void {
  const tracked = call as unknown as StreamCall;
  active.add(tracked);
  log.info('stream started', { path: shownPath(call.request.path) });
  const cancelCbs: Array<() => void> = [];
  const cancel = (): void => {
    for (const cb of cancelCbs.splice(0)) cb();
  };
  call.on('cancelled', cancel);
  tracked.__stop = cancel;
  runStream(call.request, { write: (p) => call.write(p), onCancel: (cb) => cancelCbs.push(cb) }).then(
    () => {
      active.delete(tracked);
      log.info('stream stopped', { path: shownPath(call.request.path) });
      if (!call.cancelled) call.end();
    },
    (e: Error) => {
      active.delete(tracked);
      // a malformed path is the caller's error (INVALID_ARGUMENT); unusable data source settings need the admin, not
      // a retry (FAILED_PRECONDITION); a collector link that failed may come back (UNAVAILABLE)
      const malformed = e instanceof ChannelPathError;
      const settings = e instanceof SettingsError;
      log.warn(
        malformed ? 'stream refused: malformed channel path' : settings ? 'stream refused: data source settings' : 'stream failed; Grafana restarts it',
        {
          path: shownPath(call.request.path),
          error: e.message,
        },
      );
      const code = malformed ? grpc.status.INVALID_ARGUMENT : settings ? grpc.status.FAILED_PRECONDITION : grpc.status.UNAVAILABLE;
      if (!call.cancelled) failStream(call, code, e.message);
    },
  );
}

/** grpc.health.v1: service "" and "plugin" are SERVING (what go-plugin checks). */
function addHealthService(server: grpc.Server, root: grpc.GrpcObject): void {
  server.addService(svc(root, 'grpc.health.v1.Health'), {
    Check: (call: grpc.ServerUnaryCall<{ service: string }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const s = call.request.service;
      if (s === '' || s === 'plugin') cb(null, { status: 1 });
      else cb({ code: grpc.status.NOT_FOUND, details: statusDetails(`unknown service ${JSON.stringify(s)}`) });
    },
    Watch: (call: grpc.ServerWritableStream<{ service: string }, unknown>) => {
      call.write({ status: call.request.service === '' || call.request.service === 'plugin' ? 1 : 3 });
    },
  });
}

/** go-plugin's GRPCController (Shutdown) and GRPCStdio (held open in `stdio` until shutdown). */
function addGoPluginServices(server: grpc.Server, root: grpc.GrpcObject, stdio: Set<Call>, onShutdownRequest: (() => void) | undefined): void {
  server.addService(svc(root, 'plugin.GRPCController'), {
    Shutdown: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => {
      cb(null, {});
      log.info('shutdown requested by Grafana');
      setImmediate(() => onShutdownRequest?.());
    },
  });
  server.addService(svc(root, 'plugin.GRPCStdio'), {
    // We never write to stdout/stderr through this channel (logs go to stderr directly); the
    // stream stays open until shutdown so that go-plugin does not log a warning.
    StreamStdio: (call: Call) => {
      stdio.add(call);
      call.on('cancelled', () => stdio.delete(call));
    },
  });
}

/** Binds a port of minPort..maxPort (random start, up to 64 tries) when both are given, else any free port. */
async function bindPort(server: grpc.Server, host: string, minPort: number | undefined, maxPort: number | undefined): Promise<number> {
  if (!(minPort && maxPort && minPort > 0 && maxPort >= minPort)) return bind(server, host, 0);
  const span = maxPort - minPort + 1;
  const start = Math.floor(Math.random() * span);
  let lastErr: unknown;
  for (let k = 0; k < Math.min(span, 64); k++) {
    try {
      return await bind(server, host, minPort + ((start + k) % span));
    } catch (e) {
      lastErr = e;
    }
  }
  throw new Error(`no free port in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT (${minPort}..${maxPort}): ${String(lastErr)}`);
}

/** Graceful stop: ends the streams and stdio, waits up to `graceMs` for calls in flight, then forces. */
async function stopServer(server: grpc.Server, streams: Set<StreamCall>, stdio: Set<Call>, graceMs = 1500): Promise<void> {
  for (const call of [...streams]) call.__stop?.();
  for (const call of stdio) call.end();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
