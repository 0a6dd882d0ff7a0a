/**
 * A fuzzer for the backend plugin's gRPC surface: every method the plugin serves (read from its
 * .proto files, so a new one is fuzzed too) gets random and mutated messages as raw bytes, sent
 * through a gRPC client that does no encoding of its own:
 *
 * - mutations of a valid request (bit flips, truncation, inserted and repeated bytes, a field's
 *   wire type changed, unknown fields appended) and random bytes;
 * - crafted requests: invalid UTF-8 in string fields, unknown query JSON (unknown queryType,
 *   wrong value types, JSON that is not an object, nesting 100,000 deep, a truncated Arrow file
 *   where JSON belongs), huge repeated fields (20,000 queries, 50,000 headers), 10 MB bodies;
 * - bursts of thousands of concurrent calls.
 *
 * Every call must be answered with a status (an answer or a gRPC error code from the plugin; a
 * local deadline or a dropped connection is no answer), the process must stay up and serving,
 * and its resident memory is sampled after each round.
 *
 * Not fuzzed: GRPCController.Shutdown (any bytes that decode as its Empty message stop the plugin,
 * as go-plugin asks), which handshake.test.ts covers.
 */
import { readFileSync } from 'fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'path';
import { rng } from 'collector/src/fake-binance/rng';
import { call, type PluginProcess } from '../emulator';

const PROTO_DIR = join(__dirname, '..', '..', 'backend', 'proto');
const NOT_FUZZED = new Set(['/plugin.GRPCController/Shutdown']);

interface Method {
  path: string;
  stream: boolean;
  serialize: (v: unknown) => Buffer;
}

/** Every method of every service in the plugin's .proto files. */
function servedMethods(): Method[] {
  const def = protoLoader.loadSync(
    ['pluginv2.proto', 'health.proto', 'controller.proto'].map((f) => join(PROTO_DIR, f)),
    { keepCase: true, longs: Number, enums: Number, bytes: Buffer, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] },
  );
  const out: Method[] = [];
  for (const v of Object.values(def)) {
    if (!('format' in v) && typeof v === 'object') {
      for (const m of Object.values(v as grpc.ServiceDefinition)) {
        if (!NOT_FUZZED.has(m.path)) out.push({ path: m.path, stream: m.responseStream, serialize: m.requestSerialize as (v: unknown) => Buffer });
      }
    }
  }
  return out;
}

/** A real Arrow frame of the plugin's to truncate: its answer to a 1m bars query of BTCUSDT over [from, to). */
export async function barsArrow(plugin: PluginProcess, pluginContext: Record<string, unknown>, from: number, to: number): Promise<Buffer> {
  const answer = await call<{ responses: Record<string, { frames: Buffer[] }> }>(plugin.clients.data, 'QueryData', {
    pluginContext,
    headers: {},
    queries: [
      {
        refId: 'A',
        maxDataPoints: 100,
        intervalMS: 60_000,
        timeRange: { fromEpochMS: from, toEpochMS: to },
        json: Buffer.from(JSON.stringify({ refId: 'A', queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' })),
        queryType: 'bars',
      },
    ],
  });
  const arrow = answer.responses.A?.frames[0];
  if (!arrow) throw new Error('the plugin answered no frame to truncate');
  return arrow;
}

export interface GrpcFuzzOptions {
  address: string;
  pid: number;
  /** A PluginContext (as proto-loader objects) whose data source points at a collector. */
  pluginContext: Record<string, unknown>;
  /** A valid Arrow IPC file (a frame the plugin answered), to truncate. */
  arrow: Buffer;
  seed: number;
  /** Mutated requests per method and round. */
  mutations: number;
  rounds: number;
  /** Concurrent calls in the burst of each round. */
  burst: number;
  /** Size of the big requests (10 MB in the issue). */
  bigBytes: number;
  /** How long a call may take before it counts as unanswered. */
  deadlineMs?: number;
  /** Progress lines (method and case as they start). */
  progress?: (line: string) => void;
  /** MB the plugin still holds after a full collection (inspector.ts), read after each round. */
  retainedMb?: () => Promise<number>;
}

export interface GrpcFuzzResult {
  methods: string[];
  calls: number;
  answered: number;
  /** Answers by gRPC status code (0 = OK; -1 = a server stream accepted and held open) and method. */
  byCode: Record<string, number>;
  byMethod: Record<string, number>;
  /** Codes of the crafted requests, by method and case (`/pluginv2.Stream/RunStream unknown channel`), one a round. */
  crafted: Record<string, Array<number | null>>;
  /** Calls without an answer: method, case and what happened (first 10). */
  unanswered: string[];
  /** Plugin RSS in MB after each round. */
  rssMb: number[];
  /** What `retainedMb` read after each round (empty without it). */
  retainedMb: number[];
  aliveAtEnd: boolean;
  /** Health.Check("plugin") status at the end (1 = SERVING). */
  healthAtEnd: number | null;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** Mutations of valid bytes. */
function mutate(b: Buffer, r: () => number): { name: string; bytes: Buffer } {
  const pos = (n: number) => Math.floor(r() * Math.max(1, n));
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => pos(256)));
  const c = Buffer.from(b);
  switch (pos(8)) {
    case 0: {
      for (let i = 0, n = 1 + pos(8); i < n && c.length; i++) c[pos(c.length)]! ^= 1 << pos(8);
      return { name: 'bit flips', bytes: c };
    }
    case 1:
      return { name: 'truncated', bytes: c.subarray(0, pos(c.length)) };
    case 2: {
      const at = pos(c.length);
      return { name: 'bytes inserted', bytes: Buffer.concat([c.subarray(0, at), randomBytes(1 + pos(32)), c.subarray(at)]) };
    }
    case 3: {
      const a = pos(c.length);
      const slice = c.subarray(a, a + 1 + pos(64));
      return { name: 'slice repeated', bytes: Buffer.concat([c, ...Array.from({ length: 1 + pos(50) }, () => slice)]) };
    }
    case 4: {
      // the first tag's wire type changed: a length-delimited field read as varint, fixed64, group...
      if (c.length) c[0] = (c[0]! & ~7) | pos(8);
      return { name: 'wire type changed', bytes: c };
    }
    case 5: {
      // an unknown field (number 1000+) of a random wire type with random content
      const tag = ((1000 + pos(5000)) << 3) | [0, 1, 2, 5][pos(4)]!;
      const varint: number[] = [];
      for (let v = tag; ; v >>>= 7) {
        if (v < 0x80) {
          varint.push(v);
          break;
        }
        varint.push((v & 0x7f) | 0x80);
      }
      return { name: 'unknown field', bytes: Buffer.concat([c, Buffer.from(varint), Buffer.from([pos(20)]), randomBytes(pos(20))]) };
    }
    case 6:
      return { name: 'random bytes', bytes: randomBytes(pos(2000)) };
    default:
      // an over-long varint / length that points past the end
      return { name: 'bad length', bytes: Buffer.concat([c.subarray(0, pos(c.length)), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]) };
  }
}

/** Replaces every occurrence of the ASCII `marker` in `b` by invalid UTF-8 of the same length. */
function invalidUtf8(b: Buffer, marker: string): Buffer {
  const bad = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xff, 0xfe, 0xed, 0xa0, 0x80]);
  const out = Buffer.from(b);
  const m = Buffer.from(marker);
  for (let i = out.indexOf(m); i >= 0; i = out.indexOf(m, i + m.length)) for (let k = 0; k < m.length; k++) out[i + k] = bad[k % bad.length]!;
  return out;
}

const MARK = 'MARKMARKMARKMARK';

/** A valid request of each method, with MARK in its strings (for the invalid UTF-8 cases). */
function validRequests(ctx: Record<string, unknown>, mark = false): Record<string, unknown> {
  const s = (x: string) => (mark ? MARK : x);
  const query = (refId: string, model: Record<string, unknown>) => ({
    refId: s(refId),
    maxDataPoints: 500,
    intervalMS: 60_000,
    timeRange: { fromEpochMS: Date.now() - 3_600_000, toEpochMS: Date.now() },
    json: Buffer.from(JSON.stringify({ refId, ...model })),
    queryType: s(String(model.queryType)),
  });
  const stream = { pluginContext: ctx, path: s('pair/ETHUSDT-BTCUSDT/1m/30/fz'), data: Buffer.alloc(0), headers: {} };
  return {
    '/pluginv2.Data/QueryData': {
      pluginContext: ctx,
      headers: { [s('h')]: s('v') },
      queries: [
        query('A', { queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: 30 }),
        query('B', { queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' }),
      ],
    },
    '/pluginv2.Diagnostics/CheckHealth': { pluginContext: ctx, headers: {} },
    '/pluginv2.Diagnostics/CollectMetrics': { pluginContext: ctx },
    '/pluginv2.Resource/CallResource': { pluginContext: ctx, path: s('symbols'), method: 'GET', url: s('symbols'), headers: {}, body: Buffer.alloc(0) },
    '/pluginv2.Stream/SubscribeStream': stream,
    '/pluginv2.Stream/RunStream': stream,
    '/pluginv2.Stream/PublishStream': { ...stream, data: Buffer.from('{"x":1}') },
    '/grpc.health.v1.Health/Check': { service: s('plugin') },
    '/grpc.health.v1.Health/Watch': { service: s('plugin') },
    '/plugin.GRPCStdio/StreamStdio': {},
  };
}

/** Crafted requests of a method beyond mutations: big, deep, odd JSON, truncated Arrow. */
function crafted(path: string, ctx: Record<string, unknown>, arrow: Buffer, big: number): Array<{ name: string; value: unknown }> {
  const q = (json: Buffer, queryType = 'analytics') => ({
    refId: 'Z',
    maxDataPoints: 1,
    intervalMS: 1,
    timeRange: { fromEpochMS: 0, toEpochMS: 1 },
    json,
    queryType,
  });
  const odd = [
    '{"queryType":"nope"}',
    '{"queryType":"analytics","pair":5,"timeframe":["1m"],"window":"abc"}',
    '{"queryType":"bars","symbol":{"$gt":""},"timeframe":null}',
    'null',
    '[]',
    '"text"',
    '{"queryType":"analytics","window":1e999,"pair":"ETHUSDT/BTCUSDT","timeframe":"1m"}',
    '{"__proto__":{"polluted":true},"queryType":"stats"}',
    '['.repeat(100_000) + ']'.repeat(100_000),
    '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
  ];
  const bigJson = Buffer.from(JSON.stringify({ queryType: 'analytics', pad: 'x'.repeat(big) }));
  switch (path) {
    case '/pluginv2.Data/QueryData':
      return [
        ...odd.map((j, i) => ({ name: `query JSON ${i}`, value: { pluginContext: ctx, queries: [q(Buffer.from(j))] } })),
        { name: 'truncated Arrow as query JSON', value: { pluginContext: ctx, queries: [q(arrow.subarray(0, arrow.length >> 1))] } },
        {
          name: '20,000 queries',
          value: { pluginContext: ctx, queries: Array.from({ length: 20_000 }, (_, i) => ({ ...q(Buffer.from('{}'), 'nope'), refId: `R${i}` })) },
        },
        { name: '10 MB query JSON', value: { pluginContext: ctx, queries: [q(bigJson)] } },
        { name: 'no context', value: { queries: [q(Buffer.from('{}'))] } },
        {
          name: 'jsonData not JSON',
          value: { pluginContext: { ...ctx, dataSourceInstanceSettings: { jsonData: arrow.subarray(0, 99) } }, queries: [q(Buffer.from('{}'))] },
        },
      ];
    case '/pluginv2.Resource/CallResource':
      return [
        { name: '10 MB body', value: { pluginContext: ctx, path: 'symbols', method: 'POST', url: 'symbols', body: Buffer.alloc(big, 0x7b) } },
        {
          name: '50,000 headers',
          value: {
            pluginContext: ctx,
            path: 'symbols',
            method: 'GET',
            headers: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`h${i}`, { values: ['v'] }])),
          },
        },
        { name: 'path traversal', value: { pluginContext: ctx, path: '../../../../etc/passwd', method: 'GET', url: '/../../etc/passwd?x=%00' } }, // outside-repo-ok: an attack string sent to the plugin, never a file read
        { name: 'truncated Arrow body', value: { pluginContext: ctx, path: 'symbols', method: 'POST', body: arrow.subarray(0, 100) } },
      ];
    case '/pluginv2.Stream/SubscribeStream':
    case '/pluginv2.Stream/RunStream':
    case '/pluginv2.Stream/PublishStream':
      return [
        { name: 'unknown channel', value: { pluginContext: ctx, path: 'pair/NOPE/9m/-1/zscore' } },
        { name: '10 MB path', value: { pluginContext: ctx, path: 'p/'.repeat(big >> 1) } },
        { name: '10 MB data', value: { pluginContext: ctx, path: 'symbol/BTCUSDT', data: Buffer.alloc(big, 0x41) } },
        { name: 'truncated Arrow data', value: { pluginContext: ctx, path: 'symbol/BTCUSDT', data: arrow.subarray(0, 77) } },
      ];
    case '/pluginv2.Diagnostics/CheckHealth':
      return [{ name: 'jsonData 10 MB', value: { pluginContext: { ...ctx, dataSourceInstanceSettings: { jsonData: bigJson } } } }];
    default:
      return [{ name: '10 MB of a string field', value: { service: 'x'.repeat(big) } }];
  }
}

const STREAM_WAIT_MS = 500;

/**
 * A status the client made up rather than received: our deadline passed, or the connection
 * broke (grpc-js's own UNAVAILABLE messages). The plugin's own UNAVAILABLE (a stream whose
 * collector link failed, ended so that Grafana restarts it) carries its message and is an answer.
 */
function noAnswer(code: number, details: string): boolean {
  if (code === grpc.status.DEADLINE_EXCEEDED) return true;
  // grpc-js's own words start the details; the plugin's (e.g. "live push of ...: connect ECONNREFUSED") do not
  return code === grpc.status.UNAVAILABLE && /^(No connection established|Connection dropped|failed to connect|Call dropped)/i.test(details);
}

type Outcome = { answered: boolean; code: number | null; what: string };

function send(client: grpc.Client, m: Method, bytes: Buffer, deadlineMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const deadline = Date.now() + deadlineMs;
    if (!m.stream) {
      client.makeUnaryRequest(
        m.path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        bytes,
        { deadline },
        (err: grpc.ServiceError | null) => {
          if (err && noAnswer(err.code, err.details)) resolve({ answered: false, code: err.code, what: err.message });
          else resolve({ answered: true, code: err ? err.code : 0, what: err?.message ?? 'ok' });
        },
      );
      return;
    }
    // a server stream is answered by its first message or its status; one still open after
    // STREAM_WAIT_MS without either was accepted and is held open (a Live stream waiting for
    // data, the stdio stream), which is an answer too; then we end it
    const call = client.makeServerStreamRequest(
      m.path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      { deadline },
    );
    const held = setTimeout(() => finish({ answered: true, code: -1, what: 'held open' }), STREAM_WAIT_MS);
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(held);
      resolve(o);
      call.cancel();
    };
    call.on('data', () => finish({ answered: true, code: 0, what: 'stream data' }));
    call.on('status', (s: grpc.StatusObject) =>
      finish(noAnswer(s.code, s.details) ? { answered: false, code: s.code, what: s.details } : { answered: true, code: s.code, what: s.details }),
    );
    call.on('error', () => undefined);
  });
}

export async function runGrpcFuzz(o: GrpcFuzzOptions): Promise<GrpcFuzzResult> {
  const r = rng(o.seed);
  const methods = servedMethods();
  const valid = validRequests(o.pluginContext);
  const marked = validRequests(o.pluginContext, true);
  const client = new grpc.Client(o.address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  });
  const res: GrpcFuzzResult = {
    methods: methods.map((m) => m.path),
    calls: 0,
    answered: 0,
    byCode: {},
    byMethod: {},
    crafted: {},
    unanswered: [],
    rssMb: [],
    retainedMb: [],
    aliveAtEnd: false,
    healthAtEnd: null,
  };
  const deadlineMs = o.deadlineMs ?? 30_000;
  const record = (m: Method, name: string, out: Outcome) => {
    res.calls++;
    res.byMethod[m.path] = (res.byMethod[m.path] ?? 0) + 1;
    if (out.answered) {
      res.answered++;
      res.byCode[String(out.code)] = (res.byCode[String(out.code)] ?? 0) + 1;
    } else if (res.unanswered.length < 10) res.unanswered.push(`${m.path} ${name}: ${out.what}`);
  };
  const cases = (m: Method): Array<{ name: string; bytes: Buffer }> => {
    const base = valid[m.path] === undefined ? Buffer.alloc(0) : m.serialize(valid[m.path]);
    const out: Array<{ name: string; bytes: Buffer }> = [
      { name: 'valid', bytes: base },
      { name: 'empty', bytes: Buffer.alloc(0) },
    ];
    if (marked[m.path] !== undefined) out.push({ name: 'invalid UTF-8', bytes: invalidUtf8(m.serialize(marked[m.path]), MARK) });
    for (let i = 0; i < o.mutations; i++) out.push(mutate(base, r));
    return out;
  };
  try {
    for (let round = 0; round < o.rounds; round++) {
      for (const m of methods) {
        o.progress?.(`round ${round} ${m.path}`);
        for (const c of cases(m)) record(m, c.name, await send(client, m, c.bytes, deadlineMs));
        for (const c of crafted(m.path, o.pluginContext, o.arrow, o.bigBytes)) {
          let bytes: Buffer;
          try {
            bytes = m.serialize(c.value);
          } catch {
            continue; // not encodable for this method's message (another method's shape)
          }
          o.progress?.(`  ${c.name} (${bytes.length} bytes)`);
          const out = await send(client, m, bytes, deadlineMs);
          record(m, c.name, out);
          (res.crafted[`${m.path} ${c.name}`] ??= []).push(out.code);
        }
      }
      // a burst: `burst` calls at once, valid and mutated, spread over the methods
      const burst = Array.from({ length: o.burst }, (_, i) => {
        const m = methods[i % methods.length]!;
        const base = valid[m.path] === undefined ? Buffer.alloc(0) : m.serialize(valid[m.path]);
        const c = i % 2 === 0 ? { name: 'burst valid', bytes: base } : mutate(base, r);
        return send(client, m, c.bytes, deadlineMs).then((out) => record(m, `${c.name} (burst)`, out));
      });
      await Promise.all(burst);
      res.rssMb.push(rssMb(o.pid));
      if (o.retainedMb) {
        await new Promise((r) => setTimeout(r, 2 * STREAM_WAIT_MS)); // the last streams' cancellations reach the plugin
        res.retainedMb.push(Math.round(await o.retainedMb()));
      }
    }
    const health = methods.find((m) => m.path === '/grpc.health.v1.Health/Check')!;
    const h = await new Promise<number | null>((resolve) =>
      client.makeUnaryRequest(
        health.path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        health.serialize({ service: 'plugin' }),
        { deadline: Date.now() + 10_000 },
        (err: grpc.ServiceError | null, v?: Buffer) => resolve(err || !v ? null : v.length >= 2 ? v[1]! : 0),
      ),
    );
    res.healthAtEnd = h;
    try {
      process.kill(o.pid, 0);
      res.aliveAtEnd = true;
    } catch {
      res.aliveAtEnd = false;
    }
  } finally {
    client.close();
  }
  return res;
}
