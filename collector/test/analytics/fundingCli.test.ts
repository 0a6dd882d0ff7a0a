/**
 * Funding through the command lines (issue 25): `backtest`, `sweep` and `walkforward` take FILE's
 * `"funding": {"y": [[T, rate, mark], ...], "x": [...]}` beside its `"ts"`, run as a user runs
 * them (`npm run --silent ... -- FILE` from the repository root, a subprocess), and print the
 * library's result with `funding` per trade and in the metrics; --help names the fields; bad
 * funding exits 2 naming it. The data: BTCUSDT.P beside 1000PEPEUSDT.P (slowFunding.ts perpCase).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtestSeries } from '../../src/analytics';
import { backtestOuSeries } from '../../src/analytics/backtest/ouEntry';
import { sweepVerdict } from '../../src/analytics/honest/sweepVerdict';
import { walkForward } from '../../src/analytics/honest/walkForward';
import { runBacktest } from '../../src/cli/backtest';
import { runSweep } from '../../src/cli/sweep';
import { runWalkForward } from '../../src/cli/walkforward';
import { perpCase } from './slowFunding';

const c = perpCase(5, 'PEPE', 0, 1200);
const doc = JSON.stringify({ x: c.x, y: c.y, ts: c.ts, window: 40, funding: c.funding });
const root = join(__dirname, '../../..');
const npm = (args: string[]) => spawnSync('npm', ['run', '--silent', ...args], { cwd: root, encoding: 'utf8' });
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const GRID = ['--window', '30,60', '--entry', '1.5,2', '--exit', '0'];
const grid = { window: [30, 60], entry: [1.5, 2], exit: [0] };

describe('the command lines take FILE funding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'funding-cli-'));
  const file = join(dir, 'perp.json');
  writeFileSync(file, doc);

  it('backtest: each trade and the metrics carry funding; the same as backtestSeries with the events', () => {
    const r = npm(['backtest', '--', file, '--stop', '3.5']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const out = JSON.parse(r.stdout) as { trades: Record<string, unknown>[]; metrics: Record<string, unknown> };
    const lib = backtestSeries({ ...c, window: 40 }, { stop: 3.5, barsPerYear: (365.25 * 24 * 3600_000) / 300_000 });
    expect(out).toEqual(json(lib));
    expect(Object.keys(out.trades[0]!)).toEqual(['entryIndex', 'exitIndex', 'side', 'reason', 'beta', 'qy', 'qx', 'pnl', 'fees', 'funding', 'bars']);
    expect(Object.keys(out.metrics)).toEqual(['totalReturn', 'sharpe', 'maxDrawdown', 'trades', 'winRate', 'avgBars', 'fees', 'funding']);
    expect(out.trades.filter((t) => t.funding !== 0).length).toBeGreaterThan(2);
  });

  it('sweep and walkforward: every row and fold carries funding, as the library computes it', () => {
    const sw = npm(['sweep', '--', file, ...GRID, '--blocks', '4']);
    expect([sw.status, sw.stderr]).toEqual([0, '']);
    const pair = { x: c.x, y: c.y, ts: c.ts, funding: c.funding };
    const barsPerYear = (365.25 * 24 * 3600_000) / 300_000;
    expect(JSON.parse(sw.stdout)).toEqual(json(sweepVerdict(pair, grid, { barsPerYear }, 4)));
    expect((JSON.parse(sw.stdout) as { results: { metrics: { funding: number } }[] }).results.every((row) => row.metrics.funding !== 0)).toBe(true);
    const wf = npm(['walkforward', '--', file, '--train', '500', '--test', '300', ...GRID]);
    expect([wf.status, wf.stderr]).toEqual([0, '']);
    const out = JSON.parse(wf.stdout) as { metrics: { funding: number }; folds: { outOfSample: { funding: number } }[] };
    expect(out).toEqual(json(walkForward(pair, grid, { train: 500, test: 300 }, { barsPerYear })));
    expect(typeof out.metrics.funding).toBe('number');
    expect(out.folds.every((f) => typeof f.outOfSample.funding === 'number')).toBe(true);
  });

  it('backtest --entry ou pays funding too: the same as backtestOuSeries with the events', () => {
    const r = runBacktest(['f', '--entry', 'ou', '--json'], () => doc);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const out = JSON.parse(r.stdout) as { metrics: { funding: number } };
    const barsPerYear = (365.25 * 24 * 3600_000) / 300_000;
    expect(out).toEqual(json(backtestOuSeries({ ...c, window: 40 }, { barsPerYear }, { fitWindow: 40 })));
    expect(out.metrics.funding).not.toBe(0);
  });

  it('backtest --table: a funding row beside the fees (only with funding)', () => {
    const table = runBacktest(['f', '--table'], () => doc);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^funding +-?\d/m);
    expect(runBacktest(['f', '--table'], () => JSON.stringify({ x: c.x, y: c.y, ts: c.ts, window: 40 })).stdout).not.toMatch(/^funding/m);
  });

  it('--help names ts and funding with its [T, rate, mark] events', () => {
    for (const help of [runBacktest(['--help'], () => ''), runSweep(['--help'], () => ''), runWalkForward(['--help'], () => '')]) {
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/"ts":\[\.\.\.\]/);
      expect(help.stdout).toMatch(/"funding":\{"y":\[\[T,rate,mark\],\.\.\.\],"x":\[\.\.\.\]\}/);
      expect(help.stdout).toMatch(/received \(negative: paid\)/);
    }
  });

  it.each([
    [{ funding: { y: [[1, 1e-4]] } }, /funding.y\[0\] must be \[T, rate, mark\]/],
    [{ funding: { z: [] } }, /funding takes only the legs "y" and "x", got "z"/],
    [{ funding: { x: [] }, ts: undefined }, /ts \(the bar times\) is required with funding/],
    [
      {
        funding: {
          x: [
            [2, 1e-4, 1],
            [1, 1e-4, 1],
          ],
        },
      },
      /funding.x times must increase/,
    ],
  ])('bad funding %j: every command exits 2 naming it', (patch, message) => {
    const bad = JSON.stringify({ ...JSON.parse(doc), ...patch });
    for (const r of [
      runBacktest(['f'], () => bad),
      runSweep(['f', ...GRID], () => bad),
      runWalkForward(['f', '--train', '500', '--test', '300', ...GRID], () => bad),
    ]) {
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toMatch(message);
    }
  });
});
