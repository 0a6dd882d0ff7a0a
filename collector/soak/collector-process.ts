/**
 * The collector as users run it, in its own process: `node <build>/main.js` with settings in
 * the environment (PAIRS, DB_PATH, BINANCE_WS_URL, ...). The build is the same TypeScript
 * compiled to CommonJS that `npm run build` gives, made with esbuild (file by file, no bundle)
 * because tsc takes half a minute on a shared machine; it goes to soak-output/build.
 *
 *   const build = buildCollector();
 *   const c = await CollectorProcess.start(build, { PAIRS: 'ETHUSDT/BTCUSDT', DB_PATH: db, ... });
 *   c.url;            // http://127.0.0.1:<port> (PORT=0: read from its 'api listening' log line)
 *   c.rssMb();        // resident memory from /proc/<pid>/status
 *   c.kill9();        // SIGKILL, mid-whatever it is doing
 *   await c.stop();   // SIGTERM: flush and exit 0
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const COLLECTOR_DIR = join(__dirname, '..');
export const OUTPUT_DIR = join(COLLECTOR_DIR, 'soak-output');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Compiles collector/src to CommonJS under `outDir`; returns the path of main.js. */
export function buildCollector(outDir = join(OUTPUT_DIR, 'build')): string {
  // esbuild comes with tsx (a dev dependency of the workspace root).
  const esbuild = require('esbuild') as typeof import('esbuild');
  const src = join(COLLECTOR_DIR, 'src');
  esbuild.buildSync({
    entryPoints: sources(src),
    outdir: outDir,
    outbase: src,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: false,
    logLevel: 'error',
  });
  return join(outDir, 'main.js');
}

export interface LogLine {
  level?: string;
  msg?: string;
  [k: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class CollectorProcess {
  /** Every JSON log line the process wrote (stderr), parsed; capped at the last 5000. */
  readonly logs: LogLine[] = [];
  /** stderr / stdout lines that were not JSON (a crash's stack trace ends up here). */
  readonly rawOutput: string[] = [];
  url = '';
  readonly exited: Promise<Exit>;
  exit: Exit | null = null;
  errorLines = 0;

  private constructor(
    readonly child: ChildProcess,
    readonly env: Record<string, string>,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.onLine(line);
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
  }

  get pid(): number {
    return this.child.pid!;
  }

  private onLine(line: string): void {
    if (!line.trim()) return;
    let rec: LogLine | null = null;
    try {
      const v = JSON.parse(line) as unknown;
      if (typeof v === 'object' && v !== null) rec = v as LogLine;
    } catch {
      rec = null;
    }
    if (!rec) {
      this.rawOutput.push(line);
      if (this.rawOutput.length > 500) this.rawOutput.shift();
      return;
    }
    if (rec.level === 'error') this.errorLines++;
    if (rec.msg === 'api listening' && typeof rec.url === 'string') this.url = rec.url;
    this.logs.push(rec);
    if (this.logs.length > 5000) this.logs.shift();
  }

  /** Spawns the collector; resolves when its API listens (or rejects with its output if it exits first). */
  static async start(mainJs: string, env: Record<string, string>, timeoutMs = 20_000, nodeArgs: string[] = []): Promise<CollectorProcess> {
    const p = CollectorProcess.spawn(mainJs, env, { nodeArgs });
    const t0 = Date.now();
    while (!p.url) {
      if (p.exit) throw new Error(`collector exited (${p.exit.code ?? p.exit.signal}) before listening: ${p.output().slice(-1500)}`);
      if (Date.now() - t0 > timeoutMs) {
        await p.kill9();
        throw new Error(`collector did not start listening within ${timeoutMs} ms: ${p.output().slice(-1500)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return p;
  }

  /** Spawns without waiting (for runs that are expected to fail at start). */
  static spawn(mainJs: string, env: Record<string, string>, opts: { wrapper?: string[]; nodeArgs?: string[] } = {}): CollectorProcess {
    const fullEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env };
    const argv = [...(opts.wrapper ?? []), process.execPath, ...(opts.nodeArgs ?? []), mainJs];
    const child = spawn(argv[0]!, argv.slice(1), { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'], cwd: COLLECTOR_DIR });
    return new CollectorProcess(child, fullEnv);
  }

  /** The output so far (log lines and raw lines), for error messages. */
  output(): string {
    return [...this.rawOutput, ...this.logs.slice(-30).map((l) => JSON.stringify(l))].join('\n');
  }

  /** Resident set size in MB (VmRSS), or null once the process is gone. */
  rssMb(): number | null {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : null;
    } catch {
      return null;
    }
  }

  kill9(): Promise<Exit> {
    if (!this.exit) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM (graceful: flush and close), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (this.exit) return this.exit;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const e = await this.exited;
    clearTimeout(t);
    return e;
  }

  /** GET a path of the API; the body parsed as JSON when it is JSON. */
  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.url + path, { headers });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body };
  }
}
