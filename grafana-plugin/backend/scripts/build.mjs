// Builds the backend into grafana-plugin/dist (or the directory after --dist) without touching
// anything else there (the frontend's webpack output lives in the same directory):
//   dist/backend/main.js          the bundled backend (esbuild, Node 20, CommonJS), the protocol
//                                 files inside it (no file is read at start)
//   dist/gpx_pairs_linux_amd64    dev launchers (mode 0755) that run main.js with a Node.js of the
//   dist/gpx_pairs_linux_arm64    host; the native executables Grafana runs are scripts/native.mjs's
//   dist/backend/inputs.sha256    the hash of what it was built from (inputs.cjs), for the test setups
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
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
mkdirSync(out, { recursive: true });
// The protos parsed here with the loader the backend uses at run time (@grpc/proto-loader's own
// protobufjs, keepCase as in server.ts) and handed to it as JSON: server.ts calls fromJSON on it.
const protoDir = join(backend, 'proto');
const { loadProtosWithOptionsSync } = createRequire(import.meta.url)('@grpc/proto-loader/build/src/util');
const protoRoot = loadProtosWithOptionsSync(
  ['pluginv2.proto', 'health.proto', 'controller.proto'].map((f) => join(protoDir, f)),
  { keepCase: true, includeDirs: [protoDir] },
);
await build({
  entryPoints: [join(backend, 'src', 'main.ts')],
  outfile: join(out, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  legalComments: 'linked',
  // ws loads these native helpers when present and works without them. Native addons cannot be
  // in a single executable, whose require() loads built-in modules only (and warns on stderr when
  // asked for more): ws is told not to try, in every build alike.
  external: ['bufferutil', 'utf-8-validate'],
  define: {
    PAIRS_PROTO_JSON: JSON.stringify(protoRoot.toJSON()),
    'process.env.WS_NO_BUFFER_UTIL': '"1"',
    'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
  },
  logLevel: 'warning',
});
const launcher = readFileSync(join(here, 'launcher.sh'), 'utf8');
for (const arch of ['amd64', 'arm64']) {
  const exe = join(dist, `gpx_pairs_linux_${arch}`);
  writeFileSync(exe, launcher);
  chmodSync(exe, 0o755);
}
writeFileSync(backendStamp(dist), inputs);
console.log(`backend built into ${dist} in ${Date.now() - started} ms`);
