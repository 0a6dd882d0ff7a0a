/**
 * The Live WebSocket (`/api/live`) fuzzed: garbage frames, subscription floods and slow readers
 * against a running API (in-process in test/fuzz/live.test.ts, the collector process in the soak).
 *
 * - garbage: random binary frames, random text, invalid UTF-8 text, frames past the 64 KB limit,
 *   JSON of every wrong shape (wrong types, 100,000 symbols, nesting 10,000 deep, unknown names,
 *   prototype keys), mutations of a valid subscribe message. Each must be answered: a
 *   `{"type":"error"}` or `{"type":"subscribed"}` message, or the connection closed with a code
 *   that says why (1007 invalid UTF-8, 1009 too big); silence is a failure.
 * - floods: `floodMessages` subscribe / unsubscribe messages as fast as one connection can send
 *   them, and `floodConnections` connections at once, each subscribing up to the limit.
 * - slow readers: connections that subscribe, flood and never read; the server must not queue
 *   for them without bound (its RSS is sampled) and must keep serving a reading client.
 */
import WebSocket from 'ws';
import { rng } from '../src/fake-binance/rng';

export interface LiveFuzzOptions {
  /** ws://host:port/api/live */
  url: string;
  token?: string;
  seed: number;
  garbage: number;
  floodMessages: number;
  floodConnections: number;
  slowReaders: number;
  /** A symbol and a pair the API knows. */
  symbol: string;
  pair: string;
  /** Resident size of the server in MB (process RSS), sampled after each part. */
  rssMb?: () => number;
}

export interface LiveFuzzResult {
  frames: number;
  /** Answered with an error / subscribed message, or closed with a reason code. */
  answered: number;
  closedWith: Record<string, number>;
  unanswered: string[];
  floodMessages: number;
  floodAnswers: number;
  /**
   * The server closed the flooding connection: a client that sends faster than it reads is
   * dropped once 1 MB of answers waits for it (the rest of its messages answered by the close).
   */
  floodClosedByServer: boolean;
  /** Connections refused with 429 (LIVE_CONNECTIONS) during the connection flood, and accepted. */
  floodRefused: number;
  floodAccepted: number;
  slowReaders: number;
  /** A fresh, reading client got an update after everything. */
  servingAtEnd: boolean;
  rssMb: number[];
}

function open(url: string, token?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, maxPayload: 1 << 30 });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Sends one frame on a fresh connection and waits for its answer: a message, or a close. */
async function oneFrame(url: string, token: string | undefined, frame: Buffer | string, binary: boolean): Promise<{ answered: boolean; how: string }> {
  const ws = await open(url, token);
  return new Promise((resolve) => {
    const t = setTimeout(() => done(false, 'no answer within 10 s'), 10_000);
    const done = (answered: boolean, how: string) => {
      clearTimeout(t);
      ws.terminate();
      resolve({ answered, how });
    };
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; error?: string };
      // an 'internal error' answer is a server fault the frame found, not an answer to it
      if (m.type === 'error' || m.type === 'subscribed') done(m.error !== 'internal error', m.error ?? m.type);
    });
    ws.on('close', (code) => done(code !== 1006, `close ${code}`));
    ws.on('error', () => undefined);
    ws.send(frame, { binary });
  });
}

function garbageFrames(r: () => number, o: LiveFuzzOptions): Array<{ frame: Buffer | string; binary: boolean; name: string }> {
  const n = (k: number) => Math.floor(r() * k);
  const bytes = (k: number) => Buffer.from(Array.from({ length: k }, () => n(256)));
  const valid = JSON.stringify({ type: 'subscribe', symbols: [o.symbol], pairs: [{ pair: o.pair, tf: '1m', window: 30 }] });
  const fixed: Array<[string, string | Buffer, boolean]> = [
    ['invalid UTF-8', Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x7d]), false],
    ['past 64 KB', 'x'.repeat(70_000), false],
    ['1 MB', '['.repeat(1 << 20), false],
    ['100,000 symbols', JSON.stringify({ type: 'subscribe', symbols: Array.from({ length: 100_000 }, () => o.symbol) }), false],
    ['nested 10,000 deep', '{"type":"subscribe","symbols":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}', false],
    ['prototype keys', '{"type":"subscribe","__proto__":{"symbols":["X"]},"constructor":{"prototype":{"a":1}}}', false],
    ['wrong types', '{"type":["subscribe"],"symbols":{"0":"BTCUSDT"},"pairs":"ETHUSDT/BTCUSDT"}', false],
    ['numbers out of range', `{"type":"subscribe","pairs":[{"pair":${JSON.stringify(o.pair)},"tf":"1m","window":1e999}]}`, false],
    ['unknown pair', JSON.stringify({ type: 'subscribe', pairs: [{ pair: 'AAAUSDT/BBBUSDT', tf: '1m', window: 30 }] }), false],
    ['null', 'null', false],
    ['empty', '', false],
    ['empty binary', Buffer.alloc(0), true],
  ];
  const out = fixed.map(([name, frame, binary]) => ({ name, frame, binary }));
  for (let i = 0; i < o.garbage; i++) {
    const k = n(4);
    if (k === 0) out.push({ name: 'random binary', frame: bytes(1 + n(4096)), binary: true });
    else if (k === 1) out.push({ name: 'random text', frame: bytes(1 + n(512)).toString('latin1'), binary: false });
    else {
      // a valid message mutated: a character changed, dropped or repeated
      const s = valid.split('');
      const at = n(s.length);
      if (k === 2) s[at] = String.fromCharCode(32 + n(95));
      else s.splice(at, 1 + n(5));
      out.push({ name: 'mutated message', frame: s.join(''), binary: false });
    }
  }
  return out;
}

export async function runLiveFuzz(o: LiveFuzzOptions): Promise<LiveFuzzResult> {
  const r = rng(o.seed);
  const res: LiveFuzzResult = {
    frames: 0,
    answered: 0,
    closedWith: {},
    unanswered: [],
    floodMessages: 0,
    floodAnswers: 0,
    floodClosedByServer: false,
    floodRefused: 0,
    floodAccepted: 0,
    slowReaders: 0,
    servingAtEnd: false,
    rssMb: [],
  };
  const sample = () => o.rssMb && res.rssMb.push(Math.round(o.rssMb()));
  sample();

  // garbage, a fresh connection per frame (a close is an answer for that frame only)
  for (const f of garbageFrames(r, o)) {
    const a = await oneFrame(o.url, o.token, f.frame, f.binary);
    res.frames++;
    if (a.answered) {
      res.answered++;
      if (a.how.startsWith('close')) res.closedWith[a.how] = (res.closedWith[a.how] ?? 0) + 1;
    } else if (res.unanswered.length < 10) res.unanswered.push(`${f.name}: ${a.how}`);
  }
  sample();

  // a message flood on one connection: every message answered, in order
  {
    const ws = await open(o.url, o.token);
    let answers = 0;
    const all = new Promise<void>((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { type: string };
        if (m.type === 'error' || m.type === 'subscribed') answers++;
        if (answers === o.floodMessages) resolve();
      });
      ws.on('close', () => {
        res.floodClosedByServer = true;
        resolve();
      });
    });
    for (let i = 0; i < o.floodMessages; i++) {
      const type = i % 2 ? 'unsubscribe' : 'subscribe';
      ws.send(JSON.stringify({ type, symbols: [o.symbol], pairs: [{ pair: o.pair, tf: ['1s', '1m', '5m'][i % 3], window: 2 + (i % 500) }] }));
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, 60_000)))]);
    clearTimeout(timer);
    res.floodMessages = o.floodMessages;
    res.floodAnswers = answers;
    ws.removeAllListeners('close');
    ws.terminate();
  }
  sample();

  // a connection flood: up to the server's limit accepted, the rest refused with 429
  {
    const tries = await Promise.allSettled(Array.from({ length: o.floodConnections }, () => open(o.url, o.token)));
    const opened = tries.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
    res.floodAccepted = opened.length;
    res.floodRefused = tries.filter((t) => t.status === 'rejected' && String(t.reason).includes('HTTP 429')).length;
    for (const ws of opened) ws.send(JSON.stringify({ type: 'subscribe', symbols: [o.symbol], pairs: [{ pair: o.pair, tf: '1m', window: 30 }] }));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const ws of opened) ws.terminate();
  }
  sample();

  // slow readers: subscribe, flood, never read (paused sockets)
  const slow: WebSocket[] = [];
  for (let i = 0; i < o.slowReaders; i++) {
    try {
      const ws = await open(o.url, o.token);
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      for (let k = 0; k < 2_000; k++)
        ws.send(JSON.stringify({ type: 'subscribe', symbols: [o.symbol], pairs: [{ pair: o.pair, tf: '1m', window: 2 + (k % 90) }] }));
      slow.push(ws);
    } catch {
      break; // the connection limit reached
    }
  }
  res.slowReaders = slow.length;
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  sample();

  // a reading client is still served
  try {
    const ws = await open(o.url, o.token);
    res.servingAtEnd = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 15_000);
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { type: string };
        if (m.type === 'update') {
          clearTimeout(t);
          resolve(true);
        }
      });
      ws.send(JSON.stringify({ type: 'subscribe', symbols: [o.symbol] }));
    });
    ws.terminate();
  } finally {
    for (const ws of slow) ws.terminate();
  }
  sample();
  return res;
}
