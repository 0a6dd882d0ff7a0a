/**
 * The live push (WebSocket /api/live) in-process on a real SQLite store: subscribe messages,
 * their errors, updates every interval with the latest prices and analytics point, 1m bars
 * pushed once they complete, and the token check on the upgrade. Expected values are the
 * ticks the test stored and /api/analytics over the same data.
 */
import { attachLive, type LivePush } from '../../src/api';
import type { Tick } from '../../src/domain';
import { startApi, type Harness } from './helpers';
import { expectAcrossPaths } from '@quant-pairs/testkit';
import { LiveClient } from './wsclient';
import type { LiveUpdate } from '@quant-pairs/contract';

const MIN = 60_000;
const NOW = Math.floor(Date.UTC(2025, 0, 1, 12) / MIN) * MIN + 30_000; // 12:00:30
let clock = NOW;
let h: Harness;
let live: LivePush;
const TOKEN = 'live-token';
const auth = { authorization: `Bearer ${TOKEN}` };

function ticksAt(t0: number, n: number, stepMs: number, id0: number): Tick[] {
  const out: Tick[] = [];
  for (let i = 0; i < n; i++) {
    const ts = t0 + i * stepMs;
    out.push({ symbol: 'BTCUSDT', id: id0 + i, ts, price: 90_000 + Math.sin(i) * 50 + i, qty: 1, isBuyerMaker: false });
    out.push({ symbol: 'ETHUSDT', id: id0 + i, ts: ts + 1, price: 3_000 + Math.cos(i * 1.3) * 3 + i * 0.03, qty: 2, isBuyerMaker: true });
  }
  return out;
}

beforeAll(async () => {
  h = await startApi({ now: () => clock, token: TOKEN });
  // 10 minutes of 1s trades up to 12:00:30
  await h.store.insertTicks(ticksAt(NOW - 10 * MIN, 600, 1000, 1));
  live = attachLive(h.server, h.app, { token: TOKEN, intervalMs: 100 });
});
afterAll(async () => {
  await live.close();
  await h.close();
});

const wsUrl = () => h.url.replace('http', 'ws') + '/api/live';

it('refuses an upgrade without the token and on another path', async () => {
  await expect(LiveClient.connect(wsUrl())).rejects.toThrow('HTTP 401');
  await expect(LiveClient.connect(wsUrl(), { authorization: 'Bearer nope' })).rejects.toThrow('HTTP 401');
  await expect(LiveClient.connect(h.url.replace('http', 'ws') + '/api/other', auth)).rejects.toThrow('HTTP 404');
});

it('answers bad subscribe messages with an error naming the field, and keeps the connection', async () => {
  const c = await LiveClient.connect(wsUrl(), auth);
  try {
    const cases: Array<[unknown, string, RegExp]> = [
      ['not json', 'message', /not valid JSON/],
      [{ type: 'sub' }, 'type', /"subscribe" or "unsubscribe"/],
      [{ type: 'subscribe', symbols: 'BTCUSDT' }, 'symbols', /array/],
      [{ type: 'subscribe', symbols: ['BTC-USDT'] }, 'symbols[0]', /expected a Binance symbol/],
      [{ type: 'subscribe', symbols: ['DOGEUSDT'] }, 'symbols', /unknown symbol DOGEUSDT/],
      [{ type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '2m', window: 5 }] }, 'pairs[0].tf', /expected one of 1s, 1m, 5m/],
      [{ type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 1 }] }, 'pairs[0].window', /2 to 10000/],
      // a number beyond a double's range is named as written, not as JSON.parse's Infinity (printed null)
      [
        '{"type":"subscribe","pairs":[{"pair":"ETHUSDT/BTCUSDT","tf":"1m","window":1e999}]}',
        'pairs[0].window',
        /^pairs\[0\]\.window must be a whole number 2\.\.10000, got 1e999$/,
      ],
      [{ type: 'subscribe', pairs: [{ pair: 'DOGEUSDT/BTCUSDT', tf: '1m', window: 5 }] }, 'pair', /unknown pair/],
      // the hedge fields, as the query parameters of the same names (issue 18)
      [{ type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 5, hedge: 'tls' }] }, 'pairs[0].hedge', /expected one of ols, kalman/],
      [
        { type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 5, hedge: 'kalman', delta: 1 }] },
        'pairs[0].delta',
        /greater than 0 and less than 1/,
      ],
      [{ type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 5, ve: 0.1 }] }, 'pairs[0].ve', /ve applies to hedge=kalman only/],
      [{ type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 5, hedge: 'kalman', tune: true, delta: 1e-5 }] }, 'pairs[0].tune', /not both/],
    ];
    for (const [msg, param, re] of cases) {
      const since = c.messages.length;
      c.send(msg);
      const e = await c.next((m) => m.type === 'error', 2000, since);
      expect(e.param).toBe(param);
      expect(e.error).toMatch(re);
    }
    c.send({ type: 'subscribe', symbols: ['BTCUSDT'] });
    expect(await c.next((m) => m.type === 'subscribed')).toEqual({ type: 'subscribed', symbols: ['BTCUSDT'], pairs: [] });
  } finally {
    c.close();
  }
});

it('pushes the latest prices and the analytics point of each subscription', async () => {
  const c = await LiveClient.connect(wsUrl(), auth);
  try {
    c.send({ type: 'subscribe', symbols: ['BTCUSDT'], pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 40 }] });
    await c.next((m) => m.type === 'subscribed');
    const u = await c.next((m) => m.type === 'update');
    const all = ticksAt(NOW - 10 * MIN, 600, 1000, 1);
    const lastBtc = all.filter((t) => t.symbol === 'BTCUSDT').pop()!;
    const lastEth = all.filter((t) => t.symbol === 'ETHUSDT').pop()!;
    expect(u.prices).toEqual({ BTCUSDT: { price: lastBtc.price, ts: lastBtc.ts }, ETHUSDT: { price: lastEth.price, ts: lastEth.ts } });
    const a = await h.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=40&from=${NOW - MIN}`, auth);
    const n = a.body.series.ts.length - 1;
    expect(u.analytics).toHaveLength(1);
    expect(u.analytics[0]).toMatchObject({ pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 40, provisional: a.body.provisional });
    expect(u.analytics[0].point.ts).toBe(a.body.series.ts[n]);
    // no live engine in this harness: the point is computed from bars, and there is no paper position
    expect(u.analytics[0].position).toBeUndefined();
    // the live engine and a pass over the stored bars: two paths, within the z tolerance across paths
    expectAcrossPaths([u.analytics[0].point.zscore], [a.body.series.zscore[n]], 'z', 'live z');

    // A new trade moves the price in the next update.
    clock += 1000;
    const t: Tick = { symbol: 'BTCUSDT', id: 10_000, ts: NOW + 200, price: 95_000, qty: 1, isBuyerMaker: false };
    await h.store.insertTicks([t]);
    const u2 = await c.next((m) => m.type === 'update' && m.prices.BTCUSDT.price === 95_000);
    expect(u2.prices.BTCUSDT).toEqual({ price: 95_000, ts: NOW + 200 });
  } finally {
    c.close();
  }
});

it('pushes the Kalman hedge’s point to a hedge=kalman subscription, as /api/analytics computes it', async () => {
  const c = await LiveClient.connect(wsUrl(), auth);
  try {
    const hedge = { hedge: 'kalman', delta: 1e-7, ve: 0.5 };
    c.send({
      type: 'subscribe',
      pairs: [
        { pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 40, ...hedge },
        { pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 40 },
      ],
    });
    const ack = await c.next((m) => m.type === 'subscribed');
    expect(ack.pairs).toEqual([
      { pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 40, hedge },
      { pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 40 },
    ]);
    const u = await c.next((m) => m.type === 'update');
    const a = await h.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=40&from=${NOW - MIN}&hedge=kalman&delta=1e-7&ve=0.5`, auth);
    const n = a.body.series.ts.length - 1;
    expect(u.analytics[0]).toMatchObject({ hedge, provisional: a.body.provisional });
    // the same computation (computeSeries) on the same bars: exactly equal
    expect([u.analytics[0].point.ts, u.analytics[0].point.beta, u.analytics[0].point.zscore]).toEqual([
      a.body.series.ts[n],
      a.body.series.beta[n],
      a.body.series.zscore[n],
    ]);
    expect(u.analytics[0].point.zscore).not.toBe(u.analytics[1].point.zscore);
  } finally {
    c.close();
  }
});

it('keeps pushing the other subscriptions and connections when one subscription’s point cannot be computed', async () => {
  // A budget of 1,000 bars: the Kalman hedge on 1s bars needs the day before (86,400+ bars) and
  // is refused with a 413 on every push; the OLS point of the same pair needs 2 + 78 bars.
  const small = await startApi({ now: () => clock, limits: { maxAnalyticsBars: 1000 } });
  await small.store.insertTicks(ticksAt(clock - 10 * MIN, 600, 1000, 1)); // up to the clock's last second
  const push = attachLive(small.server, small.app, { intervalMs: 100 });
  const url = small.url.replace('http', 'ws') + '/api/live';
  const first = await LiveClient.connect(url);
  const second = await LiveClient.connect(url);
  try {
    const kalman = { pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 40, hedge: 'kalman', delta: 1e-7, ve: 0.5 };
    const ols = { pair: 'ETHUSDT/BTCUSDT', tf: '1s', window: 40 };
    const refused = await small.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1s&window=40&hedge=kalman&delta=1e-7&ve=0.5&from=${clock - MIN}`);
    expect(refused.status).toBe(413);
    // the first connection (first in the push's round) holds the failing subscription
    first.send({ type: 'subscribe', pairs: [kalman, ols] });
    await first.next((m) => m.type === 'subscribed');
    second.send({ type: 'subscribe', pairs: [ols] });
    await second.next((m) => m.type === 'subscribed');
    const u1: LiveUpdate = await first.next((m) => m.type === 'update');
    expect(u1.analytics.map((a) => [a.pair, a.hedge?.hedge ?? 'ols', a.point === null])).toEqual([
      ['ETHUSDT/BTCUSDT', 'kalman', true],
      ['ETHUSDT/BTCUSDT', 'ols', false],
    ]);
    const u2: LiveUpdate = await second.next((m) => m.type === 'update');
    expect(u2.analytics[0]!.point).toEqual(u1.analytics[1]!.point);
  } finally {
    first.close();
    second.close();
    await push.close();
    await small.close();
  }
});

it('keeps a computed subscription’s last point after its interval closes with no trade in the next', async () => {
  // This harness has no live engine: the point is computed from the stored bars. The last trades are at 12:00:29; at 12:01:00.1 the 12:00 bar has closed and no
  // 12:01 bar exists yet: the point is the 12:00 bar's, as /api/analytics has it.
  let now = NOW + 30_100;
  const quiet = await startApi({ now: () => now });
  await quiet.store.insertTicks(ticksAt(NOW - 10 * MIN, 600, 1000, 1));
  const push = attachLive(quiet.server, quiet.app, { intervalMs: 100 });
  const c = await LiveClient.connect(quiet.url.replace('http', 'ws') + '/api/live');
  try {
    c.send({ type: 'subscribe', pairs: [{ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 3 }] });
    await c.next((m) => m.type === 'subscribed');
    const u: LiveUpdate = await c.next((m) => m.type === 'update');
    const a = await quiet.get(`/api/analytics?pair=ETHUSDT/BTCUSDT&tf=1m&window=3&from=${NOW - 10 * MIN}&to=${now}`);
    const n = a.body.series.ts.length - 1;
    expect(a.body.series.ts[n]).toBe(NOW - 30_000); // the 12:00 bar
    expect(a.body.series.zscore[n]).not.toBeNull();
    expect(u.analytics[0]).toMatchObject({ provisional: a.body.provisional, point: { ts: NOW - 30_000 } });
    // the same computation over a different start: within the z tolerance across paths
    expectAcrossPaths([u.analytics[0]!.point!.zscore], [a.body.series.zscore[n]], 'z', 'pushed z');
    // 20 minutes without a trade: nothing recent to show
    now += 20 * MIN;
    const later: LiveUpdate = await c.next((m) => m.type === 'update');
    expect(later.analytics[0]!.point).toBeNull();
  } finally {
    c.close();
    await push.close();
    await quiet.close();
  }
});

it('pushes a 1m bar when it completes, once', async () => {
  const c = await LiveClient.connect(wsUrl(), auth);
  try {
    c.send({ type: 'subscribe', symbols: ['ETHUSDT'] });
    await c.next((m) => m.type === 'subscribed');
    await new Promise((r) => setTimeout(r, 250)); // a couple of push intervals: nothing completed yet
    expect(c.messages.filter((m) => m.type === 'bar')).toEqual([]);
    // A trade in the next minute completes the 12:00 bar (its interval has a later tick).
    await h.store.insertTicks([{ symbol: 'ETHUSDT', id: 20_000, ts: NOW + MIN, price: 3100, qty: 1, isBuyerMaker: false }]);
    const b = await c.next((m) => m.type === 'bar' && m.tf === '1m');
    const stored = await h.get(`/api/bars?symbol=ETHUSDT&tf=1m&from=${NOW - 30_000}&to=${NOW + 30_000}`, auth);
    expect(b).toEqual({ type: 'bar', symbol: 'ETHUSDT', tf: '1m', bar: stored.body.bars[0] });
    expect(b.bar.final).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.messages.filter((m) => m.type === 'bar' && m.tf === '1m')).toHaveLength(1);
  } finally {
    c.close();
  }
});

it('unsubscribes: the ack lists what is left and updates stop carrying it', async () => {
  const c = await LiveClient.connect(wsUrl(), auth);
  try {
    c.send({ type: 'subscribe', symbols: ['BTCUSDT', 'ETHUSDT'] });
    await c.next((m) => m.type === 'subscribed');
    await c.next((m) => m.type === 'update' && m.prices.BTCUSDT && m.prices.ETHUSDT);
    c.send({ type: 'unsubscribe', symbols: ['ETHUSDT'] });
    expect(await c.next((m) => m.type === 'subscribed')).toEqual({ type: 'subscribed', symbols: ['BTCUSDT'], pairs: [] });
    const since = c.messages.length;
    await h.store.insertTicks([{ symbol: 'BTCUSDT', id: 30_000, ts: NOW + 300, price: 96_000, qty: 1, isBuyerMaker: false }]);
    const u = await c.next((m) => m.type === 'update' && m.prices.BTCUSDT?.price === 96_000, 5000, since);
    expect(Object.keys(u.prices)).toEqual(['BTCUSDT']);
  } finally {
    c.close();
  }
});

it('pushes prices at every level exactly (issue 22): 1.2e-7 and 0.00000123 as Binance sent them, 999999.99', async () => {
  const at = NOW + 300;
  const odd: Tick[] = [
    { symbol: 'BTTCUSDT', id: 1, ts: at, price: 0.00000012, qty: 100_000_000, isBuyerMaker: false },
    { symbol: 'PEPEUSDT', id: 1, ts: at, price: 0.00000123, qty: 98_765_432, isBuyerMaker: true },
    { symbol: 'BTCDOMUSDT', id: 1, ts: at, price: 999_999.99, qty: 0.00001, isBuyerMaker: false },
  ];
  await h.store.insertTicks(odd);
  const c = await LiveClient.connect(wsUrl(), auth);
  try {
    c.send({ type: 'subscribe', symbols: odd.map((t) => t.symbol) });
    await c.next((m) => m.type === 'subscribed');
    const u = await c.next((m) => m.type === 'update' && Object.keys(m.prices).length === 3);
    expect(u.prices).toEqual(Object.fromEntries(odd.map((t) => [t.symbol, { price: t.price, ts: t.ts }])));
  } finally {
    c.close();
  }
});
