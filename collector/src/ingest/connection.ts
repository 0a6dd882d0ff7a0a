/**
 * One WebSocket connection to a Binance combined stream that keeps itself alive.
 *
 * - Pings: Binance pings every 20 s and drops a client that does not pong within a minute;
 *   `ws` answers pings with the same payload by itself (`autoPong`, on by default in ws 8; the
 *   fake-Binance test checks the pongs arrive).
 * - Stalls: when nothing (no message, no ping) arrives for `stallTimeoutMs`, the connection is
 *   considered dead, terminated and reopened.
 * - Reconnect: exponential back-off with full jitter (a random delay in [0, min(max, base·2^n)]),
 *   reset once a connection delivers data; at once on `reconnectNow` (serverShutdown) and
 *   proactively after `maxConnectionMs` (Binance cuts connections at 24 h).
 * - Limits: Binance allows 300 connection attempts per 5 minutes per IP; attempts are kept
 *   under `maxAttempts` per `attemptWindowMs` by waiting when needed. The collector sends no
 *   messages itself (the streams are in the URL), so the 5 incoming messages/s limit holds.
 * - Refusal: a handshake answered 451 / 403 (Binance does not serve this region on that host) is
 *   final: one error line naming BINANCE_WS_URL, no reconnect.
 */
import WebSocket from 'ws';
import { log } from '../log';
import { isRegionRefusal, RegionRefusedError, reportUnreachable, type HostSetting } from './rest';
import type { IngestStatus } from './types';

export interface ConnectionOptions {
  /** Full URL, e.g. wss://data-stream.binance.vision/stream?streams=btcusdt@trade/ethusdt@trade */
  url: string;
  onMessage: (text: string) => void;
  /** Called when a connection opens; `reconnect` is false for the first one. */
  onOpen?: (reconnect: boolean) => void;
  stallTimeoutMs?: number;
  maxConnectionMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxAttempts?: number;
  attemptWindowMs?: number;
  /** The setting a 451 / 403 handshake names (default BINANCE_WS_URL; the perpetuals' connection: BINANCE_FUTURES_WS_URL). */
  setting?: HostSetting;
}

export class StreamConnection {
  state: IngestStatus['wsState'] = 'closed';
  connectedSince: number | null = null;
  reconnects = 0;
  private ws: WebSocket | null = null;
  private opened = 0;
  private failures = 0;
  private nextImmediate = false;
  private stopped = true;
  private lastActivity = 0;
  private gotData = false;
  private readonly attempts: number[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private ageTimer: NodeJS.Timeout | null = null;
  private closed: Promise<void> = Promise.resolve();
  private readonly o: Required<Omit<ConnectionOptions, 'onOpen'>> & Pick<ConnectionOptions, 'onOpen'>;

  constructor(opts: ConnectionOptions) {
    this.o = {
      stallTimeoutMs: 60_000,
      maxConnectionMs: 23.5 * 3_600_000,
      initialBackoffMs: 250,
      maxBackoffMs: 30_000,
      maxAttempts: 280,
      attemptWindowMs: 300_000,
      setting: 'BINANCE_WS_URL',
      ...opts,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Closes the connection and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      ws.terminate();
      await this.closed;
    }
    this.state = 'closed';
    this.connectedSince = null;
  }

  /** Connection attempts made within the last `attemptWindowMs`. */
  attemptsInWindow(): number {
    const since = Date.now() - this.o.attemptWindowMs;
    return this.attempts.filter((t) => t > since).length;
  }

  /**
   * Points the connection at `url` (another stream list): the open connection is dropped and the
   * new one opened without back-off; the owner's `onOpen(true)` catches up what the switch missed.
   */
  setUrl(url: string): void {
    if (url === this.o.url) return;
    this.o.url = url;
    this.reconnectNow('streams changed');
  }

  /** Drops the current connection and opens a new one without back-off. */
  reconnectNow(reason: string): void {
    if (this.stopped) return;
    log.info('ws reconnecting now', { reason });
    this.nextImmediate = true;
    if (this.ws && this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    else if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.connect();
    }
  }

  private connect(): void {
    if (this.stopped) return;
    const now = Date.now();
    while (this.attempts.length && this.attempts[0]! <= now - this.o.attemptWindowMs) this.attempts.shift();
    if (this.attempts.length >= this.o.maxAttempts) {
      const wait = this.attempts[0]! + this.o.attemptWindowMs - now + 10;
      log.warn('ws connection attempt limit reached, waiting', { attempts: this.attempts.length, waitMs: wait });
      this.state = 'backoff';
      this.retryTimer = setTimeout(() => this.connect(), wait);
      return;
    }
    this.attempts.push(now);
    this.retryTimer = null;
    this.state = 'connecting';
    this.gotData = false;
    const ws = new WebSocket(this.o.url, { handshakeTimeout: 10_000, perMessageDeflate: false });
    this.ws = ws;
    let resolveClosed!: () => void;
    this.closed = new Promise((r) => (resolveClosed = r));
    const openedAt = { t: 0 };

    ws.on('open', () => {
      openedAt.t = Date.now();
      this.state = 'open';
      this.connectedSince = openedAt.t;
      this.lastActivity = openedAt.t;
      const reconnect = this.opened++ > 0;
      if (reconnect) this.reconnects++;
      log.info('ws connected', { url: this.o.url.split('?')[0], reconnect });
      this.watchdog = setInterval(() => this.check(ws), Math.max(50, Math.min(5_000, this.o.stallTimeoutMs / 4)));
      this.ageTimer = setTimeout(() => {
        log.info('ws connection reached its maximum age, reconnecting before Binance cuts it', { ageMs: Date.now() - openedAt.t });
        this.nextImmediate = true;
        ws.terminate();
      }, this.o.maxConnectionMs);
      this.o.onOpen?.(reconnect);
    });
    ws.on('message', (data, isBinary) => {
      this.lastActivity = Date.now();
      if (!this.gotData) {
        this.gotData = true;
        this.failures = 0;
      }
      this.o.onMessage(isBinary ? '<binary frame>' : data.toString());
    });
    ws.on('ping', () => {
      this.lastActivity = Date.now();
    });
    ws.on('error', (err) => {
      // ws's own message for a handshake answered with another status than 101.
      const status = Number(/^Unexpected server response: (\d+)$/.exec(err.message)?.[1]);
      if (isRegionRefusal(status)) {
        // Final: retrying cannot help; the close that follows does not reconnect.
        this.stopped = true;
        log.error(new RegionRefusedError(this.o.setting, status, this.o.url.split('?')[0]!).message);
        return;
      }
      // The first error of a streak is one line (no stack: a host that does not answer says what
      // to try, once per host); the retries that follow are debug lines with the stack.
      const url = this.o.url.split('?')[0]!;
      if (this.failures > 0) log.debug('ws error', { err, failures: this.failures });
      else if (Number.isNaN(status)) reportUnreachable(url, err);
      else log.warn('ws error', { error: err.message, url });
    });
    ws.on('close', (code, reason) => {
      if (this.watchdog) clearInterval(this.watchdog);
      if (this.ageTimer) clearTimeout(this.ageTimer);
      this.watchdog = null;
      this.ageTimer = null;
      this.connectedSince = null;
      resolveClosed();
      if (this.ws === ws) this.ws = null;
      if (this.stopped) {
        this.state = 'closed';
        return;
      }
      const immediate = this.nextImmediate;
      this.nextImmediate = false;
      const delay = immediate ? 0 : Math.round(Math.random() * Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** this.failures));
      if (!immediate) this.failures++;
      // a close after an open connection is news; the closes of failed retries are not
      if (openedAt.t > 0) log.info('ws closed', { code, reason: reason.toString(), reconnectInMs: delay });
      else log.debug('ws closed', { code, reconnectInMs: delay });
      this.state = 'backoff';
      this.retryTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private check(ws: WebSocket): void {
    const now = Date.now();
    if (now - this.lastActivity > this.o.stallTimeoutMs) {
      log.warn('ws stalled: no message or ping, reconnecting', { silentMs: now - this.lastActivity });
      ws.terminate();
    }
  }
}
