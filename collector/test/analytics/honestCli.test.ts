/**
 * The `walkforward`, `sweep` and `ou` commands (src/cli/{walkforward,sweep,ou}.ts): in-process
 * (the JSON shapes, checked by the contract's zod schemas the API will serve; flags reach
 * the analytics; bad input exits 2 naming the flag), then as subprocesses through
 * `npm run --silent NAME` from the repository root (stdout is just the JSON).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ouThresholdsResult, sweepVerdictResult, walkForwardResult } from '@quant-pairs/contract/requests';
import { bertramBand, fitOu } from '../../src/analytics/honest/ou';
import { sweepVerdict } from '../../src/analytics/honest/sweepVerdict';
import { walkForward } from '../../src/analytics/honest/walkForward';
import { runOu } from '../../src/cli/ou';
import { runSweep } from '../../src/cli/sweep';
import { runWalkForward } from '../../src/cli/walkforward';
import { cointegratedPair } from './slow';

// ETHUSDT (y ~ 3e3) on BTCUSDT (x ~ 1e5)
const base = cointegratedPair(1200, 8);
const pair = { x: base.x.map((v) => v * 1000), y: base.y.map((v) => v * 20) };
const spread = pair.y.map((v, i) => v - 0.03 * pair.x[i]!);
const files: Record<string, string> = {
  'p.json': JSON.stringify(pair),
  's.json': JSON.stringify({ spread, dt: 1 }),
  'bad.json': '{"x": [1, 2], "y": [1, -2]}',
};
const read = (f: string) => {
  const t = files[f];
  if (t === undefined) throw new Error('ENOENT: no such file');
  return t;
};
const GRID = ['--window', '20,40', '--entry', '1.5,2', '--exit', '0,0.5'];
const grid = { window: [20, 40], entry: [1.5, 2], exit: [0, 0.5] };

function ok(r: { code: number; stdout: string; stderr: string }): unknown {
  expect([r.stderr, r.code]).toEqual(['', 0]);
  return JSON.parse(r.stdout);
}

function fails(r: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect([r.code, r.stdout]).toEqual([2, '']);
  expect(r.stderr).toMatch(message);
}

describe('walkforward CLI', () => {
  it('prints the issue shape, equal to walkForward with the flags given', () => {
    const out = walkForwardResult.parse(
      ok(runWalkForward(['p.json', '--train', '400', '--test', '200', '--anchored', ...GRID, '--fee-bps', '5', '--objective', 'sortino'], read)),
    );
    expect(Object.keys(out)).toEqual(['folds', 'equity', 'metrics', 'efficiency', 'psr']);
    expect(Object.keys(out.folds[0]!)).toEqual(['trainStart', 'trainEnd', 'testStart', 'testEnd', 'choice', 'inSample', 'outOfSample', 'psr', 'dsr']);
    expect(out).toEqual(JSON.parse(JSON.stringify(walkForward(pair, grid, { train: 400, test: 200, anchored: true, objective: 'sortino' }, { feeBps: 5 }))));
    expect(out.folds.map((f) => f.trainStart)).toEqual([0, 0, 0, 0]);
  });

  it('bad flags name the flag', () => {
    fails(runWalkForward(['p.json', '--test', '200', ...GRID], read), /walkforward: --train is required/);
    fails(runWalkForward(['p.json', '--train', '1', '--test', '200', ...GRID], read), /--train must be an integer >= 2, got "1"/);
    fails(runWalkForward(['p.json', '--train', '1200', '--test', '200', ...GRID], read), /--train \(1200\) must leave bars to test: FILE has 1200/);
    fails(
      runWalkForward(['p.json', '--train', '400', '--test', '200', '--window', '20,x', '--entry', '2', '--exit', '0'], read),
      /--window must be a comma-separated list of numbers/,
    );
    fails(
      runWalkForward(['p.json', '--train', '400', '--test', '200', ...GRID, '--objective', 'calmar'], read),
      /--objective must be one of sharpe, totalReturn, sortino/,
    );
    fails(runWalkForward(['p.json', '--train', '400', '--test', '200', ...GRID, '--fee-bps=-1'], read), /--fee-bps must be a number >= 0, got -1/);
    fails(runWalkForward(['p.json', '--train', '400', '--test', '200', '--window', '1', '--entry', '2', '--exit', '0'], read), /window/);
    fails(runWalkForward(['bad.json', '--train', '400', '--test', '200', ...GRID], read), /y\[1\] must be a positive finite price/);
    fails(runWalkForward(['nope.json', '--train', '400', '--test', '200', ...GRID], read), /cannot read nope.json/);
    expect(runWalkForward(['--help'], read).stdout).toMatch(/^usage: walkforward FILE --train N --test M/);
  });
});

describe('sweep CLI', () => {
  it('prints the issue shape, equal to sweepVerdict; --blocks reaches PBO', () => {
    const out = sweepVerdictResult.parse(ok(runSweep(['p.json', ...GRID, '--blocks', '6', '--stop', '4'], read)));
    expect(Object.keys(out)).toEqual(['results', 'best', 'psr', 'dsr', 'pbo']);
    expect(Object.keys(out.pbo!)).toEqual(['pbo', 'logits', 'degradation', 'probLoss']);
    expect(out.pbo!.logits).toHaveLength(20); // C(6, 3)
    expect(out).toEqual(JSON.parse(JSON.stringify(sweepVerdict(pair, grid, { stop: 4 }, 6))));
    expect(sweepVerdictResult.parse(ok(runSweep(['p.json', ...GRID], read))).pbo!.logits).toHaveLength(12_870); // default S = 16
  });

  it('bars a year come from FILE\'s "ts" (5-minute bars: 365.25 days / 5 min = 105,192), as backtest takes them', () => {
    files['ts.json'] = JSON.stringify({ ...pair, ts: pair.x.map((_, i) => 1.7e12 + i * 300_000) });
    const out = sweepVerdictResult.parse(ok(runSweep(['ts.json', ...GRID, '--blocks', '4'], read)));
    expect(out).toEqual(JSON.parse(JSON.stringify(sweepVerdict(pair, grid, { barsPerYear: 105_192 }, 4))));
    files['badts.json'] = JSON.stringify({ ...pair, ts: pair.x.map(() => 5) });
    fails(runSweep(['badts.json', ...GRID], read), /"ts" must be increasing numbers, got ts\[1\] = 5/);
  });

  it('bad flags name the flag', () => {
    fails(runSweep(['p.json', ...GRID, '--blocks', '5'], read), /--blocks must be an even integer in \[2, 16\], got "5"/);
    fails(runSweep(['p.json', '--entry', '2', '--exit', '0'], read), /--window is required/);
    fails(runSweep(['p.json', ...GRID, '--lag', '1.5'], read), /--lag must be an integer >= 0/);
  });
});

describe('ou CLI', () => {
  it('prints the issue shape, equal to fitOu + bertramBand', () => {
    const out = ouThresholdsResult.parse(ok(runOu(['s.json', '--cost', '3'], read)));
    expect(Object.keys(out)).toEqual(['theta', 'mu', 'sigma', 'halfLife', 'a', 'entryLong', 'entryShort', 'expectedReturnRate', 'expectedTradeLength']);
    const fit = fitOu(spread)!;
    const band = bertramBand(fit, 3);
    expect(out).toEqual({
      ...fit,
      a: band.a,
      entryLong: band.entryLong,
      entryShort: band.entryShort,
      expectedReturnRate: band.expectedReturnRate,
      expectedTradeLength: band.expectedTradeLength,
    });
    expect(out.entryLong).toBe(out.mu - out.a);
  });

  it('bad input names the problem', () => {
    fails(runOu(['s.json'], read), /--cost is required/);
    fails(runOu(['s.json', '--cost', '0'], read), /--cost must be a positive number/);
    fails(runOu(['p.json', '--cost', '1'], read), /"spread" must be an array of numbers/);
    files['walk.json'] = JSON.stringify({ spread: [1, 2, 3, 4, 5, 6.5] });
    fails(runOu(['walk.json', '--cost', '1'], read), /the spread does not revert/);
    files['dt.json'] = JSON.stringify({ spread, dt: -1 });
    fails(runOu(['dt.json', '--cost', '1'], read), /dt must be a positive number/);
  });
});

describe('through npm run from the repository root', () => {
  it('walkforward, sweep and ou print their JSON on stdout; a bad flag exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'honest-cli-'));
    const root = join(__dirname, '../../..');
    writeFileSync(join(dir, 'p.json'), files['p.json']!);
    writeFileSync(join(dir, 's.json'), files['s.json']!);
    const npm = (args: string[]) => spawnSync('npm', ['run', '--silent', ...args], { cwd: root, encoding: 'utf8' });
    const wf = npm(['walkforward', '--', join(dir, 'p.json'), '--train', '400', '--test', '300', ...GRID]);
    expect(wf.status).toBe(0);
    expect(JSON.parse(wf.stdout)).toEqual(JSON.parse(JSON.stringify(walkForward(pair, grid, { train: 400, test: 300 }))));
    const sw = npm(['sweep', '--', join(dir, 'p.json'), ...GRID, '--blocks', '4']);
    expect(sw.status).toBe(0);
    expect(sweepVerdictResult.parse(JSON.parse(sw.stdout)).pbo!.logits).toHaveLength(6);
    const ou = npm(['ou', '--', join(dir, 's.json'), '--cost', '3']);
    expect(ou.status).toBe(0);
    expect(ouThresholdsResult.parse(JSON.parse(ou.stdout)).a).toBe(bertramBand(fitOu(spread)!, 3).a);
    const bad = npm(['ou', '--', join(dir, 's.json'), '--cost', '-1']);
    expect([bad.status, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/option --cost needs a value/);
  });
});
