"""Independent reference for the pair scanner (test/analytics/scanCli.test.ts).

Reads the scan CLI's input {"series": {SYM: [...]}, "window": W} on stdin and prints, per pair
{A, B} in universe order: statsmodels coint(A, B) and coint(B, A) with its defaults (trend 'c',
autolag 'aic', MacKinnon N = 2), OLS A on [1, B] (statsmodels OLS), pvalue = the larger p,
qvalue = multipletests(pvalue, method='fdr_bh') over the pairs with a p-value, the half-life of the
spread (OLS of diff on lag, -ln 2 / b), Hurst (lags 2..min(100, n//2), np.std ddof 0 of
s[tau:] - s[:-tau], np.polyfit slope on log lag), mean crossings (sign changes of s - mean, exact
zeros dropped) and np.corrcoef.
"""
import json
import os
import sys
import warnings

# one BLAS thread: on a busy 2-core machine threaded OpenBLAS made this run 7x slower (29 s vs 4 s)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests
import statsmodels
from statsmodels.tsa.stattools import adfuller, coint

warnings.simplefilter("ignore")
doc = json.load(sys.stdin)
w = doc["window"]
symbols = list(doc["series"].keys())
data = {s: np.asarray(v[-w:], dtype=float) for s, v in doc["series"].items()}


def eg(y, x):
    if np.ptp(y) == 0 or np.ptp(x) == 0:
        return None
    stat, p, _crit = coint(y, x)
    # usedlag is not returned by coint: the same residual ADF statsmodels runs inside it
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    lag = adfuller(fit.resid, maxlag=None, autolag="aic", regression="n")[2]
    return {"stat": float(stat), "pvalue": float(p), "usedlag": int(lag)}


def hurst(s):
    last = min(100, len(s) // 2)
    lags = np.arange(2, last + 1)
    sd = np.array([np.std(s[t:] - s[:-t]) for t in lags])
    if np.any(sd == 0):
        return None
    return float(np.polyfit(np.log(lags), np.log(sd), 1)[0])


def crossings(s):
    sg = np.sign(s - s.mean())
    sg = sg[sg != 0]
    return int(np.count_nonzero(sg[1:] != sg[:-1]))


rows = []
for i, a in enumerate(symbols):
    for b in symbols[i + 1 :]:
        A, B = data[a], data[b]
        row = {"a": a, "b": b, "coint": eg(A, B), "cointReverse": eg(B, A)}
        if np.ptp(B) > 0:
            fit = sm.OLS(A, sm.add_constant(B)).fit()
            alpha, beta = (float(v) for v in fit.params)
            s = A - alpha - beta * B
            hl = sm.OLS(np.diff(s), sm.add_constant(s[:-1])).fit().params[1]
            row.update(
                beta=beta,
                alpha=alpha,
                halfLife=float(-np.log(2) / hl) if hl < 0 else None,
                hurst=hurst(s),
                meanCrossings=crossings(s),
            )
        else:
            row.update(beta=None, alpha=None, halfLife=None, hurst=None, meanCrossings=None)
        row["correlation"] = float(np.corrcoef(A, B)[0, 1]) if np.ptp(A) > 0 and np.ptp(B) > 0 else None
        c1, c2 = row["coint"], row["cointReverse"]
        row["pvalue"] = max(c1["pvalue"], c2["pvalue"]) if c1 and c2 else None
        rows.append(row)
tested = [r for r in rows if r["pvalue"] is not None]
q = multipletests([r["pvalue"] for r in tested], method="fdr_bh")[1]
for r in rows:
    r["qvalue"] = None
for r, v in zip(tested, q):
    r["qvalue"] = float(v)
print(json.dumps({"statsmodels": statsmodels.__version__, "pairs": rows, "tested": len(tested)}))
