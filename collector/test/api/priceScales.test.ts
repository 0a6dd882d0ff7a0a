/**
 * The scale harness's output paths (issue 22): ticks as Binance prints them at every price level
 * of a real universe, 1e-8 .. 1e6 (PEPE-like 0.00000123, a 1e-8-tick coin at 0.00000012, BTC near
 * 1e5, a 1e6 index-like level) with quantities up to 1e8 coins, stored in SQLite, then read back
 * through /api/ticks (JSON), /export (CSV) and /api/bars: every price and quantity comes back as
 * the double Binance's decimal string parses to (so every significant digit it sent), and each
 * 1s bar equals a slow reference built from the ticks by hand: open/high/low/close exactly,
 * volume and quote volume as the plain sums, VWAP within 1e-15 relative of Σp·q / Σq.
 */
import type { BarDto } from '@quant-pairs/contract';
import type { Tick } from '../../src/domain';
import { parseCsv, startApi, type Harness } from './helpers';

const T0 = Date.UTC(2026, 0, 5);
/** Binance's decimal strings: price (8 decimals at most) and quantity (large for cheap coins). */
const LEVELS: Array<{ symbol: string; prices: string[]; qty: string }> = [
  { symbol: 'BTTCUSDT', prices: ['0.00000012', '0.00000013', '0.00000011'], qty: '100000000' },
  { symbol: 'PEPEUSDT', prices: ['0.00000123', '0.00000124', '0.00000122'], qty: '98765432' },
  { symbol: 'SHIBUSDT', prices: ['0.00002201', '0.00002199', '0.00002200'], qty: '12345678.9' },
  { symbol: 'DOGEUSDT', prices: ['0.35123', '0.35124', '0.35122'], qty: '1234.5' },
  { symbol: 'ETHUSDT', prices: ['3400.01', '3400.02', '3399.99'], qty: '0.1234' },
  { symbol: 'BTCUSDT', prices: ['97012.34', '97012.35', '97012.33'], qty: '0.00012' },
  { symbol: 'BTCDOMUSDT', prices: ['999999.99', '1000000.01', '999999.98'], qty: '0.00001' },
];

function ticksOf(symbol: string, prices: string[], qty: string): Tick[] {
  // 30 trades over 3 seconds, cycling through the prices
  return Array.from({ length: 30 }, (_, i) => ({
    symbol,
    id: i + 1,
    ts: T0 + i * 100,
    price: Number(prices[i % 3]),
    qty: Number(qty),
    isBuyerMaker: i % 2 === 0,
  }));
}

let h: Harness;
const all = LEVELS.map((l) => ticksOf(l.symbol, l.prices, l.qty));
beforeAll(async () => {
  h = await startApi({ now: () => T0 + 60_000 });
  await h.store.insertTicks(all.flat());
});
afterAll(() => h.close());

describe.each(LEVELS.map((l, i) => [l.symbol, l.prices[0]!, i] as const))('%s at %s', (symbol, _price, i) => {
  const ticks = all[i]!;
  it('JSON and CSV give back the exact doubles of the decimal strings Binance sent', async () => {
    const json = await h.get(`/api/ticks?symbol=${symbol}&from=${T0}&to=${T0 + 10_000}`);
    expect(json.body.ticks.map((t: Tick) => [t.price, t.qty])).toEqual(ticks.map((t) => [t.price, t.qty]));
    const csv = parseCsv((await h.get(`/export?symbol=${symbol}&from=${T0}&to=${T0 + 10_000}`)).text).slice(1);
    expect(csv.map((c) => [Number(c[4]), Number(c[5])])).toEqual(ticks.map((t) => [t.price, t.qty]));
    // every digit sent: the CSV field is the shortest form of the same double, e.g. 0.00000123 or 1.2e-7
    for (const [k, c] of csv.entries()) expect(Number(c[4]).toPrecision(8)).toBe(ticks[k]!.price.toPrecision(8));
  });

  it('1s bars from the ticks equal the slow reference', async () => {
    const r = await h.get(`/api/bars?symbol=${symbol}&tf=1s&from=${T0}&to=${T0 + 3_000}`);
    expect(r.body.bars).toHaveLength(3);
    for (const b of r.body.bars as BarDto[]) {
      const inBar = ticks.filter((t) => t.ts >= b.start && t.ts < b.start + 1000);
      const p = inBar.map((t) => t.price);
      expect([b.open, b.high, b.low, b.close, b.trades]).toEqual([p[0], Math.max(...p), Math.min(...p), p.at(-1), inBar.length]);
      const volume = inBar.reduce((s, t) => s + t.qty, 0);
      const quote = inBar.reduce((s, t) => s + t.price * t.qty, 0);
      expect(Math.abs(b.volume - volume)).toBeLessThanOrEqual(1e-15 * volume);
      expect(Math.abs(b.quoteVolume - quote)).toBeLessThanOrEqual(1e-15 * quote);
      expect(Math.abs(b.vwap! - quote / volume)).toBeLessThanOrEqual(1e-15 * (quote / volume));
    }
  });
});
