/** Freezes an object and everything it reaches, so that a mutation throws (tests are strict mode). */
export const deepFreeze = <T>(o: T): T => {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) for (const v of Object.values(Object.freeze(o))) deepFreeze(v);
  return o;
};
