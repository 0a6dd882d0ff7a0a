/**
 * Query API benchmark, loopback, bounded (about a minute). The collector side (SQLite store
 * holding 24 h of 1s bars for BTCUSDT and ETHUSDT, the live engine, the real Ingestor fed by
 * our fake Binance, and the API) runs in a child process, so that the load generator
 * (autocannon) does not share its event loop; both share this machine's 2 cores.
 *
 * 1. Small queries: /api/stats of a configured window (the live engine's numbers), /api/health,
 *    a 60-bar /api/bars: requests/s and p50 / p99 with 10 connections. Baseline in the same run:
 *    /api/stats recomputed per request from stored bars (entryZ given, so the live engine's
 *    numbers do not apply), i.e. what an API without a live engine does.
 * 2. /api/analytics over 24 h of 1s bars (86,400 points) for window 777, which the engine is
 *    not configured with, while the fake trades 20 times a second: sequential latency, thinned to maxDataPoints=1000 (what Grafana asks)
 *    and unthinned. Baselines: the same API with the close cache off (bars re-read from the
 *    store each time), and a naive per-window recompute (O(n·w) loops) of the same series.
 * 3. Tick -> visible in /api/stats: the fake sends one trade over the WebSocket; the parent
 *    polls /api/stats until it shows that trade's price. Baseline: an API instance without the
 *    ingestor's in-memory prices, which sees the tick only once the TickWriter has flushed it.
 *
 * Targets (issue 4): small queries >= 2,000 req/s with p99 <= 20 ms; 24 h query p50 <= 50 ms;
 * tick -> /api/stats p99 <= 20 ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { alignBars } from '../src/analytics';
import { serveApi } from '../src/api/serve';
import { parsePair, type Tick } from '../src/domain';
import { Ingestor } from '../src/ingest/ingestor';
import { LiveAnalytics } from '../src/live';
import { log } from '../src/log';
import { openSqliteStore } from '../src/store/sqlite';
import { withBarEvents } from '../src/store/barEvents';
import { TickWriter } from '../src/store/tickWriter';
import { startFakeBinance } from '../src/fake-binance';

log.configure({ level: 'warn' });
const DAY = 86_400;
const PAIR = 'ETHUSDT/BTCUSDT';

// ------------------------------------------------------------------ child: the collector
async function server(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'api-bench-'));
  // announces every write to the API's read side, as the collector's store does (main.ts)
  const store = withBarEvents(await openSqliteStore({ path: join(dir, 'bench.db') }));
  const end = Math.floor(Date.now() / 1000) * 1000;
  const t0 = end - DAY * 1000;
  let s = 7;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  let x = 87_000;
  let y = 2_930;
  for (let i = 0; i < DAY; i += 10_000) {
    const batch: Tick[] = [];
    for (let k = i; k < Math.min(DAY, i + 10_000); k++) {
      x *= 1 + rnd() * 4e-4;
      y = 0.9 * y + 0.1 * (x * 0.03368) + rnd() * 0.5;
      batch.push({ symbol: 'BTCUSDT', id: k + 1, ts: t0 + k * 1000 + 100, price: Math.round(x * 100) / 100, qty: 0.01, isBuyerMaker: false });
      batch.push({ symbol: 'ETHUSDT', id: k + 1, ts: t0 + k * 1000 + 200, price: Math.round(y * 100) / 100, qty: 0.1, isBuyerMaker: true });
    }
    await store.insertTicks(batch);
  }
  const pairs = [parsePair(PAIR)];
  const fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT'], rate: 0, startIds: { BTCUSDT: DAY + 1, ETHUSDT: DAY + 1 } });
  const live = new LiveAnalytics({ pairs, windows: [60] });
  await live.warmUp(store);
  const writer = new TickWriter(store);
  const ingestor = new Ingestor({ wsUrl: fake.wsUrl, restUrl: fake.restUrl, symbols: ['BTCUSDT', 'ETHUSDT'], stream: 'trade', sink: writer });
  ingestor.onTicks((t) => live.onTicks(t));
  const deps = { store, pairs, windows: [60], ingest: ingestor, live };
  const api = await serveApi(deps, '127.0.0.1', 0);
  const noCache = await serveApi({ ...deps, closeCache: false }, '127.0.0.1', 0);
  const storeOnly = await serveApi({ store, pairs, windows: [60], closeCache: false }, '127.0.0.1', 0); // no ingest: prices from the store; no caches
  await ingestor.start();
  while (ingestor.status().wsState !== 'open') await new Promise((r) => setTimeout(r, 20));
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'rate') {
      fake.setRate((m as unknown as { rate: number }).rate);
    } else if (m.cmd === 'cpu') {
      const u = process.cpuUsage();
      process.send!({ cpu: u.user + u.system });
    } else if (m.cmd === 'tick') {
      fake.generate(1);
      const t = fake.trades('BTCUSDT');
      process.send!({ tick: t[t.length - 1]!.time, price: Number(t[t.length - 1]!.price) });
    } else if (m.cmd === 'stop') {
      void (async () => {
        await Promise.all([api.close(), noCache.close(), storeOnly.close()]);
        await ingestor.stop();
        await writer.close();
        await fake.stop();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      })();
    }
  });
  process.send!({ ready: { api: api.url, noCache: noCache.url, storeOnly: storeOnly.url, t0, end } });
}

// ------------------------------------------------------------------ parent: the load
const q = (v: number[], p: number): number => {
  const a = [...v].sort((m, n) => m - n);
  return a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!;
};
const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));

let child: ChildProcess;
/** CPU time (µs, user + system) the collector process has used so far. */
const serverCpu = (): Promise<number> =>
  new Promise((resolve) => {
    const on = (m: any): void => {
      if (m.cpu === undefined) return;
      child.off('message', on);
      resolve(m.cpu);
    };
    child.on('message', on);
    child.send({ cmd: 'cpu' });
  });

async function cannon(url: string, seconds: number): Promise<{ rps: number; p50: number; p99: number; bad: number; cpuUs: number }> {
  const c0 = await serverCpu();
  const r = await autocannon({ url, connections: 10, duration: seconds, pipelining: 1 });
  const cpuUs = ((await serverCpu()) - c0) / Math.max(1, r.requests.total);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors + r.timeouts, cpuUs };
}

/** Latencies (ms) of n sequential requests; `cpu` gets the server's CPU ms per request. */
async function timed(url: string, n: number, cpu?: number[]): Promise<number[]> {
  const c0 = await serverCpu();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(url);
    if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
    out.push(performance.now() - t);
  }
  cpu?.push(((await serverCpu()) - c0) / 1000 / n);
  return out;
}

/** Naive rolling OLS + z over every window from scratch: O(n·w), the obvious implementation. */
function naiveSeries(x: number[], y: number[], w: number): number {
  const n = x.length;
  const spread = new Array<number>(n).fill(NaN);
  let zs = 0;
  for (let t = w - 1; t < n; t++) {
    let mx = 0,
      my = 0;
    for (let i = t - w + 1; i <= t; i++) {
      mx += x[i]!;
      my += y[i]!;
    }
    mx /= w;
    my /= w;
    let sxy = 0,
      sxx = 0;
    for (let i = t - w + 1; i <= t; i++) {
      sxy += (x[i]! - mx) * (y[i]! - my);
      sxx += (x[i]! - mx) ** 2;
    }
    const beta = sxy / sxx;
    spread[t] = y[t]! - (my - beta * mx + beta * x[t]!);
    if (t >= 2 * w - 2) {
      let m = 0;
      for (let i = t - w + 1; i <= t; i++) m += spread[i]!;
      m /= w;
      let v = 0;
      for (let i = t - w + 1; i <= t; i++) v += (spread[i]! - m) ** 2;
      zs += (spread[t]! - m) / Math.sqrt(v / (w - 1));
    }
  }
  return zs;
}

async function parent(): Promise<void> {
  child = fork(__filename, ['--server'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ api: string; noCache: string; storeOnly: string; t0: number; end: number }>((resolve) =>
    child.on('message', (m: any) => m.ready && resolve(m.ready)),
  );
  const { api, noCache, storeOnly, t0, end } = ready;
  const rows: string[][] = [];
  // Figures depend on what else runs: say how busy the machine was.
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')} at start`,
  );
  try {
    // 1. small queries
    const stats = `/api/stats?pair=${PAIR}&tf=1s&window=60`;
    const small = [
      ['/api/stats (live engine)', stats],
      ['/api/health', '/api/health'],
      ['/api/bars 60 x 1s', `/api/bars?symbol=BTCUSDT&tf=1s&from=${end - 60_000}&to=${end}`],
      ['baseline: /api/stats without the live engine (series + ADF/EG per request)', `${stats}&entryZ=2`],
    ] as const;
    for (const [, path] of small) await cannon(api + path, 1); // JIT warm-up of every route before any figure
    for (const [name, path] of small) {
      await cannon(api + path, 1); // warm-up
      const r = await cannon(api + path, 4);
      rows.push([name, r.rps.toFixed(0), ms(r.p50), ms(r.p99), String(r.bad), r.cpuUs.toFixed(0), (1e6 / r.cpuUs).toFixed(0)]);
    }
    console.log('\nsmall queries, 10 connections, 4 s each (target >= 2,000 req/s, p99 <= 20 ms)');
    console.log('server CPU µs/request is what a request costs the collector whatever else runs; 1e6 / it = req/s one free core would serve');
    console.table(
      rows.map(([n, rps, p50, p99, bad, cpu, cap]) => ({
        query: n,
        'req/s': rps,
        'p50 ms': p50,
        'p99 ms': p99,
        'errors/non-2xx': bad,
        'server CPU µs/req': cpu,
        'req/s per free core': cap,
      })),
    );

    // 2. 24 h analytics, window 777
    const base = `/api/analytics?pair=${PAIR}&tf=1s&window=777&from=${t0}&to=${end}`;
    // Queried while the fake trades 20 times a second per symbol: the caches keep up with live data.
    child.send({ cmd: 'rate', rate: 20 });
    const cpu: number[] = [];
    const cold = (await timed(api + base + '&maxDataPoints=1000', 1, cpu))[0]!;
    const thin = await timed(api + base + '&maxDataPoints=1000', 30, cpu);
    const full = await timed(api + base, 10, cpu);
    const uncached = await timed(noCache + base + '&maxDataPoints=1000', 5, cpu);
    child.send({ cmd: 'rate', rate: 0 });
    const bars = (await (await fetch(`${api}/api/bars?symbol=BTCUSDT&tf=1s&from=${t0}&to=${end}`)).json()) as { bars: { start: number; close: number }[] };
    const barsY = (await (await fetch(`${api}/api/bars?symbol=ETHUSDT&tf=1s&from=${t0}&to=${end}`)).json()) as { bars: { start: number; close: number }[] };
    const al = alignBars(barsY.bars, bars.bars);
    const naive: number[] = [];
    const n0 = process.cpuUsage();
    for (let i = 0; i < 2; i++) {
      const t = performance.now();
      naiveSeries(al.x, al.y, 777);
      naive.push(performance.now() - t);
    }
    const n1 = process.cpuUsage(n0);
    const naiveCpu = (n1.user + n1.system) / 1000 / 2;
    const p50 = q(thin, 50);
    console.log(`\n/api/analytics, 24 h of 1s bars (${al.ts.length} aligned points), window 777 (not configured); target p50 <= 50 ms`);
    console.table([
      { run: 'ours, maxDataPoints=1000 (30 requests)', 'p50 ms': ms(p50), 'p99 ms': ms(q(thin, 99)), 'server CPU ms/req': ms(cpu[1]!), 'vs ours': '1.0x' },
      { run: 'ours, first request (cache cold)', 'p50 ms': ms(cold), 'p99 ms': '', 'server CPU ms/req': ms(cpu[0]!), 'vs ours': `${(cold / p50).toFixed(1)}x` },
      {
        run: 'ours, unthinned 86,400 points (10)',
        'p50 ms': ms(q(full, 50)),
        'p99 ms': ms(q(full, 99)),
        'server CPU ms/req': ms(cpu[2]!),
        'vs ours': `${(q(full, 50) / p50).toFixed(1)}x`,
      },
      {
        run: 'baseline: close cache off, bars re-read (5)',
        'p50 ms': ms(q(uncached, 50)),
        'p99 ms': ms(q(uncached, 99)),
        'server CPU ms/req': ms(cpu[3]!),
        'vs ours': `${(q(uncached, 50) / p50).toFixed(1)}x`,
      },
      {
        run: 'baseline: naive O(n·w) recompute, compute only (2)',
        'p50 ms': ms(q(naive, 50)),
        'p99 ms': '',
        'server CPU ms/req': `${ms(naiveCpu)} (in-process)`,
        'vs ours': `${(q(naive, 50) / p50).toFixed(1)}x; CPU ${(naiveCpu / cpu[1]!).toFixed(0)}x`,
      },
    ]);

    // 3. tick -> visible in /api/stats
    const lat = async (url: string, n: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const sent = await new Promise<{ tick: number; price: number }>((resolve) => {
          child.once('message', (m: any) => resolve(m));
          child.send({ cmd: 'tick' });
        });
        for (;;) {
          const b = (await (await fetch(url + stats)).json()) as { prices?: { x?: { ts: number } } };
          if (b.prices?.x?.ts === sent.tick) break;
          if (performance.now() - t > 5000) throw new Error('tick not visible within 5 s');
        }
        out.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 15));
      }
      return out;
    };
    const ours = await lat(api, 200);
    const flushed = await lat(storeOnly, 50);
    console.log('\ntick sent by the fake Binance -> visible in /api/stats (target p99 <= 20 ms)');
    console.table([
      { path: 'ours: ingest -> in-memory prices / live engine (200 ticks)', 'p50 ms': ms(q(ours, 50)), 'p99 ms': ms(q(ours, 99)) },
      {
        path: 'baseline: visible once stored (TickWriter flush, 50 ticks)',
        'p50 ms': ms(q(flushed, 50)),
        'p99 ms': ms(q(flushed, 99)),
        ratio: `${(q(flushed, 99) / q(ours, 99)).toFixed(1)}x slower p99`,
      },
    ]);
    console.log(
      `load average ${loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')} at the end`,
    );
  } finally {
    child.send({ cmd: 'stop' });
    await new Promise((r) => child.once('exit', r));
  }
}

if (process.argv.includes('--server')) void server();
else
  parent().catch((e) => {
    console.error(e);
    process.exit(1);
  });
