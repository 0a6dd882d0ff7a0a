/** Configuration: defaults from issue 2, flags overriding env, and errors naming the variable. */
import { availableParallelism } from 'node:os';
import { MAX_WINDOW, MIN_WINDOW } from '@quant-pairs/contract';
import { analyticsRequest, backtestRequest } from '@quant-pairs/contract/requests';
import { readQuery } from '../src/api/http/params';
import { ConfigError, SETTINGS, configFrom, loadConfig, parseArgv, parseDuration, readSettings, settingsHelp, type Setting } from '../src/config';
import { DEMO_SETTINGS } from '../src/demo';
import { USAGE } from '../src/main';

test('defaults (the values issue 2 names)', () => {
  const c = loadConfig({}, []);
  expect(c.pairs.map((p) => p.id)).toEqual(['ETHUSDT/BTCUSDT', 'SOLUSDT/BTCUSDT']);
  expect(c.symbols).toEqual(['ETHUSDT', 'BTCUSDT', 'SOLUSDT']);
  expect(c.ingestSymbols).toEqual(c.symbols);
  expect(c).toMatchObject({
    binanceWsUrl: 'wss://data-stream.binance.vision',
    binanceRestUrl: 'https://data-api.binance.vision',
    dbPath: './data/collector.db',
    databaseUrl: null,
    stream: 'trade',
    retentionMs: null,
    history: { '1s': 2 * 3_600_000, '1m': 3 * 86_400_000, '5m': 14 * 86_400_000 },
    outageKlinesAfterMs: 600_000,
    outageKlinesAfterTrades: 200_000, // issue 14: "more than 10 minutes or 200k trades"
    stallTimeoutMs: 60_000,
    host: '127.0.0.1',
    port: 8080,
    apiToken: null,
    windows: [30, 100],
    entryZ: 2,
    exitZ: null,
    logLevel: 'info',
  });
});

test('HISTORY: timeframe:duration pairs (the windows add their own minimum at start-up), or 0 for none', () => {
  expect(loadConfig({ HISTORY: '1m:6h, 5m:2d' }, []).history).toEqual({ '1m': 6 * 3_600_000, '5m': 2 * 86_400_000 });
  expect(loadConfig({ HISTORY: '0' }, []).history).toBeNull();
  expect(loadConfig({}, ['--outage-klines-after', '1h']).outageKlinesAfterMs).toBe(3_600_000);
  expect(loadConfig({ OUTAGE_KLINES_AFTER_TRADES: '50000' }, []).outageKlinesAfterTrades).toBe(50_000);
  expect(loadConfig({}, ['--outage-klines-after-trades=1000']).outageKlinesAfterTrades).toBe(1_000);
});

test('SCAN_BACKFILL (24h by default, 0 = none) and SCAN_THREADS (the cores by default, 0 = the main thread)', () => {
  expect(loadConfig({}, []).scan).toMatchObject({ backfillMs: 86_400_000, threads: availableParallelism() });
  expect(loadConfig({ SCAN_BACKFILL: '0', SCAN_THREADS: '0' }, []).scan).toMatchObject({ backfillMs: 0, threads: 0 });
  expect(loadConfig({}, ['--scan-backfill=6h', '--scan-threads', '3']).scan).toMatchObject({ backfillMs: 6 * 3_600_000, threads: 3 });
});

test('UNIVERSE_REFRESH (top:N lookups, daily by default) and SCAN_RETENTION (scans kept 7 days by default; 0 = as long as RETENTION)', () => {
  expect(loadConfig({}, []).scan).toMatchObject({ universeRefreshMs: 86_400_000, retentionMs: 7 * 86_400_000 });
  expect(loadConfig({ UNIVERSE: 'top:50', UNIVERSE_REFRESH: '6h', SCAN_RETENTION: '48h' }, []).scan).toMatchObject({
    universe: { top: 50 },
    universeRefreshMs: 6 * 3_600_000,
    retentionMs: 48 * 3_600_000,
  });
  expect(loadConfig({ SCAN_RETENTION: '0' }, []).scan.retentionMs).toBeNull();
  expect(loadConfig({ UNIVERSE: 'all', UNIVERSE_REFRESH: '1h' }, []).scan).toMatchObject({ universe: { top: 'all' }, universeRefreshMs: 3_600_000 });
  expect(loadConfig({ UNIVERSE: 'ALL' }, []).scan.universe).toEqual({ top: 'all' });
  expect(loadConfig({ UNIVERSE: 'top:3' }, ['--universe-refresh=1m', '--scan-retention', '90m']).scan).toMatchObject({
    universeRefreshMs: 60_000,
    retentionMs: 5_400_000,
  });
});

test('SYMBOLS=none makes an API replica that ingests nothing (scale-out)', () => {
  const c = loadConfig({ PAIRS: 'ETHUSDT/BTCUSDT', SYMBOLS: 'none', DATABASE_URL: 'postgres://u@db/pairs' });
  expect(c.symbols).toEqual(['ETHUSDT', 'BTCUSDT']);
  expect(c.ingestSymbols).toEqual([]);
});

test('environment values', () => {
  const c = loadConfig({
    PAIRS: 'ethusdt/btcusdt, bnbusdt/btcusdt',
    SYMBOLS: 'btcusdt',
    STREAM: 'aggTrade',
    RETENTION: '7d',
    PORT: '0',
    WINDOWS: '20, 60',
    ENTRY_Z: '2.5',
    EXIT_Z: '0.5',
    BINANCE_WS_URL: 'ws://127.0.0.1:9000/',
    DATABASE_URL: 'postgres://u:p@localhost/db',
    API_TOKEN: 'secret',
    LOG_LEVEL: 'WARN',
  });
  expect(c.symbols).toEqual(['ETHUSDT', 'BTCUSDT', 'BNBUSDT']);
  expect(c.ingestSymbols).toEqual(['BTCUSDT']);
  expect(c.stream).toBe('aggTrade');
  expect(c.retentionMs).toBe(7 * 86_400_000);
  expect(c.port).toBe(0);
  expect(c.windows).toEqual([20, 60]);
  expect([c.entryZ, c.exitZ]).toEqual([2.5, 0.5]);
  expect(c.binanceWsUrl).toBe('ws://127.0.0.1:9000');
  expect(c.databaseUrl).toBe('postgres://u:p@localhost/db');
  expect(c.apiToken).toBe('secret');
  expect(c.logLevel).toBe('warn');
});

test('flags override the environment, in both --x=v and --x v forms', () => {
  const c = loadConfig({ PORT: '1', DB_PATH: 'a.db' }, ['--port=2', '--db-path', 'b.db', 'file.csv']);
  expect(c.port).toBe(2);
  expect(c.dbPath).toBe('b.db');
  expect(parseArgv(['replay', 'x.zip', '--stream=aggTrade', '-h'])).toEqual({ positionals: ['replay', 'x.zip'], settings: { STREAM: 'aggTrade' }, help: true });
});

const bad: Array<[Record<string, string>, string, RegExp]> = [
  [{ PAIRS: 'ETHUSDT-BTCUSDT' }, 'PAIRS', /must look like ETHUSDT\/BTCUSDT/],
  [{ PAIRS: 'ETHUSDT/ETHUSDT' }, 'PAIRS', /must differ/],
  [{ PAIRS: 'ETHUSDT/BTCUSDT,ethusdt/btcusdt' }, 'PAIRS', /listed twice/],
  [{ SYMBOLS: 'DOGEUSDT' }, 'SYMBOLS', /not a symbol of PAIRS/],
  [{ STREAM: 'depth' }, 'STREAM', /trade or aggTrade/],
  [{ RETENTION: 'a week' }, 'RETENTION', /duration/],
  [{ RETENTION: '-5d' }, 'RETENTION', /duration/],
  [{ PORT: 'eighty' }, 'PORT', /0 to 65535/],
  [{ PORT: '70000' }, 'PORT', /0 to 65535/],
  [{ WINDOWS: '30,x' }, 'WINDOWS', /"x" is not a whole number/],
  [{ WINDOWS: '1' }, 'WINDOWS', /from 2 to 10000/],
  [{ WINDOWS: '20000' }, 'WINDOWS', /"20000" is not a whole number of bars from 2 to 10000/],
  [{ ENTRY_Z: '-1' }, 'ENTRY_Z', /above 0/],
  [{ EXIT_Z: '3' }, 'EXIT_Z', /ENTRY_Z=2/],
  [{ BINANCE_WS_URL: 'http://x' }, 'BINANCE_WS_URL', /ws:\/\/ or wss:\/\//],
  [{ BINANCE_REST_URL: 'not a url' }, 'BINANCE_REST_URL', /not a URL/],
  [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /debug, info/],
  [{ STALL_TIMEOUT: '10ms' }, 'STALL_TIMEOUT', /at least 100ms/],
  [{ HISTORY: '1h:3d' }, 'HISTORY', /"1h:3d": the timeframe must be one of 1s, 1m, 5m/],
  [{ HISTORY: '1m:3 days' }, 'HISTORY', /"1m:3 days": the duration must be such as 2h, 3d, 90m/],
  [{ OUTAGE_KLINES_AFTER: '30s' }, 'OUTAGE_KLINES_AFTER', /at least 1m/],
  [{ UNIVERSE: 'top:5', UNIVERSE_REFRESH: '30s' }, 'UNIVERSE_REFRESH', /at least 1m/],
  [{ SCAN_BACKFILL: 'soon' }, 'SCAN_BACKFILL', /must be 0 \(no backfill\) or a duration/],
  [{ SCAN_THREADS: '-1' }, 'SCAN_THREADS', /./],
  [{ SCAN_THREADS: '1.5' }, 'SCAN_THREADS', /./],
  [{ UNIVERSE: 'top:5', UNIVERSE_REFRESH: '0' }, 'UNIVERSE_REFRESH', /at least 1m/],
  // a listed universe is never looked up again: a refresh interval for it is a mistake, not silently ignored
  [{ UNIVERSE: 'BTCUSDT,ETHUSDT', UNIVERSE_REFRESH: '6h' }, 'UNIVERSE_REFRESH', /"6h": applies to UNIVERSE=top:N or all only; UNIVERSE is a list/],
  [{ UNIVERSE_REFRESH: '6h' }, 'UNIVERSE_REFRESH', /UNIVERSE is unset \(the symbols of PAIRS\)/],
  [{ SCAN_RETENTION: 'a week' }, 'SCAN_RETENTION', /must be 0 \(as long as RETENTION\) or a duration such as 7d/],
  [{ OUTAGE_KLINES_AFTER_TRADES: '999' }, 'OUTAGE_KLINES_AFTER_TRADES', /must be an integer from 1000 to 1000000000/],
  [{ OUTAGE_KLINES_AFTER_TRADES: '200k' }, 'OUTAGE_KLINES_AFTER_TRADES', /must be an integer from 1000/],
  [{ STALL_TIMEOUT: '0' }, 'STALL_TIMEOUT', /at least 100ms/],
  // the paper position (issue 16): the API's bounds (BACKTEST_MAX_BPS 1000, BACKTEST_MAX_BARS 1e6, MAX_Z_THRESHOLD 100, BACKTEST_MAX_NOTIONAL 1e12) and messages
  [{ PAPER_FEE_BPS: '-1' }, 'PAPER_FEE_BPS', /^PAPER_FEE_BPS="-1": expected a number from 0 to 1000$/],
  [{ PAPER_FEE_BPS: '1001' }, 'PAPER_FEE_BPS', /expected a number from 0 to 1000/],
  [{ PAPER_FEE_BPS: 'ten' }, 'PAPER_FEE_BPS', /expected a number from 0 to 1000/],
  [{ PAPER_SLIPPAGE_BPS: '5%' }, 'PAPER_SLIPPAGE_BPS', /expected a number from 0 to 1000/],
  [{ PAPER_LAG: '1.5' }, 'PAPER_LAG', /^PAPER_LAG="1.5": expected a whole number from 0 to 1000000$/],
  [{ PAPER_COOLDOWN: '-1' }, 'PAPER_COOLDOWN', /expected a whole number from 0 to 1000000/],
  [{ PAPER_MAX_HOLD: '0' }, 'PAPER_MAX_HOLD', /expected a whole number from 1 to 1000000/],
  [{ PAPER_NOTIONAL: '1e13' }, 'PAPER_NOTIONAL', /expected a number from 0 to 1000000000000/],
  [{ PAPER_STOP: '101' }, 'PAPER_STOP', /expected a number from 0 to 100/],
  [{ PAPER_EXIT: '-101' }, 'PAPER_EXIT', /expected a number from -100 to 100/],
  // ... and the API's rules across parameters: notional above 0, stop above and exit below the entry (ENTRY_Z)
  [{ PAPER_NOTIONAL: '0' }, 'PAPER_NOTIONAL', /^PAPER_NOTIONAL="0": notional must be a positive number, got 0$/],
  [{ PAPER_STOP: '2' }, 'PAPER_STOP', /^PAPER_STOP="2": must be above ENTRY_Z=2 /],
  [{ ENTRY_Z: '3', PAPER_STOP: '2.5' }, 'PAPER_STOP', /^PAPER_STOP="2.5": must be above ENTRY_Z=3 /],
  [{ PAPER_EXIT: '2' }, 'PAPER_EXIT', /^PAPER_EXIT="2": must be below ENTRY_Z=2 /],
  [{ ENTRY_Z: '1.5', PAPER_EXIT: '1.6' }, 'PAPER_EXIT', /must be below ENTRY_Z=1.5/],
];
test.each(bad)('%j fails naming %s', (env, variable, why) => {
  let err: unknown;
  try {
    loadConfig(env, []);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).variable).toBe(variable);
  expect((err as Error).message.startsWith(`${variable}=`)).toBe(true);
  expect((err as Error).message).toMatch(why);
});

describe('PAPER_*: the rules and costs of the live paper positions (issue 16)', () => {
  it("default to the backtest's (the defaults issue 16 states), entry at ENTRY_Z", () => {
    // issue 16: "Defaults: entry 2, exit 0, no stop, no time stop, cooldown 0, lag 1, feeBps 10, slippageBps 0, notional 1000"
    expect(loadConfig({}).paper).toEqual({ entry: 2, exit: 0, stop: null, maxHold: null, cooldown: 0, lag: 1, feeBps: 10, slippageBps: 0, notional: 1000 });
    expect(loadConfig({ ENTRY_Z: '2.5' }).paper.entry).toBe(2.5);
  });

  it('each setting, from the environment and as a flag', () => {
    const env = {
      PAPER_EXIT: '0.25',
      PAPER_STOP: '3.5',
      PAPER_MAX_HOLD: '120',
      PAPER_COOLDOWN: '10',
      PAPER_LAG: '0',
      PAPER_FEE_BPS: '7.5',
      PAPER_SLIPPAGE_BPS: '2',
      PAPER_NOTIONAL: '25000',
    };
    expect(loadConfig(env).paper).toEqual({
      entry: 2,
      exit: 0.25,
      stop: 3.5,
      maxHold: 120,
      cooldown: 10,
      lag: 0,
      feeBps: 7.5,
      slippageBps: 2,
      notional: 25000,
    });
    expect(
      loadConfig({ PAPER_FEE_BPS: '1' }, [
        '--paper-fee-bps=4',
        '--paper-stop',
        '2.5',
        '--paper-exit=-0.5',
        '--paper-max-hold=30',
        '--paper-cooldown=5',
        '--paper-lag=2',
        '--paper-slippage-bps=1',
        '--paper-notional=1e4',
      ]).paper,
    ).toEqual({ entry: 2, exit: -0.5, stop: 2.5, maxHold: 30, cooldown: 5, lag: 2, feeBps: 4, slippageBps: 1, notional: 10_000 });
  });

  it('PAPER_EXIT defaults to EXIT_Z when that is set; PAPER_EXIT wins over it', () => {
    expect(loadConfig({ EXIT_Z: '0.5' }).paper.exit).toBe(0.5);
    expect(loadConfig({ ENTRY_Z: '3', EXIT_Z: '1.2' }).paper).toMatchObject({ entry: 3, exit: 1.2 });
    expect(loadConfig({ EXIT_Z: '0.5', PAPER_EXIT: '0.1' }).paper.exit).toBe(0.1);
    // a bad EXIT_Z is EXIT_Z's error, not PAPER_EXIT's
    expect(() => loadConfig({ EXIT_Z: '2' })).toThrow(/^EXIT_Z="2": /);
  });

  it('take exactly what /api/backtest takes for the same parameter (one schema, in @quant-pairs/contract)', () => {
    const api = (param: string, text: string) => () =>
      readQuery({ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: '30', [param]: text }, backtestRequest)[param as 'lag'];
    const config = (variable: string, text: string) => () => (readSettings(SETTINGS, { [variable]: text }) as Record<string, unknown>)[variable];
    const cases: Array<[string, string, string[]]> = [
      ['exit', 'PAPER_EXIT', ['-100', '0', '0.5', '100', '-100.5', '1e3', 'x']],
      ['stop', 'PAPER_STOP', ['0', '3', '100', '-1', '100.1']],
      ['maxHold', 'PAPER_MAX_HOLD', ['1', '1000000', '0', '1000001', '2.5']],
      ['cooldown', 'PAPER_COOLDOWN', ['0', '1000000', '-1', '1000001']],
      ['lag', 'PAPER_LAG', ['0', '3', '-1', '1.5']],
      ['feeBps', 'PAPER_FEE_BPS', ['0', '1000', '1e1', '-0.1', '1000.5']],
      ['slippageBps', 'PAPER_SLIPPAGE_BPS', ['0', '1000', '-1', '1001']],
      ['notional', 'PAPER_NOTIONAL', ['1', '1e12', '-1', '1.1e12']],
    ];
    for (const [param, variable, texts] of cases) {
      for (const text of texts) {
        let want: unknown;
        try {
          want = api(param, text)();
        } catch (e) {
          want = (e as Error).message.replace(/^.*?: /, '');
        }
        let got: unknown;
        try {
          got = config(variable, text)();
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          got = (e as Error).message.replace(/^.*?: /, '');
        }
        expect([variable, text, got]).toEqual([variable, text, want]);
      }
    }
  });
});

test('unknown flags and flags without a value fail', () => {
  expect(() => loadConfig({}, ['--prot=1'])).toThrow(/unknown option --prot/);
  expect(() => loadConfig({}, ['--port'])).toThrow(/needs a value/);
});

test('durations', () => {
  expect(parseDuration('0')).toBeNull();
  expect(parseDuration('24h')).toBe(86_400_000);
  expect(parseDuration('90m')).toBe(5_400_000);
  expect(parseDuration('1.5s')).toBe(1500);
  expect(parseDuration('7')).toBeUndefined();
});

test('STALL_TIMEOUT: the WebSocket watchdog, 60 s by default, a duration of at least 100 ms', () => {
  expect(loadConfig({}, []).stallTimeoutMs).toBe(60_000);
  expect(loadConfig({ STALL_TIMEOUT: '1500ms' }, []).stallTimeoutMs).toBe(1_500);
  expect(loadConfig({}, ['--stall-timeout', '2m']).stallTimeoutMs).toBe(120_000);
  expect(() => loadConfig({ STALL_TIMEOUT: '0' }, [])).toThrow(/STALL_TIMEOUT="0": must be a duration/);
  expect(() => loadConfig({ STALL_TIMEOUT: '50ms' }, [])).toThrow(/STALL_TIMEOUT/);
});

test('WINDOWS takes exactly the windows the API takes: one bound, in @quant-pairs/contract', () => {
  // Before, WINDOWS allowed 3..100000 and the API 2..10000: WINDOWS=20000 started a live engine
  // whose window GET /api/analytics (and the editor) refused.
  const api = (w: number) => () => readQuery({ pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: String(w) }, analyticsRequest).window;
  const config = (w: number) => () => loadConfig({ WINDOWS: String(w) }).windows;
  for (const w of [MIN_WINDOW, MAX_WINDOW]) {
    expect(config(w)()).toEqual([w]);
    expect(api(w)()).toBe(w);
  }
  for (const w of [MIN_WINDOW - 1, MAX_WINDOW + 1, 20_000]) {
    expect(config(w)).toThrow(ConfigError);
    expect(api(w)).toThrow(/expected a whole number from 2 to 10000/);
  }
});

describe('one table of settings (SETTINGS): parsing, defaults and --help from the same place', () => {
  it('--help lists every setting with its flag, variable and default', () => {
    const help = settingsHelp();
    for (const [name, s] of Object.entries(SETTINGS) as Array<[string, Setting]>) {
      const line = help.split('\n').find((l) => l.includes(` ${name} `));
      expect([name, line]).toEqual([name, expect.stringContaining(`--${name.toLowerCase().replace(/_/g, '-')}`)]);
      expect(line).toContain(`(default ${s.def ?? s.shown})`);
    }
    expect(USAGE).toContain(help);
  });

  it('each default, read back through its own schema, is the value loadConfig gives', () => {
    const c = loadConfig({}, []);
    expect(c.port).toBe(Number(SETTINGS.PORT.def));
    expect(c.windows.join(',')).toBe(SETTINGS.WINDOWS.def);
    expect(c.entryZ).toBe(Number(SETTINGS.ENTRY_Z.def));
  });

  it('never repeats a secret in a message: the password of DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/pairs' })).toThrow(
      'DATABASE_URL="mysql://app:[redacted]@db/pairs": must be a postgres:// or postgresql:// URL',
    );
    expect(() => loadConfig({ DATABASE_URL: 'hunter2 is not a url' })).toThrow(/^DATABASE_URL=\[redacted\]: is not a URL$/);
  });

  it('LOG_PRETTY: 1 / 0 (and true/false, on/off), unset = decided by the terminal', () => {
    expect(loadConfig({}).logPretty).toBeNull();
    expect(loadConfig({ LOG_PRETTY: '1' }).logPretty).toBe(true);
    expect(loadConfig({ LOG_PRETTY: 'off' }, []).logPretty).toBe(false);
    expect(loadConfig({ LOG_PRETTY: '1' }, ['--log-pretty=0']).logPretty).toBe(false);
    expect(() => loadConfig({ LOG_PRETTY: 'maybe' })).toThrow('LOG_PRETTY="maybe": must be 1 or 0');
  });

  it('a flag written without its value, or with a value starting with -, says so (node:util.parseArgs)', () => {
    expect(() => loadConfig({}, ['--port', '--pairs', 'ETHUSDT/BTCUSDT'])).toThrow('option --port needs a value (one starting with - is written --port=-1)');
    expect(() => loadConfig({}, ['--entry-z=-1'])).toThrow('ENTRY_Z="-1": must be a number above 0');
  });

  it('the demo: the same settings plus its own, DB_PATH defaulting to ./data/demo.db', () => {
    const v = readSettings(DEMO_SETTINGS, { DEMO_RATE: '50' }, ['--demo-faults=1', '--port=0']);
    expect([v.DB_PATH, v.DEMO_RATE, v.DEMO_FAULTS, configFrom(v).port]).toEqual(['./data/demo.db', 50, true, 0]);
    expect(() => readSettings(DEMO_SETTINGS, { DEMO_RATE: '9000' })).toThrow(/^DEMO_RATE="9000": must be a number of trades per second above 0, at most 5000$/);
    expect(settingsHelp(DEMO_SETTINGS)).toMatch(/--demo-rate\s+DEMO_RATE .*\(default 20\)/);
  });
});
