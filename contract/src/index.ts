/**
 * @quant-pairs/contract: the one description of the collector's query API and of the Grafana
 * data source's query model. The collector, the plugin's frontend and backend, and
 * provisioning import it by name; nothing here imports from them.
 *
 * - constants.ts  symbol pattern, timeframes, window bounds, page sizes, default thresholds
 * - json.ts       JSON input that names an out-of-range number as written (`1e999`)
 * - instrument.ts which market a symbol names: spot `BTCUSDT`, USD-M perpetual `BTCUSDT.P`
 * - pair.ts       `Y/X` pairs
 * - api.ts        response bodies of every endpoint, and the parameters a client sends
 * - query/        the data source's query model, its versioned migration and its validation
 *
 * The request schemas (zod), which give the requests' types, their validation and the OpenAPI
 * document, are the separate entry point `@quant-pairs/contract/requests` (requests/), so that
 * the Grafana frontend's bundle does not carry zod.
 */
export * from './constants';
export * from './json';
export * from './instrument';
export * from './pair';
export * from './api';
export * from './query/model';
export * from './query/migrate';
export * from './query/validate';
