/**
 * The `scan` command (src/cli/scan.ts) against independent references on generated universes:
 * statsmodels (python/requirements.txt) coint in both directions, multipletests 'fdr_bh', OLS,
 * and numpy versions of the Hurst / mean-crossing definitions (test/analytics/scan_reference.py),
 * within the analytics tolerances (test/fixtures/oracle/README.md: beta rel 1e-9, alpha abs
 * 1e-9·max|y|, coint stat abs 1e-6, p-value abs 1e-4, usedlag exact, half-life rel 1e-6; q-values
 * as p-values; Hurst abs 1e-9, crossings exact); then once for real through
 * `npm run --silent scan` from the repository root, and its bad input (stderr, exit 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScan } from '../../src/cli/scan';
import type { ScanPair, ScanResult } from '../../src/analytics/scan';
import { describePython, runPythonJson } from '@quant-pairs/testkit';
import { expectClose } from './oracle';
import { universe } from './slow';

function input(k: number, n: number, seed: number, window: number): string {
  const { symbols, series } = universe(k, n, seed);
  return JSON.stringify({ series: Object.fromEntries(symbols.map((s, i) => [s, series[i]])), window });
}

function scan(text: string, args: string[] = []): ScanResult {
  const r = runScan(['in.json', ...args], () => text);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ScanResult;
}

/** A pair as the statsmodels reference prints it: the scan's row without the selection. */
type RefRow = Omit<ScanPair, 'selected'>;

// 3 universes, 21 to 28 pairs each (twice as many coint calls): a few seconds of statsmodels
const CASES = [
  ['8 symbols, n 400, window 300', 8, 400, 21, 300],
  ['7 symbols, n 1000, window 1000', 7, 1000, 22, 1000],
  ['7 symbols (one independent walk), n 250, window 120', 7, 250, 23, 120],
] as const;

describePython('scan CLI against statsmodels coint / multipletests fdr_bh and numpy Hurst / crossings', ['statsmodels', 'numpy'], (python) => {
  it.each(CASES)('%s', (_name, k, n, seed, window) => {
    const text = input(k, n, seed, window);
    const got = scan(text);
    const ref = runPythonJson<{ statsmodels: string; pairs: RefRow[]; tested: number }>(python, join(__dirname, 'scan_reference.py'), JSON.parse(text));
    expect(got.pairs).toHaveLength(ref.pairs.length);
    expect(got.tested).toBe(ref.tested);
    const yScale = Math.max(...Object.values(JSON.parse(text).series as Record<string, number[]>).flatMap((v) => v.map(Math.abs)));
    const byId = new Map(got.pairs.map((p) => [`${p.a}/${p.b}`, p]));
    for (const w of ref.pairs) {
      const id = `${w.a}/${w.b}`;
      const g = byId.get(id);
      if (!g) throw new Error(`${id} missing from the scan`);
      expectClose(g.beta, w.beta, 1e-9 * Math.abs(w.beta ?? 0), `${id} beta`);
      expectClose(g.alpha, w.alpha, 1e-9 * yScale, `${id} alpha`);
      for (const dir of ['coint', 'cointReverse'] as const) {
        const a = g[dir];
        const b = w[dir];
        if (a === null || b === null) {
          expect([id, dir, a]).toEqual([id, dir, b]);
          continue;
        }
        expectClose(a.stat, b.stat, 1e-6, `${id} ${dir}.stat`);
        expectClose(a.pvalue, b.pvalue, 1e-4, `${id} ${dir}.pvalue`);
        expect([id, dir, a.usedlag]).toEqual([id, dir, b.usedlag]);
      }
      expectClose(g.pvalue, w.pvalue, 1e-4, `${id} pvalue`);
      expectClose(g.qvalue, w.qvalue, 1e-4, `${id} qvalue`);
      expectClose(g.halfLife, w.halfLife, 1e-6 * Math.abs(w.halfLife ?? 0), `${id} halfLife`);
      expectClose(g.hurst, w.hurst, 1e-9, `${id} hurst`);
      expect([id, g.meanCrossings]).toEqual([id, w.meanCrossings]);
      expectClose(g.correlation, w.correlation, 1e-9, `${id} correlation`);
    }
  });
});

describe('scan CLI', () => {
  it('prints the documented fields, sorted by q-value; thresholds from flags', () => {
    const text = input(6, 300, 31, 300);
    const out = scan(text);
    expect(Object.keys(out)).toEqual(['pairs', 'tested', 'selected', 'paths']);
    expect(out.paths.fft + out.paths.direct).toBe(2 * out.pairs.length);
    expect(Object.keys(out.pairs[0]!)).toEqual([
      'a',
      'b',
      'beta',
      'alpha',
      'coint',
      'cointReverse',
      'pvalue',
      'qvalue',
      'halfLife',
      'hurst',
      'meanCrossings',
      'correlation',
      'selected',
      'note',
    ]);
    expect(out.selected).toBeGreaterThan(0);
    const strict = scan(text, ['--min-crossings', '100000']);
    expect(strict.selected).toBe(0);
    expect(strict.pairs.map((p) => p.qvalue)).toEqual(out.pairs.map((p) => p.qvalue));
  });

  it.each([
    ['not JSON', 'series', /not valid JSON/],
    ['no series', '{"window": 10}', /"series" must be an object/],
    ['a series not an array', '{"series": {"A": 3, "B": [1]}, "window": 10}', /"series"."A" must be an array/],
    ['unequal lengths', JSON.stringify({ series: { A: new Array(20).fill(1), B: new Array(19).fill(1) }, window: 10 }), /equal lengths/],
    ['window missing', JSON.stringify({ series: { A: [1], B: [1] } }), /"window" must be an integer/],
    ['window too long', JSON.stringify({ series: { A: new Array(20).fill(1), B: new Array(20).fill(2) }, window: 21 }), /longer than the series/],
    [
      'a string in a series',
      JSON.stringify({ series: { A: [...new Array(19).fill(1), 'x'], B: new Array(20).fill(2) }, window: 10 }),
      /A\[19\] is not a finite number/,
    ],
    ['one symbol', JSON.stringify({ series: { A: new Array(20).fill(1) }, window: 10 }), /at least 2 series/],
  ])('%s -> exit 2 with a message', (_name, text, msg) => {
    const r = runScan(['f.json'], () => text);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).toMatch(/usage: scan FILE/);
  });

  it('bad flags -> exit 2', () => {
    expect(runScan(['f.json', '--fdr', 'x'], () => '{}').stderr).toMatch(/--fdr must be a number above 0, at most 1, got "x"/);
    expect(runScan(['f.json', '--min-half-life', '9', '--max-half-life', '3'], () => '{}').stderr).toMatch(/must not be above/);
    expect(runScan(['f.json', '--nope', '1'], () => '{}').stderr).toMatch(/unknown option --nope/);
    expect(runScan([], () => '{}').stderr).toMatch(/FILE is missing/);
    expect(
      runScan(['missing.json'], () => {
        throw new Error('ENOENT');
      }).code,
    ).toBe(2);
  });

  // every threshold against its range, the one SCAN_FDR and the other settings take (SCAN_THRESHOLD_RULES)
  it.each([
    ['--fdr', '2', 'a number above 0, at most 1'],
    ['--fdr', '0', 'a number above 0, at most 1'],
    ['--min-half-life', '-1', 'a number >= 0'],
    ['--max-half-life', '0', 'a number above 0'],
    ['--max-hurst', '0', 'a number above 0'],
    ['--min-crossings', '1.5', 'an integer from 0 to 1000000'],
    ['--min-crossings', '-2', 'an integer from 0 to 1000000'],
  ])('%s %s is out of range: exit 2 naming the range', (flag, value, rule) => {
    const r = runScan(['f.json', `${flag}=${value}`], () => '{}'); // = : a value starting with - is not an option
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr.split('\n')[0]).toBe(`scan: ${flag} must be ${rule}, got "${value}"`);
  });

  it.each(['analyze', 'backtest', 'scan'])(
    'npm run --silent %s -- --help prints the usage on stdout, exit 0 (a subprocess)',
    (cli) => {
      const root = join(__dirname, '..', '..', '..');
      const r = spawnSync('npm', ['run', '--silent', cli, '--', '--help'], { cwd: root, encoding: 'utf8' });
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(new RegExp(`^usage: ${cli} FILE`));
    },
    60_000,
  );

  it('runs for real from the repository root: only the JSON on stdout; bad input exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    const good = join(dir, 'u.json');
    writeFileSync(good, input(4, 200, 41, 150));
    const root = join(__dirname, '..', '..', '..');
    const r = spawnSync('npm', ['run', '--silent', 'scan', '--', good], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as ScanResult;
    expect(out.pairs).toHaveLength(6);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"series": {}, "window": 10}');
    const b = spawnSync('npm', ['run', '--silent', 'scan', '--', bad], { cwd: root, encoding: 'utf8' });
    expect(b.status).toBe(2);
    expect(b.stdout).toBe('');
    expect(b.stderr).toMatch(/^scan: need at least 2 series/);
  }, 60_000);
});
