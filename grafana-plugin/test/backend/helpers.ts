import { join } from 'path';
import { tableFromIPC } from 'apache-arrow';

export const PLUGIN_DIR = join(__dirname, '..', '..', 'dist');

/** Decodes an Arrow file with apache-arrow directly (independent of our decoder). */
export function arrowTable(bytes: Uint8Array) {
  return tableFromIPC(bytes);
}

export const HOUR = 3_600_000;
/** A fixed, minute-aligned start for test data: 2025-01-01T00:00:00Z. */
export const T0 = Date.UTC(2025, 0, 1);
