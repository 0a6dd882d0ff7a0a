/**
 * The collector's memory in the soak: what it still holds after a full garbage collection (V8
 * heap in use + Buffers), read through Node's inspector (@quant-pairs/testkit), the measure the
 * plugin's gRPC fuzz judges by. Not the resident size: in one soak RSS went 104 -> 172 MB while
 * the heap in use swung 28 .. 74 MB and came back, which says when V8 last collected and what the
 * allocator kept, not what is still referenced.
 *
 * `--plant-leak` (npm run soak) starts the collector with plant-leak.cjs preloaded: it keeps
 * LEAK_BYTES_PER_REQUEST for every HTTP request, so that the check can be seen to fail.
 */
import { join } from 'node:path';
import { INSPECT_ENV, openInspector, type Inspector } from '@quant-pairs/testkit';
import type { CollectorProcess } from './collector-process';

/** Retained growth from the first sample (after warm-up) to the last that counts as a leak, MB. */
export const LEAK_MB = 8;

/** What plant-leak.cjs keeps per request (its KEEP), so that a report can say what was planted. */
export const LEAK_BYTES_PER_REQUEST = 32 << 10;

/**
 * The collector's environment for a measured run: the inspector on an ephemeral loopback port,
 * and with `plantLeak` the preload that keeps 32 KB per request.
 */
export function memoryEnv(plantLeak: boolean): Record<string, string> {
  const options = [INSPECT_ENV.NODE_OPTIONS, ...(plantLeak ? ['--require', join(__dirname, 'plant-leak.cjs')] : [])];
  return { NODE_OPTIONS: options.join(' ') };
}

/** The inspector of a collector started with memoryEnv (its URL is in the process's stderr). */
export function inspect(c: CollectorProcess): Promise<Inspector> {
  return openInspector(() => c.rawOutput);
}

/**
 * No leak: the memory retained after the last batch is within LEAK_MB of the one after the first
 * (the first batch pays for warm-up: compiled code, caches), and there are at least 3 samples (a
 * run that measured nothing does not pass).
 */
export function noLeak(retainedMb: readonly number[]): boolean {
  return retainedMb.length >= 3 && retainedMb.every(Number.isFinite) && retainedMb[retainedMb.length - 1]! - retainedMb[0]! < LEAK_MB;
}
