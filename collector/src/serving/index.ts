/**
 * The read side's public module: what routes, the Live push and main.ts may import. The caches
 * and the computations behind ReadSide stay inside src/serving (test/layering.test.ts).
 */
export { ReadSide, type LivePoint } from './service';
export { STATS_SAMPLE } from './latest';
export type { SeriesResult } from './series';
export type { ServingLimits } from './context';
export type { LiveSource } from './live-source';
export { thinIndices } from './thin';
export { ClientError, badParam } from './errors';
export { carryReport, pairFunding } from './funding';
export { withExpected } from './scanCarry';
