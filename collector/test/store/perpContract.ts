/**
 * The Store contract's part for perpetuals (issue 25): marks and settled fundings, run on every
 * engine inside describeStoreContract. Values are small and worked out by hand here; prices at
 * their real scales (BTCUSDT.P near 1e5, 1000PEPEUSDT.P near 1e-2).
 */
import type { CommonStoreOptions, FundingEvent, MarkPoint, Store } from '../../src/store/store';

/** 2026-01-05T08:00:00Z: a funding time of an 8-hourly symbol (00:00, 08:00, 16:00 UTC). */
const T8 = Date.UTC(2026, 0, 5, 8, 0, 0);
const H = 3_600_000;

export function perpStoreTests(open: () => Promise<Store>, reopen: (s: Store, opts?: CommonStoreOptions) => Promise<Store>): void {
  const mark = (symbol: string, ts: number, m: number, rate = 0.0001): MarkPoint => ({
    symbol,
    ts,
    mark: m,
    index: m * 0.9999,
    rate,
    nextFundingTime: T8 + 8 * H,
  });

  test('perpetuals: one mark row per symbol and second, the later update replacing; ranges [from, to) oldest first; kept across a restart', async () => {
    const s = await open();
    const btc = [mark('BTCUSDT.P', T8, 97_012.5), mark('BTCUSDT.P', T8 + 1000, 97_013.1), mark('BTCUSDT.P', T8 + 2000, 97_011.9)];
    const pepe = [mark('1000PEPEUSDT.P', T8, 0.0105231, -0.00005)];
    expect(await s.insertMarks([...btc, ...pepe])).toBe(4);
    // the same second again (a reconnect repeats the stream's last update, with a newer mark)
    const again = { ...btc[1]!, mark: 97_013.4 };
    await s.insertMarks([again]);
    expect(await s.marks({ symbol: 'BTCUSDT.P' })).toEqual([btc[0], again, btc[2]]);
    expect(await s.marks({ symbol: 'BTCUSDT.P', from: T8 + 1000, to: T8 + 2000 })).toEqual([again]);
    expect(await s.marks({ symbol: '1000PEPEUSDT.P' })).toEqual(pepe);
    expect(await s.marks({ symbol: 'BTCUSDT' })).toEqual([]);
    // a perpetual's marks alone do not make it a symbol with ticks
    expect(await s.symbols()).toEqual([]);
    await s.close();
    const r = await reopen(s);
    expect(await r.marks({ symbol: 'BTCUSDT.P', limit: 2 })).toEqual([btc[0], again]);
  });

  test('perpetuals: settled fundings once by (symbol, time), a repeat keeps the first; negative rates exact', async () => {
    const s = await open();
    const ev = (symbol: string, ts: number, rate: number, m: number): FundingEvent => ({ symbol, ts, rate, mark: m });
    const events = [
      ev('BTCUSDT.P', T8 - 8 * H, 0.0001, 96_500.1),
      ev('BTCUSDT.P', T8, -0.00003512, 97_012.5),
      // a 4-hourly symbol (fundingInfo's fundingIntervalHours 4)
      ev('1000PEPEUSDT.P', T8 - 4 * H, 0.00012, 0.0104871),
      ev('1000PEPEUSDT.P', T8, 0.0005, 0.0105231),
    ];
    expect(await s.insertFunding([...events, events[1]!])).toBe(4);
    // fundingRate's history and the mark stream's crossing of T both report T8: the first stays
    expect(await s.insertFunding([ev('BTCUSDT.P', T8, 0.0009, 1)])).toBe(0);
    expect(await s.funding({ symbol: 'BTCUSDT.P' })).toEqual(events.slice(0, 2));
    expect(await s.funding({ symbol: '1000PEPEUSDT.P', from: T8 })).toEqual([events[3]]);
    expect(await s.funding({ symbol: '1000PEPEUSDT.P', to: T8 })).toEqual([events[2]]);
  });

  test('perpetuals: retention deletes marks before the cut and keeps fundings (30 days of carry read them)', async () => {
    const s = await open();
    await s.insertMarks([mark('BTCUSDT.P', T8 - 2 * H, 96_900), mark('BTCUSDT.P', T8, 97_000)]);
    await s.insertFunding([{ symbol: 'BTCUSDT.P', ts: T8 - 8 * H, rate: 0.0001, mark: 96_500 }]);
    await s.deleteBefore(T8 - H);
    expect((await s.marks({ symbol: 'BTCUSDT.P' })).map((m) => m.ts)).toEqual([T8]);
    expect(await s.funding({ symbol: 'BTCUSDT.P' })).toHaveLength(1);
  });
}
