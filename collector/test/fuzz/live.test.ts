/**
 * The Live WebSocket fuzzed (soak/live-fuzz.ts says how), in-process over a real SQLite store
 * with an hour of data, API_TOKEN set and LIVE_CONNECTIONS 20: 200 garbage frames plus the
 * crafted ones, a flood of 2,000 subscribe / unsubscribe messages on one connection, 50
 * connections at once, 5 slow readers that flood and never read. Every frame answered (a message
 * or a close code), every flooded message answered, the connections past 20 refused with 429,
 * and a reading client still served at the end. (`npm run soak` runs it longer against the
 * collector process and samples its memory.)
 */
import { attachLive, type LivePush } from '../../src/api';
import { makeTicks, startApi, type Harness } from '../api/helpers';
import { runLiveFuzz } from '../../soak/live-fuzz';

const TOKEN = 'live-fuzz-token';
const NOW = Date.UTC(2026, 10, 1, 12);
let h: Harness;
let live: LivePush;

beforeAll(async () => {
  h = await startApi({ now: () => NOW, token: TOKEN });
  await h.store.insertTicks(makeTicks('BTCUSDT', 1_200, NOW - 3_600_000, 3_000, 60_000, 1));
  await h.store.insertTicks(makeTicks('ETHUSDT', 1_200, NOW - 3_600_000 + 7, 3_000, 3_000, 2));
  live = attachLive(h.server, h.app, { token: TOKEN, intervalMs: 100, connectionsPerClient: 20 });
});
afterAll(async () => {
  await live.close();
  await h.close();
});

it('answers every garbage frame and flooded message, refuses connections past the limit, keeps serving', async () => {
  const r = await runLiveFuzz({
    url: h.url.replace('http', 'ws') + '/api/live',
    token: TOKEN,
    seed: 5,
    garbage: 200,
    floodMessages: 2_000,
    floodConnections: 50,
    slowReaders: 5,
    symbol: 'BTCUSDT',
    pair: 'ETHUSDT/BTCUSDT',
  });
  process.stderr.write(`live fuzz: ${JSON.stringify(r)}\n`);
  expect(r.unanswered).toEqual([]);
  expect(r.answered).toBe(r.frames);
  expect(r.frames).toBeGreaterThanOrEqual(200);
  // invalid UTF-8 closes with 1007, a frame past 64 KB with 1009 (RFC 6455 7.4.1)
  expect(r.closedWith['close 1007']).toBeGreaterThanOrEqual(1);
  expect(r.closedWith['close 1009']).toBeGreaterThanOrEqual(1);
  expect(r.floodAnswers).toBe(r.floodMessages);
  expect([r.floodAccepted, r.floodRefused]).toEqual([20, 30]);
  expect(r.slowReaders).toBe(5);
  expect(r.servingAtEnd).toBe(true);
}, 120_000);
