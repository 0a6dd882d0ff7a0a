/**
 * The memory a started Node process still holds after a full garbage collection, read through
 * Node's own inspector (the Chrome DevTools Protocol: HeapProfiler.collectGarbage, then
 * process.memoryUsage() by Runtime.evaluate). A leak check needs this figure, not the resident
 * size: RSS after a burst of large requests depends on when V8 last collected and on what the
 * allocator kept for reuse (the plugin: 151, 150, 221 MB over three rounds of the same fuzz in one
 * CI run; the collector: 104 -> 172 MB while its heap in use swung 28 .. 74 MB and came back),
 * while the retained heap and external buffers after a collection only grow when something is
 * still referenced.
 *
 * The process is started with `NODE_OPTIONS=--inspect=127.0.0.1:0` (INSPECT_ENV): an ephemeral
 * loopback port, printed by Node on stderr as `Debugger listening on ws://...`. Those lines are
 * Node's, not the process's; `notInspectorLines` drops them before a test checks what else the
 * process wrote.
 */
import WebSocket from 'ws';

/** Environment for the process to measure: the inspector on an ephemeral loopback port. */
export const INSPECT_ENV = { NODE_OPTIONS: '--inspect=127.0.0.1:0' };

const NODE_LINES = [/^Debugger listening on ws:\/\//, /^For help, see: https:\/\/nodejs\.org\//, /^Debugger attached\.$/, /^Debugger ending on ws:\/\//];

/** Output lines without the inspector's own announcements. */
export function notInspectorLines(raw: readonly string[]): string[] {
  return raw.filter((l) => !NODE_LINES.some((re) => re.test(l.trim())));
}

export interface Inspector {
  /** MB still held after a full collection: V8 heap in use + memory outside it (Buffers, ArrayBuffers). */
  retainedMb(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Connects to the inspector whose URL the process announced in one of `lines()` (its stderr so
 * far, read again until the URL shows or `timeoutMs` passes).
 */
export async function openInspector(lines: () => readonly string[], timeoutMs = 10_000): Promise<Inspector> {
  const deadline = Date.now() + timeoutMs;
  let url: string | undefined;
  while (
    !(url = lines()
      .map((l) => /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(l)?.[0])
      .find(Boolean))
  ) {
    if (Date.now() > deadline) throw new Error(`no inspector URL in the process's output within ${timeoutMs} ms; output: ${lines().join(' | ').slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on('message', (data: WebSocket.RawData) => {
    const m = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    const p = m.id === undefined ? undefined : pending.get(m.id);
    if (!p) return; // an event, not an answer
    pending.delete(m.id!);
    if (m.error) p.reject(new Error(`inspector: ${m.error.message}`));
    else p.resolve(m.result);
  });
  ws.on('close', () => {
    for (const p of pending.values()) p.reject(new Error('inspector: connection closed (the process exited?)'));
    pending.clear();
  });
  const send = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) return reject(new Error('inspector: connection closed (the process exited?)'));
      const id = next++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    async retainedMb() {
      // twice: the first collection's finalizers (streams, sockets) free more for the second
      await send('HeapProfiler.collectGarbage');
      await send('HeapProfiler.collectGarbage');
      const r = (await send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as {
        result: { value: string };
      };
      const u = JSON.parse(r.result.value) as { heapUsed: number; external: number };
      return (u.heapUsed + u.external) / (1 << 20);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}
