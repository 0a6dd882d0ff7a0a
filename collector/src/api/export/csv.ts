/**
 * RFC 4180 CSV: comma-separated fields, CRLF line ends, a header row, fields quoted (with
 * doubled quotes) only when they hold a comma, a quote, CR or LF. Numbers are written in
 * JavaScript's shortest round-trip form, so parsing a field with `Number()` gives back the
 * exact stored double; null is an empty field.
 *
 *   csvRow(['a,b', 1.5, null, true]) // => '"a,b",1.5,,true\r\n'
 */
import type { Response } from 'express';

export type Cell = string | number | boolean | null | undefined;

function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvRow(cells: readonly Cell[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += (i ? ',' : '') + csvField(cells[i]);
  return line + '\r\n';
}

/** ISO-8601 UTC with milliseconds, e.g. 2025-01-01T00:00:00.000Z. */
export const iso = (ms: number): string => new Date(Math.floor(ms)).toISOString();

/**
 * Streams rows to `res` with backpressure: lines are gathered into ~64 KiB chunks and, when
 * the socket's buffer is full, the loop waits for `drain`. Stops early (and ends the source
 * iterator, releasing its statement) when the client goes away.
 */
export async function streamCsv<T>(
  res: Response,
  header: readonly string[],
  rows: AsyncIterable<T> | Iterable<T>,
  toCells: (row: T) => readonly Cell[],
): Promise<number> {
  let closed = false;
  const onClose = (): void => {
    closed = true;
  };
  res.on('close', onClose);
  let buf = csvRow(header);
  let n = 0;
  const flush = async (): Promise<void> => {
    const chunk = buf;
    buf = '';
    if (!res.write(chunk) && !closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  };
  try {
    for await (const row of rows) {
      if (closed) break;
      buf += csvRow(toCells(row));
      n++;
      if (buf.length >= 65_536) await flush();
    }
    if (!closed) {
      if (buf) await flush();
      res.end();
    }
  } finally {
    res.off('close', onClose);
  }
  return n;
}
