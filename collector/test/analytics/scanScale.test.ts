/**
 * The pair scanner on the market as it is (issue 22): real symbols at their price levels and
 * tick sizes (test/support/market.ts), and each leg moved to every level of 1e-8 .. 1e6 on its own.
 * Three references: the bound on the FFT's lag products against direct sums; the scan against the
 * slow pair-by-pair path (the public `coint` both ways, `olsLine`, `halfLife`, the two-pass Hurst,
 * crossings and BH of scan.test.ts); and the scan against statsmodels (test/analytics/scan_reference.py).
 * Before the legs were put on unit norm, a PEPE residual 1e8 below an ETH one shared a transform
 * with it: coint(PEPE, ETH) read -0.21 (p 0.98) where statsmodels reads -6.88 (p ~1e-8).
 */
import { coint, halfLife, olsLine } from '../../src/analytics';
import { scanSeries, type ScanPair, type ScanResult } from '../../src/analytics/scan';
import { lagProductError, lagProducts, leg, spectra, unwrap } from '../../src/analytics/scan/lagSpectra';
import { LISTINGS, marketUniverse, toTick } from '../../src/fake-binance/market';
import { describePython, runPythonJson } from '@quant-pairs/testkit';
import { join } from 'node:path';
import { slowCorr } from './slow';
import { slowBH, slowCrossings, slowHurst } from './scanSlow';

/** The price levels every kernel is run at (issue 22), each leg independently. */
const LEVELS = [1e-8, 1e-5, 1e-2, 1, 1e3, 1e5, 1e6] as const;

/** |got - want| <= rel·|want| (+ abs for values near 0); null only against null. */
function within(got: number | null, want: number | null, rel: number, what: string, abs = 0): number {
  if (got === null || want === null) {
    if (got !== want) throw new Error(`${what}: expected ${want}, got ${got}`);
    return 0;
  }
  const err = Math.abs(got - want);
  if (!(err <= rel * Math.abs(want) + abs)) throw new Error(`${what}: expected ${want}, got ${got} (relative error ${err / Math.abs(want)})`);
  return want === 0 ? err : err / Math.abs(want);
}

/** A series moved to price level `level` (its first value there) and rounded to 8 significant digits, as a tick would. */
function atLevel(v: readonly number[], level: number): number[] {
  const k = level / v[0]!;
  return v.map((x) => Number((x * k).toPrecision(8)));
}

/** Every pair's fields against the slow pair-by-pair path; returns the largest relative error of the tests' stats. */
function expectSlow(r: ScanResult, symbols: readonly string[], series: readonly number[][], window: number): number {
  const data = new Map(symbols.map((s, i) => [s, series[i]!.slice(-window)]));
  const tested = r.pairs.filter((p) => p.pvalue !== null);
  const q = slowBH(tested.map((p) => p.pvalue!));
  let worst = 0;
  tested.forEach((p, i) => within(p.qvalue, q[i]!, 1e-9, `${p.a}/${p.b} qvalue`, 1e-300));
  for (const p of r.pairs) {
    const id = `${p.a}/${p.b}`;
    const A = data.get(p.a)!;
    const B = data.get(p.b)!;
    for (const [dir, y, x] of [
      ['coint', A, B],
      ['cointReverse', B, A],
    ] as const) {
      const ref = coint(y, x);
      const got = p[dir];
      if ('error' in ref) {
        expect([id, dir, got]).toEqual([id, dir, null]);
        continue;
      }
      worst = Math.max(worst, within(got?.stat ?? null, ref.stat, 1e-9, `${id} ${dir}.stat`));
      within(got!.pvalue, ref.pvalue, 1e-7, `${id} ${dir}.pvalue`, 1e-300);
      expect([id, dir, got!.usedlag]).toEqual([id, dir, ref.usedlag]);
    }
    const fit = olsLine(B, A)!;
    within(p.beta, fit.beta, 1e-12, `${id} beta`);
    const forward = coint(A, B);
    if ('error' in forward && /collinear/.test(forward.error)) {
      // the spread of an (almost) perfect fit is rounding: the scan gives no statistic of it
      expect([id, p.halfLife, p.hurst, p.meanCrossings]).toEqual([id, null, null, null]);
      continue;
    }
    const s = A.map((v, t) => v - fit.alpha - fit.beta * B[t]!);
    const hl = halfLife(s);
    within(p.halfLife, 'error' in hl ? null : hl.halfLife, 1e-9, `${id} halfLife`);
    within(p.hurst, slowHurst(s), 1e-9, `${id} hurst`, 1e-12);
    expect([id, p.meanCrossings]).toEqual([id, slowCrossings(s)]);
    within(p.correlation, slowCorr(A, B), 1e-12, `${id} correlation`);
  }
  return worst;
}

describe('the FFT lag products: within their error bound at every price level', () => {
  it.each([1000, 300, 127])('window %i: |R_fft(τ) - Σ e[t]·e[t+τ]| <= lagProductError for every pair, level and lag', (window) => {
    let worst = 0;
    const u = marketUniverse(1000, 11);
    const sp = spectra(window);
    const N = sp.plan.n;
    u.series.forEach((a0, i) =>
      u.series.forEach((b0, j) => {
        if (i === j) return;
        const a = atLevel(a0, LEVELS[i % LEVELS.length]!);
        const b = atLevel(b0, LEVELS[(3 * j + 1) % LEVELS.length]!);
        const A = leg(a, window, sp);
        const B = leg(b, window, sp);
        let sab = 0;
        for (let t = 0; t < window; t++) sab += A.c[t]! * B.c[t]!;
        lagProducts(A, B, sab / Math.sqrt(A.ss * B.ss), sp);
        const beta = sab / B.ss;
        const e = new Float64Array(window);
        let ssr = 0;
        for (let t = 0; t < window; t++) ssr += (e[t] = A.c[t]! - beta * B.c[t]!) ** 2;
        unwrap(sp.fwd, e, window, N, sp.lags, sp.wrap);
        const bound = lagProductError(A.ss, ssr, N);
        for (let tau = 0; tau <= sp.lags; tau++) {
          let direct = 0;
          for (let t = 0; t + tau < window; t++) direct += e[t]! * e[t + tau]!;
          worst = Math.max(worst, Math.abs(sp.fwd[tau]! - direct) / bound);
        }
      }),
    );
    // the bound's factor keeps room: measured 1/32 of it (lagSpectra.ts), never above 1/8
    expect(worst).toBeLessThan(1 / 8);
  });
});

describe('the scan at every price level equals the slow pair-by-pair path', () => {
  // PEPE = c·ETH + AR(1) (cointegrated), FLOKI = c·SHIB nearly exactly, BONK independent
  const u = marketUniverse(
    700,
    5,
    LISTINGS.filter((l) => ['ETHUSDT', 'PEPEUSDT', 'SHIBUSDT', 'FLOKIUSDT', 'BONKUSDT'].includes(l.symbol)),
  );
  const pick = (s: string) => u.series[u.symbols.indexOf(s)]!;
  const cases = LEVELS.flatMap((la) => LEVELS.map((lb) => [la, lb] as const));
  it.each(cases)('legs at %p and %p', (la, lb) => {
    const symbols = ['ETHUSDT', 'PEPEUSDT', 'SHIBUSDT', 'FLOKIUSDT', 'BONKUSDT'];
    const series = [
      atLevel(pick('ETHUSDT'), la),
      atLevel(pick('PEPEUSDT'), lb),
      atLevel(pick('SHIBUSDT'), la),
      atLevel(pick('FLOKIUSDT'), lb),
      atLevel(pick('BONKUSDT'), lb),
    ];
    const r = scanSeries(symbols, series, 600);
    expectSlow(r, symbols, series, 600);
    const eth = r.pairs.find((p) => p.a === 'ETHUSDT' && p.b === 'PEPEUSDT')!;
    expect(eth.coint!.stat).toBeLessThan(-5); // the cointegrated pair stays found at every level
  });

  it('a near-exact fit (correlation 0.99999) is exact; past statsmodels collinearity rule it is null', () => {
    const base = pick('SHIBUSDT');
    const wiggle = (sd: number) => base.map((v, t) => v * 6.8 * (1 + sd * Math.sin(t * 1.7 + Math.cos(t * 0.31))));
    const near = atLevel(wiggle(2.3e-4), 1.5e-4);
    const exact = atLevel(wiggle(1e-9), 1.5e-4);
    const shib = atLevel(base, 2.2e-5);
    const r = scanSeries(['FLOKIUSDT', 'SHIBUSDT', 'X1000FLOKIUSDT'], [near, shib, exact], 600);
    const nearRow = r.pairs.find((p) => p.a === 'FLOKIUSDT' && p.b === 'SHIBUSDT')!;
    expect(nearRow.correlation!).toBeGreaterThan(0.99999);
    expect(nearRow.correlation!).toBeLessThan(0.999999);
    expect(nearRow.coint).not.toBeNull();
    const exactRow = r.pairs.find((p) => p.a === 'SHIBUSDT' && p.b === 'X1000FLOKIUSDT')!;
    expect([exactRow.coint, exactRow.cointReverse, exactRow.pvalue]).toEqual([null, null, null]);
    // null with a reason, never a wrong number
    expect(exactRow.note).toBe('coint(X1000FLOKIUSDT, SHIBUSDT): y and x are (almost) perfectly collinear: the cointegration test is not reliable');
    expect(nearRow.note).toBeNull();
    expectSlow(r, ['FLOKIUSDT', 'SHIBUSDT', 'X1000FLOKIUSDT'], [near, shib, exact], 600);
  });
});

describe('ticks at their tick size: the scan of a real-levels universe equals the slow path', () => {
  it('13 listings from 1e-5 to 1e5, window 1000 (78 pairs, 156 tests)', () => {
    const u = marketUniverse(1000, 7);
    const r = scanSeries(u.symbols, u.series, 1000);
    expect(r.paths.fft + r.paths.direct).toBe(156);
    expectSlow(r, u.symbols, u.series, 1000);
    expect(u.series.every((s, i) => s.every((v) => v === toTick(v, LISTINGS[i]!.tick)))).toBe(true);
  });
});

type RefRow = Omit<ScanPair, 'selected'>;
describePython('the scan against statsmodels at real and extreme price levels', ['statsmodels', 'numpy'], (python) => {
  const u = marketUniverse(800, 3);
  const extreme = {
    symbols: u.symbols,
    series: u.series.map((s, i) => atLevel(s, i % 2 === 0 ? 1e6 : 1e-8)),
  };
  it.each([
    ['real levels (1e-5 .. 1e5, ticks)', u],
    ['legs alternately at 1e6 and 1e-8', extreme],
  ] as const)('%s: stat, p, q, half-life, Hurst within 1e-6 relative; lags and crossings exact', (_name, { symbols, series }) => {
    const window = 800;
    const r = scanSeries(symbols, series, window);
    const ref = runPythonJson<{ pairs: RefRow[]; tested: number }>(python, join(__dirname, 'scan_reference.py'), {
      series: Object.fromEntries(symbols.map((s, i) => [s, series[i]])),
      window,
    });
    expect(r.tested).toBe(ref.tested);
    const byId = new Map(r.pairs.map((p) => [`${p.a}/${p.b}`, p]));
    for (const w of ref.pairs) {
      const id = `${w.a}/${w.b}`;
      const g = byId.get(id)!;
      for (const dir of ['coint', 'cointReverse'] as const) {
        if (g[dir] === null || w[dir] === null) {
          expect([id, dir, g[dir]]).toEqual([id, dir, w[dir]]);
          continue;
        }
        within(g[dir]!.stat, w[dir]!.stat, 1e-6, `${id} ${dir}.stat`);
        within(g[dir]!.pvalue, w[dir]!.pvalue, 1e-6, `${id} ${dir}.pvalue`, 1e-300);
        expect([id, dir, g[dir]!.usedlag]).toEqual([id, dir, w[dir]!.usedlag]);
      }
      within(g.pvalue, w.pvalue, 1e-6, `${id} pvalue`, 1e-300);
      within(g.qvalue, w.qvalue, 1e-6, `${id} qvalue`, 1e-300);
      within(g.halfLife, w.halfLife, 1e-6, `${id} halfLife`);
      within(g.hurst, w.hurst, 1e-6, `${id} hurst`, 1e-9);
      expect([id, g.meanCrossings]).toEqual([id, w.meanCrossings]);
      within(g.correlation, w.correlation, 1e-9, `${id} correlation`);
    }
  });
});
