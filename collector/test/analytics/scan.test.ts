/**
 * The pair scanner (src/analytics/scan) against slow, obvious references written straight from
 * the definitions in issue 15: Hurst (std of increments per lag, two-pass, then the closed-form
 * least-squares slope), mean crossings (centre, drop exact zeros, count sign changes),
 * Benjamini-Hochberg (sort, scale each p by m/rank, running minimum from the top) and the scan
 * itself (per pair: the public `coint` in both directions, `olsLine`, `halfLife`). The
 * statsmodels comparison of the whole scan is test/analytics/scanCli.test.ts.
 */
import { coint, halfLife, olsLine } from '../../src/analytics';
import { lagDots, lagProductsAll } from '../../src/analytics/lagDots';
import { bhQValues, hurst, meanCrossings, scanInputProblem, scanSeries, scanSteps, SCAN_DEFAULTS, type ScanPair } from '../../src/analytics/scan';
import { gaussian, rng } from '../../src/fake-binance/rng';
import { slowCorr, universe } from './slow';
import { slowBH, slowCrossings, slowHurst } from './scanSlow';

function walk(n: number, seed: number, phi = 1): number[] {
  const r = rng(seed);
  const out: number[] = [];
  let v = 0;
  for (let t = 0; t < n; t++) out.push((v = phi * v + gaussian(r)));
  return out;
}

const close = (got: number | null, want: number | null, tol: number, what: string) => {
  if (got === null || want === null) {
    if (got !== want) throw new Error(`${what}: expected ${want}, got ${got}`);
    return;
  }
  if (!(Math.abs(got - want) <= tol)) throw new Error(`${what}: expected ${want}, got ${got} (|diff| ${Math.abs(got - want)} > ${tol})`);
};

describe('lagDots', () => {
  it.each([1, 3, 4, 5, 8, 9, 12, 23, 99])('%i lags: equals one plain sum per lag', (count) => {
    const a = Float64Array.from(walk(300, count, 0.5));
    const from = count + 10;
    const out = new Float64Array(count + 2).fill(7);
    lagDots(a, from, 290, 2, count, out, 1);
    for (let j = 0; j < count; j++) {
      let want = 0;
      for (let u = from; u < 290; u++) want += a[u - 2 - j]! * a[u]!;
      close(out[1 + j]!, want, 1e-12 * 300, `lag ${2 + j}`);
    }
    expect([out[0], out[count + 1]]).toEqual([7, 7]); // nothing written outside out[outAt .. outAt+count)
  });
});

describe('lagProductsAll', () => {
  it.each([
    [2, 99, 1000],
    [1, 1, 10],
    [5, 12, 40],
    [24, 76, 1000],
  ])('lags %i.. (%i of them) over %i points: equals one plain sum per lag', (k0, count, n) => {
    const a = Float64Array.from(walk(n, k0 + count, 0.9));
    const out = new Float64Array(count + 2).fill(7);
    lagProductsAll(a, n, k0, count, out, 1);
    for (let j = 0; j < count; j++) {
      let want = 0;
      for (let u = k0 + j; u < n; u++) want += a[u - k0 - j]! * a[u]!;
      close(out[1 + j]!, want, 1e-12 * n, `lag ${k0 + j}`);
    }
    expect([out[0], out[count + 1]]).toEqual([7, 7]);
  });
});

describe('hurst', () => {
  it.each([
    ['random walk', walk(1000, 1)],
    ['AR(1) 0.5', walk(1000, 2, 0.5)],
    ['AR(1) 0.99 at a level of 1e6', walk(1000, 3, 0.99).map((v) => 1e6 + v)],
    ['short: n = 7 (lags 2, 3)', walk(7, 4)],
    ['trend plus noise (increments tiny against the level: the lags are summed directly)', walk(500, 5, 0).map((v, t) => t + 0.01 * v)],
  ])('%s: equals the two-pass definition within 1e-9', (_name, s) => {
    close(hurst(s), slowHurst(s), 1e-9, 'hurst');
  });

  it('is about 0.5 for a random walk and far below for white noise (what the filter relies on)', () => {
    expect(hurst(walk(20_000, 6))).toBeGreaterThan(0.45);
    expect(hurst(walk(20_000, 6))).toBeLessThan(0.55);
    expect(hurst(walk(2000, 7, 0))).toBeLessThan(0.1);
  });

  it('is null where a lag has no spread or there are fewer than 2 lags', () => {
    expect(hurst([0, 1, 0, 1, 0, 1, 0, 1])).toBeNull(); // s[t+2] - s[t] = 0 for every t
    expect(hurst([1, 2, 3, 4, 5])).toBeNull(); // n = 5: only lag 2
    expect(hurst([1, 2, NaN, 4, 5, 6, 7])).toBeNull();
    expect(hurst(Array.from({ length: 20 }, (_, t) => t))).toBeNull(); // a line: every increment equal, std 0
  });
});

describe('meanCrossings', () => {
  it('worked examples', () => {
    expect(meanCrossings([1, 3, 1, 3])).toBe(3);
    expect(meanCrossings([1, 2, 3, 2, 1])).toBe(2); // mean 1.8: -, +, +, +, -
    expect(meanCrossings([0, 1, 2])).toBe(1); // mean 1: the point at the mean carries the sign before it
    expect(meanCrossings([0, 1, 0])).toBe(2); // mean 1/3: -, +, -
    expect(meanCrossings([5, 5, 5])).toBe(0);
  });
  it.each([1, 2, 3])('equals the definition on a seeded AR(1) (seed %i)', (seed) => {
    const s = walk(1000, seed, 0.7);
    expect(meanCrossings(s)).toBe(slowCrossings(s));
  });
});

describe('bhQValues', () => {
  it('worked example (the module comment)', () => {
    const q = bhQValues([0.01, 0.04, 0.03, 0.5]);
    [0.04, 0.04 / 0.75, 0.04 / 0.75, 0.5].forEach((v, i) => close(q[i]!, v, 1e-15, `q[${i}]`));
  });
  it.each([
    ['uniform p', Array.from({ length: 200 }, (_, i) => rng(i + 1)())],
    ['ties and ones', [0.5, 0.01, 0.01, 1, 0.2, 0.2, 0.2, 1e-12, 0.049]],
    ['many small', Array.from({ length: 300 }, (_, i) => rng(7)() ** 8 * (i % 5 === 0 ? 1 : 0.01))],
  ])('%s: equals the definition', (_name, p) => {
    const q = bhQValues(p);
    slowBH(p).forEach((v, i) => close(q[i]!, v, 1e-15 * Math.max(1, v), `q[${i}]`));
  });
  it('leaves NaN out of m', () => {
    const q = bhQValues([0.01, NaN, 0.02]);
    expect(Number.isNaN(q[1]!)).toBe(true);
    close(q[0]!, 0.02, 1e-16, 'q[0]');
    close(q[2]!, 0.02, 1e-16, 'q[2]');
  });
});

/** The scan from the public one-pair functions, pair by pair, in universe order. */
function slowScan(symbols: string[], series: number[][], window: number) {
  const w = series.map((s) => s.slice(-window));
  const rows: Omit<ScanPair, 'qvalue' | 'selected'>[] = [];
  for (let i = 0; i < symbols.length; i++) {
    for (let j = i + 1; j < symbols.length; j++) {
      const A = w[i]!;
      const B = w[j]!;
      const fit = olsLine(B, A);
      const c1 = coint(A, B);
      const c2 = coint(B, A);
      const spread = fit ? A.map((v, t) => v - fit.alpha - fit.beta * B[t]!) : null;
      const hl = spread ? halfLife(spread) : null;
      const eg = (c: ReturnType<typeof coint>) => ('error' in c ? null : { stat: c.stat, pvalue: c.pvalue, usedlag: c.usedlag });
      rows.push({
        a: symbols[i]!,
        b: symbols[j]!,
        beta: fit?.beta ?? null,
        alpha: fit?.alpha ?? null,
        coint: eg(c1),
        cointReverse: eg(c2),
        pvalue: 'error' in c1 || 'error' in c2 ? null : Math.max(c1.pvalue, c2.pvalue),
        halfLife: hl && !('error' in hl) ? hl.halfLife : null,
        hurst: spread ? slowHurst(spread) : null,
        meanCrossings: spread ? slowCrossings(spread) : null,
        correlation: slowCorr(A, B),
        // why a number is null: a constant leg first, else the first test that failed (the reverse one runs first)
        note:
          Math.min(...A) === Math.max(...A) || Math.min(...B) === Math.max(...B)
            ? `${Math.min(...A) === Math.max(...A) ? symbols[i] : symbols[j]} is constant over the window`
            : 'error' in c2
              ? `coint(${symbols[j]}, ${symbols[i]}): ${c2.error}`
              : 'error' in c1
                ? `coint(${symbols[i]}, ${symbols[j]}): ${c1.error}`
                : null,
      });
    }
  }
  return rows;
}

describe('scanSeries', () => {
  // The scan takes its lag products from an FFT of size N = the power of two >= the window, whose
  // circular lags wrap around from N - n + 1 on: window 400 (N 512) never wraps within Hurst's
  // 100 lags, 250 (N 256) wraps from lag 7, 256 from lag 1 (the ADF's lags too), 1000 (N 1024,
  // the default) from lag 25. Each universe has groups of cointegrated symbols and independent
  // walks (near-random-walk spreads), plus TIGHT = 1.5·S0 + 7 + 0.1·AR(1): a spread ~1/300 of
  // its legs, where the spectra FA - β·FB cancel most.
  it.each([
    [9, 500, 11, 400],
    [6, 300, 17, 250],
    [6, 300, 18, 256],
    [5, 1000, 19, 1000],
  ])('equals the pair-by-pair scan from the public functions (%i symbols + TIGHT + FLAT, %i points, seed %i, window %i)', (k, n, seed, window) => {
    const { symbols, series } = universe(k, n, seed);
    const ar = walk(n, seed + 100, 0.8);
    symbols.push('TIGHTUSDT');
    series.push(series[0]!.map((v, t) => 1.5 * v + 7 + 0.1 * ar[t]!));
    // one constant symbol: its pairs have no p-value and are left out of m
    symbols.push('FLATUSDT');
    series.push(new Array<number>(n).fill(3));
    const got = scanSeries(symbols, series, window);
    const want = slowScan(symbols, series, window);
    expect(got.pairs).toHaveLength(((k + 2) * (k + 1)) / 2);
    const tested = want.filter((r) => r.pvalue !== null);
    expect(got.tested).toBe(tested.length);
    expect(got.tested).toBe(((k + 1) * k) / 2);
    expect(got.pairs.find((p) => p.a === 'S0USDT' && p.b === 'TIGHTUSDT')).toMatchObject({ selected: true });
    const q = slowBH(tested.map((r) => r.pvalue!));
    const byId = new Map(got.pairs.map((p) => [`${p.a}/${p.b}`, p]));
    for (const w of want) {
      const id = `${w.a}/${w.b}`;
      const g = byId.get(id)!;
      close(g.beta, w.beta, 1e-9 * Math.abs(w.beta ?? 0), `${id} beta`);
      close(g.alpha, w.alpha, 1e-9 * 2000, `${id} alpha`);
      close(g.correlation, w.correlation, 1e-9, `${id} correlation`);
      for (const k of ['coint', 'cointReverse'] as const) {
        const a = g[k];
        const b = w[k];
        if (a === null || b === null) expect([id, k, a]).toEqual([id, k, b]);
        else {
          close(a.stat, b.stat, 1e-8 * Math.abs(b.stat), `${id} ${k}.stat`);
          close(a.pvalue, b.pvalue, 1e-9, `${id} ${k}.pvalue`);
          expect([id, k, a.usedlag]).toEqual([id, k, b.usedlag]);
        }
      }
      close(g.pvalue, w.pvalue, 1e-9, `${id} pvalue`);
      const ti = tested.indexOf(w);
      close(g.qvalue, ti < 0 ? null : q[ti]!, 1e-9, `${id} qvalue`);
      close(g.halfLife, w.halfLife, 1e-8 * Math.abs(w.halfLife ?? 0), `${id} halfLife`);
      close(g.hurst, w.hurst, 1e-8, `${id} hurst`);
      expect([id, g.meanCrossings]).toEqual([id, w.meanCrossings]);
      const t = SCAN_DEFAULTS;
      const sel =
        g.qvalue !== null &&
        g.qvalue <= t.fdr &&
        g.halfLife !== null &&
        g.halfLife >= t.minHalfLife &&
        g.halfLife <= t.maxHalfLife &&
        g.hurst !== null &&
        g.hurst < t.maxHurst &&
        g.meanCrossings! >= t.minCrossings;
      expect([id, g.selected]).toEqual([id, sel]);
    }
    expect(got.selected).toBe(got.pairs.filter((p) => p.selected).length);
  });

  it('selects the cointegrated pairs of the groups and none of the independent walks', () => {
    const { symbols, series } = universe(8, 1000, 12); // groups S0-S2, S3-S5; S6, S7 independent walks
    const r = scanSeries(symbols, series, 1000);
    const group = (s: string) => (Number(s.slice(1, -4)) < 6 ? Math.floor(Number(s.slice(1, -4)) / 3) : s);
    const selected = r.pairs.filter((p) => p.selected).map((p) => `${p.a}/${p.b}`);
    expect(selected.sort()).toEqual(['S0USDT/S1USDT', 'S0USDT/S2USDT', 'S1USDT/S2USDT', 'S3USDT/S4USDT', 'S3USDT/S5USDT', 'S4USDT/S5USDT']);
    for (const p of r.pairs) if (group(p.a) !== group(p.b)) expect(p.selected).toBe(false);
  });

  it('scanSteps yields after each pair and returns what scanSeries returns', () => {
    const { symbols, series } = universe(6, 200, 16);
    const steps = scanSteps(symbols, series, 150);
    const counts: number[] = [];
    let r = steps.next();
    while (!r.done) {
      counts.push(r.value);
      r = steps.next();
    }
    expect(counts).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(r.value).toEqual(scanSeries(symbols, series, 150));
  });

  it('sorts by q-value, undefined last, ties in universe order', () => {
    const { symbols, series } = universe(7, 300, 13);
    symbols.push('FLATUSDT');
    series.push(new Array<number>(300).fill(1));
    const r = scanSeries(symbols, series, 300);
    const q = r.pairs.map((p) => p.qvalue ?? Infinity);
    expect(q).toEqual([...q].sort((a, b) => a - b));
    const flat = r.pairs.filter((p) => p.qvalue === null).map((p) => `${p.a}/${p.b}`);
    expect(flat).toEqual(symbols.slice(0, 7).map((s) => `${s}/FLATUSDT`));
    expect(r.pairs.at(-1)).toMatchObject({ beta: null, coint: null, hurst: null, correlation: null, selected: false });
  });

  it('is point in time: only the trailing window is read', () => {
    const { symbols, series } = universe(5, 600, 14);
    const a = scanSeries(symbols, series, 300);
    const changed = series.map((s) => s.map((v, t) => (t < 300 ? v * 3 + 1000 : v)));
    expect(scanSeries(symbols, changed, 300)).toEqual(a);
    expect(
      scanSeries(
        symbols,
        series.map((s) => s.slice(300)),
        300,
      ),
    ).toEqual(a);
  });

  it('says what is wrong with its input', () => {
    expect(scanInputProblem(['A'], [[1, 2]], 2)).toMatch(/at least 2 series/);
    expect(scanInputProblem(['A', 'B'], [[1], [1, 2]], 10)).toMatch(/equal lengths/);
    expect(scanInputProblem(['A', 'A'], [[1], [1]], 10)).toMatch(/twice/);
    expect(scanInputProblem(['A', 'B'], [new Array(20).fill(1), new Array(20).fill(1)], 30)).toMatch(/longer than the series/);
    expect(scanInputProblem(['A', 'B'], [new Array(20).fill(1), new Array(20).fill(1)], 5)).toMatch(/window must be an integer >= 10/);
    expect(scanInputProblem(['A', 'B'], [new Array(20).fill(1), [...new Array(19).fill(1), Infinity]], 10)).toMatch(/B\[19\] is not a finite number/);
    expect(() => scanSeries(['A'], [[1]], 10)).toThrow(RangeError);
  });
});
