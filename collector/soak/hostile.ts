/**
 * Part 3, bad input: many malformed or hostile requests against a live collector (token set,
 * ingesting): wrong types, out-of-range numbers, huge and reversed ranges, injection strings,
 * bad or missing tokens, broken CSV export parameters, repeated and unknown parameters, odd
 * methods, odd encodings (bad percent-escapes, overlong UTF-8, NUL, unsupported charsets),
 * broken JSON bodies, and some requests written byte by byte on a socket (the HTTP parser's
 * own rejections). Every request here is invalid by construction, so every answer must be a
 * 4xx with a JSON `{ error }` that says what was wrong (or, for the socket requests Node's
 * parser rejects before the app sees them, a bare 4xx); never a 5xx, a reset, or a 2xx. The
 * memory the collector still holds after a full collection is read after each batch of requests
 * and must not grow (soak/memory.ts).
 */
import { connect } from 'node:net';
import type { CollectorProcess } from './collector-process';
import { hostileRequests, type HostileRequest } from './hostile-requests';
import { inspect, noLeak } from './memory';
import { progress } from './util';

export interface HostileResult {
  requests: number;
  byCategory: Record<string, number>;
  /** Mean answer time per category, ms. */
  meanMsByCategory: Record<string, number>;
  byStatus: Record<string, number>;
  fourxx: number;
  fivexx: number;
  /** Answered 2xx/3xx: hostile input accepted (0 expected). */
  accepted: number;
  /** 4xx from the app without a JSON `error` message. */
  unclear: number;
  /** 4xx written by Node's HTTP parser (socket requests), with no JSON body by design. */
  parserRejections: number;
  /** Connection errors (reset, no answer). */
  networkErrors: number;
  examples: string[];
  durationSec: number;
  requestsPerSec: number;
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  /** RSS after each batch, printed but not judged (soak/memory.ts says why). */
  rssSamplesMb: number[];
  /** Memory the collector still held after a full collection, after each batch of requests (soak/memory.ts). */
  retainedMb: number[];
  aliveAtEnd: boolean;
  /** noLeak(retainedMb): the last batch's figure within LEAK_MB of the first's. */
  memoryFlat: boolean;
  ok: boolean;
}

function sendRaw(url: string, raw: Buffer): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const sock = connect(Number(u.port), u.hostname);
    let data = '';
    const done = (): void => {
      sock.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      resolve({ status: m ? Number(m[1]) : 0, body: data.split('\r\n\r\n').slice(1).join('\r\n\r\n') });
    };
    sock.setTimeout(5_000, done);
    sock.on('data', (d) => {
      data += d.toString('latin1');
      // One answer is enough: stop once the head and any declared body are in.
      const head = data.indexOf('\r\n\r\n');
      if (head >= 0) {
        const len = /content-length: (\d+)/i.exec(data.slice(0, head));
        if (!len || data.length - head - 4 >= Number(len[1])) done();
      }
    });
    sock.on('error', done);
    sock.on('end', done);
    sock.write(raw);
  });
}

export interface HostileOptions {
  collector: CollectorProcess;
  token: string;
  pair: string;
  symbol: string;
  requests: number;
  concurrency?: number;
  seed?: number;
}

/** Batches of requests, each followed by a memory reading once all its requests are answered: 5 at least. */
const batchSize = (requests: number): number => Math.max(1, Math.min(1000, Math.ceil(requests / 5)));

/**
 * The hostile requests against a collector started with memoryEnv (soak/memory.ts), its retained
 * memory read through its inspector after each batch.
 */
export async function runHostile(o: HostileOptions): Promise<HostileResult> {
  const inspector = await inspect(o.collector);
  try {
    return await sendHostile(o, () => inspector.retainedMb());
  } finally {
    await inspector.close();
  }
}

async function sendHostile(o: HostileOptions, retained: () => Promise<number>): Promise<HostileResult> {
  const list = hostileRequests(o.requests, o.token, o.pair, o.symbol, o.seed);
  const byCategory: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const msByCategory: Record<string, number> = {};
  const examples: string[] = [];
  let fourxx = 0;
  let fivexx = 0;
  let accepted = 0;
  let unclear = 0;
  let parserRejections = 0;
  let networkErrors = 0;
  const note = (s: string): void => {
    if (examples.length < 12) examples.push(s);
  };
  // Warm up (JIT, caches) before taking the starting memory figure.
  for (const r of list.slice(0, 200)) await send(r).catch(() => undefined);
  const rssStartMb = o.collector.rssMb() ?? 0;
  let rssMaxMb = rssStartMb;
  const rssSamplesMb: number[] = [];
  const retainedMb: number[] = [];
  const t0 = Date.now();
  let next = 0;
  let done = 0;

  async function send(r: HostileRequest): Promise<{ status: number; body: string; raw: boolean }> {
    if (r.raw) return { ...(await sendRaw(o.collector.url, r.raw)), raw: true };
    const res = await fetch(o.collector.url + r.path, {
      method: r.method,
      headers: r.headers,
      body: r.body === undefined || r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body,
      redirect: 'manual',
    });
    return { status: res.status, body: await res.text(), raw: false };
  }

  let end = 0;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const r = list[next++]!;
      byCategory[r.category] = (byCategory[r.category] ?? 0) + 1;
      const what = `${r.method} ${r.path.slice(0, 120)}`;
      let a: { status: number; body: string; raw: boolean };
      const s0 = Date.now();
      try {
        a = await send(r);
        msByCategory[r.category] = (msByCategory[r.category] ?? 0) + Date.now() - s0;
      } catch (e) {
        networkErrors++;
        note(`${what}: ${(e as Error).message} ${String((e as { cause?: Error }).cause?.message ?? '')}`);
        continue;
      }
      done++;
      byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
      if (a.status === 0) {
        networkErrors++;
        note(`${what}: no answer`);
      } else if (a.status >= 500) {
        fivexx++;
        note(`${what}: ${a.status} ${a.body.slice(0, 200)}`);
      } else if (a.status < 400) {
        accepted++;
        note(`${what}: accepted with ${a.status}`);
      } else {
        fourxx++;
        let message = '';
        try {
          message = String((JSON.parse(a.body) as { error?: unknown }).error ?? '');
        } catch {
          message = '';
        }
        if (!message) {
          if (a.raw) parserRejections++;
          else {
            unclear++;
            note(`${what}: ${a.status} without a JSON error message: ${a.body.slice(0, 120)}`);
          }
        }
      }
    }
  };
  // Read the memory between batches, with no request in flight: 16 concurrent 1 MB bodies would
  // otherwise count as retained.
  const batch = batchSize(list.length);
  while (end < list.length) {
    end = Math.min(list.length, end + batch);
    await Promise.all(Array.from({ length: o.concurrency ?? 16 }, worker));
    const rss = o.collector.rssMb() ?? 0;
    rssMaxMb = Math.max(rssMaxMb, rss);
    rssSamplesMb.push(Math.round(rss));
    retainedMb.push(Math.round((await retained()) * 10) / 10);
    progress('bad input', `${done}/${list.length} requests, collector retains ${retainedMb.at(-1)} MB after a full collection (RSS ${rss.toFixed(0)} MB)`);
  }
  const durationSec = (Date.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 500));
  const rssEndMb = o.collector.rssMb() ?? 0;
  rssMaxMb = Math.max(rssMaxMb, rssEndMb);
  const health = await o.collector.get('/api/health').catch(() => ({ status: 0 }));
  const aliveAtEnd = !o.collector.exit && health.status === 200;
  const result: HostileResult = {
    requests: list.length,
    byCategory,
    meanMsByCategory: Object.fromEntries(Object.entries(msByCategory).map(([k, v]) => [k, Math.round(v / byCategory[k]!)])),
    byStatus,
    fourxx,
    fivexx,
    accepted,
    unclear,
    parserRejections,
    networkErrors,
    examples,
    durationSec,
    requestsPerSec: Math.round(list.length / durationSec),
    rssStartMb: Math.round(rssStartMb),
    rssEndMb: Math.round(rssEndMb),
    rssMaxMb: Math.round(rssMaxMb),
    rssSamplesMb,
    retainedMb,
    aliveAtEnd,
    memoryFlat: false,
    ok: false,
  };
  result.ok = fivexx === 0 && accepted === 0 && unclear === 0 && networkErrors === 0 && aliveAtEnd && fourxx === list.length && noLeak(retainedMb);
  result.memoryFlat = noLeak(retainedMb);
  return result;
}
