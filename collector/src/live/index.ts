export { LiveAnalytics, DEFAULT_STATS_SAMPLE, type LiveLatest, type LiveOptions, type LiveUpdate, type StatOrError } from './liveAnalytics';
