import { join } from 'path';
import { tableFromIPC } from 'apache-arrow';

export const PLUGIN_DIR = join(__dirname, '..', '..', 'dist');

/** Decodes an Arrow file with apache-arrow directly (independent of our decoder). */
export function arrowTable(bytes: Uint8Array) {
  return tableFromIPC(bytes);
}

export const HOUR = 3_600_000;
/**
 * Start of the test data: minute-aligned, two hours before now, so that two hours of data end
 * at about now (the collector's /api/stats looks back from now).
 */
export const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 2 * HOUR;
