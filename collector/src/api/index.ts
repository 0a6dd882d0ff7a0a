/** The query API: `createApi(deps)` gives the express app, `attachLive(server, app)` the WebSocket push. */
export { createApi, type Api } from './app';
export type { ApiDeps } from './deps';
export { attachLive, type LivePush } from './live/push';
