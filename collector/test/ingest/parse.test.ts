/**
 * Parser tests on Binance's documented samples (test/fixtures/binance/samples.jsonl and
 * aggTrades-sample.csv). Expected values are read off the sample lines by hand: the decimal
 * strings as a user sees them, the ids and times as written (µs in the CSV, 1764075600148123 µs
 * = 1764075600148.123 ms).
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { archiveFileInfo, parseArchiveLine, parseStreamMessage, toEpochMs, historicalTradeToTick, aggTradeToTick } from '../../src/ingest/parse';

const SAMPLES = join(__dirname, '../fixtures/binance');
const samples = readFileSync(`${SAMPLES}/samples.jsonl`, 'utf8').trim().split('\n');
const csv = readFileSync(`${SAMPLES}/aggTrades-sample.csv`, 'utf8').trim().split('\n');

describe('parseStreamMessage on samples.jsonl', () => {
  test('trade event (line 1): strings to numbers, trade time and id kept', () => {
    expect(parseStreamMessage(samples[0]!)).toEqual({
      type: 'tick',
      stream: 'btcusdt@trade',
      kind: 'trade',
      tick: { symbol: 'BTCUSDT', id: 5123456789, ts: 1764075600121, price: 87012.34, qty: 0.0015, isBuyerMaker: true },
    });
  });

  test('the price a user sees survives: String(number) of "87012.35000000" is "87012.35"', () => {
    const m = parseStreamMessage(samples[2]!);
    if (m.type !== 'tick') throw new Error(m.type);
    expect(String(m.tick.price)).toBe('87012.35');
    expect(String(m.tick.qty)).toBe('0.02');
    expect(m.tick.isBuyerMaker).toBe(false);
  });

  test('aggTrade event (line 4): the id is the aggregate id a, not f or l', () => {
    const m = parseStreamMessage(samples[3]!);
    expect(m).toEqual({
      type: 'tick',
      stream: 'btcusdt@aggTrade',
      kind: 'aggTrade',
      tick: { symbol: 'BTCUSDT', id: 3012345678, ts: 1764075600148, price: 87012.3, qty: 0.105, isBuyerMaker: true },
    });
  });

  test('a pre-2024-06-18 trade with b and a (line 5) is accepted, b/a ignored', () => {
    const m = parseStreamMessage(samples[4]!);
    expect(m).toMatchObject({ type: 'tick', tick: { symbol: 'BTCUSDT', id: 3634171230, ts: 1717999999998, price: 67500.01, qty: 0.0004 } });
  });

  test('serverShutdown, subscribe result and request error (lines 6-8)', () => {
    expect(parseStreamMessage(samples[5]!)).toEqual({ type: 'serverShutdown', eventTime: 1764075601000 });
    expect(parseStreamMessage(samples[6]!)).toEqual({ type: 'result', id: 1, result: null });
    expect(parseStreamMessage(samples[7]!)).toEqual({ type: 'error', id: 2, code: 2, msg: 'Invalid request: unknown variant `SUBSCRIB`' });
  });

  test('every sample line parses to something other than a rejection', () => {
    for (const line of samples) expect(parseStreamMessage(line).type).not.toBe('rejected');
  });

  test('a µs trade time (timeUnit=MICROSECOND) becomes fractional ms, exactly', () => {
    const m = parseStreamMessage(
      '{"stream":"ethusdt@trade","data":{"e":"trade","E":1764075600131456,"s":"ETHUSDT","t":1,"p":"2931.55","q":"0.41","T":1764075600129123,"m":false,"M":true}}',
    );
    if (m.type !== 'tick') throw new Error(m.type);
    expect(m.tick.ts).toBe(1764075600129.123);
    expect(Math.round(m.tick.ts * 1000)).toBe(1764075600129123);
  });
});

describe('malformed and unexpected messages are rejected with a kind, never thrown', () => {
  const cases: Array<[string, string]> = [
    ['{not json', 'not-json'],
    ['[1,2]', 'not-an-object'],
    ['"x"', 'not-an-object'],
    ['{"stream":"btcusdt@trade","data":5}', 'bad-wrapper'],
    ['{"stream":"btcusdt@depth","data":{"e":"depthUpdate"}}', 'unexpected-event-depthUpdate'],
    ['{"stream":"x","data":{}}', 'no-event-type'],
    ['{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":"x","p":"1","q":"1","T":1764075600121,"m":true}}', 'invalid-trade'],
    ['{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":1,"p":"abc","q":"1","T":1764075600121,"m":true}}', 'invalid-trade'],
    ['{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":1,"p":"1","q":"1","T":1764075600121,"m":"yes"}}', 'invalid-trade'],
    ['{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":1,"p":"-5","q":"1","T":1764075600121,"m":true}}', 'invalid-trade'],
    ['{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","s":"BTCUSDT","a":1,"p":"1","q":"1","m":true}}', 'invalid-aggTrade'],
    ['{"stream":"btcusdt@trade","data":{"e":"trade","t":1,"p":"1","q":"1","T":1764075600121,"m":true}}', 'invalid-trade'],
  ];
  test.each(cases)('%s -> %s', (text, kind) => {
    expect(parseStreamMessage(text)).toMatchObject({ type: 'rejected', kind });
  });
});

describe('REST rows', () => {
  test('aggTrades row from FORMATS.md', () => {
    expect(aggTradeToTick({ a: 26129, p: '0.01633102', q: '4.70443515', f: 27781, l: 27781, T: 1498793709153, m: true, M: true }, 'BTCUSDT')).toEqual({
      symbol: 'BTCUSDT',
      id: 26129,
      ts: 1498793709153,
      price: 0.01633102,
      qty: 4.70443515,
      isBuyerMaker: true,
    });
  });
  test('historicalTrades row from FORMATS.md', () => {
    expect(
      historicalTradeToTick(
        { id: 28457, price: '4.00000100', qty: '12.00000000', quoteQty: '48.000012', time: 1499865549590, isBuyerMaker: true, isBestMatch: true },
        'BTCUSDT',
      ),
    ).toEqual({
      symbol: 'BTCUSDT',
      id: 28457,
      ts: 1499865549590,
      price: 4.000001,
      qty: 12,
      isBuyerMaker: true,
    });
  });
});

describe('archive CSV lines (aggTrades-sample.csv, µs timestamps)', () => {
  test('the three sample lines', () => {
    expect(csv.map((l) => parseArchiveLine(l, 'aggTrade', 'BTCUSDT'))).toEqual([
      { symbol: 'BTCUSDT', id: 3012345678, ts: 1764075600148.123, price: 87012.3, qty: 0.105, isBuyerMaker: true },
      { symbol: 'BTCUSDT', id: 3012345679, ts: 1764075600152.87, price: 87012.31, qty: 0.002, isBuyerMaker: false },
      { symbol: 'BTCUSDT', id: 3012345680, ts: 1764075600301.004, price: 87011.9, qty: 1.25, isBuyerMaker: true },
    ]);
  });
  test('the µs survive: Math.round(ts*1000) gives the CSV column back', () => {
    const t = parseArchiveLine(csv[1]!, 'aggTrade', 'BTCUSDT');
    if ('type' in t) throw new Error(t.detail);
    expect(Math.round(t.ts * 1000)).toBe(1764075600152870);
  });
  test('a trades line in ms (before 2025)', () => {
    expect(parseArchiveLine('28457,4.00000100,12.00000000,48.00001200,1499865549590,True,True', 'trade', 'BTCUSDT')).toEqual({
      symbol: 'BTCUSDT',
      id: 28457,
      ts: 1499865549590,
      price: 4.000001,
      qty: 12,
      isBuyerMaker: true,
    });
  });
  test('wrong column count and bad booleans are rejected', () => {
    expect(parseArchiveLine(csv[0]!, 'trade', 'BTCUSDT')).toMatchObject({ type: 'rejected', kind: 'csv-trade-columns' });
    expect(parseArchiveLine('1,2,3,4,5,6,maybe,True', 'aggTrade', 'BTCUSDT')).toMatchObject({ type: 'rejected', kind: 'csv-aggTrade-boolean' });
  });
  test('file names', () => {
    expect(archiveFileInfo('data/spot/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2025-11-24.zip')).toEqual({ symbol: 'BTCUSDT', kind: 'aggTrade' });
    expect(archiveFileInfo('/tmp/ETHUSDT-trades-2024-01.csv')).toEqual({ symbol: 'ETHUSDT', kind: 'trade' });
    expect(archiveFileInfo('/tmp/foo.csv')).toBeNull();
  });
  test('toEpochMs: ms stays, µs (> 1e14) divides by 1000, junk is NaN', () => {
    expect(toEpochMs(1764075600121)).toBe(1764075600121);
    expect(toEpochMs('1764075600148123')).toBe(1764075600148.123);
    expect(toEpochMs('x')).toBeNaN();
    expect(toEpochMs(1.5)).toBeNaN();
  });
});

describe('USD-M futures events (issue 25; fields from FUTURES.md, checked against Binance usds-margined-futures websocket-market-streams)', () => {
  test('aggTrade without M: the aggregate id is the tick id, the symbol as Binance writes it (the perp ingestor adds .P)', () => {
    const m = parseStreamMessage(
      '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1765100000123,"s":"BTCUSDT","a":2712345678,"p":"97012.50","q":"0.012","f":6012345670,"l":6012345672,"T":1765100000120,"m":false}}',
    );
    expect(m).toEqual({
      type: 'tick',
      stream: 'btcusdt@aggTrade',
      kind: 'aggTrade',
      tick: { symbol: 'BTCUSDT', id: 2712345678, ts: 1765100000120, price: 97012.5, qty: 0.012, isBuyerMaker: false },
    });
  });

  test('markPriceUpdate: mark p, index i, rate r (negative too), next funding time T; E is the event time', () => {
    const text =
      '{"stream":"1000pepeusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1765100001000,"s":"1000PEPEUSDT","p":"0.01052310","i":"0.01051980","P":"0.01052100","r":"-0.00003512","T":1765123200000}}';
    expect(parseStreamMessage(text)).toEqual({
      type: 'mark',
      mark: { symbol: '1000PEPEUSDT', eventTime: 1765100001000, mark: 0.0105231, index: 0.0105198, rate: -0.00003512, nextFundingTime: 1765123200000 },
    });
  });

  test.each([
    ['a mark that is not a number', '"p":"abc"', 'invalid-markPrice'],
    ['a symbol with the .P (Binance never writes it)', '"s":"BTCUSDT.P"', 'invalid-markPrice'],
    ['no next funding time', '"T":null', 'invalid-markPrice'],
  ])('%s (%s) is rejected as %s', (_what, field, kind) => {
    const base = { e: 'markPriceUpdate', E: 1765100001000, s: 'BTCUSDT', p: '97012.5', i: '97000.1', P: '97010', r: '0.0001', T: 1765123200000 };
    const [k, v] = field.split(':') as [string, string];
    const data = { ...base, [JSON.parse(k) as string]: JSON.parse(v) as unknown };
    expect(parseStreamMessage(JSON.stringify({ stream: 'btcusdt@markPrice@1s', data }))).toMatchObject({ type: 'rejected', kind });
  });
});
