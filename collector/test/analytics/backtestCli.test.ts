/**
 * The `backtest` command (src/cli/backtest.ts): in-process (flags reach the rules, output is the
 * issue's JSON shape, bad input exits 2 naming the problem), then as a subprocess through
 * `npm run --silent backtest` from the repository root (stdout is just the JSON).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtestSeries } from '../../src/analytics';
import { runBacktest } from '../../src/cli/backtest';
import { cointegratedPair } from './slow';

const { x, y } = cointegratedPair(300, 5);
const doc = JSON.stringify({ x, y, window: 20 });
const files: Record<string, string> = { 'p.json': doc };
const read = (f: string) => {
  const t = files[f];
  if (t === undefined) throw new Error('ENOENT: no such file');
  return t;
};

interface Out {
  trades: Record<string, unknown>[];
  equity: number[];
  metrics: Record<string, number | null>;
}

function run(args: string[]): Out {
  const r = runBacktest(args, read);
  expect([r.stderr, r.code]).toEqual(['', 0]);
  return JSON.parse(r.stdout) as Out;
}

describe('backtest CLI', () => {
  it('prints the issue shape; defaults are the library defaults', () => {
    const out = run(['p.json']);
    expect(Object.keys(out)).toEqual(['trades', 'equity', 'metrics']);
    expect(Object.keys(out.metrics)).toEqual(['totalReturn', 'sharpe', 'maxDrawdown', 'trades', 'winRate', 'avgBars', 'fees']);
    expect(out.trades.length).toBeGreaterThan(0);
    expect(Object.keys(out.trades[0]!)).toEqual(['entryIndex', 'exitIndex', 'side', 'reason', 'beta', 'qy', 'qx', 'pnl', 'fees', 'bars']);
    expect(out).toEqual(JSON.parse(JSON.stringify(backtestSeries({ x, y, window: 20 }))));
    expect(out.equity).toHaveLength(300);
  });

  it('every flag reaches the rules', () => {
    const opts = { entry: 1.5, exit: -0.25, stop: 3, maxHold: 7, cooldown: 4, lag: 2, feeBps: 3, slippageBps: 1.5, notional: 2500, barsPerYear: 8760 };
    const out = run([
      'p.json',
      '--entry', '1.5', '--exit=-0.25', '--stop', '3', '--max-hold', '7', '--cooldown', '4', '--lag', '2',
      '--fee-bps', '3', '--slippage-bps', '1.5', '--notional', '2500', '--bars-per-year', '8760', '--window', '30',
    ]); // prettier-ignore
    expect(out).toEqual(JSON.parse(JSON.stringify(backtestSeries({ x, y, window: 30 }, opts))));
    expect(new Set(out.trades.map((t) => t.reason)).has('time')).toBe(true);
  });

  it('CSV with a ts column: bars a year from the median step (hourly -> 8766)', () => {
    const hour = 3600_000;
    files['p.csv'] = 'ts,x,y\n' + x.map((v, i) => `${1.7e12 + i * hour},${v},${y[i]}`).join('\n');
    const out = run(['p.csv', '--window', '20']);
    // 365.25 * 24 = 8766 hourly bars a year
    expect(out).toEqual(JSON.parse(JSON.stringify(backtestSeries({ x, y, window: 20 }, { barsPerYear: 8766 }))));
    files['q.json'] = JSON.stringify({ x, y, window: 20, ts: x.map((_, i) => i * 60_000) });
    expect(run(['q.json']).metrics.sharpe).toBeCloseTo(backtestSeries({ x, y, window: 20 }, { barsPerYear: 525960 }).metrics.sharpe!, 9);
  });

  it.each([
    [['p.json', '--entry', '0'], /--entry must be a positive number, got 0/],
    [['p.json', '--exit', '2'], /--exit must be a number below entry \(2\), got 2/],
    [['p.json', '--stop', '1'], /--stop must be a number above entry/],
    [['p.json', '--max-hold', '2.5'], /--max-hold must be an integer >= 1, got 2.5/],
    [['p.json', '--cooldown=-1'], /--cooldown must be an integer >= 0/],
    [['p.json', '--lag', 'x'], /--lag must be a number, got "x"/],
    [['p.json', '--fee-bps=-3'], /--fee-bps must be a number >= 0/],
    [['p.json', '--notional', '0'], /--notional must be a positive number/],
    [['p.json', '--bars-per-year', '0'], /--bars-per-year must be a positive number/],
    [['p.json', '--window', '1'], /--window must be an integer >= 2/],
    [['p.json', '--entyr', '2'], /unknown option --entyr/],
    [['p.json', '--exit', '-1'], /option --exit needs a value \(one starting with - is written --exit=-1\)/],
    [[], /FILE is missing/],
    [['nope.json'], /cannot read nope.json/],
  ])('%j -> exit 2 and says why', (args, msg) => {
    const r = runBacktest(args, read);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).toMatch(/usage: backtest FILE/);
  });

  it.each([
    ['{"x":[1,2,3],"y":[1,2],"window":2}', /same length, got 3, 3 and 2/],
    ['{"x":[1,2,3],"y":[1,2,3],"window":2,"ts":[0,2,1]}', /ts must increase, got ts\[1\] = 2 and ts\[2\] = 1/],
    ['{"x":[1,2,3],"y":[1,2,3],"window":2,"ts":5}', /"ts" must be an array of numbers, got 5/],
    ['{"x":[1,2,3],"y":[1,0,3],"window":2}', /y\[1\] must be a positive finite price, got 0/],
    ['ts,x,y\n1,2,3\n,2,3\n', /CSV line 3: ts is not a number/],
  ])('%j -> exit 2 and says why', (text, msg) => {
    const r = runBacktest(['f', '--window', '2'], () => text);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(msg);
  });

  it('runs for real from the repository root: only the JSON on stdout; bad input exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backtest-'));
    const root = join(__dirname, '../../..');
    const good = join(dir, 'pair.json');
    writeFileSync(good, doc);
    const r = spawnSync('npm', ['run', '--silent', 'backtest', '--', good, '--stop', '3.5', '--fee-bps', '5'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(backtestSeries({ x, y, window: 20 }, { stop: 3.5, feeBps: 5 }))));
    const b = spawnSync('npm', ['run', '--silent', 'backtest', '--', good, '--lag', '-1'], { cwd: root, encoding: 'utf8' });
    expect([b.status, b.stdout]).toEqual([2, '']);
    expect(b.stderr).toMatch(/option --lag needs a value/);
  });
});
