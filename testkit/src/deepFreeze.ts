/**
 * Freezes an object and everything reachable from it, so that any mutation throws in strict mode
 * (tests are modules: strict): editors and migrations are shown never to change what they were given.
 * @example deepFreeze({ a: [1] }).a.push(2); // throws TypeError
 */
export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}
