/**
 * Replay of Binance archive files into a real SQLite store: a zip (holding the CSV, as on
 * data.binance.vision) and a bare CSV, aggTrades and trades, µs and ms timestamps. Expected
 * ticks are built from the same integers the test writes into the lines (id = base + i,
 * time = t0 + 1234·i + 7 µs), so ts = time / 1000 exactly.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Tick } from '../../src/domain';
import { replayFile, replayFiles } from '../../src/ingest/replay';
import { log } from '../../src/log';
import { main } from '../../src/main';
import { openSqliteStore } from '../../src/store/sqlite';
import { makeZip } from './zip';

const T0_US = 1_764_075_600_000_000; // 2025-11-25T13:00:00Z in µs (archive files since 2025 use µs)
const T0_MS = 1_704_067_200_000; // 2024-01-01T00:00:00Z in ms (older files)

function aggLines(n: number): { text: string; ticks: Tick[] } {
  const lines: string[] = [];
  const ticks: Tick[] = [];
  for (let i = 0; i < n; i++) {
    const us = T0_US + 1234 * i + 7;
    const price = (87000 + (i % 97) / 100).toFixed(8);
    const qty = ((i % 13) / 1000 + 0.001).toFixed(8);
    const bm = i % 3 === 0;
    lines.push(`${3_000_000_000 + i},${price},${qty},${5_000_000_000 + 2 * i},${5_000_000_001 + 2 * i},${us},${bm ? 'True' : 'False'},True`);
    ticks.push({ symbol: 'BTCUSDT', id: 3_000_000_000 + i, ts: us / 1000, price: Number(price), qty: Number(qty), isBuyerMaker: bm });
  }
  return { text: lines.join('\n') + '\n', ticks };
}

function tradeLines(n: number): { text: string; ticks: Tick[] } {
  const lines: string[] = [];
  const ticks: Tick[] = [];
  for (let i = 0; i < n; i++) {
    const ms = T0_MS + 250 * i;
    const price = (2300 + (i % 50) / 100).toFixed(8);
    const qty = '0.50000000';
    lines.push(`${700 + i},${price},${qty},${(Number(price) * 0.5).toFixed(8)},${ms},${i % 2 ? 'True' : 'False'},True`);
    ticks.push({ symbol: 'ETHUSDT', id: 700 + i, ts: ms, price: Number(price), qty: 0.5, isBuyerMaker: i % 2 === 1 });
  }
  return { text: lines.join('\r\n') + '\r\n', ticks };
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'replay-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function all(store: Awaited<ReturnType<typeof openSqliteStore>>, symbol: string): Promise<Tick[]> {
  const out: Tick[] = [];
  for await (const t of store.iterateTicks({ symbol })) out.push(t);
  return out;
}

test('a zip of µs aggTrades and a csv of ms trades are stored exactly; a second replay only finds duplicates', async () => {
  const agg = aggLines(25_000);
  const trades = tradeLines(3_000);
  const zip = join(dir, 'BTCUSDT-aggTrades-2025-11-25.zip');
  writeFileSync(zip, makeZip([{ name: 'BTCUSDT-aggTrades-2025-11-25.csv', data: Buffer.from(agg.text) }]));
  const csv = join(dir, 'ETHUSDT-trades-2024-01.csv');
  writeFileSync(csv, trades.text);

  const store = await openSqliteStore({ path: join(dir, 'db.sqlite') });
  const lines: string[] = [];
  log.configure({ level: 'info', sink: (l) => void lines.push(l) });
  try {
    const r = await replayFiles([zip, csv], { insert: (t) => store.insertTicks(t), batchSize: 4096 });
    expect(r.map((x) => [x.symbol, x.kind, x.inserted, x.duplicates])).toEqual([
      ['BTCUSDT', 'aggTrade', 25_000, 0],
      ['ETHUSDT', 'trade', 3_000, 0],
    ]);
    expect(await all(store, 'BTCUSDT')).toEqual(agg.ticks);
    expect(await all(store, 'ETHUSDT')).toEqual(trades.ticks);
    // µs survive the store: the archive's integer comes back.
    const back = await all(store, 'BTCUSDT');
    expect(Math.round(back[1]!.ts * 1000)).toBe(T0_US + 1234 + 7);

    const again = await replayFile(zip, { insert: (t) => store.insertTicks(t) });
    expect([again.inserted, again.duplicates]).toEqual([0, 25_000]);
  } finally {
    log.configure({ level: 'warn', sink: (l) => void process.stderr.write(l + '\n') });
    await store.close();
  }
  // Not a TTY here: progress comes as JSON lines, one final line per file.
  const done = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'replay file done');
  expect(done.map((l) => [l.file, l.percent, l.ticks])).toEqual([
    ['BTCUSDT-aggTrades-2025-11-25.zip', 100, 25_000],
    ['ETHUSDT-trades-2024-01.csv', 100, 3_000],
    ['BTCUSDT-aggTrades-2025-11-25.zip', 100, 25_000], // the second replay: all duplicates
  ]);
});

test('on a TTY the progress is a redrawn bar ending at 100%', async () => {
  const csv = join(dir, 'ETHUSDT-trades-2024-01.csv');
  writeFileSync(csv, tradeLines(500).text);
  let out = '';
  const tty = Object.assign(new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) }), { isTTY: true }) as unknown as NodeJS.WriteStream;
  const store = await openSqliteStore({ path: ':memory:' });
  await replayFile(csv, { insert: (t) => store.insertTicks(t), progressStream: tty });
  await store.close();
  // ESC [2K is the terminal's "erase line" sequence, written before each redraw of the bar.
  expect(out.replaceAll('\u001b[2K', '<erase line>')).toMatch(/\r<erase line>ETHUSDT-trades-2024-01\.csv \[#{24}\] 100% {2}500 ticks .*\n$/);
});

test('malformed lines are counted per kind and skipped; a header row is skipped', async () => {
  const csv = join(dir, 'BTCUSDT-aggTrades-2025-11-25.csv');
  const good = aggLines(3);
  const [l0, l1, l2] = good.text.trim().split('\n');
  writeFileSync(
    csv,
    [
      // a header of spot's columns (the USD-M futures header makes the file a perpetual's: the test below)
      'aggregate_trade_id,price,quantity,first_trade_id,last_trade_id,timestamp,is_buyer_maker,is_best_match',
      l0,
      'garbage',
      l1,
      '1,2,3',
      l2!.replace(/,(True|False),True$/, ',Maybe,True'),
    ].join('\n'),
  );
  const store = await openSqliteStore({ path: ':memory:' });
  const r = await replayFile(csv, { insert: (t) => store.insertTicks(t) });
  expect(await all(store, 'BTCUSDT')).toEqual(good.ticks.slice(0, 2));
  await store.close();
  expect(r.rejected).toEqual({ 'csv-aggTrade-columns': 2, 'csv-aggTrade-boolean': 1 });
});

test('collector replay FILE through the CLI; errors say what is wrong', async () => {
  const csv = join(dir, 'ETHUSDT-trades-2024-01.csv');
  writeFileSync(csv, tradeLines(10).text);
  const db = join(dir, 'cli.db');
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
  try {
    expect(await main(['replay', csv, '--db-path', db], {})).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  expect(JSON.parse(out.join(''))).toMatchObject({ symbol: 'ETHUSDT', kind: 'trade', inserted: 10 });
  const bad = join(dir, 'BTCUSDT-trades-x.zip');
  writeFileSync(bad, 'not a zip');
  writeFileSync(join(dir, 'trades.csv'), tradeLines(1).text);
  const err: string[] = [];
  const ewrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (err.push(s), true)) as typeof process.stderr.write;
  try {
    expect(await main(['replay', join(dir, 'ETHUSDT-trades-none.csv'), '--db-path', db], {})).toBe(1);
    expect(await main(['replay', join(dir, 'trades.csv'), '--db-path', db], {})).toBe(1);
    expect(await main(['replay', bad, '--db-path', db], {})).toBe(1);
    expect(await main(['replay', '--db-path', db], {})).toBe(2);
    expect(await main(['replay', csv, '--stream=depth'], {})).toBe(2);
  } finally {
    process.stderr.write = ewrite;
  }
  expect(err[0]).toMatch(/ETHUSDT-trades-none\.csv: no such file/);
  expect(err[1]).toMatch(/trades\.csv: cannot tell the symbol from the file name/);
  expect(err[2]).toMatch(/BTCUSDT-trades-x\.zip: not a readable zip/);
  expect(err[3]).toMatch(/give at least one archive file/);
  expect(err[4]).toMatch(/^collector: STREAM="depth": must be trade or aggTrade/);
});

// USD-M futures archives (data.binance.vision data/futures/um/daily/aggTrades/<SYMBOL>/): a header
// row and 7 columns, no best-match column (the header as on the site; crypto-pandas and orderflow
// name the same columns), ms times. A perpetual's trades: stored under BTCUSDT.P by aggregate id.
const FUTURES_HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker';

function futuresAggLines(n: number): { text: string; ticks: Tick[] } {
  const lines = [FUTURES_HEADER];
  const ticks: Tick[] = [];
  for (let i = 0; i < n; i++) {
    const ms = T0_MS + 75 * i;
    const price = (0.0105 + (i % 29) * 1e-7).toFixed(7); // 1000PEPEUSDT near 1e-2 on its 1e-7 tick
    lines.push(`${2_100_000_000 + i},${price},${1000 + i},${4_000_000_000 + 3 * i},${4_000_000_002 + 3 * i},${ms},${i % 2 ? 'true' : 'false'}`);
    ticks.push({ symbol: '1000PEPEUSDT.P', id: 2_100_000_000 + i, ts: ms, price: Number(price), qty: 1000 + i, isBuyerMaker: i % 2 === 1 });
  }
  return { text: lines.join('\n') + '\n', ticks };
}

test('a USD-M futures aggTrades archive is a perpetual: stored under .P by aggregate id, known by its header or its futures/um path', async () => {
  const agg = futuresAggLines(3_000);
  const zip = join(dir, '1000PEPEUSDT-aggTrades-2025-11-25.zip');
  writeFileSync(zip, makeZip([{ name: '1000PEPEUSDT-aggTrades-2025-11-25.csv', data: Buffer.from(agg.text) }]));
  const store = await openSqliteStore({ path: join(dir, 'db.sqlite') });
  try {
    const r = await replayFile(zip, { insert: (t) => store.insertTicks(t) });
    expect([r.symbol, r.kind, r.inserted, r.rejected]).toEqual(['1000PEPEUSDT.P', 'aggTrade', 3_000, {}]);
    expect(await all(store, '1000PEPEUSDT.P')).toEqual(agg.ticks);
    expect(await all(store, '1000PEPEUSDT')).toEqual([]);
    // the same lines without the header, under data.binance.vision's futures path
    const under = join(dir, 'futures', 'um', 'daily', 'aggTrades', '1000PEPEUSDT');
    mkdirSync(under, { recursive: true });
    const bare = join(under, '1000PEPEUSDT-aggTrades-2025-11-25.csv');
    writeFileSync(bare, agg.text.split('\n').slice(1).join('\n'));
    const again = await replayFile(bare, { insert: (t) => store.insertTicks(t) });
    expect([again.symbol, again.inserted, again.duplicates]).toEqual(['1000PEPEUSDT.P', 0, 3_000]);
    // futures trades number another id space than the aggregate ids: refused
    const trades = join(dir, 'BTCUSDT-trades-2025-11-25.csv');
    writeFileSync(trades, `id,price,qty,quote_qty,time,is_buyer_maker\n1,97000.1,0.01,970.001,${T0_MS},true\n`);
    await expect(replayFile(trades, { insert: (t) => store.insertTicks(t) })).rejects.toThrow(
      'perpetuals are stored by aggregate id: replay the aggTrades archive',
    );
  } finally {
    await store.close();
  }
});
