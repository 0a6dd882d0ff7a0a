/**
 * A TCP relay in front of the test PostgreSQL server that can hold back what the server sends
 * and hand it over in ONE write when the server closes the connection: what a busy collector sees
 * when the server stops (or a DBA kills its connection) just as a connection gets ready, or just
 * as a query answers. Its last read then holds both the answer (ending in ReadyForQuery) and the
 * server's FATAL 57P01, and the driver parses both in one go, with no turn of the event loop
 * between them.
 *
 *   const relay = await startRelay(server.url);
 *   const store = await openPostgresStore({ url: relay.via(dbUrl) });
 *   relay.hold = true;                              // the server's bytes wait in the relay
 *   await until(() => relay.heldReady(), '...');    // a held answer ends in ReadyForQuery
 *   // end the backend: the relay writes answer + 57P01 at once and closes the client side
 *
 * Client-to-server bytes always pass at once.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface Relay {
  /** `url` (a database on the relayed server) through the relay. */
  via(url: string): string;
  /** While true, the server's bytes wait (per connection) until the server closes it. */
  hold: boolean;
  /** Some connection holds bytes that end with ReadyForQuery ('Z', length 5, status 'I'). */
  heldReady(): boolean;
  close(): Promise<void>;
}

/** ReadyForQuery, transaction status idle: the last message of a start-up or of a query's answer. */
const READY = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);

export async function startRelay(serverUrl: string): Promise<Relay> {
  const target = new URL(serverUrl);
  const sockets = new Set<Socket>();
  const held = new Map<Socket, Buffer[]>();
  const relay: Relay & { port: number } = {
    port: 0,
    hold: false,
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(relay.port);
      return u.toString();
    },
    heldReady() {
      for (const chunks of held.values()) {
        const all = Buffer.concat(chunks);
        if (all.length >= READY.length && all.subarray(all.length - READY.length).equals(READY)) return true;
      }
      return false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      held.delete(client);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      const waiting = held.get(client);
      // Once bytes wait, later ones wait behind them, so the order holds when `hold` ends.
      if (relay.hold || waiting) held.set(client, [...(waiting ?? []), d]);
      else client.write(d);
    });
    upstream.on('end', () => {
      const waiting = held.get(client);
      held.delete(client);
      if (waiting) client.write(Buffer.concat(waiting));
      client.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as { port: number }).port;
  return relay;
}
