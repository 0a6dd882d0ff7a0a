/**
 * Data frames in Grafana's JSON form, as grafana-plugin-sdk-go data/frame_json.go writes them
 * (what /api/ds/query answers and what a Live StreamPacket carries):
 * `{"schema":{name,refId,meta,fields:[{name,type,typeInfo:{frame,nullable},labels,config}]},
 *   "data":{"values":[[...],...],"entities":[...],"nanos":[...]}}`.
 * - time values are epoch milliseconds; sub-millisecond rest goes to `data.nanos`;
 * - NaN / +Inf / -Inf are written as null and listed in `data.entities`;
 * - int64 / uint64 keep every digit (the text is written by hand, JSON.stringify has no bigint);
 * - float32 values are written with the fewest digits that read back to the same float32.
 */
import { FieldValue, Frame, goType, grafanaType } from './frame';

export type FrameJsonInclude = 'all' | 'schema' | 'data';

interface Entities {
  NaN?: number[];
  Inf?: number[];
  NegInf?: number[];
}

/** Shortest decimal that parses back to the same float32 (Go's strconv.FormatFloat(v, 'g', -1, 32)). */
function float32Text(v: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

function ms(v: number | bigint): { ms: string; nanos: number } {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return { ms: String(v), nanos: 0 };
    const us = Math.round(v * 1000);
    const whole = Math.floor(us / 1000);
    return { ms: String(whole), nanos: (us - whole * 1000) * 1000 };
  }
  let whole = v / 1_000_000n;
  let rest = v % 1_000_000n;
  if (rest < 0n) {
    whole -= 1n;
    rest += 1_000_000n;
  }
  return { ms: whole.toString(), nanos: Number(rest) };
}

function schemaJson(frame: Frame): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  if (frame.name) schema.name = frame.name;
  if (frame.refId) schema.refId = frame.refId;
  if (frame.meta !== undefined) schema.meta = frame.meta;
  schema.fields = frame.fields.map((f) => {
    const out: Record<string, unknown> = {
      name: f.name,
      type: grafanaType(f.type),
      typeInfo: f.nullable ? { frame: goType(f.type), nullable: true } : { frame: goType(f.type) },
    };
    if (f.labels && Object.keys(f.labels).length > 0) out.labels = f.labels;
    if (f.config !== undefined) out.config = f.config;
    return out;
  });
  return schema;
}

function dataJson(frame: Frame): string {
  const values: string[] = [];
  const entities: Array<Entities | null> = [];
  const nanos: Array<number[] | null> = [];
  let anyEntity = false;
  let anyNanos = false;
  for (const f of frame.fields) {
    const parts: string[] = new Array(f.values.length);
    let ent: Entities | null = null;
    let fieldNanos: number[] | null = null;
    const vs = f.values;
    for (let i = 0; i < vs.length; i++) {
      const v: FieldValue = vs[i];
      if (v === null || v === undefined) {
        parts[i] = 'null';
        continue;
      }
      switch (f.type) {
        case 'time': {
          const t = ms(v as number | bigint);
          parts[i] = t.ms;
          if (t.nanos !== 0 && fieldNanos === null) fieldNanos = new Array<number>(vs.length).fill(0);
          if (fieldNanos) fieldNanos[i] = t.nanos;
          break;
        }
        case 'float64':
        case 'float32': {
          const x = v as number;
          if (Number.isFinite(x)) {
            parts[i] = f.type === 'float32' ? float32Text(x) : String(x);
          } else {
            parts[i] = 'null';
            ent ??= {};
            const key: keyof Entities = Number.isNaN(x) ? 'NaN' : x > 0 ? 'Inf' : 'NegInf';
            (ent[key] ??= []).push(i);
          }
          break;
        }
        case 'int64':
        case 'uint64':
          parts[i] = typeof v === 'bigint' ? v.toString() : String(v);
          break;
        default:
          parts[i] = JSON.stringify(v);
      }
    }
    if (fieldNanos) {
      // Values before the first sub-ms one were pushed as 0 by the fill; keep them.
      anyNanos = true;
    }
    if (ent) anyEntity = true;
    values.push(`[${parts.join(',')}]`);
    entities.push(ent);
    nanos.push(fieldNanos);
  }
  let out = `{"values":[${values.join(',')}]`;
  if (anyEntity) out += `,"entities":${JSON.stringify(entities)}`;
  if (anyNanos) out += `,"nanos":${JSON.stringify(nanos)}`;
  return out + '}';
}

/** The frame as Grafana's frame JSON text. */
export function frameToJSON(frame: Frame, include: FrameJsonInclude = 'all'): string {
  const parts: string[] = [];
  if (include !== 'data') parts.push(`"schema":${JSON.stringify(schemaJson(frame))}`);
  if (include !== 'schema') parts.push(`"data":${dataJson(frame)}`);
  return `{${parts.join(',')}}`;
}
