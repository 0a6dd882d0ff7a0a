/**
 * Benchmark (issue 27): start-up to the go-plugin handshake line, and resident memory, of the
 * native executable (gpx_pairs_linux_amd64 from scripts/package.mjs: Node.js 20 + the bundle as
 * a single executable application) next to the dev launcher (dist/gpx_pairs_linux_amd64: a
 * #!/bin/sh script that execs the host's node on dist/backend/main.js), in one run, in turns
 * (native, launcher, native, ...) so load from other processes falls on both alike.
 * Each start gets what Grafana gives (the cookie, PLUGIN_PROTOCOL_VERSIONS; the launcher also
 * GF_PLUGIN_NODE_PATH, the node_path setting it needs). Measured per start: spawn -> the
 * handshake line on stdout; VmRSS of the process (the launcher execs node, so the same pid) at
 * the handshake and after 1 s idle; then SIGTERM.
 *
 *   cd grafana-plugin && npm run build && npx tsx backend/bench/startup.bench.ts [starts]
 */
import { execFileSync, spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const STARTS = Number(process.argv[2] ?? 10);

interface Sample {
  ms: number;
  rssAtHandshakeMb: number;
  rssIdleMb: number;
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

function startOnce(exe: string, env: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(exe, [], { env: { grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '2', ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.on('error', reject);
    child.stdout.on('data', (d: Buffer) => {
      if (out.includes('\n')) return;
      out += d.toString();
      if (!out.includes('\n')) return;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!/^1\|2\|tcp\|127\.0\.0\.1:\d+\|grpc\n/.test(out)) return reject(new Error(`${exe}: unexpected handshake ${JSON.stringify(out)}`));
      const rssAtHandshakeMb = rssMb(child.pid!);
      setTimeout(() => {
        const rssIdleMb = rssMb(child.pid!);
        child.once('exit', () => resolve({ ms, rssAtHandshakeMb, rssIdleMb }));
        child.kill('SIGTERM');
      }, 1000);
    });
  });
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function main(): Promise<void> {
  const launcher = join(ROOT, 'dist', 'gpx_pairs_linux_amd64');
  if (!existsSync(launcher) || !readFileSync(launcher, 'utf8').startsWith('#!/bin/sh'))
    throw new Error(`${launcher} is not the dev launcher: run npm run build -w grafana-plugin first`);
  const out = mkdtempSync(join(tmpdir(), 'startup-bench-'));
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--targets', 'linux-amd64', '--no-zip', '--out', out], { stdio: 'ignore' });
    const native = join(out, 'quant-pairs-datasource', 'gpx_pairs_linux_amd64');
    const cases: Array<{ name: string; exe: string; env: Record<string, string>; samples: Sample[] }> = [
      { name: 'native executable', exe: native, env: {}, samples: [] },
      { name: 'dev launcher + node', exe: launcher, env: { GF_PLUGIN_NODE_PATH: process.execPath }, samples: [] },
    ];
    for (const c of cases) await startOnce(c.exe, c.env); // warm the page cache once each
    for (let i = 0; i < STARTS; i++) for (const c of cases) c.samples.push(await startOnce(c.exe, c.env));
    console.log(`start-up to the handshake line, ${STARTS} starts each in turns (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`);
    console.log('                        handshake p50 / p90    RSS at handshake p50    RSS after 1 s idle p50    file');
    for (const c of cases) {
      const ms = c.samples.map((s) => s.ms);
      const rss = pct(
        c.samples.map((s) => s.rssAtHandshakeMb),
        0.5,
      );
      const idle = pct(
        c.samples.map((s) => s.rssIdleMb),
        0.5,
      );
      const size =
        c.exe === native
          ? `${(statSync(native).size / 1e6).toFixed(0)} MB`
          : `${(statSync(join(ROOT, 'dist', 'backend', 'main.js')).size / 1e6).toFixed(1)} MB main.js + node`;
      const cols = [`${pct(ms, 0.5).toFixed(0)} / ${pct(ms, 0.9).toFixed(0)} ms`, `${rss.toFixed(1)} MB`, `${idle.toFixed(1)} MB`];
      console.log(`${c.name.padEnd(22)}  ${cols[0]!.padStart(16)}  ${cols[1]!.padStart(22)}  ${cols[2]!.padStart(24)}    ${size}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
