/**
 * The catalog package (issue 27): scripts/package.mjs run on the built dist/ into a temporary
 * folder, then every zip unpacked with Debian's unzip and checked as Grafana would take it:
 * - Grafana runs <executable>_<os>_<arch>[.exe] from the plugin folder (grafana/grafana
 *   pkg/plugins/plugins.go, ExecutablePath / executablePath: fmt.Sprintf("%s_%s_%s%s", f, os,
 *   strings.ToLower(arch), extension), extension ".exe" on windows);
 * - a catalog archive is the plugin folder under a top folder named after the plugin id, with a
 *   .zip.sha1 beside it (grafana/plugin-actions build-plugin/action.yml: outputs archive and
 *   archive-sha1sum); md5 as well;
 * - the executables are Node.js single executable applications: the blob postject put in after
 *   the fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 (flipped to :1), in an ELF note, a PE
 *   resource or, on darwin, a Mach-O segment named NODE_SEA (Node's single-executable-applications
 *   docs). The windows and darwin ones cannot run here, so their headers are read instead.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '..', '..');
const REPO = resolve(ROOT, '..');
const DIST = join(ROOT, 'dist');
const ID = 'quant-pairs-datasource';
const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const TARGETS = ['linux_amd64', 'linux_arm64', 'darwin_amd64', 'windows_amd64'];
const exeOf = (target: string) => `gpx_pairs_${target}${target.startsWith('windows') ? '.exe' : ''}`;

let out: string;
/** Each zip unpacked into its own folder: zip name -> folder holding ID/. */
const unpacked = new Map<string, string>();
const zipName = (target?: string) => `${ID}-${VERSION}${target ? `.${target}` : ''}.zip`;
const plugin = () => join(unpacked.get(zipName())!, ID);

beforeAll(() => {
  if (!existsSync(join(DIST, 'module.js')) || !existsSync(join(DIST, 'backend', 'main.js'))) {
    throw new Error('dist/ is not built: run npm run build -w grafana-plugin (npm test does) before this suite');
  }
  out = mkdtempSync(join(tmpdir(), 'plugin-package-test-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const name of [zipName(), ...TARGETS.map(zipName)]) {
    const dir = join(out, `${name.replace(/\.zip$/, '')}-unpacked`);
    execFileSync('unzip', ['-q', join(out, name), '-d', dir]);
    unpacked.set(name, dir);
  }
}, 600_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

describe('the zips', () => {
  it('one per OS/arch and one with every platform, each with its sha1 and md5', () => {
    const zips = readdirSync(out)
      .filter((f) => f.endsWith('.zip'))
      .sort();
    expect(zips).toEqual([zipName(), ...TARGETS.map(zipName)].sort());
    for (const z of zips) {
      const bytes = readFileSync(join(out, z));
      expect(readFileSync(join(out, `${z}.sha1`), 'utf8')).toBe(createHash('sha1').update(bytes).digest('hex'));
      expect(readFileSync(join(out, `${z}.md5`), 'utf8')).toBe(createHash('md5').update(bytes).digest('hex'));
    }
  });

  it('hold one top folder named after the plugin id; a platform zip holds its executable only', () => {
    for (const [name, dir] of unpacked) {
      expect(readdirSync(dir)).toEqual([ID]);
      const exes = readdirSync(join(dir, ID))
        .filter((f) => f.startsWith('gpx_pairs_'))
        .sort();
      const target = TARGETS.find((t) => name.endsWith(`.${t}.zip`));
      expect({ name, exes }).toEqual({ name, exes: target ? [exeOf(target)] : TARGETS.map(exeOf).sort() });
      for (const e of exes) expect({ e, mode: statSync(join(dir, ID, e)).mode & 0o777 }).toEqual({ e, mode: 0o755 });
    }
  });

  it('every platform zip holds the same files besides its executable as the all-platform zip', () => {
    const common = filesUnder(plugin()).filter((f) => !f.startsWith('gpx_pairs_'));
    for (const t of TARGETS) {
      expect(filesUnder(join(unpacked.get(zipName(t))!, ID)).sort()).toEqual([...common, exeOf(t)].sort());
    }
    // No dev launcher (a #!/bin/sh script that needs a node) and no bundle outside the executables.
    expect(common).not.toContain(join('backend', 'main.js'));
    expect(common).toEqual(expect.arrayContaining(['plugin.json', 'module.js', 'module.js.map', 'LICENSE', 'CHANGELOG.md', 'README.md']));
    expect(common).toEqual(expect.arrayContaining([join('backend', 'NODE-LICENSE.txt'), join('backend', 'main.js.LEGAL.txt')]));
  });
});

describe('plugin.json, LICENSE, CHANGELOG', () => {
  it('plugin.json: our id, a backend named gpx_pairs, the version filled in, screenshots and logos that are in the package', () => {
    const pj = JSON.parse(readFileSync(join(plugin(), 'plugin.json'), 'utf8'));
    expect(pj).toMatchObject({ id: ID, type: 'datasource', backend: true, executable: 'gpx_pairs', info: { version: VERSION } });
    expect(pj.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(pj.info.screenshots.length).toBeGreaterThanOrEqual(2);
    const referenced = [pj.info.logos.small, pj.info.logos.large, ...pj.info.screenshots.map((s: { path: string }) => s.path)];
    for (const p of referenced) expect({ p, exists: existsSync(join(plugin(), p)) }).toEqual({ p, exists: true });
    for (const s of pj.info.screenshots) {
      expect(s.name.length).toBeGreaterThan(0);
      // PNG signature (the browser harness's screenshots)
      expect(readFileSync(join(plugin(), s.path)).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    }
  });

  it('LICENSE is filled in: no template placeholders left', () => {
    const text = readFileSync(join(plugin(), 'LICENSE'), 'utf8');
    expect(text).toContain('Apache License');
    expect(text).not.toMatch(/\{yyyy\}|\{name of copyright owner\}|\[yyyy\]/);
    expect(text).toMatch(/Copyright \d{4} \S/);
  });

  it('CHANGELOG names this version and the native executables', () => {
    const text = readFileSync(join(plugin(), 'CHANGELOG.md'), 'utf8');
    expect(text).toContain(`## ${VERSION}`);
    expect(text).toMatch(/native executables?/i);
  });

  it("every source-map path resolves to a file in the repository (webpack's own runtime excepted)", () => {
    const map = JSON.parse(readFileSync(join(plugin(), 'module.js.map'), 'utf8'));
    // webpack's sources are webpack://<name>/<path relative to its context, grafana-plugin/src>;
    // the bootstrap/runtime and the AMD externals are webpack's, and grafana-public-path.js is
    // the create-plugin scaffold's virtual module (.config/webpack/webpack.config.ts).
    const own = (map.sources as string[]).filter(
      (s) => !/^webpack:\/\/[^/]+\/(webpack\/|external )/.test(s) && !s.endsWith('/node_modules/grafana-public-path.js'),
    );
    expect(own.length).toBeGreaterThan(10);
    const missing = own.filter((s) => {
      const file = resolve(ROOT, 'src', s.replace(/^webpack:\/\/[^/]+\//, ''));
      return !file.startsWith(REPO + '/') || !existsSync(file);
    });
    expect(missing).toEqual([]);
    // the contract's sources are among them, by their real paths
    expect(own).toContain(`webpack://${ID}/../../contract/src/query/migrate.ts`);
  });
});

describe('the native executables', () => {
  const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
  const exe = (t: string) => readFileSync(join(plugin(), exeOf(t)));
  const bundle = () => readFileSync(join(DIST, 'backend', 'main.js'));

  it.each(TARGETS)('%s carries the backend bundle as its SEA blob, the fuse flipped', (t) => {
    const b = exe(t);
    expect(b.includes(`${FUSE}:1`)).toBe(true);
    expect(b.includes(`${FUSE}:0`)).toBe(false);
    // The blob holds main.js as it is: the whole file appears in the executable.
    expect(b.includes(bundle())).toBe(true);
  });

  it('linux: ELF 64-bit, x86-64 and AArch64', () => {
    for (const [t, machine] of [
      ['linux_amd64', 0x3e],
      ['linux_arm64', 0xb7],
    ] as const) {
      const b = exe(t);
      expect(b.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
      expect(b[4]).toBe(2); // ELFCLASS64
      expect({ t, machine: b.readUInt16LE(18) }).toEqual({ t, machine }); // e_machine
    }
  });

  it('windows: a PE32+ executable for x86-64 with the blob as resource NODE_SEA_BLOB', () => {
    const b = exe('windows_amd64');
    expect(b.subarray(0, 2).toString('latin1')).toBe('MZ');
    const pe = b.readUInt32LE(0x3c); // e_lfanew
    expect(b.subarray(pe, pe + 4).toString('latin1')).toBe('PE\0\0');
    expect(b.readUInt16LE(pe + 4)).toBe(0x8664); // IMAGE_FILE_MACHINE_AMD64
    expect(b.readUInt16LE(pe + 24)).toBe(0x20b); // PE32+ optional header
    expect(b.includes(Buffer.from('NODE_SEA_BLOB', 'utf16le'))).toBe(true); // resource names are UTF-16
  });

  it('darwin: a 64-bit Mach-O for x86-64 with a NODE_SEA segment', () => {
    const b = exe('darwin_amd64');
    expect(b.readUInt32LE(0)).toBe(0xfeedfacf); // MH_MAGIC_64
    expect(b.readUInt32LE(4)).toBe(0x01000007); // CPU_TYPE_X86_64
    const ncmds = b.readUInt32LE(16);
    const segments: string[] = [];
    for (let i = 0, off = 32; i < ncmds; i++) {
      const cmd = b.readUInt32LE(off);
      if (cmd === 0x19)
        segments.push(
          b
            .subarray(off + 8, off + 24)
            .toString('latin1')
            .replace(/\0+$/, ''),
        ); // LC_SEGMENT_64 segname
      off += b.readUInt32LE(off + 4);
    }
    expect(segments).toContain('NODE_SEA');
    expect(segments).toContain('__TEXT');
  });
});
