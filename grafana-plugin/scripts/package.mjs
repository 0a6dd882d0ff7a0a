// `npm run package -w grafana-plugin`: the plugin as Grafana's catalog ships one, unsigned.
//
//   build/quant-pairs-datasource/                the plugin folder (top folder = the plugin id):
//     plugin.json, module.js(.map), img/, README.md, CHANGELOG.md, LICENSE
//     gpx_pairs_<os>_<arch>[.exe]                native executables (backend/scripts/native.mjs)
//     backend/main.js.LEGAL.txt, backend/NODE-LICENSE.txt   licences of what the executables hold
//   build/quant-pairs-datasource-<version>.<os>_<arch>.zip   that folder with one executable
//   build/quant-pairs-datasource-<version>.zip               that folder with all of them
//   each zip with <zip>.sha1 and <zip>.md5 (hex digest only, as Grafana's packaging action writes)
//
// Options: --targets linux-amd64,... (default: all of native.mjs's), --no-zip (the folder only),
// --out DIR (instead of build/; emptied first).
// It packages dist/ as `npm run build` left it: the npm script builds first.
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';
import { buildNative, parseTargets, TARGETS } from '../backend/scripts/native.mjs';

const pluginRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(pluginRoot, 'dist');
const outArg = process.argv.indexOf('--out');
const outValue = outArg > 0 ? process.argv[outArg + 1] : undefined;
if (outArg > 0 && (!outValue || outValue.startsWith('--'))) {
  process.stderr.write('package: --out needs a directory (it is emptied first)\n');
  process.exit(2);
}
const build = outValue ? resolve(outValue) : join(pluginRoot, 'build');

/** dist/ files that stay out of the package: the dev launchers and the bundle inside the executables. */
const DEV_ONLY = /^gpx_pairs_|^backend\/main\.js(\.map)?$/;

function filesUnder(dir, prefix = '') {
  const out = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, rel));
    else out.push(rel);
  }
  return out;
}

function digest(file, algorithm) {
  return createHash(algorithm).update(readFileSync(file)).digest('hex');
}

function zip(zipFile, cwd, entries) {
  rmSync(zipFile, { force: true });
  // -X: no extra attributes, so the same files give the same archive; the mode bits stay.
  execFileSync('zip', ['-q', '-X', zipFile, '-@'], { cwd, input: entries.join('\n') });
  writeFileSync(`${zipFile}.sha1`, digest(zipFile, 'sha1'));
  writeFileSync(`${zipFile}.md5`, digest(zipFile, 'md5'));
}

function main() {
  const targets = parseTargets(process.argv);
  const started = Date.now();
  const pluginJson = JSON.parse(readFileSync(join(dist, 'plugin.json'), 'utf8'));
  const { id, info } = pluginJson;
  if (!existsSync(join(dist, 'module.js'))) throw new Error(`${dist}/module.js is missing: run npm run build -w grafana-plugin first`);
  const folder = join(build, id);
  rmSync(build, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const f of filesUnder(dist)) {
    if (DEV_ONLY.test(f)) continue;
    mkdirSync(dirname(join(folder, f)), { recursive: true });
    cpSync(join(dist, f), join(folder, f));
  }
  const { license } = buildNative({ mainJs: join(dist, 'backend', 'main.js'), out: folder, targets });
  mkdirSync(join(folder, 'backend'), { recursive: true });
  copyFileSync(license, join(folder, 'backend', 'NODE-LICENSE.txt'));
  const made = [folder];
  if (!process.argv.includes('--no-zip')) {
    const exes = targets.map((t) => TARGETS[t].exe);
    const common = filesUnder(build, id).filter((f) => !exes.includes(f.slice(id.length + 1)));
    for (const t of targets) {
      const zipFile = join(build, `${id}-${info.version}.${t.replace('-', '_')}.zip`);
      zip(zipFile, build, [...common, `${id}/${TARGETS[t].exe}`]);
      made.push(zipFile);
    }
    const all = join(build, `${id}-${info.version}.zip`);
    zip(all, build, [...common, ...exes.map((e) => `${id}/${e}`)]);
    made.push(all);
  }
  console.log(`packaged in ${Date.now() - started} ms:\n  ${made.join('\n  ')}`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`package: ${e.message}\n`);
  process.exit(1);
}
