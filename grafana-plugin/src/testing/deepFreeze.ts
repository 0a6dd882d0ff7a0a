/** Freezes an object and everything reachable from it, so any mutation throws in strict mode. */
export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) {
      deepFreeze(v);
    }
  }
  return o;
}
