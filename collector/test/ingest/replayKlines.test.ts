/**
 * `collector replay` of Binance kline archives (SYMBOL-1m-DATE.zip / .csv, 12 columns, no header;
 * µs times from 2025 on, ms before) into a real SQLite store. The lines are the fake Binance's
 * klines (src/fake-binance/klines.ts) of seeded generated trades, so the bars stored must equal
 * the slow reference bars of those trades (test/store/reference.ts); klines without trades make
 * no bar; tick bars already stored are kept.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { TIMEFRAME_MS, type Tick, type Timeframe } from '../../src/domain';
import { CointegratedGenerator, type GeneratedTrade } from '../../src/fake-binance/generator';
import { klinesOf } from '../../src/fake-binance/klines';
import { replayFiles } from '../../src/ingest/replay';
import { log } from '../../src/log';
import { openSqliteStore } from '../../src/store/sqlite';
import { expectBarsMatch } from '../store/contract';
import { referenceBars } from '../store/reference';
import { makeZip } from './zip';

const T0_2024 = Date.UTC(2024, 11, 1); // ms archives
const T0_2025 = Date.UTC(2025, 10, 24); // µs archives
const quiet = new Writable({ write: (_c, _e, cb) => cb() });

let dir: string;
beforeAll(() => log.configure({ level: 'error' }));
afterAll(() => log.configure({ level: 'warn' }));
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'replay-klines-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Seeded trades of BTCUSDT from t0 for `ms`, one every 3.7 s (quiet seconds give trade-less 1s klines). */
function trades(t0: number, ms: number): GeneratedTrade[] {
  const gen = new CointegratedGenerator(['BTCUSDT'], { seed: 7 });
  const out: GeneratedTrade[] = [];
  for (let t = t0; t < t0 + ms; t += 3_700) out.push(gen.step(t, 'trade')[0]!.trade);
  return out;
}

const ticksOf = (ts: readonly GeneratedTrade[]): Tick[] =>
  ts.map((t) => ({ symbol: 'BTCUSDT', id: t.id, ts: t.time, price: Number(t.price), qty: Number(t.qty), isBuyerMaker: t.isBuyerMaker }));

/** The archive CSV of `tf` klines of the trades; times in µs when `micro`. */
function klineCsv(ts: readonly GeneratedTrade[], tf: Timeframe, micro: boolean): string {
  const len = TIMEFRAME_MS[tf];
  const rows = klinesOf(ts, len, { startTime: ts[0]!.time, limit: Infinity }, ts.at(-1)!.time);
  return rows.map((r) => (micro ? [r[0] * 1000, ...r.slice(1, 6), r[6] * 1000 + 999, ...r.slice(7)] : r).join(',')).join('\n') + '\n';
}

test('ms CSV and µs zip kline archives are stored as bars equal to the reference of their trades, marked as a history span', async () => {
  const old = trades(T0_2024, 3 * 3_600_000);
  const recent = trades(T0_2025, 30 * 60_000);
  writeFileSync(join(dir, 'BTCUSDT-5m-2024-12-01.csv'), klineCsv(old, '5m', false));
  writeFileSync(
    join(dir, 'BTCUSDT-1m-2024-12-01.csv'),
    'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n' + klineCsv(old, '1m', false),
  );
  writeFileSync(join(dir, 'BTCUSDT-1s-2025-11-24.zip'), makeZip([{ name: 'BTCUSDT-1s-2025-11-24.csv', data: Buffer.from(klineCsv(recent, '1s', true)) }]));
  const store = await openSqliteStore({ path: join(dir, 'k.db') });
  try {
    const results = await replayFiles(
      ['BTCUSDT-5m-2024-12-01.csv', 'BTCUSDT-1m-2024-12-01.csv', 'BTCUSDT-1s-2025-11-24.zip'].map((f) => join(dir, f)),
      {
        insert: (t) => store.insertTicks(t),
        insertKlineBars: (b) => store.insertKlineBars(b),
        addKlineSpan: (k) => store.addKlineSpan(k),
        progressStream: quiet as unknown as NodeJS.WriteStream,
      },
    );
    expect(results.map((r) => [r.kind, r.tf, r.rejected])).toEqual([
      ['klines', '5m', {}],
      ['klines', '1m', {}],
      ['klines', '1s', {}],
    ]);
    for (const [tf, ts] of [
      ['5m', old],
      ['1m', old],
      ['1s', recent],
    ] as const) {
      const want = referenceBars(ticksOf(ts), 'BTCUSDT', tf);
      expectBarsMatch(await store.bars({ symbol: 'BTCUSDT', tf }), want, `${tf} from the archive`);
      expect(results.find((r) => r.tf === tf)!.inserted).toBe(want.length);
    }
    // 1800 seconds, a trade every 3.7 s: most 1s klines have none and make no bar
    expect(results[2]!.inserted).toBeLessThan(results[2]!.lines / 2);
    // oldest first (the two 2024 files start together: shorter timeframe first)
    expect((await store.klineSpans()).map((k) => [k.tf, k.reason])).toEqual([
      ['1m', 'history'],
      ['5m', 'history'],
      ['1s', 'history'],
    ]);
    // replayed again: nothing new, nothing counted twice
    const again = await replayFiles([join(dir, 'BTCUSDT-5m-2024-12-01.csv')], {
      insert: (t) => store.insertTicks(t),
      insertKlineBars: (b) => store.insertKlineBars(b),
      progressStream: quiet as unknown as NodeJS.WriteStream,
    });
    expect([again[0]!.inserted, again[0]!.duplicates]).toEqual([0, results[0]!.inserted]);
  } finally {
    await store.close();
  }
});

test('kline archives of another interval are refused with the file named; tick bars already stored win over klines', async () => {
  writeFileSync(join(dir, 'BTCUSDT-1h-2024-12-01.csv'), '1733011200000,1,1,1,1,1,1733014799999,1,1,0,0,0\n');
  const store = await openSqliteStore({ path: join(dir, 'k.db') });
  try {
    const opts = {
      insert: (t: readonly Tick[]) => store.insertTicks(t),
      insertKlineBars: (b: Parameters<typeof store.insertKlineBars>[0]) => store.insertKlineBars(b),
    };
    await expect(replayFiles([join(dir, 'BTCUSDT-1h-2024-12-01.csv')], opts)).rejects.toThrow(
      /BTCUSDT-1h-2024-12-01\.csv: 1h klines are not a timeframe the collector keeps \(1s, 1m, 5m\)/,
    );
    // ticks of the first 20 minutes stored first; the klines of the hour add only the bars after them
    const ts = trades(T0_2024, 3_600_000);
    await store.insertTicks(ticksOf(ts.filter((t) => t.time < T0_2024 + 20 * 60_000)));
    writeFileSync(join(dir, 'BTCUSDT-1m-2024-12-01.csv'), klineCsv(ts, '1m', false));
    const [r] = await replayFiles([join(dir, 'BTCUSDT-1m-2024-12-01.csv')], { ...opts, progressStream: quiet as unknown as NodeJS.WriteStream });
    expect([r!.inserted, r!.duplicates]).toEqual([40, 20]);
    expectBarsMatch(await store.bars({ symbol: 'BTCUSDT', tf: '1m' }), referenceBars(ticksOf(ts), 'BTCUSDT', '1m'), 'ticks + klines');
  } finally {
    await store.close();
  }
});
