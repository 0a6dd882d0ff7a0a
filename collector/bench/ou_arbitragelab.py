"""Times arbitragelab 1.0.0's OU fit + Bertram thresholds (the bench's baseline for `ou`).

Loads its two OU modules as collector/test/reference/ou_check.py does (its package __init__
needs tensorflow & co.). stdin: {"spread": [...], "cost": c, "reps": r}; stdout: {"ms": median
of reps, "version"}.
"""
import importlib.metadata
import importlib.util
import json
import os
import sys
import time
import types

import numpy as np

spec = importlib.util.find_spec("arbitragelab")
if spec is None:
    sys.exit("arbitragelab is not installed: run `bash scripts/python-env.sh` (python/requirements-nodeps.txt)")
root = os.path.dirname(spec.origin)
for name, path in (("arbitragelab", root), ("arbitragelab.time_series_approach", os.path.join(root, "time_series_approach"))):
    mod = types.ModuleType(name)
    mod.__path__ = [path]
    sys.modules[name] = mod
from arbitragelab.time_series_approach.ou_optimal_threshold_bertram import OUModelOptimalThresholdBertram  # noqa: E402

doc = json.load(sys.stdin)
data = np.exp(np.asarray(doc["spread"], dtype=float))
times = []
for _ in range(doc["reps"]):
    s = time.perf_counter()
    m = OUModelOptimalThresholdBertram()
    m.fit_ou_model_to_data(data, "Y")
    m.get_threshold_by_maximize_expected_return(doc["cost"])
    times.append((time.perf_counter() - s) * 1e3)
json.dump({"ms": float(np.median(times)), "version": importlib.metadata.version("arbitragelab")}, sys.stdout)
