/**
 * `npm run e2e:grafana`: a Go plugin host (NOT a Grafana server) drives the built plugin.
 *
 * A Grafana server cannot be built here (the Go module proxy refuses github.com/grafana/grafana:
 * 403 "This module version is not available", and it is AGPL), so host_test.go, in Go with the
 * Apache-licensed plugin SDK and hashicorp/go-plugin, starts the packaged plugin's native
 * gpx_pairs_linux_amd64 (scripts/package.mjs, linux targets, no zip, into a temporary folder) the
 * way Grafana's pkg/plugins/backendplugin/grpcplugin does and calls it through the SDK's
 * generated gRPC clients; gpx_pairs_linux_arm64 too, under qemu-user. The host runs with no
 * directory holding a node on its PATH. This script is its fixture: the fake Binance (seeded, cointegrated
 * BTC/ETH/SOL) feeding the real collector (ingest -> SQLite -> HTTP API, with a token) on
 * loopback, ~4 h of history, and a control endpoint through which the Go test makes the fake
 * send one trade (to time tick -> Live packet). Then it compiles the Go test (`go test -c`; the
 * module cache is outside the repository) and runs the binary with its stdin a pipe closed at
 * once: the plugin inherits it from the host as from Grafana, and must not stop at its EOF.
 * Finally it checks that no plugin process is left.
 *
 * Usage: npm run e2e:grafana   (needs Go >= 1.26 and the Go module proxy, Debian's qemu-user-static,
 * libc6-arm64-cross and libstdc++6-arm64-cross; builds the plugin first)
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { DEFAULT_QUERY, SYMBOL_PATTERN } from '@quant-pairs/contract';
import { until } from '@quant-pairs/testkit';
import { loadConfig } from 'collector/src/config';
import { TIMEFRAME_MS } from 'collector/src/domain';
import { startFakeBinance, startFakeFutures } from 'collector/src/fake-binance';
import { spotPriceOf } from 'collector/src/fake-binance/futuresPrices';
import { LiveScanner } from 'collector/src/live/scanner';
import { log } from 'collector/src/log';
import { startCollector } from 'collector/src/main';

const HOST_DIR = __dirname;
const REPO = resolve(HOST_DIR, '..', '..', '..');
const PACKAGE_DIR = mkdtempSync(join(tmpdir(), 'plugin-package-'));
const PLUGIN_DIR = join(PACKAGE_DIR, 'quant-pairs-datasource');
/** qemu-user for the linux/arm64 executable, and the arm64 C/C++ runtime it loads (Debian's paths). */
const QEMU_AARCH64 = '/usr/bin/qemu-aarch64-static';
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const PROVISIONING_DIR = join(REPO, 'provisioning');
const TOKEN = 'host-e2e-token';
/**
 * Issue 23: a pair of two symbols of the longest length SYMBOL_PATTERN admits (20), ingested like
 * the others, for the Live channel at the longest settings (longest_test.go). Their letters sort
 * after the dashboards' symbols, which stay the first of every list.
 */
const LONGEST = Number(/\{\d+,(\d+)\}/.exec(SYMBOL_PATTERN)![1]);
const LONGEST_PAIR = `${'X'.repeat(LONGEST - 4)}USDT/${'Y'.repeat(LONGEST - 4)}USDT`;
/**
 * Issue 25: a perpetual pair and a basis pair beside them (the fake USD-M futures following the
 * spot fake's prices, funding every minute), so the Funding and basis dashboard's variables have
 * options and every funding query, channel and label runs with `.P` symbols.
 */
const PERP_PAIRS = ['ETHUSDT.P/BTCUSDT.P', 'BTCUSDT.P/BTCUSDT'];
const PAIRS = ['ETHUSDT/BTCUSDT', 'SOLUSDT/BTCUSDT', LONGEST_PAIR, ...PERP_PAIRS];
/** z of the dashboards' default window (100 one-minute bars) needs 2w - 1 bars: 230 minutes of trades. */
const HISTORY_MS = 230 * 60_000;
const STEP_MS = 3_000;
/**
 * The provisioned scanner panels and "cointegration lost" rules ask for the scanner's defaults
 * (SCAN_TF 5m over SCAN_WINDOW 1000 bars, about 83 h): before the dense history, one trade per
 * symbol per SCAN_TF bar for that long, and the scans of the last SCAN_SCANS closes stored (the
 * rules look 3 closes back), so every scan query has a stored scan to show.
 */
const SCAN_SCANS = 3;

/** pids of processes whose command line names our plugin directory's backend (from /proc). */
function pluginProcesses(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.startsWith(PLUGIN_DIR + '/'))) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** PATH without the directories that hold a node (the Go host must find none; TestNativeExecutableWithoutNode). */
function pathWithoutNode(path: string): string {
  return path
    .split(delimiter)
    .filter((d) => d !== '' && !existsSync(join(d, 'node')))
    .join(delimiter);
}

/**
 * The native executables Grafana runs: the package's linux ones, from the dist/ just built, into
 * PACKAGE_DIR; false (with why on stderr) when qemu-user or the arm64 runtime is missing.
 */
function packageNative(): boolean {
  for (const [path, pkg] of [
    [QEMU_AARCH64, 'qemu-user-static'],
    [join(ARM64_SYSROOT, 'lib', 'libstdc++.so.6'), 'libc6-arm64-cross libstdc++6-arm64-cross'],
  ]) {
    if (!existsSync(path)) {
      process.stderr.write(`e2e:grafana runs the linux/arm64 executable under qemu-user: ${path} is missing (apt-get install ${pkg}).\n`);
      return false;
    }
  }
  execFileSync(
    process.execPath,
    [join(REPO, 'grafana-plugin', 'scripts', 'package.mjs'), '--targets', 'linux-amd64,linux-arm64', '--no-zip', '--out', PACKAGE_DIR],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  return true;
}

async function main(): Promise<number> {
  log.configure({ level: 'error' });
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    process.stderr.write('e2e:grafana needs Go (>= 1.26, as go.mod says) on PATH: the plugin host is a Go program (grafana-plugin/test/host).\n');
    return 1;
  }
  if (!packageNative()) return 1;
  const before = pluginProcesses();
  if (before.length > 0) process.stderr.write(`note: plugin processes already running before the suite: ${before.join(', ')}\n`);

  const dir = mkdtempSync(join(tmpdir(), 'plugin-host-'));
  const fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', ...LONGEST_PAIR.split('/')], rate: 0, pingIntervalMs: 1_000 });
  const futures = await startFakeFutures({
    symbols: ['BTCUSDT', 'ETHUSDT'],
    rate: 0,
    pingIntervalMs: 1_000,
    fundingIntervalMs: 60_000,
    pastFundingMs: 6 * 3_600_000,
    // no mark stream: the state stays premiumIndex's at start, so a panel and the collector asked a moment apart agree
    markIntervalMs: 0,
    followSpot: spotPriceOf((s) => fake.trades(s)),
  });
  const collector = await startCollector(
    loadConfig({
      PAIRS: PAIRS.join(','),
      BINANCE_WS_URL: fake.wsUrl,
      BINANCE_REST_URL: fake.restUrl,
      BINANCE_FUTURES_WS_URL: futures.wsUrl,
      BINANCE_FUTURES_REST_URL: futures.restUrl,
      DB_PATH: join(dir, 'collector.db'),
      HOST: '127.0.0.1',
      PORT: '0',
      API_TOKEN: TOKEN,
      LOG_LEVEL: 'error',
    }),
  );
  const control = createServer((req, res) => {
    // POST /tick: one trade per symbol, now; answers the epoch ms just before it was sent.
    if (req.method === 'POST' && req.url === '/tick') {
      const sentAt = Date.now();
      fake.generate(1);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sentAt }));
    } else if (req.method === 'POST' && req.url?.startsWith('/rate/')) {
      fake.setRate(Number(req.url.slice('/rate/'.length)));
      res.writeHead(204).end();
    } else res.writeHead(404).end();
  });
  let status = 1;
  try {
    // History (none: the fake has no past yet) settles before the trades of past times below: a
    // history that decides its seam while they are still queued takes the ticks before the seam
    // as what its klines stand for, and they never reach the ticks table (the count below).
    await collector.historyReady;
    await until(() => collector.ingestor.status().wsState === 'open', 'the collector to connect to the fake Binance', 60_000, 50);
    // History: one trade per symbol every 3 s for 230 minutes ending now, with the fake's clock
    // set to each time (minute-aligned start: every run builds the same bars).
    const now = Date.now();
    const realNow = Date.now;
    const { tf: scanTf, window: scanWindow, thresholds, universe } = collector.config.scan;
    const scanMs = TIMEFRAME_MS[scanTf];
    const denseFrom = Math.floor((now - HISTORY_MS) / 60_000) * 60_000;
    let n = 0;
    try {
      // the scanner's window before the oldest scanned close, plus a bar to carry into its first grid point
      const sparseFrom = Math.floor(now / scanMs) * scanMs - (scanWindow + SCAN_SCANS + 1) * scanMs;
      for (let t = sparseFrom; t < denseFrom; t += scanMs, n++) {
        Date.now = () => t;
        fake.generate(1);
        futures.generate(1);
      }
      for (let t = denseFrom; t <= now; t += STEP_MS, n++) {
        Date.now = () => t;
        fake.generate(1);
        futures.generate(1);
      }
    } finally {
      Date.now = realNow;
    }
    const expected = n * (fake.symbols.length + futures.symbols.length);
    let stored = 0;
    await until(
      async () => (stored = (await collector.store.symbols()).reduce((s, x) => s + x.ticks, 0)) >= expected,
      () => `${expected} ticks stored (${stored} are)`,
      120_000,
      50,
    );
    // The scans of the last closes, as the collector's scanner stores them at each close (its own
    // scan at start-up found no history yet).
    const scanner = new LiveScanner({
      store: collector.store,
      symbols: 'symbols' in universe ? universe.symbols : fake.symbols,
      tf: scanTf,
      window: scanWindow,
      thresholds,
    });
    const lastClose = Math.floor(now / scanMs) * scanMs;
    for (let k = SCAN_SCANS - 1; k >= 0; k--) {
      if (!(await scanner.scanAt(lastClose - k * scanMs)))
        throw new Error(`no scan at ${new Date(lastClose - k * scanMs).toISOString()}: the history does not cover ${scanWindow} ${scanTf} bars`);
    }
    await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
    const collectorUrl = `http://127.0.0.1:${(collector.server!.address() as AddressInfo).port}`;
    const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;

    process.stdout.write(
      `plugin host suite: collector ${collectorUrl}, ${expected} ticks of history, ${SCAN_SCANS} ${scanTf} scans over ${scanWindow} bars stored; compiling the Go host (go test -c)\n`,
    );
    const bin = join(dir, 'host.test');
    execFileSync('go', ['test', '-c', '-o', bin, '.'], { cwd: HOST_DIR, stdio: 'inherit' });
    const child = spawn(bin, ['-test.v', '-test.count=1', '-test.timeout=10m'], {
      cwd: HOST_DIR,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: {
        ...process.env,
        PATH: pathWithoutNode(process.env.PATH ?? ''),
        PAIRS_PLUGIN_DIR: PLUGIN_DIR,
        PAIRS_PROVISIONING_DIR: PROVISIONING_DIR,
        COLLECTOR_URL: collectorUrl,
        API_TOKEN: TOKEN,
        FAKE_CONTROL_URL: controlUrl,
        DEFAULT_QUERY_JSON: JSON.stringify(DEFAULT_QUERY),
        LONGEST_PAIR,
        QEMU_AARCH64,
        ARM64_SYSROOT,
      },
    });
    child.stdin!.end(); // the host's stdin, and so the plugin's, is a pipe at EOF
    let passed = 0;
    let failed = 0;
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      process.stdout.write(d);
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line.startsWith('--- PASS')) passed++;
        else if (line.startsWith('--- FAIL')) failed++;
      }
    });
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
    // Stopping the host leaves no plugin process behind (Kill: GRPCController, then SIGKILL).
    let leftovers: number[] = [];
    try {
      await until(() => (leftovers = pluginProcesses().filter((p) => !before.includes(p))).length === 0, 'the plugin processes to exit', 10_000, 50);
    } catch {
      /* reported below */
    }
    if (leftovers.length > 0) {
      failed++;
      process.stdout.write(`FAIL: plugin processes left after the host exited: ${leftovers.join(', ')}\n`);
      for (const p of leftovers) process.kill(p, 'SIGKILL');
    } else passed++;
    if (code !== 0 && failed === 0) failed = 1;
    process.stdout.write(
      `Go plugin host (not a Grafana server):\nTests:       ${failed > 0 ? `${failed} failed, ` : ''}${passed} passed, ${passed + failed} total\n`,
    );
    status = failed > 0 ? 1 : 0;
  } finally {
    control.close();
    await collector.stop();
    await fake.stop();
    await futures.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return status;
}

main().then(
  (code) => {
    rmSync(PACKAGE_DIR, { recursive: true, force: true });
    process.exit(code);
  },
  (e: Error) => {
    rmSync(PACKAGE_DIR, { recursive: true, force: true });
    process.stderr.write(`e2e:grafana failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
