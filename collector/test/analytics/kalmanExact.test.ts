/**
 * The Kalman hedge and its tuning at the price scales of a real universe (issue 22's harness):
 * PEPE (≈1.1e-5) hedged with ETH (≈3,400), legs 1e8 apart, where the tuned state noise is ≈1e-22
 * and the observation noise ≈4e-17. Reference: the same model filtered in 40-digit arithmetic
 * (kalman_exact.py, mpmath; the model itself is checked against statsmodels and pykalman at
 * ordinary scales in kalmanStatsmodels.test.ts). Here our double-precision filter equals the
 * 40-digit one: log-likelihood within 1e-12 relative, posterior states within 1e-9 of their size.
 * statsmodels' MLEModel does not at this scale: it scores our fitted optimum at ln L = -37.04
 * where the 40-digit filter gives 15,243.76 (and its own fit stops far from the maximum), so it
 * cannot be the reference here.
 */
import { join } from 'node:path';
import { fitKalman, kalmanLogLikelihood, kalmanSeries } from '../../src/analytics';
import { describePython, runPythonJson } from '@quant-pairs/testkit';
import { driftingPair } from './driftingPair';

interface Exact {
  cases: Array<{ llf: number; posterior: [number, number][] }>;
}

describePython('Kalman hedge at PEPE/ETH scale vs a 40-digit filter', ['mpmath'], (python) => {
  const { x, y } = driftingPair(1000, 42, 'pepe');
  const fit = fitKalman(x, y);
  if ('error' in fit) throw new Error(fit.error);
  const cases = [
    { delta: 1e-4, ve: 1e-3, burn: 0 }, // Chan's defaults: meaningless at this scale, still to be computed right
    { delta: 1e-12, ve: 1e-14, burn: 0 },
    { delta: fit.delta, ve: fit.ve, burn: 2 }, // the tuned optimum, as the tuner scores it
  ];
  const exact = runPythonJson<Exact>(python, join(__dirname, 'kalman_exact.py'), { x, y, cases });

  it.each(cases.map((c, i) => [c.delta, c.ve, c.burn, i] as const))('delta %p, Ve %p, burn %p: log-likelihood and states', (delta, ve, burn, i) => {
    const want = exact.cases[i]!;
    const ll = kalmanLogLikelihood(x, y, { delta, ve, burn }).logLik;
    expect(Math.abs(ll - want.llf)).toBeLessThanOrEqual(1e-12 * Math.abs(want.llf));
    const pts = kalmanSeries({ ts: x.map((_, t) => t), x, y, delta, ve, warmup: 0 });
    const size = [0, 1].map((k) => Math.max(...want.posterior.map((p) => Math.abs(p[k]!))));
    pts.forEach((p, t) => {
      const [b, a] = want.posterior[t]!;
      expect([t, Math.abs(p.betaPosterior - b) <= 1e-9 * size[0]!, Math.abs(p.alphaPosterior - a) <= 1e-9 * size[1]!]).toEqual([t, true, true]);
    });
  });

  it('the tuned fit is a maximum by the 40-digit filter: nearby parameters score lower', () => {
    expect(fit.logLik).toBeGreaterThan(15_000); // ln L at the optimum (the 40-digit filter: 15,243.76)
    const around = [0.5, 2].flatMap((k) => [
      { delta: fit.delta * k, ve: fit.ve, burn: 2 },
      { delta: fit.delta, ve: fit.ve * k, burn: 2 },
    ]);
    const near = runPythonJson<Exact>(python, join(__dirname, 'kalman_exact.py'), { x, y, cases: around });
    for (const c of near.cases) expect(c.llf).toBeLessThan(fit.logLik);
  });
});
