/**
 * /api/ticks, /api/bars, /api/symbols, /api/pairs, /export (ticks, bars) against a real
 * SQLite store. Expected values come from the ticks the test inserted itself.
 */
import { makeTicks, parseCsv, startApi, type Harness } from './helpers';

const T0 = Date.UTC(2025, 0, 1); // 2025-01-01T00:00:00Z
let h: Harness;
const btc = makeTicks('BTCUSDT', 500, T0, 250, 90_000, 7); // 125 s of trades, 4 per second
const eth = makeTicks('ETHUSDT', 500, T0 + 100, 250, 3_000, 8);

beforeAll(async () => {
  h = await startApi({ now: () => T0 + 130_000 }); // 5 s after the last trade (T0 + 124.75 s)
  await h.store.insertTicks([...btc, ...eth]);
});
afterAll(() => h.close());

describe('/api/ticks', () => {
  it('returns the stored ticks of the range, oldest first', async () => {
    const r = await h.get(`/api/ticks?symbol=btcusdt&from=${T0}&to=${T0 + 10_000}`);
    expect(r.status).toBe(200);
    const want = btc.filter((t) => t.ts < T0 + 10_000);
    expect(r.body.ticks).toEqual(want.map(({ symbol: _s, ...rest }) => rest));
    expect(r.body.next).toBeNull();
  });

  it('accepts ISO-8601 times, equal to epoch ms', async () => {
    const a = await h.get(`/api/ticks?symbol=BTCUSDT&from=2025-01-01T00:00:01Z&to=2025-01-01T00:00:02.000Z`);
    const b = await h.get(`/api/ticks?symbol=BTCUSDT&from=${T0 + 1000}&to=${T0 + 2000}`);
    expect(a.body.ticks).toHaveLength(4);
    expect(a.body).toEqual(b.body);
  });

  it('pages through a range without skipping or repeating a tick', async () => {
    const got: number[] = [];
    let from: number | null = T0;
    let pages = 0;
    while (from !== null) {
      const r: any = await h.get(`/api/ticks?symbol=BTCUSDT&from=${from}&to=${T0 + 200_000}&limit=64`);
      expect(r.body.ticks.length).toBeLessThanOrEqual(64);
      got.push(...r.body.ticks.map((t: { id: number }) => t.id));
      from = r.body.next;
      pages++;
    }
    expect(pages).toBe(Math.ceil(500 / 64));
    expect(got).toEqual(btc.map((t) => t.id));
  });

  it('keeps ticks that share a timestamp on one page', async () => {
    const same = [1, 2, 3, 4, 5].map((i) => ({ symbol: 'SOLUSDT', id: i, ts: T0 + (i <= 3 ? 0 : 5), price: 100 + i, qty: 1, isBuyerMaker: false }));
    await h.store.insertTicks(same);
    const p1 = await h.get(`/api/ticks?symbol=SOLUSDT&from=${T0}&limit=2`);
    // 3 ticks share T0: a page of 2 would split them, so the page holds all 3.
    expect(p1.body.ticks.map((t: { id: number }) => t.id)).toEqual([1, 2, 3]);
    const p2 = await h.get(`/api/ticks?symbol=SOLUSDT&from=${p1.body.next}&limit=2`);
    expect(p2.body.ticks.map((t: { id: number }) => t.id)).toEqual([4, 5]);
    expect(p2.body.next).toBeNull();
  });
});

describe('/api/bars', () => {
  it('returns 1s bars equal to the ticks of each second, the last one in progress', async () => {
    const r = await h.get(`/api/bars?symbol=BTCUSDT&tf=1s&from=${T0}&to=${T0 + 200_000}`);
    expect(r.status).toBe(200);
    expect(r.body.bars).toHaveLength(125);
    const first = btc.slice(0, 4); // the 4 trades of the first second
    const b = r.body.bars[0];
    expect(b.start).toBe(T0);
    expect([b.open, b.close, b.trades]).toEqual([first[0]!.price, first[3]!.price, 4]);
    expect(b.high).toBe(Math.max(...first.map((t) => t.price)));
    expect(b.final).toBe(true);
  });

  it('pages bars with next', async () => {
    const r = await h.get(`/api/bars?symbol=BTCUSDT&tf=1s&from=${T0}&to=${T0 + 200_000}&limit=100`);
    expect(r.body.bars).toHaveLength(100);
    expect(r.body.next).toBe(T0 + 100_000);
  });

  it('marks the bar in progress with final=false', async () => {
    // The clock is T0 + 130 s: the 5-minute bar from T0 has not completed.
    const r = await h.get(`/api/bars?symbol=BTCUSDT&tf=5m&from=${T0}`);
    expect(r.body.bars).toHaveLength(1);
    expect(r.body.bars[0]).toMatchObject({ start: T0, trades: 500, final: false });
    const m = await h.get(`/api/bars?symbol=BTCUSDT&tf=1m&from=${T0}`);
    expect(m.body.bars.map((b: { final: boolean }) => b.final)).toEqual([true, true, false]);
  });
});

describe('/api/symbols and /api/pairs', () => {
  it('lists configured and stored symbols with counts', async () => {
    const r = await h.get('/api/symbols');
    const by = Object.fromEntries(r.body.symbols.map((s: any) => [s.symbol, s]));
    expect(by.BTCUSDT).toMatchObject({ configured: true, ticks: 500, firstTs: T0, lastTs: btc[499]!.ts });
    expect(by.SOLUSDT).toMatchObject({ configured: false, ticks: 5 });
  });
  it('lists pairs, timeframes and windows', async () => {
    const r = await h.get('/api/pairs');
    expect(r.body).toMatchObject({
      pairs: [{ pair: 'ETHUSDT/BTCUSDT', y: 'ETHUSDT', x: 'BTCUSDT', configured: true, stored: true }],
      timeframes: ['1s', '1m', '5m'],
      windows: [30],
    });
  });
});

describe('/api/symbols and /api/pairs with symbols loaded only from kline history', () => {
  // ETHUSDT (a configured leg) and XRPUSDT (not configured) have bars from klines and no tick;
  // BTCUSDT has its ticks. Before, both kline-only symbols were missing from /api/symbols, the
  // pair counted as not stored and XRPUSDT's bars answered 404.
  let k: Harness;
  const kline = (symbol: string, tf: '1m' | '5m', start: number) => ({
    symbol,
    tf,
    start,
    open: 2,
    high: 3,
    low: 1,
    close: 2.5,
    volume: 4,
    quoteVolume: 9,
    trades: 3,
    vwap: 2.25,
    final: true,
    source: 'klines' as const,
  });
  beforeAll(async () => {
    k = await startApi({ now: () => T0 + 130_000 });
    await k.store.insertTicks(btc);
    // three 1m bars and one 5m bar of ETHUSDT before T0; one 1m bar of XRPUSDT
    await k.store.insertKlineBars([
      ...[3, 2, 1].map((m) => kline('ETHUSDT', '1m', T0 - m * 60_000)),
      kline('ETHUSDT', '5m', T0 - 300_000),
      kline('XRPUSDT', '1m', T0 - 60_000),
    ]);
  });
  afterAll(() => k.close());

  it('lists them with ticks 0 and the span of their bars per timeframe', async () => {
    const r = await k.get('/api/symbols');
    expect(r.status).toBe(200);
    const by = Object.fromEntries(r.body.symbols.map((s: any) => [s.symbol, s]));
    expect(by.ETHUSDT).toEqual({
      symbol: 'ETHUSDT',
      configured: true,
      ticks: 0,
      firstTs: null,
      lastTs: null,
      bars: [
        { tf: '1m', from: T0 - 180_000, to: T0 },
        { tf: '5m', from: T0 - 300_000, to: T0 },
      ],
    });
    expect(by.XRPUSDT).toEqual({
      symbol: 'XRPUSDT',
      configured: false,
      ticks: 0,
      firstTs: null,
      lastTs: null,
      bars: [{ tf: '1m', from: T0 - 60_000, to: T0 }],
    });
    // BTCUSDT's ticks T0 .. T0 + 124.75 s: 1s bars T0 .. T0 + 124 s, 1m bars T0 .. T0 + 2 min, 5m bar T0
    expect(by.BTCUSDT.bars).toEqual([
      { tf: '1s', from: T0, to: T0 + 125_000 },
      { tf: '1m', from: T0, to: T0 + 180_000 },
      { tf: '5m', from: T0, to: T0 + 300_000 },
    ]);
  });

  it('counts a pair whose leg has only kline bars as stored', async () => {
    const r = await k.get('/api/pairs');
    expect(r.body.pairs).toEqual([{ pair: 'ETHUSDT/BTCUSDT', y: 'ETHUSDT', x: 'BTCUSDT', configured: true, stored: true }]);
  });

  it('serves the bars of a symbol stored only from klines (not configured, no tick)', async () => {
    const r = await k.get(`/api/bars?symbol=XRPUSDT&tf=1m&from=${T0 - 3_600_000}`);
    expect(r.status).toBe(200);
    expect(r.body.bars).toHaveLength(1);
    expect(r.body.bars[0]).toMatchObject({ start: T0 - 60_000, close: 2.5, trades: 3 });
  });

  it('says where each served bar came from: klines for the history, ticks for the rest (/api/bars and the CSV export)', async () => {
    const eth = await k.get(`/api/bars?symbol=ETHUSDT&tf=1m&from=${T0 - 3_600_000}`);
    expect(eth.body.bars.map((b: { start: number; source: string }) => [b.start, b.source])).toEqual([
      [T0 - 180_000, 'klines'],
      [T0 - 120_000, 'klines'],
      [T0 - 60_000, 'klines'],
    ]);
    const btcBars = await k.get(`/api/bars?symbol=BTCUSDT&tf=1m&from=${T0}`);
    expect(btcBars.body.bars.map((b: { source: string }) => b.source)).toEqual(['ticks', 'ticks', 'ticks']);
    const csv = parseCsv((await k.get(`/export?symbol=ETHUSDT&tf=5m&from=${T0 - 3_600_000}&to=${T0}`)).text);
    expect(csv.slice(1).map((c) => [Number(c[1]), c[13]])).toEqual([[T0 - 300_000, 'klines']]);
  });
});

describe('/export', () => {
  it('streams ticks as RFC 4180 CSV that parses back to the stored values', async () => {
    const r = await h.get(`/export?symbol=BTCUSDT&from=${T0}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="BTCUSDT_ticks_20250101T000000Z_end.csv"');
    const rows = parseCsv(r.text);
    expect(rows[0]).toEqual(['time', 'time_ms', 'symbol', 'id', 'price', 'qty', 'is_buyer_maker']);
    const back = rows
      .slice(1)
      .map((c) => ({ symbol: c[2], id: Number(c[3]), ts: Number(c[1]), price: Number(c[4]), qty: Number(c[5]), isBuyerMaker: c[6] === 'true' }));
    expect(back).toEqual(btc);
    expect(rows.slice(1).every((c) => new Date(c[0]!).getTime() === Number(c[1]))).toBe(true);
  });

  it('streams bars with tf', async () => {
    const r = await h.get(`/export?symbol=ETHUSDT&tf=1s&from=${T0}&to=2025-01-01T00:01:00Z`);
    const rows = parseCsv(r.text);
    const api = await h.get(`/api/bars?symbol=ETHUSDT&tf=1s&from=${T0}&to=${T0 + 60_000}`);
    expect(rows[0]).toEqual(['time', 'time_ms', 'symbol', 'tf', 'open', 'high', 'low', 'close', 'volume', 'quote_volume', 'trades', 'vwap', 'final', 'source']);
    const back = rows.slice(1).map((c) => ({
      start: Number(c[1]),
      open: Number(c[4]),
      high: Number(c[5]),
      low: Number(c[6]),
      close: Number(c[7]),
      volume: Number(c[8]),
      quoteVolume: Number(c[9]),
      trades: Number(c[10]),
      vwap: c[11] === '' ? null : Number(c[11]),
      final: c[12] === 'true',
      source: c[13],
    }));
    expect(back).toEqual(api.body.bars);
    expect(new Set(back.map((b) => b.source))).toEqual(new Set(['ticks']));
    expect(r.headers.get('content-disposition')).toContain('ETHUSDT_1s_bars_20250101T000000Z_20250101T000100Z.csv');
  });

  it('streams a large export in chunks with backpressure and the whole content arrives', async () => {
    const many = makeTicks('XRPUSDT', 60_000, T0, 10, 2, 3);
    for (let i = 0; i < many.length; i += 10_000) await h.store.insertTicks(many.slice(i, i + 10_000));
    const r = await fetch(`${h.url}/export?symbol=XRPUSDT`);
    const reader = r.body!.getReader();
    let text = '';
    const dec = new TextDecoder();
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += dec.decode(value, { stream: true });
      if (chunks % 20 === 0) await new Promise((res) => setTimeout(res, 5)); // a slow reader
    }
    const rows = parseCsv(text);
    expect(rows).toHaveLength(60_001);
    expect(chunks).toBeGreaterThan(10);
    expect(Number(rows[60_000]![3])).toBe(60_000);
  });
});
