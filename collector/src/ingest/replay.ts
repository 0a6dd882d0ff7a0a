/**
 * Replay / backfill from Binance archive files (data.binance.vision): the zip itself (read with
 * yauzl, the one CSV inside streamed out) or the extracted CSV. Files are streamed line by line,
 * never held in memory, and stored in batches through the store (awaited, so a fast disk read
 * never outruns the database). Duplicates by (symbol, id) are skipped by the store, so replaying
 * a file twice, or over live data, is harmless.
 *
 *   collector replay BTCUSDT-aggTrades-2025-11-24.zip ETHUSDT-trades-2025-11.csv
 *
 * The symbol and kind come from the file name (`SYMBOL-aggTrades-...` / `SYMBOL-trades-...`);
 * when the name says neither, the kind is taken from the column count (8 aggTrades, 7 trades)
 * and `symbol` must be given. A header row (futures files have one) is skipped; malformed lines
 * are counted per kind, logged once per kind, and skipped.
 *
 * USD-M futures archives (data/futures/um/.../aggTrades: a header row `agg_trade_id,price,quantity,
 * first_trade_id,last_trade_id,transact_time,is_buyer_maker`, 7 columns, no best-match column)
 * are a perpetual's trades: stored under `BTCUSDT.P` with the aggregate id, as the live ingest
 * stores them (known by that header, or by a `futures/um` path). Futures `trades` files number
 * another id space than the aggregate ids the ingest keeps gap-free: refused, naming the aggTrades file.
 *
 * Kline archives (`SYMBOL-1m-2025-11-24.zip`, intervals 1s, 1m, 5m: the collector's timeframes)
 * are stored as bars from klines (Store.insertKlineBars: only where no bar exists yet, so ticks
 * are never counted twice) and recorded as a history span; their times are µs from 2025 on, ms
 * before (./klines.ts tells them apart).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { VENUE_SYMBOL_PATTERN, isPerp, symbolOf } from '@quant-pairs/contract';
import yauzl from 'yauzl';
import { TIMEFRAMES, TIMEFRAME_MS, type Bar, type Tick, type Timeframe } from '../domain';
import { OnceLogger } from '../log';
import type { InsertResult, KlineSpan } from '../store/store';
import { klineToBar } from './klines';
import { archiveFileInfo, parseArchiveLine } from './parse';
import { Progress } from './progress';
import type { StreamKind } from './types';

export interface ReplayOptions {
  /** Stores one batch (Store.insertTicks). */
  insert: (ticks: readonly Tick[]) => Promise<InsertResult>;
  /** Symbol when the file name does not say it. */
  symbol?: string;
  batchSize?: number;
  /** Progress output; default process.stderr. */
  progressStream?: NodeJS.WriteStream;
  /** Called with each stored batch (e.g. to feed live analytics with source 'replay'). */
  onBatch?: (ticks: readonly Tick[]) => void;
  /** Stores bars of a kline archive (Store.insertKlineBars); without it kline files are refused. */
  insertKlineBars?: (bars: readonly Bar[]) => Promise<number>;
  /** Records the span a kline archive covered (Store.addKlineSpan). */
  addKlineSpan?: (span: KlineSpan) => Promise<void>;
}

export interface ReplayResult {
  file: string;
  symbol: string;
  /** What the file holds: trades, aggTrades, or klines of `tf`. */
  kind: StreamKind | 'klines';
  tf?: Timeframe;
  lines: number;
  inserted: number;
  duplicates: number;
  rejected: Record<string, number>;
}

interface Source {
  stream: Readable;
  /** Bytes of CSV text in total (uncompressed size for a zip entry). */
  total: number;
  close: () => void;
}

function openCsv(file: string): Promise<Source> {
  const stream = createReadStream(file);
  return Promise.resolve({ stream, total: statSync(file).size, close: () => stream.destroy() });
}

function openZip(file: string): Promise<Source> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(new Error(`${file}: not a readable zip: ${err?.message ?? 'unknown error'}`));
      let found = false;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (found || entry.fileName.endsWith('/') || !/\.csv$/i.test(entry.fileName)) return zip.readEntry();
        found = true;
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(new Error(`${file}: cannot read ${entry.fileName}: ${e?.message ?? 'unknown error'}`));
          resolve({
            stream,
            total: entry.uncompressedSize,
            close: () => {
              stream.destroy();
              zip.close();
            },
          });
        });
      });
      zip.on('end', () => {
        if (!found) reject(new Error(`${file}: the zip holds no .csv file`));
      });
      zip.on('error', (e: Error) => reject(new Error(`${file}: ${e.message}`)));
      zip.readEntry();
    });
  });
}

const KLINE_FILE = new RegExp(`(?:^|[\\\\/])(${VENUE_SYMBOL_PATTERN})-(\\d+[smhdwM])-\\d{4}-\\d{2}(?:-\\d{2})?\\.(?:zip|csv)$`, 'i');

/** Symbol and interval of a kline archive file name such as `BTCUSDT-1m-2025-11-24.zip`, or null. */
function klineFileInfo(fileName: string): { symbol: string; interval: string } | null {
  const m = KLINE_FILE.exec(fileName);
  return m ? { symbol: m[1]!.toUpperCase(), interval: m[2]! } : null;
}

/** Replays a kline archive (see the module comment). */
async function replayKlines(file: string, symbol: string, interval: string, opts: ReplayOptions): Promise<ReplayResult> {
  const tf = TIMEFRAMES.find((t) => t === interval);
  if (!tf) throw new Error(`${file}: ${interval} klines are not a timeframe the collector keeps (${TIMEFRAMES.join(', ')})`);
  if (!opts.insertKlineBars) throw new Error(`${file}: this command does not store klines`);
  const src = /\.zip$/i.test(file) ? await openZip(file) : await openCsv(file);
  const once = new OnceLogger();
  const progress = new Progress({ label: basename(file), total: src.total, stream: opts.progressStream });
  const result: ReplayResult = { file, symbol, kind: 'klines', tf, lines: 0, inserted: 0, duplicates: 0, rejected: {} };
  let bytes = 0;
  src.stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
  let batch: Bar[] = [];
  let first = Infinity;
  let last = -Infinity;
  const store = async (): Promise<void> => {
    if (batch.length === 0) return;
    const n = await opts.insertKlineBars!(batch);
    result.inserted += n;
    result.duplicates += batch.length - n;
    batch = [];
    progress.update(bytes, result.inserted + result.duplicates);
  };
  try {
    const rl = createInterface({ input: src.stream, crlfDelay: Infinity });
    for await (const line of rl) {
      result.lines++;
      if (line.trim() === '') continue;
      if (result.lines === 1 && !/^\d/.test(line)) continue; // a header row
      const b = klineToBar(line.trim().split(','), symbol, tf);
      if (b === null) continue; // a kline without trades is no bar
      if ('type' in b) {
        once.warn(b.kind, 'archive line rejected', { file, line: result.lines, detail: b.detail });
        continue;
      }
      first = Math.min(first, b.start);
      last = Math.max(last, b.start);
      batch.push(b);
      if (batch.length >= 5_000) await store();
    }
    await store();
  } finally {
    src.close();
  }
  if (first <= last && opts.addKlineSpan)
    await opts.addKlineSpan({
      symbol,
      tf,
      from: first,
      to: last + TIMEFRAME_MS[tf],
      firstId: null,
      lastId: null,
      reason: 'history',
      bars: result.inserted,
      loadedAt: Date.now(),
    });
  result.rejected = Object.fromEntries(once.counts);
  progress.finish(src.total || bytes, result.inserted + result.duplicates);
  return result;
}

/** Where data.binance.vision keeps USD-M futures files, and their headers. */
const FUTURES_PATH = /(?:^|[\\/])futures[\\/]um[\\/]/i;
const FUTURES_AGG_HEADER = /^agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\s*$/i;
const FUTURES_TRADES_HEADER = /^id,price,qty,quote_qty,time,is_buyer_maker\s*$/i;
const asPerp = (symbol: string): string => (isPerp(symbol) ? symbol : symbolOf(symbol, 'perp'));

/** Replays one archive file (zip or csv) into the store. */
export async function replayFile(file: string, opts: ReplayOptions): Promise<ReplayResult> {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const klines = klineFileInfo(basename(file));
  if (klines) {
    const symbol = (opts.symbol ?? klines.symbol).toUpperCase();
    return replayKlines(file, FUTURES_PATH.test(file) ? asPerp(symbol) : symbol, klines.interval, opts);
  }
  const info = archiveFileInfo(basename(file));
  if (!(opts.symbol ?? info?.symbol)) throw new Error(`${file}: cannot tell the symbol from the file name; name it like BTCUSDT-aggTrades-2025-11-24.zip`);
  let symbol = (opts.symbol ?? info?.symbol)?.toUpperCase() ?? '';
  let kind: StreamKind | null = info?.kind ?? null;
  if (FUTURES_PATH.test(file)) symbol = asPerp(symbol);
  const src = /\.zip$/i.test(file) ? await openZip(file) : await openCsv(file);
  const once = new OnceLogger();
  const progress = new Progress({ label: basename(file), total: src.total, stream: opts.progressStream });
  const batchSize = opts.batchSize ?? 20_000;
  const result: ReplayResult = { file, symbol, kind: kind ?? 'trade', lines: 0, inserted: 0, duplicates: 0, rejected: {} };
  let bytes = 0;
  src.stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
  let batch: Tick[] = [];
  const store = async (): Promise<void> => {
    if (batch.length === 0) return;
    const b = batch;
    batch = [];
    const r = await opts.insert(b);
    result.inserted += r.inserted;
    result.duplicates += r.duplicates;
    opts.onBatch?.(b);
    progress.update(bytes, result.inserted + result.duplicates);
  };
  try {
    const rl = createInterface({ input: src.stream, crlfDelay: Infinity });
    for await (const line of rl) {
      result.lines++;
      if (line.trim() === '') continue;
      if (result.lines === 1 && !/^\d/.test(line)) {
        // a header row: futures files have one (spot files none)
        if (FUTURES_AGG_HEADER.test(line)) result.symbol = symbol = asPerp(symbol);
        else if (FUTURES_TRADES_HEADER.test(line) || (isPerp(symbol) && kind === 'trade'))
          throw new Error(`${file}: a futures trades file; perpetuals are stored by aggregate id: replay the aggTrades archive of the same day`);
        continue;
      }
      if (kind === null) {
        kind = line.split(',').length === 8 ? 'aggTrade' : 'trade';
        result.kind = kind;
      }
      const t = parseArchiveLine(line, kind, symbol);
      if ('type' in t) {
        once.warn(t.kind, 'archive line rejected', { file, line: result.lines, detail: t.detail });
        continue;
      }
      batch.push(t);
      if (batch.length >= batchSize) await store();
    }
    await store();
  } finally {
    src.close();
  }
  result.rejected = Object.fromEntries(once.counts);
  progress.finish(src.total || bytes, result.inserted + result.duplicates);
  return result;
}

/** Replays files one after another; stops at the first file that cannot be opened. */
export async function replayFiles(files: readonly string[], opts: ReplayOptions): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  for (const f of files) out.push(await replayFile(f, opts));
  return out;
}
