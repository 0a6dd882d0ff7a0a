/**
 * The Kalman hedge (kalman.ts) and its tuning (kalmanFit.ts) against independent references run
 * on the same data (kalman_statsmodels.py beside this file):
 *  - statsmodels' state-space MLEModel of the same specification (y_t = [x_t, 1]·b_t + e_t,
 *    random-walk states with covariance delta/(1-delta)·I, Ve, known zero initial state and
 *    covariance, loglikelihood_burn): log-likelihood, innovations, their variances, prior and
 *    posterior states, to 1e-9 (relative where a value exceeds 1 in magnitude);
 *  - statsmodels' own MLEModel.fit (Nelder-Mead on logit delta, ln Ve): our fitted optimum
 *    reaches its maximum log-likelihood within 1e-6;
 *  - pykalman's KalmanFilter of the same model: filtered states and log-likelihood.
 * Two pairs of 1,000 points: prices near 100 (the scale Chan's defaults assume) and BTC/ETH in USD.
 */
import { join } from 'node:path';
import { fitKalman, kalmanLogLikelihood, kalmanSeries, type KalmanFit } from '../../src/analytics';
import { describePython, runPythonJson } from '@quant-pairs/testkit';
import { driftingPair } from './driftingPair';

interface Case {
  delta: number;
  ve: number;
  burn: number;
}
interface Row {
  llf: number;
  llfObs: number[];
  innovation: number[];
  q: number[];
  prior: [number, number][];
  posterior: [number, number][];
  pykalman?: { posterior: [number, number][]; llf: number } | null;
}
interface Output {
  cases: Row[];
  fit: { delta: number; ve: number; llf: number; converged: boolean; llfAtOurs: number };
}

const SCRIPT = join(__dirname, 'kalman_statsmodels.py');
/** |a - b| over max(1, |b|): relative where the reference exceeds 1 in magnitude, else absolute */
const diff = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
/**
 * 1e-9 absolute, or 1e-12 relative where that is larger: Chan's defaults on these prices give
 * ln L ≈ -1e7 (near100) to -5e9 (btc), where neighbouring doubles are 2e-9 to 1e-6 apart and
 * summing 1,000 terms in another order moves the last digits (measured: 2e-8 and 2.5e-5). The
 * fitted parameters give |ln L| ≈ 1e3 and agree to 1e-12 there.
 */
const llfTolerance = (llf: number) => Math.max(1e-9, 1e-12 * Math.abs(llf));

interface Run {
  x: number[];
  y: number[];
  ours: KalmanFit;
  cases: Case[];
  out: Output;
}
const runs = new Map<string, Run>();
/** One Python run per pair, shared by the statsmodels and pykalman blocks. */
function run(python: string, scale: 'near100' | 'btc'): Run {
  const hit = runs.get(scale);
  if (hit) return hit;
  const { x, y } = driftingPair(1000, 42, scale);
  const f = fitKalman(x, y);
  if ('error' in f) throw new Error(f.error);
  const cases: Case[] = [
    { delta: 1e-4, ve: 1e-3, burn: 0 }, // Chan's defaults, every innovation
    { delta: 1e-7, ve: 0.3, burn: 0 },
    { delta: f.delta, ve: f.ve, burn: 2 }, // our fitted optimum, as the tuner scores it
  ];
  const out = runPythonJson<Output>(python, SCRIPT, { x, y, cases, fit: { burn: 2, start: [1e-4, 1e-3], evaluateAt: [f.delta, f.ve] } });
  const r = { x, y, ours: f, cases, out };
  runs.set(scale, r);
  return r;
}

for (const scale of ['near100', 'btc'] as const) {
  describePython(`Kalman hedge vs statsmodels MLEModel (${scale})`, ['statsmodels'], (python) => {
    it('log-likelihood, innovations, variances and states equal statsmodels’ to 1e-9', () => {
      const { x, y, cases, out } = run(python, scale);
      cases.forEach((c, i) => {
        const sm = out.cases[i]!;
        const ll = kalmanLogLikelihood(x, y, c).logLik;
        expect(Math.abs(ll - sm.llf)).toBeLessThan(llfTolerance(sm.llf));
        const pts = kalmanSeries({ ts: x.map((_, t) => t), x, y, delta: c.delta, ve: c.ve, warmup: 0 });
        let worst = 0;
        pts.forEach((p, t) => {
          worst = Math.max(
            worst,
            diff(p.spread!, sm.innovation[t]!),
            Math.abs(p.q - sm.q[t]!) / sm.q[t]!,
            diff(p.beta!, sm.prior[t]![0]),
            diff(p.alpha!, sm.prior[t]![1]),
            diff(p.betaPosterior, sm.posterior[t]![0]),
            diff(p.alphaPosterior, sm.posterior[t]![1]),
          );
        });
        expect(worst).toBeLessThan(1e-9);
      });
    });

    it('our fitted optimum reaches statsmodels’ maximum log-likelihood within 1e-6', () => {
      const { ours, out } = run(python, scale);
      expect(out.fit.converged).toBe(true);
      expect(Math.abs(ours.logLik - out.fit.llf)).toBeLessThan(1e-6);
      // statsmodels scores our parameters as we do
      expect(Math.abs(out.fit.llfAtOurs - ours.logLik)).toBeLessThan(1e-9);
      // the likelihood is flat near the top: the parameters agree to ~1e-7, asserted at 1e-4
      expect(Math.abs(ours.delta / out.fit.delta - 1)).toBeLessThan(1e-4);
      expect(Math.abs(ours.ve / out.fit.ve - 1)).toBeLessThan(1e-4);
    });
  });

  describePython(`Kalman hedge vs pykalman (${scale})`, ['statsmodels', 'pykalman'], (python) => {
    it('filtered states and log-likelihood equal pykalman’s KalmanFilter', () => {
      const { x, y, cases, out } = run(python, scale);
      cases.forEach((c, i) => {
        const pk = out.cases[i]!.pykalman;
        if (c.burn !== 0) return; // pykalman's log-likelihood has no burn
        if (!pk) throw new Error('pykalman imports but the script did not run it');
        expect(Math.abs(kalmanLogLikelihood(x, y, c).logLik - pk.llf)).toBeLessThan(llfTolerance(pk.llf));
        const pts = kalmanSeries({ ts: x.map((_, t) => t), x, y, delta: c.delta, ve: c.ve, warmup: 0 });
        let worst = 0;
        pts.forEach((p, t) => (worst = Math.max(worst, diff(p.betaPosterior, pk.posterior[t]![0]), diff(p.alphaPosterior, pk.posterior[t]![1]))));
        expect(worst).toBeLessThan(1e-9);
      });
    });
  });
}
