export { LiveAnalytics, DEFAULT_STATS_SAMPLE, type LiveUpdate } from './liveAnalytics';
