/**
 * Conformance of the built executable (gpx_pairs_linux_<arch> as build:backend writes it: the dev launcher
 * with main.js; the native executables run the same bundle, test/host runs them) with what Grafana and
 * hashicorp/go-plugin expect of a plugin process (copied to test/fixtures/backend-protocol.md):
 * the cookie, one handshake line on stdout, hclog JSON on stderr, the health service,
 * start-up without PATH, and shutdown without leftovers.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as grpc from '@grpc/grpc-js';
import { call, connectClients, HANDSHAKE_RE, HandshakeError, startPlugin } from '../emulator';
import { PLUGIN_DIR } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** pids whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

describe('the executables', () => {
  it('are what plugin.json names: backend, alerting and streaming true, executable gpx_pairs', () => {
    const pj = JSON.parse(readFileSync(join(PLUGIN_DIR, 'plugin.json'), 'utf8'));
    expect(pj).toMatchObject({ id: 'quant-pairs-datasource', type: 'datasource', backend: true, alerting: true, streaming: true, executable: 'gpx_pairs' });
  });

  it('exist for linux amd64 and arm64 with the execute bit, as #! scripts that need no PATH', () => {
    for (const arch of ['amd64', 'arm64']) {
      const exe = join(PLUGIN_DIR, `gpx_pairs_linux_${arch}`);
      const st = statSync(exe);
      expect(st.mode & 0o111).toBe(0o111);
      const text = readFileSync(exe, 'utf8');
      expect(text.startsWith('#!/bin/sh\n')).toBe(true);
      expect(text).toContain('GF_PLUGIN_NODE_PATH');
    }
    expect(existsSync(join(PLUGIN_DIR, 'backend', 'main.js'))).toBe(true);
    // The .proto files are inside the bundle (build.mjs), as the native executables need: none beside it.
    expect(existsSync(join(PLUGIN_DIR, 'backend', 'proto'))).toBe(false);
    expect(readFileSync(join(PLUGIN_DIR, 'backend', 'main.js'), 'utf8')).toContain('"QueryData"');
  });
});

describe('handshake', () => {
  it('prints exactly one line 1|2|tcp|127.0.0.1:<port>|grpc, logs hclog JSON on stderr, serves health "plugin"', async () => {
    const p = await startPlugin({ pluginDir: PLUGIN_DIR });
    try {
      expect(p.handshake).toMatch(HANDSHAKE_RE);
      const port = Number(p.address.split(':')[1]);
      // go-plugin's default PLUGIN_MIN_PORT..PLUGIN_MAX_PORT, which the emulator passes.
      expect(port).toBeGreaterThanOrEqual(10000);
      expect(port).toBeLessThanOrEqual(25000);
      // Grafana waits up to a minute; we are far below (typically < 1 s, reported not asserted tightly).
      expect(p.startMs).toBeLessThan(30_000);
      const health = await call<{ status: number }>(p.clients.health, 'Check', { service: 'plugin' });
      expect(health.status).toBe(1); // SERVING
      await expect(call(p.clients.health, 'Check', { service: 'nope' })).rejects.toMatchObject({ code: 5 }); // NOT_FOUND
      // A service we do not serve (newer Grafana versions also try AdmissionControl) answers
      // UNIMPLEMENTED (grpc code 12), which Grafana maps to "not implemented".
      const id = (b: Buffer) => b;
      const Unserved = grpc.makeGenericClientConstructor(
        {
          Validate: {
            path: '/pluginv2.AdmissionControl/ValidateAdmission',
            requestStream: false,
            responseStream: false,
            requestSerialize: id,
            requestDeserialize: id,
            responseSerialize: id,
            responseDeserialize: id,
          },
        },
        'AdmissionControl',
      );
      const unserved = new Unserved(p.address, grpc.credentials.createInsecure());
      await expect(call(unserved as never, 'Validate', Buffer.alloc(0))).rejects.toMatchObject({ code: 12 });
      unserved.close();
      const started = p.logs.find((l) => l['@message'] === 'plugin started');
      expect(started).toBeDefined();
      expect(started!['@level']).toBe('info');
      expect(started!['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(started!.grafanaVersion).toBe('12.3.0');
      expect(p.raw).toEqual([]);
    } finally {
      const r = await p.stop();
      expect(r.code).toBe(0);
    }
    expect(p.extraStdout).toEqual([]);
  });

  it('refuses to run without the magic cookie: exit code 1, a clear message on stderr, nothing on stdout', () => {
    const r = spawnSync(join(PLUGIN_DIR, 'gpx_pairs_linux_amd64'), [], { env: { PLUGIN_PROTOCOL_VERSIONS: '2' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('grafana_plugin_type=datasource');
    expect(r.stderr).toContain('started by Grafana');
    // Same through the emulator path.
    return expect(startPlugin({ pluginDir: PLUGIN_DIR, env: { grafana_plugin_type: undefined } })).rejects.toBeInstanceOf(HandshakeError);
  });

  it('refuses a Grafana that offers only another protocol version', () => {
    const r = spawnSync(join(PLUGIN_DIR, 'gpx_pairs_linux_amd64'), [], {
      env: { grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('protocol versions 1');
  });

  it('uses GF_PLUGIN_NODE_PATH ([plugin.quant-pairs-datasource] node_path) when set', async () => {
    const p = await startPlugin({ pluginDir: PLUGIN_DIR, pluginSettings: { node_path: process.execPath } });
    try {
      expect(p.handshake).toMatch(HANDSHAKE_RE);
      expect(readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0')[0]).toBe(process.execPath);
    } finally {
      await p.stop();
    }
  });

  it('without any node at the documented places, fails with a clear stderr message (exit 127)', () => {
    // A copy of the launcher whose absolute fallbacks point nowhere (this machine has /usr/bin/node).
    const dir = mkdtempSync(join(tmpdir(), 'launcher-'));
    try {
      const text = readFileSync(join(PLUGIN_DIR, 'gpx_pairs_linux_amd64'), 'utf8').replace(
        / \/usr\/bin\/node \/usr\/local\/bin\/node \/opt\/node\/bin\/node \/opt\/nodejs\/bin\/node;/,
        ' /nonexistent/node;',
      );
      expect(text).toContain('/nonexistent/node;');
      const exe = join(dir, 'gpx_pairs_linux_amd64');
      writeFileSync(exe, text);
      chmodSync(exe, 0o755);
      const r = spawnSync(exe, [], { env: { grafana_plugin_type: 'datasource', GF_PLUGIN_NODE_PATH: '/nonexistent/bin/node' }, encoding: 'utf8' });
      expect(r.status).toBe(127);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Node.js (>= 20) was not found');
      expect(r.stderr).toContain('node_path');
      // A bundled node next to the plugin is found.
      copyFileSync(process.execPath, join(dir, 'node'));
      chmodSync(join(dir, 'node'), 0o755);
      const r2 = spawnSync(exe, [], { env: {}, encoding: 'utf8' });
      expect(r2.stderr).toContain('Cannot find module'); // node ran; the copy has no backend/ beside it
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('exits 0 on %s and leaves no process behind', async (sig) => {
    const p = await startPlugin({ pluginDir: PLUGIN_DIR });
    const kids = childrenOf(p.pid);
    p.child.kill(sig);
    const r = await p.exited;
    expect(r).toEqual({ code: 0, signal: null });
    expect(alive(p.pid)).toBe(false);
    for (const k of kids) expect(alive(k)).toBe(false);
    expect(p.logs.some((l) => l['@message'] === 'shutting down' && l.reason === sig)).toBe(true);
  });

  it("keeps serving when its stdin reaches EOF (go-plugin hands the child Grafana's stdin; Go plugins never read it), and still leaves when its parent dies", async () => {
    // A shell parent (standing in for Grafana) starts the plugin with the shell's own stdin, a
    // pipe from this test, passed on through fd 3 (a background job's fd 0 is /dev/null).
    const exe = join(PLUGIN_DIR, 'gpx_pairs_linux_amd64');
    const dir = mkdtempSync(join(tmpdir(), 'stdin-eof-'));
    const out = join(dir, 'stdout');
    const parent = spawn('/bin/sh', ['-c', `exec 3<&0; grafana_plugin_type=datasource "${exe}" <&3 3<&- >"${out}" 2>/dev/null & echo $!; wait`], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    try {
      const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
      expect(pid).toBeGreaterThan(0);
      const deadline = Date.now() + 30_000;
      while (!/\|grpc\n/.test(existsSync(out) ? readFileSync(out, 'utf8') : '') && Date.now() < deadline) await sleep(100);
      const address = HANDSHAKE_RE.exec(readFileSync(out, 'utf8').trim())![1]!;
      parent.stdin!.end(); // EOF on the plugin's stdin
      // The old backend left within a few ms of EOF; give it a second and a half to do so.
      await sleep(1500);
      expect(alive(pid)).toBe(true);
      const clients = connectClients(address);
      try {
        expect((await call<{ status: number }>(clients.health, 'Check', { service: 'plugin' })).status).toBe(1);
      } finally {
        for (const c of Object.values(clients)) c.close();
      }
      parent.kill('SIGKILL'); // the parent dies without a signal to the child
      const gone = Date.now() + 15_000; // start-up under load, then at most 1 s
      while (alive(pid) && Date.now() < gone) await sleep(200);
      expect(alive(pid)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits when Grafana asks through GRPCController.Shutdown', async () => {
    const p = await startPlugin({ pluginDir: PLUGIN_DIR });
    await call(p.clients.controller, 'Shutdown', {});
    const r = await p.exited;
    expect(r.code).toBe(0);
  });

  it('exits when its parent dies without a signal (no orphan)', () => {
    // A shell parent starts the plugin and is then SIGKILLed; the plugin notices it was re-parented.
    const exe = join(PLUGIN_DIR, 'gpx_pairs_linux_amd64');
    const r = spawnSync('/bin/sh', ['-c', `grafana_plugin_type=datasource "${exe}" </dev/null >/dev/null 2>&1 & echo $!; sleep 1.5; kill -9 $$`], {
      encoding: 'utf8',
    });
    expect(r.signal).toBe('SIGKILL');
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 15_000; // start-up under load, then at most 1 s
    while (alive(pid) && Date.now() < deadline) execFileSync('sleep', ['0.2']);
    expect(alive(pid)).toBe(false);
  });
});
