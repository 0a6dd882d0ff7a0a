/**
 * @quant-pairs/contract: the one description of the collector's query API and of the Grafana
 * data source's query model. The collector, the plugin's frontend and backend, and
 * provisioning import it by name; nothing here imports from them.
 *
 * - constants.ts  symbol pattern, timeframes, window bounds, page sizes, default thresholds
 * - pair.ts       `Y/X` pairs
 * - api.ts        request and response bodies of every endpoint
 * - query/        the data source's query model, its versioned migration and its validation
 */
export * from './constants';
export * from './json';
export * from './pair';
export * from './api';
export * from './query/model';
export * from './query/migrate';
export * from './query/validate';
