/**
 * Entry point of the backend process Grafana starts (through dist/gpx_pairs_linux_<arch>).
 *
 * go-plugin handshake (hashicorp/go-plugin docs/guide-plugin-write-non-go.md, grafana-plugin-sdk-go
 * backend/grpcplugin/handshake.go):
 * 1. refuse to run without the magic cookie `grafana_plugin_type=datasource` (message on stderr,
 *    exit code 1);
 * 2. bind the gRPC server on 127.0.0.1 (in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT when given);
 * 3. print exactly one line on stdout, `1|2|tcp|127.0.0.1:<port>|grpc`, and nothing else ever;
 * 4. log on stderr as hclog JSON lines;
 * 5. exit cleanly on SIGTERM, SIGINT, a GRPCController Shutdown, or when the parent process
 *    goes away; never because stdin reached EOF (it is Grafana's own stdin, not a line to us).
 */
import { log } from './hclog';
import { startBackend } from './server';

export const COOKIE_KEY = 'grafana_plugin_type';
export const COOKIE_VALUE = 'datasource';
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 2;

function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** The process that started us: the launcher passes Grafana's pid; else our parent now. */
const PARENT = Number(process.env.PAIRS_PARENT_PID) > 0 ? Number(process.env.PAIRS_PARENT_PID) : process.ppid;

async function main(): Promise<void> {
  if (process.env[COOKIE_KEY] !== COOKIE_VALUE) {
    refuse(
      'This is the backend of the Grafana data source plugin quant-pairs-datasource. It is started by ' +
        `Grafana, not by hand (the environment has no ${COOKIE_KEY}=${COOKIE_VALUE}). Install the plugin ` +
        "in Grafana's plugin directory; see grafana-plugin/backend/README.md.",
    );
  }
  const versions = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? String(APP_PROTOCOL_VERSION)).split(',').map((v) => v.trim());
  if (!versions.includes(String(APP_PROTOCOL_VERSION))) {
    refuse(`Grafana offers plugin protocol versions ${versions.join(',')}, this plugin speaks ${APP_PROTOCOL_VERSION}.`);
  }
  let stopping = false;
  let backend: Awaited<ReturnType<typeof startBackend>> | undefined;
  const shutdown = async (why: string, code = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { reason: why });
    const hard = setTimeout(() => process.exit(code), 3000);
    hard.unref();
    try {
      await backend?.stop(1500);
    } finally {
      process.exit(code);
    }
  };
  // Before the handshake line: Grafana may stop us the moment it has read it, and a signal
  // without a handler would kill us uncleanly (no shutdown, exit by signal).
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  backend = await startBackend({
    minPort: Number(process.env.PLUGIN_MIN_PORT) || undefined,
    maxPort: Number(process.env.PLUGIN_MAX_PORT) || undefined,
    onShutdownRequest: () => void shutdown('GRPCController.Shutdown'),
  });
  process.stdout.write(`${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|tcp|127.0.0.1:${backend.port}|grpc\n`);
  log.info('plugin started', { port: backend.port, pid: process.pid, grafanaVersion: process.env.GF_VERSION ?? '', node: process.version });

  // stdin is left alone: go-plugin hands the child Grafana's own stdin (a terminal, /dev/null,
  // or a pipe that may reach EOF at any time), and Go plugins never read it. Leaving on its EOF
  // made a Grafana started with a pipe on stdin restart us in a loop; the parent watch below is
  // what notices a Grafana that died without stopping us.
  // If Grafana dies without a signal (SIGKILL), we are re-parented: leave then (also when that
  // happened while we were starting).
  const orphaned = (): boolean => process.ppid !== PARENT;
  if (orphaned()) void shutdown('parent process exited');
  setInterval(() => {
    if (orphaned()) void shutdown('parent process exited');
  }, 1000).unref();
  process.on('uncaughtException', (e) => log.error('uncaught exception', { error: e.stack ?? String(e) }));
  process.on('unhandledRejection', (e) => log.error('unhandled rejection', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
}

main().catch((e: Error) => {
  log.error('plugin failed to start', { error: e.stack ?? String(e) });
  process.stderr.write(`quant-pairs-datasource backend failed to start: ${e.message}\n`);
  process.exit(1);
});
