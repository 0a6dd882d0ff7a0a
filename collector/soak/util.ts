/** Small helpers shared by the soak parts: waiting, progress lines, temp directories. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { pause, until, waitFor } from '@quant-pairs/testkit';

/** Progress lines on stderr (the report goes to stdout); silent when SOAK_QUIET is set (tests). */
export function progress(part: string, msg: string): void {
  if (process.env.SOAK_QUIET) return;
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${part}: ${msg}\n`);
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `soak-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Symbols for the fake Binance: the first is the hedge leg (see src/fake-binance/generator.ts). */
export function symbolNames(n: number): string[] {
  const known = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT'];
  const extra = [
    'ADA',
    'DOGE',
    'TRX',
    'LINK',
    'AVAX',
    'DOT',
    'LTC',
    'BCH',
    'ATOM',
    'UNI',
    'XLM',
    'ETC',
    'FIL',
    'APT',
    'ARB',
    'OP',
    'NEAR',
    'SUI',
    'ICP',
    'AAVE',
  ];
  const out = known.slice(0, n);
  for (let i = 0; out.length < n; i++) out.push(`${extra[i]}USDT`);
  return out;
}

/** Pairs y/x over `symbols`: (s1/s0), (s3/s2), ... so every symbol is in exactly one pair when n is even. */
export function pairsOf(symbols: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i += 2) {
    const x = symbols[i % symbols.length]!;
    const y = symbols[(i + 1) % symbols.length]!;
    out.push(`${y}/${x}`);
  }
  return out;
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
