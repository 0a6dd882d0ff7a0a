/**
 * What Grafana does to start a backend plugin (pkg/plugins/backendplugin/grpcplugin, hashicorp
 * go-plugin client.go): read plugin.json, execute `<dir>/<executable>_linux_<arch>` with the
 * magic cookie and PLUGIN_* variables (and no PATH, as with `pluginsSkipHostEnvVars`), read
 * the handshake line `1|2|tcp|host:port|grpc` from stdout, collect stderr as hclog JSON lines,
 * dial gRPC, and check the health service "plugin".
 */
import { ChildProcess, spawn } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO_DIR = join(__dirname, '..', '..', 'backend', 'proto');

interface LogLine {
  '@level'?: string;
  '@message'?: string;
  '@timestamp'?: string;
  [k: string]: unknown;
}

/** A client of a service loaded from its .proto file: its methods by name, untyped. */
export type GrpcClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

export interface PluginClients {
  data: GrpcClient;
  diagnostics: GrpcClient;
  resource: GrpcClient;
  stream: GrpcClient;
  health: GrpcClient;
  controller: GrpcClient;
}

export interface StartPluginOptions {
  /** Directory holding plugin.json (optional) and the executables, e.g. grafana-plugin/dist. */
  pluginDir: string;
  /** `executable` when plugin.json is absent. */
  executable?: string;
  /** Grafana version in GF_VERSION. */
  grafanaVersion?: string;
  /** `[plugin.<id>]` settings, passed as GF_PLUGIN_<KEY> (e.g. { node_path: '/usr/bin/node' }). */
  pluginSettings?: Record<string, string>;
  /** Extra variables, or `undefined` to remove one (e.g. the cookie). */
  env?: Record<string, string | undefined>;
  /** How long to wait for the handshake line; Grafana waits 1 minute. */
  startTimeoutMs?: number;
  arch?: 'amd64' | 'arm64';
}

export interface PluginProcess {
  child: ChildProcess;
  pid: number;
  /** The handshake line as printed. */
  handshake: string;
  address: string;
  /** Milliseconds from spawn to the handshake line. */
  startMs: number;
  /** Everything else the plugin wrote to stdout (must stay empty). */
  extraStdout: string[];
  /** stderr lines parsed as hclog JSON (`raw` holds lines that were not JSON). */
  logs: LogLine[];
  raw: string[];
  clients: PluginClients;
  /** Promise of the exit code/signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Grafana's shutdown: GRPCController.Shutdown is not used; SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function loadPluginJson(pluginDir: string): Record<string, unknown> | null {
  const p = join(pluginDir, 'plugin.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>) : null;
}

let packageCache: grpc.GrpcObject | null = null;
function grpcPackage(): grpc.GrpcObject {
  if (!packageCache) {
    const def = protoLoader.loadSync(
      ['pluginv2.proto', 'health.proto', 'controller.proto'].map((f) => join(PROTO_DIR, f)),
      { keepCase: true, longs: Number, enums: Number, bytes: Buffer, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] },
    );
    packageCache = grpc.loadPackageDefinition(def);
  }
  return packageCache;
}

function ctor(path: string): grpc.ServiceClientConstructor {
  let o: unknown = grpcPackage();
  for (const p of path.split('.')) o = (o as Record<string, unknown>)[p];
  return o as grpc.ServiceClientConstructor;
}

export function connectClients(address: string): PluginClients {
  const creds = grpc.credentials.createInsecure();
  const opts = { 'grpc.max_receive_message_length': -1 };
  const make = (p: string) => new (ctor(p))(address, creds, opts) as unknown as GrpcClient;
  return {
    data: make('pluginv2.Data'),
    diagnostics: make('pluginv2.Diagnostics'),
    resource: make('pluginv2.Resource'),
    stream: make('pluginv2.Stream'),
    health: make('grpc.health.v1.Health'),
    controller: make('plugin.GRPCController'),
  };
}

/** Calls a unary RPC and resolves with its answer. */
export function call<T>(client: GrpcClient, method: string, req: unknown, deadlineMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method]!(req, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res: T) => (err ? reject(err) : resolve(res)));
  });
}

export const HANDSHAKE_RE = /^1\|2\|tcp\|(127\.0\.0\.1:\d+)\|grpc$/;

export class HandshakeError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export async function startPlugin(opts: StartPluginOptions): Promise<PluginProcess> {
  const pj = loadPluginJson(opts.pluginDir);
  const executable = (pj?.executable as string | undefined) ?? opts.executable ?? 'gpx_pairs';
  const arch = opts.arch ?? (process.arch === 'arm64' ? 'arm64' : 'amd64');
  const exe = join(opts.pluginDir, `${executable}_linux_${arch}`);
  if (!existsSync(exe)) throw new Error(`no executable ${exe}; run npm run build:backend`);
  const env: Record<string, string> = {
    grafana_plugin_type: 'datasource',
    PLUGIN_PROTOCOL_VERSIONS: '2',
    PLUGIN_MIN_PORT: '10000',
    PLUGIN_MAX_PORT: '25000',
    GF_VERSION: opts.grafanaVersion ?? '12.3.0',
    GF_EDITION: 'Open Source',
    GF_APP_URL: 'http://localhost:3000/',
  };
  for (const [k, v] of Object.entries(opts.pluginSettings ?? {})) env[`GF_PLUGIN_${k.toUpperCase()}`] = v;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const started = performance.now();
  // stdin is a pipe from us, as go-plugin gives the child its own stdin.
  const child = spawn(exe, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const logs: LogLine[] = [];
  const raw: string[] = [];
  const extraStdout: string[] = [];
  let stderrText = '';
  let errBuf = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderrText += d.toString();
    errBuf += d.toString();
    let nl: number;
    while ((nl = errBuf.indexOf('\n')) >= 0) {
      const line = errBuf.slice(0, nl);
      errBuf = errBuf.slice(nl + 1);
      if (line.trim() === '') continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        raw.push(line);
      }
    }
  });
  // 'close', not 'exit': 'exit' may come before the last stderr lines (the shutdown log) are read.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const handshake = await new Promise<string>((resolve, reject) => {
    let outBuf = '';
    let got: string | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new HandshakeError(`no handshake within ${opts.startTimeoutMs ?? 60_000} ms`, null, stderrText));
    }, opts.startTimeoutMs ?? 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      outBuf += d.toString();
      let nl: number;
      while ((nl = outBuf.indexOf('\n')) >= 0) {
        const line = outBuf.slice(0, nl);
        outBuf = outBuf.slice(nl + 1);
        if (got === null) {
          got = line;
          clearTimeout(timer);
          resolve(line);
        } else extraStdout.push(line);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      // Give stderr a moment to drain before reporting.
      setTimeout(() => reject(new HandshakeError(`plugin exited with code ${code} before the handshake`, code, stderrText)), 50);
    });
  });
  const startMs = performance.now() - started;
  const m = HANDSHAKE_RE.exec(handshake);
  if (!m) {
    child.kill('SIGKILL');
    throw new HandshakeError(`bad handshake line ${JSON.stringify(handshake)}`, null, stderrText);
  }
  const address = m[1]!;
  const clients = connectClients(address);
  const stop = async (graceMs = 2000) => {
    for (const c of Object.values(clients)) (c as grpc.Client).close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const r = await exited;
      clearTimeout(t);
      return r;
    }
    return exited;
  };
  return { child, pid: child.pid!, handshake, address, startMs, extraStdout, logs, raw, clients, exited, stop };
}
