/** The query API: `createApi(deps)` gives the express app, `attachLive(server, app)` the WebSocket push. */
export { createApi, type Api } from './app';
export type { ApiDeps, ApiLimits } from './deps';
export type { LiveSource, LiveLatest } from './query/live-source';
export { attachLive, LIVE_PATH, type LivePush } from './live/push';
export { serveApi, collectorVersion, type ServedApi } from './serve';
