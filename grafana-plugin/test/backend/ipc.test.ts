/**
 * The direct Arrow IPC writer (backend/src/frame/ipc.ts) against apache-arrow's own
 * RecordBatchFileWriter (frameToArrowReference): for every field type, with and without nulls,
 * empty and not, both files must read back (with apache-arrow's reader) to the same schema and
 * values. And the BigInt-free ms -> ns conversion against BigInt arithmetic.
 */
import { tableFromIPC } from 'apache-arrow';
import { frameToArrow } from '../../backend/src/frame/arrow';
import { frameToArrowReference, toEpochNs } from '../support/arrow';
import type { Frame } from '../../backend/src/frame/frame';

function readBack(bytes: Uint8Array) {
  const t = tableFromIPC(bytes);
  return {
    schema: t.schema.fields.map((f) => [f.name, String(f.type), f.nullable, Object.fromEntries(f.metadata)]),
    meta: Object.fromEntries(t.schema.metadata),
    rows: t.numRows,
    values: t.schema.fields.map((_, i) => {
      const v = t.getChildAt(i)!;
      return Array.from({ length: v.length }, (_, k) => {
        if (!v.isValid(k)) return null;
        const d = v.data[0]!;
        const x = v.get(k);
        // timestamps: compare the raw int64 (get() gives ms as a double)
        return String(v.type) === 'Timestamp<NANOSECOND>' ? (d.values as BigInt64Array)[k] : x instanceof Uint8Array ? Buffer.from(x).toString() : x;
      });
    }),
  };
}

function sample(n: number, withNulls: boolean): Frame {
  const pick = <T>(i: number, v: T): T | null => (withNulls && i % 3 === 1 ? null : v);
  const idx = Array.from({ length: n }, (_, i) => i);
  return {
    name: 'sample',
    refId: 'Q',
    meta: { type: 'timeseries-wide', typeVersion: [0, 1] },
    fields: [
      { name: 'time', type: 'time', values: idx.map((i) => 1_735_689_600_000 + i * 1000 + (i % 2 ? 0.5 : 0)), config: { interval: 1000 } },
      { name: 'tns', type: 'time', nullable: true, values: idx.map((i) => pick(i, 1_735_689_600_000_123_456n + BigInt(i))) },
      { name: 'f64', type: 'float64', nullable: true, labels: { a: 'b' }, values: idx.map((i) => pick(i, i * 1.5 - 7)) },
      { name: 'f32', type: 'float32', nullable: true, values: idx.map((i) => pick(i, Math.fround(i / 3))) },
      { name: 'i8', type: 'int8', nullable: true, values: idx.map((i) => pick(i, (i % 200) - 100)) },
      { name: 'i16', type: 'int16', values: idx.map((i) => -i) },
      { name: 'i32', type: 'int32', nullable: true, values: idx.map((i) => pick(i, i * 1000)) },
      { name: 'i64', type: 'int64', nullable: true, values: idx.map((i) => pick(i, i % 2 ? BigInt(i) * -10_000_000_000n : i)) },
      { name: 'u8', type: 'uint8', values: idx.map((i) => i % 256) },
      { name: 'u16', type: 'uint16', nullable: true, values: idx.map((i) => pick(i, i)) },
      { name: 'u32', type: 'uint32', values: idx.map((i) => i * 7) },
      { name: 'u64', type: 'uint64', nullable: true, values: idx.map((i) => pick(i, 18_446_744_073_709_551_615n - BigInt(i))) },
      { name: 'b', type: 'bool', nullable: true, values: idx.map((i) => pick(i, i % 2 === 0)) },
      { name: 's', type: 'string', nullable: true, config: { unit: 'x' }, values: idx.map((i) => pick(i, `v${i} ❤️`)) },
      { name: 'j', type: 'json', nullable: true, values: idx.map((i) => pick(i, { i, a: [i] })) },
      { name: 'e', type: 'enum', values: idx.map((i) => i % 4) },
    ],
  };
}

describe('direct Arrow IPC writer', () => {
  it.each([
    [0, false],
    [1, false],
    [5, true],
    [1000, true],
    [1000, false],
  ])("%i rows (nulls: %s) read back like apache-arrow's own writer", (n, nulls) => {
    const frame = sample(n, nulls);
    const ours = frameToArrow(frame);
    expect(Buffer.from(ours.subarray(0, 6)).toString()).toBe('ARROW1');
    const a = readBack(ours);
    const b = readBack(frameToArrowReference(frame));
    expect(a.schema).toEqual(b.schema);
    expect(a.meta).toEqual(b.meta);
    expect(a.rows).toBe(n);
    expect(a.values).toEqual(b.values);
  });

  it('refuses a null in a field that is not nullable, and a value of the wrong type', () => {
    expect(() => frameToArrow({ fields: [{ name: 'v', type: 'float64', values: [1, null] }] })).toThrow(
      /field "v" row 1: null in a field that is not nullable/,
    );
    expect(() => frameToArrow({ fields: [{ name: 't', type: 'time', values: [null] }] })).toThrow(/not nullable/);
    expect(() => frameToArrow({ fields: [{ name: 's', type: 'string', values: [3] }] })).toThrow(/row 0: 3 is not a string/);
    expect(() =>
      frameToArrow({
        fields: [
          { name: 'v', type: 'float64', values: [1] },
          { name: 'w', type: 'float64', values: [] },
        ],
      }),
    ).toThrow(/has 0 values, the frame has 1 rows/);
  });

  it('converts epoch ms to ns without BigInt exactly as BigInt arithmetic does', () => {
    // slow reference: BigInt(ms) * 10^6, or microseconds * 1000 for fractional ms
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const ms: number[] = [0, 1, 16_777_215, 16_777_216, 1_735_689_600_000, 4_102_444_800_000, 8_999_999_999_999, 1_735_689_600_000.5, 1_735_689_600_123.457];
    for (let i = 0; i < 5000; i++) ms.push(Math.floor(rnd() * 9e12), Math.floor(rnd() * 9e12) + Math.round(rnd() * 1000) / 1000);
    const frame: Frame = { fields: [{ name: 'time', type: 'time', values: ms }] };
    const t = tableFromIPC(frameToArrow(frame));
    const got = Array.from(t.getChildAt(0)!.data[0]!.values as BigInt64Array);
    expect(got).toEqual(ms.map((v) => toEpochNs(v)));
  });
});

describe('float64 at every price level (issue 22): Arrow carries each double exactly', () => {
  it('prices 1.2e-7 .. 1e6, quantities of 1e8 coins, p-values near 1e-30 and spreads near 1e-20 read back bit for bit', () => {
    // Binance's decimal strings at the ends of a real universe, and the analytics' smallest numbers
    const values = [
      0.00000012,
      0.00000123,
      0.00002201,
      0.35123,
      3400.01,
      97012.34,
      999999.99,
      1_000_000.01,
      98_765_432,
      1.2e-30,
      -3.4e-20,
      5e-324,
      Number.MAX_VALUE,
    ];
    const frame: Frame = {
      name: 'scales',
      refId: 'A',
      fields: [
        { name: 'time', type: 'time', values: values.map((_, i) => 1_735_689_600_000 + i * 1000) },
        { name: 'price', type: 'float64', values },
      ],
    };
    const back = tableFromIPC(frameToArrow(frame)).getChild('price')!;
    const got = Array.from({ length: back.length }, (_, i) => back.get(i) as number);
    expect(got).toEqual(values); // the same doubles, to the last bit
  });
});
