// Builds the backend into grafana-plugin/dist (or the directory after --dist) without touching
// anything else there (the frontend's webpack output lives in the same directory):
//   dist/backend/main.js          the bundled backend (esbuild, Node 20, CommonJS)
//   dist/backend/proto/*.proto    the protocol files it loads at start
//   dist/gpx_pairs_linux_amd64    launcher scripts Grafana executes (mode 0755)
//   dist/gpx_pairs_linux_arm64
//   dist/backend/inputs.sha256    the hash of what it was built from (inputs.cjs), for the test setups
import { build } from 'esbuild';
import { createRequire } from 'module';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));
const backend = join(here, '..');
const distArg = process.argv.indexOf('--dist');
const dist = distArg > 0 ? resolve(process.argv[distArg + 1]) : join(backend, '..', 'dist');
const out = join(dist, 'backend');
const started = Date.now();
const { backendInputsHash, backendStamp } = createRequire(import.meta.url)('./inputs.cjs');
// before the build: a source changed while it runs makes the next check rebuild
const inputs = backendInputsHash();

rmSync(out, { recursive: true, force: true }); // only our own subdirectory
mkdirSync(join(out, 'proto'), { recursive: true });
await build({
  entryPoints: [join(backend, 'src', 'main.ts')],
  outfile: join(out, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  legalComments: 'linked',
  // ws loads these native helpers when present and works without them.
  external: ['bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
});
for (const f of readdirSync(join(backend, 'proto'))) if (f.endsWith('.proto')) copyFileSync(join(backend, 'proto', f), join(out, 'proto', f));
const launcher = readFileSync(join(here, 'launcher.sh'), 'utf8');
for (const arch of ['amd64', 'arm64']) {
  const exe = join(dist, `gpx_pairs_linux_${arch}`);
  writeFileSync(exe, launcher);
  chmodSync(exe, 0o755);
}
writeFileSync(backendStamp(dist), inputs);
console.log(`backend built into ${dist} in ${Date.now() - started} ms`);
