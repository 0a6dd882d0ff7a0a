/**
 * ADF (three settings), Engle-Granger coint and half-life against every case of the shared
 * oracle (statsmodels 0.13.5 values; see test/fixtures/oracle/README.md for the settings and the
 * tolerances used here: stat abs 1e-6, p-value abs 1e-4, critical values abs 1e-6, usedlag
 * and nobs exact, icbest abs 1e-6, half-life and b rel 1e-6). Where the oracle has an error
 * record, ours must be an error too.
 */
import { adfuller, analyzeSeries, coint, halfLife, type AdfOptions } from '../../src/analytics';
import { expectClose, isErr, oracleCases, type AdfRecord } from './oracle';

const SETTINGS: Record<'c_aic' | 'c_lag1' | 'ct_aic', AdfOptions> = {
  c_aic: { regression: 'c', autolag: 'AIC' },
  c_lag1: { regression: 'c', maxlag: 1, autolag: null },
  ct_aic: { regression: 'ct', autolag: 'AIC' },
};

/** The oracle's segments: spread[w-1:] and spread[-w:]; null when there is no spread at all. */
function segments(spread: (number | null)[], w: number): Record<'full_spread' | 'last_window', (number | null)[] | null> {
  if (spread.length < w) return { full_spread: null, last_window: null };
  return { full_spread: spread.slice(w - 1), last_window: spread.slice(-w) };
}

/** What the CLI / API do with a segment: an error record for a null inside, else the test. */
function onSegment<T>(seg: (number | null)[], f: (s: number[]) => T | { error: string }): T | { error: string } {
  if (seg.some((v) => v === null)) return { error: 'segment contains undefined (null) values' };
  return f(seg as number[]);
}

function checkAdf(got: unknown, want: AdfRecord, what: string): void {
  if (isErr(got)) throw new Error(`${what}: expected a result, got error ${got.error}`);
  const g = got as AdfRecord;
  expectClose(g.stat, want.stat, 1e-6, `${what} stat`);
  expectClose(g.pvalue, want.pvalue, 1e-4, `${what} pvalue`);
  expect([what, g.usedlag, g.nobs, g.maxlag]).toEqual([what, want.usedlag, want.nobs, want.maxlag]);
  for (const k of ['1%', '5%', '10%'] as const) expectClose(g.crit[k], want.crit[k], 1e-6, `${what} crit ${k}`);
  expectClose(g.icbest, want.icbest, 1e-6, `${what} icbest`);
}

const cases = oracleCases();
let compared = 0;

describe.each(cases.map((c) => [c.id, c] as const))('oracle case %s', (_id, c) => {
  const { x, y, window: w } = c.inputs;
  const pts = analyzeSeries({ ts: x.map((_, i) => i), x, y, window: w });
  const segs = segments(
    pts.map((p) => p.spread),
    w,
  );

  it('ADF c_aic, c_lag1 (maxlag 1, no autolag), ct_aic on spread[w-1:] and spread[-w:]', () => {
    for (const where of ['full_spread', 'last_window'] as const) {
      const rec = c.outputs.adf[where];
      const seg = segs[where];
      for (const [name, opts] of Object.entries(SETTINGS) as [keyof typeof SETTINGS, AdfOptions][]) {
        const want = isErr(rec) ? rec : rec[name];
        const got = seg === null ? { error: 'no spread' } : onSegment(seg, (s) => adfuller(s, opts));
        const what = `${where}.${name}`;
        if (isErr(want)) expect([what, isErr(got)]).toEqual([what, true]);
        else {
          checkAdf(got, want, what);
          compared++;
        }
      }
    }
  });

  it('Engle-Granger coint on the full series and the last window', () => {
    const full = coint(y, x);
    const last = y.length >= w ? coint(y.slice(-w), x.slice(-w)) : { error: 'series shorter than window' };
    for (const [what, got, want] of [
      ['full', full, c.outputs.coint.full],
      ['last_window', last, c.outputs.coint.last_window],
    ] as const) {
      if (isErr(want)) {
        expect([what, isErr(got)]).toEqual([what, true]);
        continue;
      }
      if (isErr(got)) throw new Error(`${what}: expected a result, got error ${got.error}`);
      expectClose(got.stat, want.stat, 1e-6, `coint ${what} stat`);
      expectClose(got.pvalue, want.pvalue, 1e-4, `coint ${what} pvalue`);
      for (const k of ['1%', '5%', '10%'] as const) expectClose(got.crit[k], want.crit[k], 1e-6, `coint ${what} crit ${k}`);
      compared++;
    }
  });

  it('half-life on spread[w-1:] and spread[-w:]', () => {
    for (const where of ['full_spread', 'last_window'] as const) {
      const want = c.outputs.half_life[where];
      const seg = segs[where];
      const got = seg === null ? halfLife([]) : onSegment(seg, (s) => halfLife(s));
      if (isErr(want)) {
        expect([where, isErr(got)]).toEqual([where, true]);
        continue;
      }
      if (isErr(got)) throw new Error(`${where}: expected a result, got error ${got.error}`);
      expectClose(got.b, want.b, 1e-6 * Math.abs(want.b), `${where} b`);
      expectClose(got.a, want.a, 1e-6 * Math.max(Math.abs(want.a), 1e-3), `${where} a`);
      expectClose(got.halfLife, want.half_life, want.half_life === null ? 0 : 1e-6 * want.half_life, `${where} half_life`);
      compared++;
    }
  });
});

afterAll(() => {
  // 29 cases: most have numbers for every statistic; make sure the comparisons actually ran
  expect(compared).toBeGreaterThan(150);
});
