/**
 * ADF and coint settings the shared oracle does not cover (autolag BIC and t-stat, regression
 * 'n', 'ct' with a fixed lag, a user maxlag with AIC, coint with BIC / t-stat), against values
 * computed by statsmodels 0.13.5 (Debian python3-statsmodels) with
 * test/fixtures/statsmodels-extra/make_statsmodels_extra.py; the series are stored in the fixture. Tolerances as the
 * oracle README's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adfuller, coint, type AdfOptions, type Autolag } from '../../src/analytics';
import { expectClose } from './oracle';

interface Fixture {
  statsmodels: string;
  series: Record<string, number[]>;
  adf: {
    series: string;
    settings: { regression: 'n' | 'c' | 'ct'; autolag: Autolag | null; maxlag?: number };
    stat: number;
    pvalue: number;
    usedlag: number;
    nobs: number;
    crit: Record<'1%' | '5%' | '10%', number>;
    icbest: number | null;
  }[];
  coint: { autolag: 'aic' | 'bic' | 't-stat'; stat: number; pvalue: number; crit: [number, number, number] }[];
  coint_x: number[];
  coint_y: number[];
}

const fx = JSON.parse(readFileSync(join(__dirname, '../fixtures/statsmodels-extra/statsmodels-extra.json'), 'utf8')) as Fixture;

describe(`ADF against statsmodels ${fx.statsmodels}`, () => {
  it.each(fx.adf.map((r) => [`${r.series} ${JSON.stringify(r.settings)}`, r] as const))('%s', (_name, r) => {
    const opts: AdfOptions = { regression: r.settings.regression, autolag: r.settings.autolag };
    if (r.settings.maxlag !== undefined) opts.maxlag = r.settings.maxlag;
    const got = adfuller(fx.series[r.series]!, opts);
    if ('error' in got) throw new Error(got.error);
    expectClose(got.stat, r.stat, 1e-6, 'stat');
    expectClose(got.pvalue, r.pvalue, 1e-4, 'pvalue');
    expect([got.usedlag, got.nobs]).toEqual([r.usedlag, r.nobs]);
    for (const k of ['1%', '5%', '10%'] as const) expectClose(got.crit[k], r.crit[k], 1e-6, `crit ${k}`);
    expectClose(got.icbest, r.icbest, 1e-6, 'icbest');
  });
});

describe(`coint against statsmodels ${fx.statsmodels}`, () => {
  it.each(fx.coint.map((r) => [r.autolag, r] as const))('autolag %s', (al, r) => {
    const autolag: Autolag = al === 'aic' ? 'AIC' : al === 'bic' ? 'BIC' : 't-stat';
    const got = coint(fx.coint_y, fx.coint_x, { autolag });
    if ('error' in got) throw new Error(got.error);
    expectClose(got.stat, r.stat, 1e-6, 'stat');
    expectClose(got.pvalue, r.pvalue, 1e-4, 'pvalue');
    expect([got.crit['1%'], got.crit['5%'], got.crit['10%']].map((v, i) => Math.abs(v - r.crit[i]!) < 1e-6)).toEqual([true, true, true]);
  });
});
