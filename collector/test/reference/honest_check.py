"""Independent references for the honest-backtest statistics (collector/src/analytics/honest).

Reads {"psr": [{returns, trials}], "pbo": [{returns: [[...] per trial], blocks}]} on stdin, prints
the same shape with the results. PSR / DSR from the papers' formulas on scipy.stats' moments
(skew and kurtosis with bias=True, kurtosis non-excess) and scipy's normal cdf / ppf; PBO by
CSCV written literally: numpy arrays of the joined half, itertools.combinations for the splits,
scipy.stats.rankdata (average ties) for the rank.
"""
import itertools
import json
import sys

import numpy as np
from scipy import stats

EULER = 0.5772156649015329


def psr(r, benchmark):
    r = np.asarray(r, dtype=float)
    sr = r.mean() / r.std(ddof=1)
    g3 = stats.skew(r, bias=True)
    g4 = stats.kurtosis(r, fisher=False, bias=True)
    return float(stats.norm.cdf((sr - benchmark) * np.sqrt(len(r) - 1) / np.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr**2)))


def psr_case(case):
    r = case["returns"]
    sharpes = np.asarray(case["trials"], dtype=float)
    n = len(sharpes)
    v = sharpes.var(ddof=1)
    sr0 = np.sqrt(v) * ((1 - EULER) * stats.norm.ppf(1 - 1 / n) + EULER * stats.norm.ppf(1 - 1 / (n * np.e)))
    return {"psr": psr(r, 0.0), "dsr": psr(r, sr0), "sr0": float(sr0)}


def sharpe(m):
    sd = m.std(axis=0, ddof=1)
    out = np.zeros(m.shape[1])
    ok = sd > 0
    out[ok] = m.mean(axis=0)[ok] / sd[ok]
    return out


def pbo_case(case):
    m = np.asarray(case["returns"], dtype=float).T  # T x N
    s = case["blocks"]
    t = m.shape[0] - m.shape[0] % s
    m = m[m.shape[0] - t :]
    parts = np.split(m, s)
    logits, is_best, oos_best = [], [], []
    for train in itertools.combinations(range(s), s // 2):
        test = [b for b in range(s) if b not in train]
        r_in = sharpe(np.vstack([parts[b] for b in train]))
        r_out = sharpe(np.vstack([parts[b] for b in test]))
        best = int(np.argmax(r_in))
        w = stats.rankdata(r_out)[best] / (m.shape[1] + 1)
        logits.append(float(np.log(w / (1 - w))))
        is_best.append(r_in[best])
        oos_best.append(r_out[best])
    # in the order of the training half's bit mask (block b = bit b), as the collector lists them
    masks = [sum(1 << b for b in train) for train in itertools.combinations(range(s), s // 2)]
    logits = np.asarray(logits)[np.argsort(masks)]
    slope = float(np.polyfit(is_best, oos_best, 1)[0])
    return {"pbo": float(np.mean(logits <= 0)), "logits": logits.tolist(), "degradation": slope, "probLoss": float(np.mean(np.asarray(oos_best) < 0))}


doc = json.load(sys.stdin)
json.dump({"psr": [psr_case(c) for c in doc["psr"]], "pbo": [pbo_case(c) for c in doc["pbo"]]}, sys.stdout)
