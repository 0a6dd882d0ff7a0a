"""Independent references for collector/src/analytics/kalman.ts and kalmanFit.ts.

stdin: {"x": [...], "y": [...], "cases": [{"delta", "ve", "burn"}], "fit": {"burn", "start": [delta, ve]} | null}
stdout: per case statsmodels' log-likelihood, per-point log-likelihoods, innovations, their
variances, predicted (prior) and filtered (posterior) states, and pykalman's filtered states and
log-likelihood (burn 0 only: pykalman has no burn); with "fit", statsmodels' MLEModel.fit.

The model, statsmodels' MLEModel of a time-varying-coefficient regression:
  y_t = [x_t, 1] . b_t + e_t,  e_t ~ N(0, Ve)        (design Z_t = [x_t, 1], obs_cov H = Ve)
  b_{t+1} = b_t + w_t,         w_t ~ N(0, Vw I)      (transition T = I, state_cov Q = Vw I)
  Vw = delta / (1 - delta)  (Chan's parameterisation, as kalman.ts)
  b_1 ~ N(0, 0): initialization 'known' with zero state and zero covariance (our zero start).
"""
import json
import sys
import warnings

import numpy as np
import statsmodels
from statsmodels.tsa.statespace.mlemodel import MLEModel


class TimeVaryingHedge(MLEModel):
    def __init__(self, y, x, burn):
        super().__init__(np.asarray(y, float), k_states=2, k_posdef=2, initialization='known',
                         initial_state=np.zeros(2), initial_state_cov=np.zeros((2, 2)),
                         loglikelihood_burn=burn)
        design = np.zeros((1, 2, len(y)))
        design[0, 0, :] = x
        design[0, 1, :] = 1.0
        self['design'] = design
        self['transition'] = np.eye(2)
        self['selection'] = np.eye(2)

    @property
    def param_names(self):
        return ['delta', 've']

    @property
    def start_params(self):
        return np.array([1e-4, 1e-3])

    # delta in (0, 1) through the logistic, Ve > 0 through exp: the optimiser searches R^2
    def transform_params(self, unconstrained):
        return np.array([1 / (1 + np.exp(-unconstrained[0])), np.exp(unconstrained[1])])

    def untransform_params(self, constrained):
        return np.array([np.log(constrained[0] / (1 - constrained[0])), np.log(constrained[1])])

    def update(self, params, **kwargs):
        params = super().update(params, **kwargs)
        self['obs_cov', 0, 0] = params[1]
        self['state_cov'] = np.eye(2) * (params[0] / (1 - params[0]))


def main():
    data = json.load(sys.stdin)
    x = np.asarray(data['x'], float)
    y = np.asarray(data['y'], float)
    out = {'statsmodels': statsmodels.__version__, 'cases': []}
    for case in data['cases']:
        model = TimeVaryingHedge(y, x, case['burn'])
        res = model.filter([case['delta'], case['ve']])
        row = {
            'llf': float(res.llf),
            'llfObs': res.llf_obs.tolist(),
            'innovation': res.forecasts_error[0].tolist(),
            'q': res.forecasts_error_cov[0, 0].tolist(),
            # predicted_state[:, t] is the prior of point t ([beta, alpha]); filtered_state the posterior
            'prior': res.predicted_state[:, :-1].T.tolist(),
            'posterior': res.filtered_state.T.tolist(),
        }
        if case['burn'] == 0:
            try:
                from pykalman import KalmanFilter
                vw = case['delta'] / (1 - case['delta'])
                kf = KalmanFilter(transition_matrices=np.eye(2),
                                  observation_matrices=np.stack([x, np.ones_like(x)], axis=1)[:, None, :],
                                  transition_covariance=vw * np.eye(2), observation_covariance=[[case['ve']]],
                                  initial_state_mean=np.zeros(2), initial_state_covariance=np.zeros((2, 2)))
                means, _ = kf.filter(y)
                row['pykalman'] = {'posterior': means.tolist(), 'llf': float(kf.loglikelihood(y))}
            except ImportError:
                row['pykalman'] = None
        out['cases'].append(row)
    fit = data.get('fit')
    if fit:
        model = TimeVaryingHedge(y, x, fit['burn'])
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            # statsmodels' Nelder-Mead on (logit delta, ln Ve) with tight tolerances (its default
            # lbfgs stops ~1e-7 short of the maximum in log-likelihood)
            res = model.fit(start_params=fit['start'], method='nm', maxiter=20000, xtol=1e-10, ftol=1e-14, disp=0)
        out['fit'] = {'delta': float(res.params[0]), 've': float(res.params[1]), 'llf': float(res.llf),
                      'converged': bool(res.mle_retvals['converged']), 'evaluations': int(res.mle_retvals['fcalls'])}
        at = fit.get('evaluateAt')
        if at:
            out['fit']['llfAtOurs'] = float(model.loglike(np.array(at)))
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
