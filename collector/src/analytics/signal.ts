import type { Signal } from '../domain';

/**
 * Trading signal from the z-score of the spread.
 *
 * Without an exit band (`exitZ` null): LONG the spread when z < -entryZ, SHORT when
 * z > entryZ, else NEUTRAL (strict inequalities, as the oracle's `signal`).
 *
 * With an exit band (hysteresis, 0 <= exitZ < entryZ): entries are the same, but a LONG is held
 * while z <= -exitZ and a SHORT while z >= exitZ, i.e. the signal goes back to NEUTRAL only once
 * |z| < exitZ (or z overshoots to the other side of the band). A null z (warm-up, a gap, a
 * constant window) gives null and forgets the position: there is nothing to hold it on.
 *
 * @example
 * nextSignal('NEUTRAL', -2.5, 2, null); // => 'LONG'
 * nextSignal('LONG', -1.0, 2, 0.5);     // => 'LONG' (still outside the exit band)
 * nextSignal('LONG', -0.3, 2, 0.5);     // => 'NEUTRAL'
 * nextSignal('LONG', -1.0, 2, null);    // => 'NEUTRAL' (no hysteresis)
 */
export function nextSignal(prev: Signal | null, z: number | null, entryZ: number, exitZ: number | null): Signal | null {
  if (z === null) return null;
  if (z > entryZ) return 'SHORT';
  if (z < -entryZ) return 'LONG';
  if (exitZ === null) return 'NEUTRAL';
  if (prev === 'LONG' && z <= -exitZ) return 'LONG';
  if (prev === 'SHORT' && z >= exitZ) return 'SHORT';
  return 'NEUTRAL';
}

/** Checks entry/exit thresholds; returns what is wrong, or null. */
export function signalRuleProblem(entryZ: number, exitZ: number | null): string | null {
  if (!Number.isFinite(entryZ) || entryZ <= 0) return `entryZ must be a positive number, got ${entryZ}`;
  if (exitZ !== null && (!Number.isFinite(exitZ) || exitZ < 0 || exitZ >= entryZ)) {
    return `exitZ must be a number with 0 <= exitZ < entryZ (${entryZ}), got ${exitZ}`;
  }
  return null;
}
