/**
 * Data frames -> Arrow IPC files, as grafana-plugin-sdk-go data/arrow.go writes them (the bytes
 * come from ipc.ts; decoding, for the tests and the emulator, is in test/support/arrow.ts):
 * - one IPC **file** (magic `ARROW1`) holding one record batch;
 * - schema metadata `name`, `refId`, and `meta` (FrameMeta JSON) when set;
 * - field metadata `tstype` (Grafana's type name), `labels` and `config` (JSON) when set;
 * - time is Timestamp(NANOSECOND) without a zone; strings are plain Utf8, never Dictionary or a
 *   view type; JSON is Binary with tstype `other`; enum is Uint16 with tstype `enum`;
 * - nulls come from the validity bitmap of fields marked nullable.
 */
import {
  DataType,
  Field as ArrowField,
  Binary,
  Bool,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Schema,
  TimestampNanosecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from 'apache-arrow';
import { Field, FieldType, Frame, grafanaType } from './frame';
import { writeIpcFile } from './ipc';

/** The Arrow type of a Grafana field type. */
export function arrowType(t: FieldType): DataType {
  switch (t) {
    case 'time':
      return new TimestampNanosecond();
    case 'float64':
      return new Float64();
    case 'float32':
      return new Float32();
    case 'int8':
      return new Int8();
    case 'int16':
      return new Int16();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'uint8':
      return new Uint8();
    case 'uint16':
    case 'enum':
      return new Uint16();
    case 'uint32':
      return new Uint32();
    case 'uint64':
      return new Uint64();
    case 'bool':
      return new Bool();
    case 'string':
      return new Utf8();
    case 'json':
      return new Binary();
  }
}

/** The field metadata grafana-plugin-sdk-go writes: config, labels, tstype. */
export function fieldMetadata(field: Field): Map<string, string> {
  const md = new Map<string, string>();
  if (field.config !== undefined) md.set('config', JSON.stringify(field.config));
  if (field.labels && Object.keys(field.labels).length > 0) md.set('labels', JSON.stringify(field.labels));
  md.set('tstype', grafanaType(field.type));
  return md;
}

/** Encodes a frame as one Arrow IPC file (ipc.ts). Throws when a value does not fit its field. */
export function frameToArrow(frame: Frame): Uint8Array {
  const n = frame.fields.length === 0 ? 0 : frame.fields[0]!.values.length;
  const arrowFields: ArrowField[] = [];
  for (const f of frame.fields) {
    if (f.values.length !== n) throw new Error(`field ${JSON.stringify(f.name)} has ${f.values.length} values, the frame has ${n} rows`);
    arrowFields.push(new ArrowField(f.name, arrowType(f.type), f.nullable === true, fieldMetadata(f)));
  }
  const md = new Map<string, string>();
  if (frame.meta !== undefined) md.set('meta', JSON.stringify(frame.meta));
  md.set('name', frame.name ?? '');
  md.set('refId', frame.refId ?? '');
  return writeIpcFile(new Schema(arrowFields, md), frame.fields, n);
}
