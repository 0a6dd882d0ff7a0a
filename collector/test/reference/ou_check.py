"""arbitragelab 1.0.0 (PyPI) as the reference for collector/src/analytics/honest/ou.ts.

arbitragelab's package __init__ imports every module it has (tensorflow, cvxpy, yfinance, ... pinned
to versions that cannot live beside this venv's numpy 2), so it is installed without its
dependencies (scripts/python-env.sh) and only the two modules used here are loaded, their package
set up by hand: time_series_approach/ou_optimal_threshold.py (the fit) and
ou_optimal_threshold_bertram.py (equations 5, 9, 13), which import numpy, pandas, scipy, mpmath and
matplotlib only.

stdin: {"cases": [{"spread": [...], "cost": c, "theta", "mu", "sigma" (our fit), "guess": g or null}]}; stdout: per case the fit
(their theta = our mu, their mu = our theta), their fsolve root (the long entry), trade length
and return rate at the band, and the same with scipy's brentq on their equation 13 (a solver
that cannot stop at its starting guess).
"""
import importlib.util
import json
import os
import sys
import types

import numpy as np
from scipy import optimize


def load():
    spec = importlib.util.find_spec("arbitragelab")
    if spec is None:
        sys.exit("arbitragelab is not installed: run `bash scripts/python-env.sh` (python/requirements-nodeps.txt)")
    root = os.path.dirname(spec.origin)
    for name, path in (("arbitragelab", root), ("arbitragelab.time_series_approach", os.path.join(root, "time_series_approach"))):
        mod = types.ModuleType(name)
        mod.__path__ = [path]
        sys.modules[name] = mod
    import arbitragelab.time_series_approach.ou_optimal_threshold_bertram as b  # noqa: E402

    return b.OUModelOptimalThresholdBertram


Bertram = load()
out = []
for case in json.load(sys.stdin)["cases"]:
    spread = np.asarray(case["spread"], dtype=float)
    m = Bertram()
    # their fit takes log(data) and dt = 1 for yearly data: exp(spread) gives back the spread, dt 1
    m.fit_ou_model_to_data(np.exp(spread), "Y")
    fit = {"mu": float(m.theta), "theta": float(m.mu), "sigma": float(m.sigma)}
    # their (average) log-likelihood, maximised over sigma at sigma_tilde^2 = RSS / len(X) where
    # ours divides by the n - 1 transitions: at ours with sigma scaled by sqrt((n - 1) / n)
    ll = lambda mu, theta, sigma: -Bertram._compute_log_likelihood((mu, theta, sigma), spread, 1.0)
    n = len(spread)
    ours = (case["mu"], case["theta"], case["sigma"] * np.sqrt((n - 1) / n))
    perturbed = [ll(*[v * (1 + d * (j == i)) for j, v in enumerate(ours)]) for i in range(3) for d in (-1e-4, 1e-4)]
    fit["llTheirs"] = float(ll(m.theta, m.mu, m.sigma))
    fit["llOurs"] = float(ll(*ours))
    fit["llPerturbedMax"] = float(max(perturbed))
    c = case["cost"]
    if "theta" in case:
        m.construct_ou_model_from_given_parameters(case["mu"], case["theta"], case["sigma"])
    entry, exit_ = m.get_threshold_by_maximize_expected_return(c, case.get("guess"))
    eq13 = lambda a: np.exp(m.mu * (a - m.theta) ** 2 / m.sigma**2) * (2 * (a - m.theta) + c) - m.sigma * np.sqrt(np.pi / m.mu) * m._erfi_scaler(a)
    k = np.sqrt(m.mu) / m.sigma  # the root's distance below the mean is in (c/2, c/2 + 1/k)
    root = optimize.brentq(eq13, m.theta - c / 2 - 1 / k, m.theta - c / 2, xtol=1e-300, rtol=1e-15)
    out.append(
        {
            "fit": fit,
            "n": len(spread),
            "fsolve": {"entryLong": float(entry), "entryShort": float(exit_)},
            "brentq": {
                "entryLong": float(root),
                "entryShort": float(2 * m.theta - root),
                "expectedTradeLength": float(m.expected_trade_length(root, 2 * m.theta - root)),
                "expectedReturnRate": float(m.expected_return(root, 2 * m.theta - root, c)),
            },
        }
    )
json.dump(out, sys.stdout)
