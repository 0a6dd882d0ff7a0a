export { LiveAnalytics, DEFAULT_STATS_SAMPLE, warmUpBars, type LiveUpdate } from './liveAnalytics';
export { LiveScanner } from './scanner';
export { UniverseRefresher, type UniverseChange } from './universe';
