/**
 * The Grafana emulator: what Grafana does with a backend plugin, nothing more. See grafana.ts
 * (HTTP endpoints) and plugin.ts (process, handshake, gRPC clients).
 */
export { startEmulator, toDataQueries, PLUGIN_ID } from './grafana';
export type { DataSourceConfig, Emulator, EmulatorOptions, LiveSubscription } from './grafana';
export { startPlugin, call, connectClients, loadPluginJson, HANDSHAKE_RE, HandshakeError } from './plugin';
export type { PluginProcess, PluginClients, StartPluginOptions, LogLine } from './plugin';
export { arrowToFrame } from '../support/arrow';
export { frameToJSON } from '../../backend/src/frame/json';
