import { readFileSync } from 'node:fs';
import { mackinnoncrit, mackinnonp, normalCdf, halfLife, adfuller } from '../../src/analytics';
import { MACKINNON_TABLES } from '../../src/analytics/tables/mackinnonTables';
import { MACKINNON_JSON, MACKINNON_TABLES_TS, readMackinnonJson, renderMackinnonTables } from '../../scripts/generate-mackinnon';

describe('generated MacKinnon tables', () => {
  it('are what scripts/generate-mackinnon.ts writes (npm run generate:mackinnon -w collector), marked @generated', () => {
    const text = readFileSync(MACKINNON_TABLES_TS, 'utf8');
    expect(text.split('\n')[0]).toBe('// @generated');
    expect(text).toBe(renderMackinnonTables(MACKINNON_JSON));
  });

  it('equal test/fixtures/oracle/mackinnon.json', () => {
    const { tables } = readMackinnonJson(MACKINNON_JSON);
    expect(JSON.parse(JSON.stringify(MACKINNON_TABLES, (_k, v) => (v === Infinity ? 'inf' : v)))).toEqual(
      JSON.parse(JSON.stringify(tables, (_k, v) => (v === Infinity ? 'inf' : v))),
    );
    expect(MACKINNON_TABLES.tau_maxs.n[0]).toBe(Infinity);
  });
});

describe('normalCdf', () => {
  // values from scipy.stats.norm.cdf (scipy 1.10), i.e. Cephes ndtr
  it.each([
    [0, 0.5],
    [-1.96, 0.024997895148220435],
    [1, 0.8413447460685429],
    [-3, 0.0013498980316300946],
    [-5, 2.866515718791939e-7],
    [-10, 7.619853024160527e-24],
    [2.5, 0.9937903346742238],
    [-2, 0.022750131948179195],
  ])('Φ(%p) = %p', (x, p) => {
    expect(Math.abs(normalCdf(x) - p)).toBeLessThanOrEqual(1e-14 * p);
  });
  it('is continuous where the method switches (|x| = 2)', () => {
    // one ulp apart, on either side of the switch: Φ'(2)·4.4e-16 ≈ 2.4e-17
    expect(Math.abs(normalCdf(-2) - normalCdf(-2.0000000000000004))).toBeLessThan(5e-16);
    expect(Math.abs(normalCdf(2) - normalCdf(2.0000000000000004))).toBeLessThan(1e-15);
  });
});

describe('mackinnonp / mackinnoncrit', () => {
  it('reproduces the statsmodels values of oracle coint_s101_w30', () => {
    // adf.full_spread.c_aic: stat -9.997452597463617 -> p 1.9233747071996093e-17, nobs 1069 -> crit
    expect(Math.abs(mackinnonp(-9.997452597463617, 'c', 1) - 1.9233747071996093e-17)).toBeLessThan(1e-25);
    expect(mackinnoncrit(1, 'c', 1069)['5%']).toBeCloseTo(-2.864247479652846, 12);
    // coint.full: N = 2, nobs = n - 1 = 1099
    expect(mackinnonp(-7.098626739838497, 'c', 2)).toBeCloseTo(4.988539528628731e-9, 15);
    expect(mackinnoncrit(2, 'c', 1099)['1%']).toBeCloseTo(-3.9064330908320164, 12);
  });
  it('clips to 0 and 1 outside the tabulated range (tau_min / tau_max)', () => {
    expect(mackinnonp(-30, 'c', 1)).toBe(0);
    expect(mackinnonp(3, 'c', 1)).toBe(1);
    expect(mackinnonp(3, 'n', 1)).toBeLessThan(1); // tau_max is +inf for n, N=1: never clipped to 1
  });
});

describe('degenerate inputs give errors, not NaN', () => {
  it('adfuller', () => {
    expect(adfuller([1, 2])).toEqual({ error: expect.stringMatching(/too short/) });
    expect(adfuller([5, 5, 5, 5, 5, 5])).toEqual({ error: expect.stringMatching(/constant/) });
    expect(adfuller([1, 2, NaN, 4, 5])).toEqual({ error: expect.stringMatching(/series\[2\]/) });
    expect(adfuller([1, 3, 2, 5], { regression: 'ct' })).toEqual({ error: expect.stringMatching(/too short/) });
    expect(adfuller([1, 3, 2, 5, 4, 6, 5, 7], { maxlag: 9 })).toEqual({ error: expect.stringMatching(/maxlag must be at most/) });
  });
  it('halfLife: hand-derived Δs = -2·s on an alternating series', () => {
    // s = 1, -1, 1, -1: Δs = -2, 2, -2 against s_{t-1} = 1, -1, 1 -> b = -2, a = 0 exactly
    const r = halfLife([1, -1, 1, -1]);
    if ('error' in r) throw new Error(r.error);
    expect(r.b).toBeCloseTo(-2, 14);
    expect(r.a).toBeCloseTo(0, 14);
    expect(r.halfLife).toBeCloseTo(Math.LN2 / 2, 14);
    // a trending (explosive) series has b > 0: no mean reversion -> null, not a negative half-life
    const up = halfLife([1, 2, 4, 8, 16]);
    expect('error' in up ? up : up.halfLife).toBeNull();
    expect(halfLife([3, 3, 3, 3])).toEqual({ error: expect.stringMatching(/constant/) });
  });
});
