/**
 * The `analyze` command (src/cli/analyze.ts): in-process over every oracle case with the
 * README's settings and tolerances, then once for real through `npm run --silent analyze`
 * from the repository root (stdout must be just the JSON), and its bad-input behaviour.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitKalman, kalmanSeries, type KalmanFit } from '../../src/analytics';
import { runAnalyze } from '../../src/cli/analyze';
import { driftingPair } from './driftingPair';
import { expectClose, isErr, oracleCases, type AdfRecord } from './oracle';

const dir = mkdtempSync(join(tmpdir(), 'analyze-'));
const cases = oracleCases();
const files = new Map(cases.map((c) => [c.id, JSON.stringify(c.inputs)]));
const read = (f: string) => {
  const t = files.get(f);
  if (t === undefined) throw new Error('ENOENT: no such file');
  return t;
};

interface Out {
  beta: (number | null)[];
  alpha: (number | null)[];
  spread: (number | null)[];
  zscore: (number | null)[];
  signal: (string | null)[];
  adf: AdfRecord | { error: string };
  coint: { stat: number; pvalue: number; crit: AdfRecord['crit'] } | { error: string };
  halfLife: { b: number; halfLife: number | null } | { error: string };
}

function run(args: string[]): Out {
  const r = runAnalyze(args, read);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Out;
}

function checkAdf(got: Out['adf'], want: unknown, what: string): void {
  if (isErr(want)) {
    expect([what, isErr(got)]).toEqual([what, true]);
    return;
  }
  const w = want as AdfRecord;
  if (isErr(got)) throw new Error(`${what}: got error ${got.error}`);
  expectClose(got.stat, w.stat, 1e-6, `${what} stat`);
  expectClose(got.pvalue, w.pvalue, 1e-4, `${what} pvalue`);
  expect([what, got.usedlag, got.nobs]).toEqual([what, w.usedlag, w.nobs]);
  for (const k of ['1%', '5%', '10%'] as const) expectClose(got.crit[k], w.crit[k], 1e-6, `${what} crit`);
  expectClose(got.icbest, w.icbest, 1e-6, `${what} icbest`);
}

describe.each(cases.map((c) => [c.id, c] as const))('analyze %s', (id, c) => {
  const o = c.outputs;
  const fullAdf = (name: 'c_aic' | 'c_lag1' | 'ct_aic') => (isErr(o.adf.full_spread) ? o.adf.full_spread : o.adf.full_spread[name]);

  it('default settings: series, adf c_aic, coint full, half-life', () => {
    const out = run([id]);
    expect(out.signal).toEqual(o.signal);
    expect(out.beta.map((v) => v === null)).toEqual(o.beta.map((v) => v === null));
    expect(out.zscore.map((v) => v === null)).toEqual(o.z_ddof1.map((v) => v === null));
    for (let t = 0; t < o.n; t++) {
      const b = o.beta[t]!;
      expectClose(out.beta[t]!, b, b === null ? 0 : 1e-9 * Math.abs(b), `beta[${t}]`);
      expectClose(out.zscore[t]!, o.z_ddof1[t]!, 1e-7, `z[${t}]`);
    }
    checkAdf(out.adf, fullAdf('c_aic'), 'adf c_aic');
    const wc = o.coint.full;
    if (isErr(wc)) expect(isErr(out.coint)).toBe(true);
    else {
      if (isErr(out.coint)) throw new Error(`coint: got error ${out.coint.error}`);
      expectClose(out.coint.stat, wc.stat, 1e-6, 'coint stat');
      expectClose(out.coint.pvalue, wc.pvalue, 1e-4, 'coint pvalue');
      for (const k of ['1%', '5%', '10%'] as const) expectClose(out.coint.crit[k], wc.crit[k], 1e-6, 'coint crit');
    }
    const wh = o.half_life.full_spread;
    if (isErr(wh)) expect(isErr(out.halfLife)).toBe(true);
    else {
      if (isErr(out.halfLife)) throw new Error(`halfLife: got error ${out.halfLife.error}`);
      expectClose(out.halfLife.b, wh.b, 1e-6 * Math.abs(wh.b), 'b');
      expectClose(out.halfLife.halfLife, wh.half_life, wh.half_life === null ? 0 : 1e-6 * wh.half_life, 'half-life');
    }
  });

  it('--maxlag 1 --autolag none matches c_lag1, --regression ct matches ct_aic, --ddof 0 matches z_ddof0', () => {
    checkAdf(run([id, '--maxlag', '1', '--autolag', 'none']).adf, fullAdf('c_lag1'), 'c_lag1');
    checkAdf(run(['--regression=ct', id]).adf, fullAdf('ct_aic'), 'ct_aic');
    const z0 = run([id, '--ddof', '0']);
    expect(z0.signal).toEqual(o.signal_ddof0);
    for (let t = 0; t < o.n; t++) expectClose(z0.zscore[t]!, o.z_ddof0[t]!, 1e-7, `z0[${t}]`);
  });
});

describe('analyze: input formats and bad input', () => {
  const csv = (text: string) => (f: string) => (f === 'p.csv' ? text : read(f));

  it('reads a two-column CSV with or without a header (columns by name)', () => {
    const c = cases[0]!.inputs;
    const rows = c.x.map((x, i) => `${c.y[i]},${x}`).join('\n');
    const fromJson = runAnalyze([cases[0]!.id], read).stdout;
    expect(runAnalyze(['p.csv', '--window', String(c.window)], csv(`y,x\n${rows}\n`)).stdout).toBe(fromJson);
    const plain = c.x.map((x, i) => `${x},${c.y[i]}`).join('\n');
    expect(runAnalyze(['p.csv', '--window', String(c.window)], csv(plain)).stdout).toBe(fromJson);
  });

  it.each([
    [['x'], '{"x":[1,2,3],"y":[1,2],"window":2}', /same length, got 3, 3 and 2/],
    [['x'], '{"x":[1,"a",3],"y":[1,2,3],"window":2}', /x\[1\] is not a finite number: "a"/],
    // beyond a double's range: named as written (JSON.parse gives Infinity, which JSON.stringify prints as null)
    [['x'], '{"x":[1,1e999,3],"y":[1,2,3],"window":2}', /x\[1\] is not a finite number: 1e999\n/],
    [['x'], '{"x":[1,2,3],"y":[1,2,-2E+400],"window":2}', /y\[2\] is not a finite number: -2E\+400\n/],
    [['x'], '{"x":[1,2,3],"y":[1,2,3],"window":1e999}', /"window" must be an integer >= 2, got 1e999\n/],
    [['x', '--window', '2'], '1,2\n3,1e999\n', /CSV line 2: not a number: 3,1e999/],
    [['x'], '{"x":[1,2,3],"y":[1,2,3],"window":1}', /"window" must be an integer >= 2, got 1/],
    [['x'], '{"x":[1,2,3],"y":[1,2,3]', /not valid JSON/],
    [['x'], '1,2\n3\n', /CSV needs --window|line 2 must have 2 columns/],
    [['x', '--window', '2'], '1,2\n3,oops\n', /CSV line 2: not a number/],
    [['x', '--regression', 'q'], '{"x":[1,2,3],"y":[1,2,3],"window":2}', /--regression must be c, ct or n/],
    [['x', '--maxlag=-1'], '{"x":[1,2,3],"y":[1,2,3],"window":2}', /--maxlag must be an integer >= 0/],
    // node:util.parseArgs reads `--maxlag -1` as an option without its value, and says how to write it
    [['x', '--maxlag', '-1'], '{"x":[1,2,3],"y":[1,2,3],"window":2}', /option --maxlag needs a value \(one starting with - is written --maxlag=-1\)/],
    [['x', '--window'], '{"x":[1,2,3],"y":[1,2,3],"window":2}', /option --window needs a value/],
    [['x', '--bogus', '1'], '{"x":[1,2,3],"y":[1,2,3],"window":2}', /unknown option --bogus/],
    [[], '', /FILE is missing/],
  ])('%j with %j -> exit 2 and says why', (args, text, msg) => {
    const r = runAnalyze(args, () => text);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).toMatch(/usage: analyze FILE/);
  });

  it('--hedge kalman: the filter with --delta/--ve, or fitted on the file with --tune (issue 18)', () => {
    const { x, y } = driftingPair(600, 9, 'btc');
    const csv = 'x,y\n' + x.map((v, i) => `${v},${y[i]}`).join('\n');
    const readCsv = () => csv;
    const out = (args: string[]) => {
      const r = runAnalyze(['f.csv', ...args], readCsv);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as Out & { hedge: string; kalman?: Record<string, unknown> };
    };
    const ts = x.map((_, i) => i);
    const fixed = out(['--hedge', 'kalman', '--delta', '1e-9', '--ve', '0.01']);
    const want = kalmanSeries({ ts, x, y, delta: 1e-9, ve: 0.01 });
    expect(fixed).toMatchObject({ hedge: 'kalman', kalman: { delta: 1e-9, ve: 0.01, tune: false } });
    expect(fixed.zscore).toEqual(want.map((p) => p.zscore));
    expect(fixed.beta).toEqual(want.map((p) => p.beta));
    expect(isErr(fixed.adf)).toBe(false);
    const f = fitKalman(x, y) as KalmanFit;
    const tuned = out(['--hedge', 'kalman', '--tune']);
    expect(tuned.kalman).toEqual({ delta: f.delta, ve: f.ve, logLik: f.logLik, converged: true, nobs: 598, tune: true });
    expect(tuned.zscore).toEqual(kalmanSeries({ ts, x, y, delta: f.delta, ve: f.ve }).map((p) => p.zscore));
    expect(out(['--window', '30']).hedge).toBe('ols');
    for (const [args, msg] of [
      [['--delta', '1e-5', '--window', '30'], /--delta: delta applies to --hedge kalman only/],
      [['--hedge', 'kalman', '--tune', '--ve', '1'], /--tune: --tune fits delta and ve by maximum likelihood: give tune or ve, not both/],
      [['--hedge', 'kalman', '--delta', '1'], /--delta must be a number greater than 0 and less than 1/],
      [['--hedge', 'tls'], /--hedge must be ols or kalman/],
    ] as [string[], RegExp][]) {
      const r = runAnalyze(['f.csv', ...args], readCsv);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('a missing file -> exit 2', () => {
    const r = runAnalyze(['nope.json'], read);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/cannot read nope.json/)]);
  });

  it('runs for real from the repository root: only the JSON on stdout; bad input exits 2', () => {
    const root = join(__dirname, '../../..');
    const good = join(dir, 'case.json');
    writeFileSync(good, JSON.stringify(cases.find((c) => c.id === 'coint_s101_w30')!.inputs));
    const r = spawnSync('npm', ['run', '--silent', 'analyze', '--', good, '--maxlag', '1', '--autolag', 'none'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Out; // throws if anything but the JSON is on stdout
    // oracle coint_s101_w30 adf.full_spread.c_lag1: stat -9.997452597463617 (statsmodels 0.13.5)
    expectClose((out.adf as AdfRecord).stat, -9.997452597463617, 1e-6, 'stat');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"x":[1,2,3],"y":[1,2],"window":2}');
    const b = spawnSync('npm', ['run', '--silent', 'analyze', '--', bad], { cwd: root, encoding: 'utf8' });
    expect(b.status).toBe(2);
    expect(b.stdout).toBe('');
    expect(b.stderr).toMatch(/same length/);
  });
});
