/**
 * Grafana's data frame as this backend builds and reads it: a name, the refId, optional meta
 * (FrameMeta) and columns of one type each. It mirrors grafana-plugin-sdk-go `data.Frame`
 * closely enough that `arrow.ts` can write what the Go SDK writes (data/arrow.go) and
 * `json.ts` can write what Grafana sends to browsers (data/frame_json.go).
 *
 * Values by field type:
 * - `time`: epoch milliseconds as a number (fractions keep microseconds, as collector times do)
 *   or epoch nanoseconds as a bigint (exact; what the decoder returns).
 * - `int64` / `uint64`: number (safe integers) or bigint; the decoder returns bigint.
 * - other number types: number (NaN, ±Infinity allowed in float fields).
 * - `string`: string; `bool`: boolean; `json`: any JSON value; `enum`: uint16 index into
 *   `config.type.enum.text`.
 * `null` is allowed only in a field with `nullable: true`.
 */
export type FieldType =
  'time' | 'float64' | 'float32' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool' | 'string' | 'json' | 'enum';

export type FieldValue = number | bigint | string | boolean | null | unknown;

/** A subset of Grafana's FieldConfig; anything else it accepts may be added. */
export interface FieldConfig {
  displayName?: string;
  displayNameFromDS?: string;
  description?: string;
  unit?: string;
  decimals?: number;
  min?: number | null;
  max?: number | null;
  interval?: number;
  thresholds?: { mode: 'absolute' | 'percentage'; steps: Array<{ value: number | null; color: string }> };
  mappings?: unknown[];
  color?: { mode: string; fixedColor?: string };
  custom?: Record<string, unknown>;
  noValue?: string;
  [key: string]: unknown;
}

export interface Field {
  name: string;
  type: FieldType;
  nullable?: boolean;
  labels?: Record<string, string>;
  config?: FieldConfig;
  values: readonly FieldValue[];
}

export interface Notice {
  severity: 'info' | 'warning' | 'error';
  text: string;
}

export interface FrameMeta {
  type?: string;
  typeVersion?: [number, number];
  channel?: string;
  executedQueryString?: string;
  notices?: Notice[];
  preferredVisualisationType?: string;
  custom?: unknown;
  [key: string]: unknown;
}

export interface Frame {
  name?: string;
  refId?: string;
  meta?: FrameMeta;
  fields: Field[];
}

/** Grafana's field type names (`tstype` in Arrow metadata, `type` in frame JSON). */
export function grafanaType(t: FieldType): 'time' | 'number' | 'string' | 'boolean' | 'other' | 'enum' {
  switch (t) {
    case 'time':
      return 'time';
    case 'string':
      return 'string';
    case 'bool':
      return 'boolean';
    case 'json':
      return 'other';
    case 'enum':
      return 'enum';
    default:
      return 'number';
  }
}

/** The Go type name Grafana puts in `typeInfo.frame` (data/field_type.go ItemTypeString). */
export function goType(t: FieldType): string {
  switch (t) {
    case 'time':
      return 'time.Time';
    case 'json':
      return 'json.RawMessage';
    default:
      return t;
  }
}
