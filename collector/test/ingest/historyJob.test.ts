/**
 * HistoryJob's seam beside a running ingest, where the e2e tests cannot reach: history landing
 * minutes after the ingest began storing live ticks (REST down for a while). The ingest here is
 * the store holding every trade from the first live one on, and the ids it reports; the fake
 * Binance serves the klines and trades. The seam must fall at or before the first live tick's
 * 5-minute interval, the trades between it and the first live one come by id, and every bar
 * then equals the slow reference of all the trades the fake made (nothing twice, nothing missing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TIMEFRAMES, bucketStart } from '../../src/domain';
import { startFakeBinance, type FakeBinance } from '../../src/fake-binance';
import { HistoryJob, type HistoryIngest } from '../../src/ingest/historyJob';
import { RestClient } from '../../src/ingest/rest';
import { log } from '../../src/log';
import { openSqliteStore } from '../../src/store/sqlite';
import { expectBarsMatch } from '../store/contract';
import { referenceBars } from '../store/reference';

const HOUR = 3_600_000;
const MIN5 = 300_000;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

let dir: string;
let fake: FakeBinance | null = null;
beforeAll(() => log.configure({ level: 'error' }));
afterAll(() => log.configure({ level: 'warn' }));
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'history-job-'))));
afterEach(async () => {
  await fake?.stop();
  fake = null;
  rmSync(dir, { recursive: true, force: true });
});

test('history landing 7.5 minutes after the first live tick: seam at its 5-minute interval, every bar equal to the reference', async () => {
  const f = (fake = await startFakeBinance({ symbols: SYMBOLS, past: [{ ms: 3 * HOUR, everyMs: 1_000 }] }));
  const store = await openSqliteStore({ path: join(dir, 'h.db') });
  try {
    // The ingest began mid-interval, two 5-minute boundaries ago, and stored every trade since.
    const firstLiveTs = bucketStart(Date.now(), '5m') - 1.5 * MIN5;
    const first = new Map<string, { ts: number; id: number }>();
    for (const s of SYMBOLS) {
      const live = f.expectedTicks(s).filter((t) => t.ts >= firstLiveTs);
      await store.insertTicks(live);
      first.set(s, { ts: live[0]!.ts, id: live[0]!.id });
    }
    const told: Array<[string, number]> = [];
    const ingest: HistoryIngest = {
      firstDelivered: (s) => first.get(s) ?? null,
      historyStored: (s, id) => void told.push([s, id]),
      hold: () => undefined,
      release: () => undefined,
    };
    const history = { '1s': HOUR / 2, '1m': 2 * HOUR, '5m': 2 * HOUR };
    const job = new HistoryJob({
      rest: new RestClient({ baseUrl: f.restUrl, kind: 'trade', giveUpAfter: 1 }),
      store,
      symbols: SYMBOLS,
      stored: new Map(), // nothing was stored when the ingest began
      history,
      outageKlinesAfterMs: 600_000,
      outageKlinesAfterTrades: 200_000,
      ingest,
    });
    job.start();
    await job.ready;
    expect(job.status().map((p) => `${p.symbol} ${p.part} ${p.state}`)).toEqual(SYMBOLS.flatMap((s) => [...TIMEFRAMES, 'seam'].map((p) => `${s} ${p} done`)));

    const seam = bucketStart(firstLiveTs, '5m');
    const spans = await store.klineSpans();
    expect(new Set(spans.map((k) => k.to))).toEqual(new Set([seam])); // not the interval of "now"
    for (const symbol of SYMBOLS) {
      for (const tf of TIMEFRAMES) {
        const from = bucketStart(seam - history[tf], '5m');
        const want = referenceBars(f.expectedTicks(symbol), symbol, tf).filter((b) => b.start >= from);
        expectBarsMatch(await store.bars({ symbol, tf, from, limit: 1_000_000 }), want, `${symbol} ${tf}`);
      }
      // the trades from the seam to the first live one came by id, up to just below it
      const ticks = await store.ticks({ symbol, from: 0, limit: 1_000_000 });
      expect(ticks.map((t) => t.id)).toEqual(
        f
          .expectedTicks(symbol)
          .filter((t) => t.ts >= seam)
          .map((t) => t.id),
      );
      expect(told.filter(([s]) => s === symbol)).toEqual([[symbol, first.get(symbol)!.id - 1]]);
    }
  } finally {
    await store.close();
  }
});
