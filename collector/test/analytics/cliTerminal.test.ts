/**
 * The offline commands on a terminal (issue 28 item 4): analyze, backtest and scan run as users run
 * them (`npm run --silent <cli> -- FILE` from the repository root) under a pseudo-terminal made by
 * util-linux `script -qfec` print a table of the key figures and a hint, not the JSON; through a
 * pipe they print exactly the JSON they printed before the table existed (the in-process run
 * without a terminal, which the other CLI tests check against statsmodels and the rules);
 * --json / --table force either. Every number in a table is the JSON's rounded to 6 significant
 * digits (summary.ts): each cell is compared with Number(v.toPrecision(6)).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnalyze } from '../../src/cli/analyze';
import { runBacktest } from '../../src/cli/backtest';
import { runScan } from '../../src/cli/scan';
import { JSON_HINT } from '../../src/cli/summary';
import { rng } from '../../src/fake-binance/rng';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * 600 one-minute closes at real scales: BTCUSDT near 97,000, ETHUSDT near 3,600 and SOLUSDT near 240
 * cointegrated with it (a shared log walk plus AR(1) noise), PEPEUSDT near 1.2e-5 on its own walk.
 */
function market(n = 600): Record<'BTCUSDT' | 'ETHUSDT' | 'SOLUSDT' | 'PEPEUSDT', number[]> {
  const r = rng(28); // seeded: the same series on every run
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const out = { BTCUSDT: [] as number[], ETHUSDT: [] as number[], SOLUSDT: [] as number[], PEPEUSDT: [] as number[] };
  let common = 0;
  let pepe = 0;
  let eEth = 0;
  let eSol = 0;
  for (let t = 0; t < n; t++) {
    common += 0.001 * normal();
    pepe += 0.004 * normal();
    eEth = 0.8 * eEth + 0.0008 * normal();
    eSol = 0.7 * eSol + 0.0015 * normal();
    out.BTCUSDT.push(97_000 * Math.exp(common));
    out.ETHUSDT.push(3_600 * Math.exp(common + eEth));
    out.SOLUSDT.push(240 * Math.exp(common + eSol));
    out.PEPEUSDT.push(1.2e-5 * Math.exp(pepe));
  }
  return out;
}

const m = market();
const FILES: Record<string, string> = {
  'pair.json': JSON.stringify({ x: m.BTCUSDT, y: m.ETHUSDT, window: 60 }),
  'universe.json': JSON.stringify({ series: m, window: 500 }),
};
const read = (f: string) => FILES[f]!;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-terminal-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run --silent <cli> -- args` with stdout on a pseudo-terminal (script(1)); the PTY's \r\n back to \n. */
function onTerminal(cli: string, args: string[]): { status: number | null; stdout: string } {
  const quoted = ['npm', 'run', '--silent', cli, '--', ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qfec', quoted, '/dev/null'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout.replace(/\r\n/g, '\n') };
}

/** The same command with stdout a pipe. */
function throughPipe(cli: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npm', ['run', '--silent', cli, '--', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A key/value table's lines as label -> cell (labels and cells are separated by 2+ spaces). */
function cells(table: string): Map<string, string> {
  return new Map(
    table
      .split('\n')
      .map((l) => /^(\S.*?)\s{2,}(\S.*)$/.exec(l))
      .filter((x): x is RegExpExecArray => x !== null)
      .map((x) => [x[1]!, x[2]!]),
  );
}

/** A number as the table must show it: integers in full, others to 6 significant digits (the rounding the README states). */
const rounded = (v: number) => (Number.isInteger(v) ? v : Number(v.toPrecision(6)));

function expectFigure(cell: string | undefined, v: unknown, label: string): void {
  if (v === null) {
    expect([label, cell]).toEqual([label, '-']);
    return;
  }
  expect([label, Number(cell)]).toEqual([label, rounded(v as number)]);
}

const last = <T>(a: readonly T[]): T => a[a.length - 1]!;

describe('analyze, backtest and scan on a terminal and through a pipe (subprocesses)', () => {
  it.each([
    ['analyze', 'pair.json', runAnalyze, 'Engle-Granger p-value'],
    ['backtest', 'pair.json', runBacktest, 'Sharpe'],
    ['scan', 'universe.json', runScan, 'q-value'],
  ] as const)(
    '%s: a pipe gets the JSON byte for byte; a terminal gets the table, --json forces the JSON',
    (cli, file, run, label) => {
      const json = run([file], read).stdout;
      expect(json.startsWith('{') && json.endsWith('}\n')).toBe(true);
      const pipe = throughPipe(cli, [join(dir, file)]);
      expect([pipe.status, pipe.stderr]).toEqual([0, '']);
      expect(pipe.stdout).toBe(json);

      const tty = onTerminal(cli, [join(dir, file)]);
      expect(tty.status).toBe(0);
      expect(tty.stdout).toBe(run([file], read, true).stdout);
      expect(tty.stdout).toContain(label);
      expect(tty.stdout.trimEnd().split('\n').pop()).toBe(JSON_HINT);
      expect(tty.stdout).not.toContain('{');

      const forced = onTerminal(cli, [join(dir, file), '--json']);
      expect(forced.stdout).toBe(json);
      expect(throughPipe(cli, [join(dir, file), '--table']).stdout).toBe(tty.stdout);
    },
    120_000,
  );

  it('--json with --table is refused naming both, exit 2', () => {
    for (const [name, run] of [
      ['analyze', runAnalyze],
      ['backtest', runBacktest],
      ['scan', runScan],
    ] as const) {
      const r = run(['pair.json', '--json', '--table'], read);
      expect([r.code, r.stdout, r.stderr.split('\n')[0]]).toEqual([2, '', `${name}: --json and --table exclude each other`]);
    }
  });
});

describe('every number in a table is the JSON number, to 6 significant digits', () => {
  it('analyze: the last point, ADF, Engle-Granger, half-life (BTCUSDT hedging ETHUSDT)', () => {
    const out = JSON.parse(runAnalyze(['pair.json'], read).stdout);
    const t = cells(runAnalyze(['pair.json', '--table'], read).stdout);
    expect(t.get('hedge')).toBe('ols');
    expectFigure(t.get('window'), 60, 'window');
    expectFigure(t.get('points'), 600, 'points');
    expectFigure(t.get('beta (last)'), last(out.beta), 'beta');
    expectFigure(t.get('alpha (last)'), last(out.alpha), 'alpha');
    expectFigure(t.get('spread (last)'), last(out.spread), 'spread');
    expectFigure(t.get('z (last)'), last(out.zscore), 'z');
    expect(t.get('signal (last)')).toBe(last(out.signal));
    expectFigure(t.get('ADF stat'), out.adf.stat, 'ADF stat');
    expectFigure(t.get('ADF p-value'), out.adf.pvalue, 'ADF p');
    expectFigure(t.get('ADF lag'), out.adf.usedlag, 'ADF lag');
    expectFigure(t.get('ADF nobs'), out.adf.nobs, 'ADF nobs');
    expectFigure(t.get('Engle-Granger stat'), out.coint.stat, 'EG stat');
    expectFigure(t.get('Engle-Granger p-value'), out.coint.pvalue, 'EG p');
    expectFigure(t.get('half-life (points)'), out.halfLife.halfLife, 'half-life');
    // the series are cointegrated by construction: the rounding did not hide a non-number
    expect(out.coint.pvalue).toBeLessThan(0.05);
  });

  it('analyze --hedge kalman: delta and ve in place of the window', () => {
    const out = JSON.parse(runAnalyze(['pair.json', '--hedge', 'kalman'], read).stdout);
    const t = cells(runAnalyze(['pair.json', '--hedge', 'kalman', '--table'], read).stdout);
    expect(t.get('hedge')).toBe('kalman');
    expect(t.has('window')).toBe(false);
    expectFigure(t.get('Kalman delta'), out.kalman.delta, 'delta');
    expectFigure(t.get('Kalman ve'), out.kalman.ve, 've');
    expectFigure(t.get('z (last)'), last(out.zscore), 'z');
  });

  it('backtest: the metrics and the final equity', () => {
    const out = JSON.parse(runBacktest(['pair.json', '--fee-bps', '10'], read).stdout);
    const t = cells(runBacktest(['pair.json', '--fee-bps', '10', '--table'], read).stdout);
    expect(out.metrics.trades).toBeGreaterThan(0);
    const labels = {
      totalReturn: 'total return',
      sharpe: 'Sharpe',
      maxDrawdown: 'max drawdown',
      trades: 'trades',
      winRate: 'win rate',
      avgBars: 'avg bars held',
      fees: 'fees',
    } as const;
    for (const [key, label] of Object.entries(labels)) expectFigure(t.get(label), out.metrics[key], label);
    expectFigure(t.get('final equity'), last(out.equity as number[]), 'final equity');
    expectFigure(t.get('bars'), 600, 'bars');
  });

  it('scan: counts and each shown pair, PEPEUSDT (1.2e-5) beside BTCUSDT (97,000)', () => {
    const out = JSON.parse(runScan(['universe.json'], read).stdout);
    const text = runScan(['universe.json', '--table'], read).stdout;
    const t = cells(text);
    expectFigure(t.get('pairs'), 6, 'pairs');
    expectFigure(t.get('tested'), out.tested, 'tested');
    expectFigure(t.get('selected'), out.selected, 'selected');
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.startsWith('pair '));
    expect(lines[head]!.split(/\s+/)).toEqual(['pair', 'p-value', 'q-value', 'half-life', 'Hurst', 'crossings', 'selected', 'note']);
    const rows = lines.slice(head + 1, head + 1 + out.pairs.length);
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(out.pairs.map((p: { a: string; b: string }) => `${p.a}/${p.b}`));
    expect(rows.join('\n')).toContain('PEPEUSDT');
    out.pairs.forEach((p: Record<string, unknown>, i: number) => {
      const c = rows[i]!.split(/\s+/);
      const id = `${p.a}/${p.b}`;
      expectFigure(c[1], p.pvalue, `${id} p`);
      expectFigure(c[2], p.qvalue, `${id} q`);
      expectFigure(c[3], p.halfLife, `${id} half-life`);
      expectFigure(c[4], p.hurst, `${id} Hurst`);
      expectFigure(c[5], p.meanCrossings, `${id} crossings`);
      expect([id, c[6]]).toEqual([id, p.selected ? 'yes' : 'no']);
    });
    // ETHUSDT and SOLUSDT share BTCUSDT's walk: at least that pair is selected, so 'yes' is tested
    expect(out.selected).toBeGreaterThan(0);
  });
});
