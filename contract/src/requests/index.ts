/**
 * `@quant-pairs/contract/requests`: the request schemas of the query API (zod), the parameter
 * kinds they are made of, and the OpenAPI document built from them. A separate entry point, so
 * that only what validates requests (the collector) loads zod; the Grafana frontend's bundle
 * does not carry it.
 */
export * from './schemas';
export { MAX_SUBSCRIPTIONS, liveSubscribeMessage } from './live';
export { ROUTES, openApiDocument, type Route } from './openapi';
export { fundingResponse } from './responses/funding';
export { statsResponse } from './responses/analytics';
export { walkForwardResult, sweepVerdictResult, ouThresholdsResult } from './responses/honest';
