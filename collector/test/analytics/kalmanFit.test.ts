/**
 * The Kalman hedge's log-likelihood by hand, and its maximum-likelihood tuning: the fitted point
 * is a maximum of kalmanLogLikelihood (no perturbation of delta or Ve raises it), found over the
 * whole ratio range (a brute-force scan of it finds nothing higher). statsmodels' side of both is
 * kalmanStatsmodels.test.ts.
 */
import { fitKalman, kalmanLogLikelihood, type KalmanFit } from '../../src/analytics';
import { driftingPair } from './driftingPair';

const LOG_2PI = Math.log(2 * Math.PI);

function fitted(x: number[], y: number[], opts = {}): KalmanFit {
  const f = fitKalman(x, y, opts);
  if ('error' in f) throw new Error(f.error);
  return f;
}

describe('kalmanLogLikelihood', () => {
  it('equals the prediction-error decomposition worked by hand on two points', () => {
    // kalman.ts example: Q_0 = Ve = 1e-3, e_0 = 3; Q_1 = 5·vw + Ve (vw = 1e-4/0.9999, h = [2, 1]), e_1 = 3
    const vw = 1e-4 / 0.9999;
    const q1 = 5 * vw + 1e-3;
    const byHand = -0.5 * (2 * LOG_2PI + Math.log(1e-3) + 9 / 1e-3 + Math.log(q1) + 9 / q1);
    expect(kalmanLogLikelihood([2, 2], [3, 3]).logLik).toBeCloseTo(byHand, 9);
    // burn 1 drops the first innovation
    expect(kalmanLogLikelihood([2, 2], [3, 3], { burn: 1 })).toEqual({ logLik: expect.closeTo(-0.5 * (LOG_2PI + Math.log(q1) + 9 / q1), 9), nobs: 1 });
    expect(() => kalmanLogLikelihood([1], [1], { delta: 1 })).toThrow(/delta/);
    expect(() => kalmanLogLikelihood([1], [1], { burn: -1 })).toThrow(/burn/);
  });
});

describe('fitKalman', () => {
  for (const scale of ['near100', 'btc'] as const) {
    it(`finds the maximum of the log-likelihood (${scale} prices)`, () => {
      const { x, y } = driftingPair(1500, 11, scale);
      const f = fitted(x, y);
      expect(f).toMatchObject({ converged: true, atBound: false, nobs: 1498 });
      // the reported log-likelihood is the filter's at the fitted parameters
      const at = (delta: number, ve: number) => kalmanLogLikelihood(x, y, { delta, ve, burn: 2 }).logLik;
      expect(Math.abs(f.logLik - at(f.delta, f.ve))).toBeLessThan(1e-9 * Math.abs(f.logLik));
      // a maximum: moving either parameter 1e-3 or 1e-2 relative either way lowers it
      for (const h of [1e-3, 1e-2, -1e-3, -1e-2]) {
        expect(at(f.delta * (1 + h), f.ve)).toBeLessThan(f.logLik);
        expect(at(f.delta, f.ve * (1 + h))).toBeLessThan(f.logLik);
      }
      // the global one: a plain 2-D grid (delta over 14 decades, Ve over 8, quarter-decade steps) never beats it
      for (let d = -15; d <= -1; d += 0.25) for (let v = -6; v <= 2; v += 0.25) expect(at(10 ** d, 10 ** v)).toBeLessThanOrEqual(f.logLik + 1e-9);
    });
  }

  it('beats Chan’s fixed defaults by far on BTC-scale prices (the issue: Ve = 1e-3 assumes prices near 1)', () => {
    const { x, y } = driftingPair(1500, 11, 'btc');
    const f = fitted(x, y);
    const chan = kalmanLogLikelihood(x, y, { burn: 2 }).logLik;
    expect(f.logLik - chan).toBeGreaterThan(1000);
  });

  it('reports an optimum at a bound as not converged', () => {
    const { x, y } = driftingPair(500, 3, 'near100');
    const free = fitted(x, y);
    const hi = free.ratio / 100;
    const f = fitted(x, y, { ratioBounds: [hi / 1e4, hi] });
    expect(f).toMatchObject({ converged: false, atBound: true });
    expect(Math.abs(Math.log(f.ratio / hi))).toBeLessThan(1e-4);
    expect(f.logLik).toBeLessThan(free.logLik);
  });

  it('refuses spans it cannot fit, and bad options', () => {
    expect(fitKalman([1, 2, 3], [1, 2, 3])).toEqual({ error: 'need at least 12 points to fit the Kalman hedge, got 3' });
    const { x, y } = driftingPair(50, 1, 'near100');
    y[7] = NaN;
    expect(fitKalman(x, y)).toEqual({ error: 'x[7] or y[7] is not a finite number' });
    expect(() => fitKalman(x, y, { ratioBounds: [1, 0.5] })).toThrow(/ratioBounds/);
    expect(() => fitKalman(x, y, { burn: 1.5 })).toThrow(/burn/);
  });
});
