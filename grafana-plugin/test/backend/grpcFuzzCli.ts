/**
 * `node --import tsx grpcFuzzCli.ts COLLECTOR_URL TOKEN SEED ROUNDS MUTATIONS`: builds the backend
 * (backend/scripts/build.mjs, as `npm run build:backend`), starts it as Grafana does
 * (test/emulator), fuzzes it over gRPC (grpcFuzz.ts) with its data source pointing at the
 * collector, prints the result as JSON on stdout. The collector's soak (`npm run soak`, part fuzz)
 * runs it against the collector process.
 */
import { execFileSync } from 'child_process';
import { copyFileSync, mkdirSync } from 'fs';
import { join } from 'path';
import { startPlugin } from '../emulator';
import { barsArrow, runGrpcFuzz } from './grpcFuzz';
import { dataSourceContext } from './helpers';

const ROOT = join(__dirname, '..', '..');

async function main(): Promise<void> {
  const [url, token, seed, rounds, mutations] = process.argv.slice(2);
  if (!url || !token) throw new Error('usage: grpcFuzzCli.ts COLLECTOR_URL TOKEN [SEED ROUNDS MUTATIONS]');
  const dir = join(ROOT, 'test-output', 'soak-plugin');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(ROOT, 'src', 'plugin.json'), join(dir, 'plugin.json'));
  execFileSync(process.execPath, [join(ROOT, 'backend', 'scripts', 'build.mjs'), '--dist', dir], { stdio: 'ignore' });
  const plugin = await startPlugin({ pluginDir: dir });
  try {
    const pluginContext = dataSourceContext({ collectorUrl: url }, token);
    const now = Date.now();
    const arrow = await barsArrow(plugin, pluginContext, now - 3_600_000, now);
    const r = await runGrpcFuzz({
      address: plugin.address,
      pid: plugin.pid,
      pluginContext,
      arrow,
      seed: Number(seed ?? 1),
      rounds: Number(rounds ?? 2),
      mutations: Number(mutations ?? 20),
      burst: 2_000,
      bigBytes: 10 << 20,
    });
    // anything the plugin wrote to stderr that is not hclog JSON (a crash's stack trace) counts as a failure
    r.unanswered.push(...plugin.raw.slice(0, 3).map((l) => `plugin stderr, not hclog: ${l}`));
    process.stdout.write(JSON.stringify(r) + '\n');
  } finally {
    await plugin.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
