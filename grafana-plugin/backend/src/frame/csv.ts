/**
 * A frame as CSV (RFC 4180): one column a field, named by the field; a time field as two
 * columns, ISO 8601 UTC and epoch ms (as the collector's own CSV export writes `time, time_ms`);
 * numbers as JavaScript writes a double (the shortest text that reads back as the same double:
 * 1.2e-7 stays 1.2e-7); a coded field with value mappings (signal, paper position: 1 / 0 / -1) as
 * its words (LONG / NEUTRAL / SHORT); null as an empty cell.
 */
import type { Field, FieldValue, Frame } from './frame';

/** Quotes a cell that holds a comma, a quote or a line break (doubling its quotes). */
function cell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The words of a field's value mappings (`{ type: 'value', options: { '1': { text: 'LONG' } } }`), if any. */
function wordsOf(field: Field): Map<string, string> | undefined {
  const mappings = field.config?.mappings as Array<{ type?: string; options?: Record<string, { text?: string }> }> | undefined;
  const value = mappings?.find((m) => m.type === 'value' && m.options);
  if (!value) return undefined;
  return new Map(Object.entries(value.options!).flatMap(([k, v]) => (typeof v.text === 'string' ? [[k, v.text] as [string, string]] : [])));
}

function msOf(v: FieldValue): number | null {
  if (typeof v === 'bigint') return Number(v / 1_000_000n);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function text(v: FieldValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v as string | number | bigint | boolean);
}

export function frameToCsv(frame: Frame): string {
  const header: string[] = [];
  const columns: Array<(row: number) => string> = [];
  for (const f of frame.fields) {
    if (f.type === 'time') {
      header.push(f.name, `${f.name}_ms`);
      columns.push((r) => {
        const ms = msOf(f.values[r]);
        return ms === null ? '' : new Date(ms).toISOString();
      });
      columns.push((r) => {
        const ms = msOf(f.values[r]);
        return ms === null ? '' : String(ms);
      });
      continue;
    }
    header.push(f.name);
    const words = wordsOf(f);
    columns.push((r) => {
      const v = f.values[r];
      return cell(words && v !== null && v !== undefined ? (words.get(String(v)) ?? text(v)) : text(v));
    });
  }
  const rows = frame.fields[0]?.values.length ?? 0;
  const lines = [header.map(cell).join(',')];
  for (let r = 0; r < rows; r++) lines.push(columns.map((c) => c(r)).join(','));
  return lines.join('\r\n') + '\r\n';
}
