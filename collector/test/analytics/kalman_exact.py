"""A 40-digit Kalman filter: the exact reference for the Kalman hedge where double precision and
statsmodels part ways (kalmanExact.test.ts: legs 1e8 apart, a tuned state noise near 1e-22).

Reads {"x": [...], "y": [...], "cases": [{"delta", "ve", "burn"}]} on stdin and prints, per case,
the log-likelihood and the posterior states [beta, alpha] of the model KalmanHedge and
statsmodels' MLEModel share: y_t = beta_t x_t + alpha_t + e_t, e_t ~ N(0, Ve), the states a
random walk with covariance vw I, vw = delta / (1 - delta), added from t = 1 on (the first
prediction is the known zero state with zero covariance), the first `burn` innovations left out
of the log-likelihood. Plain scalar arithmetic in mpmath, no library filter.
"""
import json
import sys

import mpmath

mpmath.mp.dps = 40


def run(x, y, delta, ve, burn):
    vw = mpmath.mpf(delta) / (1 - mpmath.mpf(delta))
    ve = mpmath.mpf(ve)
    b0 = b1 = p00 = p01 = p11 = mpmath.mpf(0)
    ll = mpmath.mpf(0)
    post = []
    for t, (xt, yt) in enumerate(zip(x, y)):
        add = vw if t > 0 else 0
        r00, r01, r11 = p00 + add, p01, p11 + add
        xt, yt = mpmath.mpf(xt), mpmath.mpf(yt)
        e = yt - (b1 + b0 * xt)
        h0, h1 = r00 * xt + r01, r01 * xt + r11
        q = xt * h0 + h1 + ve
        k0, k1 = h0 / q, h1 / q
        b0, b1 = b0 + k0 * e, b1 + k1 * e
        p00, p01, p11 = r00 - k0 * h0, r01 - k0 * h1, r11 - k1 * h1
        if t >= burn:
            ll += -(mpmath.log(2 * mpmath.pi) + mpmath.log(q) + e * e / q) / 2
        post.append([float(b0), float(b1)])
    return {"llf": float(ll), "posterior": post}


doc = json.load(sys.stdin)
print(json.dumps({"cases": [run(doc["x"], doc["y"], c["delta"], c["ve"], c["burn"]) for c in doc["cases"]]}))
