/**
 * The Grafana emulator: what Grafana does with a backend plugin, nothing more. See grafana.ts
 * (HTTP endpoints) and plugin.ts (process, handshake, gRPC clients).
 */
export { startEmulator } from './grafana';
export type { Emulator } from './grafana';
export { startPlugin, call, connectClients, HANDSHAKE_RE, HandshakeError } from './plugin';
export type { PluginProcess } from './plugin';
