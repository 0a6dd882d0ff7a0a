/**
 * The human summary the offline commands (analyze, backtest, scan) print on a terminal: a table of
 * the key figures of the JSON they print to a pipe. Every number is the JSON's, rounded to
 * FIGURE_DIGITS significant digits (integers in full), so a person can check one against the other:
 *
 *   figure(-9.997452597463617) // => '-9.99745'
 *   figure(1.2e-7)             // => '1.2e-7'
 *   figure(null)               // => '-'
 *   keyValueTable([['beta', 1.5], ['signal', 'LONG']])
 *   // => 'beta    1.5\nsignal  LONG\n'
 */

/** Significant digits of a non-integer in a summary table. */
const FIGURE_DIGITS = 6;

/** The last line of a summary: where the full output is. */
export const JSON_HINT = '(a summary: --json prints the full JSON, as a pipe gets it)';

/** A JSON value as a table cell: numbers to FIGURE_DIGITS significant digits, null as `-`. */
export function figure(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(FIGURE_DIGITS)));
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** Label / value lines, values aligned in one column. */
export function keyValueTable(rows: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${figure(v)}`.trimEnd() + '\n').join('');
}

/** A table with a header row; numeric columns (every cell a number or null) are right-aligned. */
export function columnTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map(figure));
  const numeric = header.map((_, j) => rows.every((r) => r[j] === null || r[j] === undefined || typeof r[j] === 'number'));
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd() + '\n';
  return line(header) + cells.map(line).join('');
}

/** A statistic that may be `{error}` in the JSON: its field, or `-` with the reason. */
export function field(stat: unknown, key: string): unknown {
  const o = stat as Record<string, unknown> | null | undefined;
  if (o && typeof o.error === 'string') return `- (${o.error})`;
  return o?.[key];
}
