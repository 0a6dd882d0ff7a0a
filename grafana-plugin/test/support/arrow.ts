/**
 * Arrow for the tests and the Grafana emulator, beside the backend's own writer
 * (backend/src/frame/arrow.ts, which only encodes):
 * - frameToArrowReference: the same IPC file through apache-arrow's RecordBatchFileWriter, the
 *   reference the hand-written writer (backend/src/frame/ipc.ts) is compared with;
 * - arrowToFrame: decodes an IPC file into a frame, as Grafana's Go SDK reads what a plugin
 *   returns (the emulator turns QueryData answers into Grafana's JSON with it).
 */
import {
  Bool,
  Data,
  DataType,
  Field as ArrowField,
  Float32,
  Float64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampNanosecond,
  Type,
  Utf8,
  tableFromIPC,
  tableToIPC,
} from 'apache-arrow';
import { arrowType, fieldMetadata } from '../../backend/src/frame/arrow';
import type { Field, FieldType, FieldValue, Frame } from '../../backend/src/frame/frame';

const ARROW_MAGIC = 'ARROW1';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const TYPED: Partial<Record<FieldType, new (n: number) => ArrayLike<number | bigint> & { [i: number]: number | bigint }>> = {
  float64: Float64Array,
  float32: Float32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  enum: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  time: BigInt64Array,
};

/** Epoch ms (number, fractions to the microsecond) or epoch ns (bigint) -> epoch ns. */
export function toEpochNs(v: number | bigint): bigint {
  if (typeof v === 'bigint') return v;
  if (Number.isInteger(v)) return BigInt(v) * 1_000_000n;
  return BigInt(Math.round(v * 1000)) * 1000n;
}

function fail(field: Field, row: number, what: string): never {
  throw new Error(`field ${JSON.stringify(field.name)} row ${row}: ${what}`);
}

function fieldData(field: Field, type: DataType): Data {
  const n = field.values.length;
  const values = field.values;
  let nullBitmap: Uint8Array | undefined;
  let nullCount = 0;
  const markValid = (i: number): void => {
    if (nullBitmap) nullBitmap[i >> 3]! |= 1 << (i & 7);
  };
  // Only allocate a bitmap when a null is present (an absent bitmap means "all valid").
  for (let i = 0; i < n; i++) {
    if (values[i] === null || values[i] === undefined) {
      if (!field.nullable) fail(field, i, 'null in a field that is not nullable');
      nullCount++;
    }
  }
  if (nullCount > 0) nullBitmap = new Uint8Array((n + 7) >> 3);

  const Ctor = TYPED[field.type];
  if (Ctor) {
    const out = new Ctor(n);
    const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      markValid(i);
      if (field.type === 'time') {
        if (typeof v !== 'number' && typeof v !== 'bigint') fail(field, i, `time ${String(v)} is not a number`);
        out[i] = toEpochNs(v);
      } else if (big) {
        if (typeof v === 'bigint') out[i] = v;
        else if (typeof v === 'number' && Number.isInteger(v)) out[i] = BigInt(v);
        else fail(field, i, `${String(v)} is not an integer`);
      } else {
        if (typeof v !== 'number') fail(field, i, `${String(v)} is not a number`);
        out[i] = v;
      }
    }
    return makeData({ type, length: n, nullCount, nullBitmap, data: out as never } as never);
  }
  if (field.type === 'bool') {
    const bits = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      markValid(i);
      if (typeof v !== 'boolean') fail(field, i, `${String(v)} is not a boolean`);
      if (v) bits[i >> 3]! |= 1 << (i & 7);
    }
    return makeData({ type: type as Bool, length: n, nullCount, nullBitmap, data: bits });
  }
  // string (Utf8) and json (Binary): offsets + bytes.
  const chunks: Uint8Array[] = new Array(n);
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      chunks[i] = new Uint8Array(0);
    } else {
      markValid(i);
      if (field.type === 'string') {
        if (typeof v !== 'string') fail(field, i, `${String(v)} is not a string`);
        chunks[i] = encoder.encode(v);
      } else {
        chunks[i] = encoder.encode(JSON.stringify(v));
      }
    }
    total += chunks[i]!.length;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) bytes.set(chunks[i]!, offsets[i]!);
  return makeData({ type: type as Utf8, length: n, nullCount, nullBitmap, valueOffsets: offsets, data: bytes });
}

/** The same file through apache-arrow's own writer (RecordBatchFileWriter): the reference for tests. */
export function frameToArrowReference(frame: Frame): Uint8Array {
  const n = frame.fields.length === 0 ? 0 : frame.fields[0]!.values.length;
  const arrowFields: ArrowField[] = [];
  const children: Data[] = [];
  for (const f of frame.fields) {
    const type = arrowType(f.type);
    arrowFields.push(new ArrowField(f.name, type, f.nullable === true, fieldMetadata(f)));
    children.push(fieldData(f, type));
  }
  const md = new Map<string, string>();
  if (frame.meta !== undefined) md.set('meta', JSON.stringify(frame.meta));
  md.set('name', frame.name ?? '');
  md.set('refId', frame.refId ?? '');
  const schema = new Schema(arrowFields, md);
  const struct = makeData({ type: new Struct(arrowFields), length: n, nullCount: 0, children });
  return tableToIPC(new Table(schema, [new RecordBatch(schema, struct)]), 'file');
}

function fieldTypeOf(f: ArrowField): FieldType {
  const tstype = f.metadata.get('tstype');
  const t = f.type as DataType;
  switch (t.typeId) {
    case Type.Timestamp:
      return 'time';
    case Type.Utf8:
      return 'string';
    case Type.Bool:
      return 'bool';
    case Type.Binary:
      return 'json';
    case Type.Float:
      return (t as Float32 | Float64).precision === 1 ? 'float32' : 'float64';
    case Type.Int: {
      const it = t as unknown as { bitWidth: number; isSigned: boolean };
      if (it.bitWidth === 16 && !it.isSigned && tstype === 'enum') return 'enum';
      return `${it.isSigned ? 'int' : 'uint'}${it.bitWidth}` as FieldType;
    }
    default:
      throw new Error(`field ${JSON.stringify(f.name)}: Arrow type ${String(t)} is not a Grafana field type`);
  }
}

const TIME_UNIT_NS = [1_000_000_000n, 1_000_000n, 1_000n, 1n]; // SECOND, MILLISECOND, MICROSECOND, NANOSECOND

function readValues(type: FieldType, arrowType: DataType, datas: readonly Data[]): FieldValue[] {
  const out: FieldValue[] = [];
  for (const d of datas) {
    const valid = (i: number): boolean => {
      if (!d.nullBitmap || d.nullBitmap.length === 0 || d.nullCount === 0) return true;
      const j = d.offset + i;
      return ((d.nullBitmap[j >> 3]! >> (j & 7)) & 1) === 1;
    };
    for (let i = 0; i < d.length; i++) {
      if (!valid(i)) {
        out.push(null);
        continue;
      }
      const j = d.offset + i;
      switch (type) {
        case 'time': {
          const raw = (d.values as unknown as BigInt64Array)[j]!;
          out.push(raw * TIME_UNIT_NS[(arrowType as TimestampNanosecond).unit]!);
          break;
        }
        case 'bool':
          out.push((((d.values as Uint8Array)[j >> 3]! >> (j & 7)) & 1) === 1);
          break;
        case 'string':
        case 'json': {
          const o = d.valueOffsets as Int32Array;
          const text = decoder.decode((d.values as Uint8Array).subarray(o[j]!, o[j + 1]!));
          out.push(type === 'string' ? text : (JSON.parse(text) as unknown));
          break;
        }
        default:
          out.push((d.values as unknown as ArrayLike<number | bigint>)[j]!);
      }
    }
  }
  return out;
}

function parseJsonMd(md: Map<string, string>, key: string): unknown {
  const s = md.get(key);
  if (s === undefined || s === '') return undefined;
  return JSON.parse(s) as unknown;
}

/** Decodes one Arrow IPC file into a frame. Throws when it is not an Arrow file. */
export function arrowToFrame(bytes: Uint8Array): Frame {
  if (bytes.length < 12 || decoder.decode(bytes.subarray(0, 6)) !== ARROW_MAGIC) {
    throw new Error('not an Arrow IPC file (no ARROW1 magic)');
  }
  const table = tableFromIPC(bytes);
  const md = table.schema.metadata;
  const frame: Frame = { fields: [] };
  const name = md.get('name');
  if (name) frame.name = name;
  const refId = md.get('refId');
  if (refId) frame.refId = refId;
  const meta = parseJsonMd(md, 'meta');
  if (meta !== undefined && meta !== null) frame.meta = meta as Frame['meta'];
  table.schema.fields.forEach((af, idx) => {
    const type = fieldTypeOf(af);
    const vector = table.getChildAt(idx);
    const field: Field = {
      name: af.metadata.get('name') ?? af.name,
      type,
      values: readValues(type, af.type as DataType, vector ? vector.data : []),
    };
    if (af.nullable) field.nullable = true;
    const labels = parseJsonMd(af.metadata, 'labels');
    if (labels) field.labels = labels as Record<string, string>;
    const config = parseJsonMd(af.metadata, 'config');
    if (config) field.config = config as Field['config'];
    frame.fields.push(field);
  });
  return frame;
}
