"""vectorbt's side of bench/backtest.bench.ts: Portfolio.from_signals replaying the backtests' fills.

argv[1]: a directory with x.f64, y.f64 (closes), trades.f64 (rows of combination, entryIndex,
exitIndex or -1 when open at the end, qy, qx) and meta.json {"combos", "feeBps", "slippageBps",
"chunk", "reps"}. Each combination is two columns (y leg, x leg) with its entries/exits on the
fill bars and its frozen sizes as amounts (as test/reference/vectorbt_check.py), `chunk`
combinations a from_signals call. Times only from_signals (median of `reps` runs per chunk,
summed over the chunks), after a warm-up call that compiles vectorbt's numba kernels; prints
JSON {"vectorbt", "ms", "pnl": [per combination: final value - initial cash, both legs]}.
"""

import json
import sys
import time

import numpy as np
import vectorbt as vbt

INIT_CASH = 1e6


def signals(n: int, rows: np.ndarray, c0: int, k: int):
    shape = (n, 2 * k)
    entries = np.zeros(shape, dtype=bool)
    exits = np.zeros(shape, dtype=bool)
    short_entries = np.zeros(shape, dtype=bool)
    short_exits = np.zeros(shape, dtype=bool)
    size = np.full(shape, np.nan)
    for leg, qcol in ((0, 3), (1, 4)):
        col = 2 * (rows[:, 0].astype(np.int64) - c0) + leg
        ent = rows[:, 1].astype(np.int64)
        ext = rows[:, 2].astype(np.int64)
        q = rows[:, qcol]
        live = q != 0
        size[ent[live], col[live]] = np.abs(q[live])
        long, short = live & (q > 0), live & (q < 0)
        entries[ent[long], col[long]] = True
        short_entries[ent[short], col[short]] = True
        closed = ext >= 0
        exits[ext[long & closed], col[long & closed]] = True
        short_exits[ext[short & closed], col[short & closed]] = True
    return entries, exits, short_entries, short_exits, size


def run(close, sig, fees, slippage):
    entries, exits, short_entries, short_exits, size = sig
    return vbt.Portfolio.from_signals(
        close,
        entries=entries,
        exits=exits,
        short_entries=short_entries,
        short_exits=short_exits,
        size=size,
        size_type="amount",
        fees=fees,
        slippage=slippage,
        init_cash=INIT_CASH,
        freq="1min",
    )


def main() -> None:
    d = sys.argv[1]
    meta = json.load(open(f"{d}/meta.json"))
    x = np.fromfile(f"{d}/x.f64")
    y = np.fromfile(f"{d}/y.f64")
    trades = np.fromfile(f"{d}/trades.f64").reshape(-1, 5)
    n, combos, chunk = len(x), meta["combos"], meta["chunk"]
    fees, slippage = meta["feeBps"] / 1e4, meta["slippageBps"] / 1e4
    # warm-up: numba compiles from_signals' kernels on the first call
    warm = trades[trades[:, 0] == 0]
    run(np.column_stack([y, x])[:1000], signals(1000, warm[(warm[:, 1] < 1000) & (warm[:, 2] < 1000)], 0, 1), fees, slippage)
    total_ms = 0.0
    pnl = []
    for c0 in range(0, combos, chunk):
        k = min(chunk, combos - c0)
        rows = trades[(trades[:, 0] >= c0) & (trades[:, 0] < c0 + k)]
        sig = signals(n, rows, c0, k)
        close = np.tile(np.column_stack([y, x]), (1, k))
        times = []
        for _ in range(meta["reps"]):
            s = time.perf_counter()
            pf = run(close, sig, fees, slippage)
            times.append((time.perf_counter() - s) * 1000)
        total_ms += sorted(times)[len(times) // 2]
        final = np.asarray(pf.final_value()) - INIT_CASH
        pnl.extend((final[0::2] + final[1::2]).tolist())
    json.dump({"vectorbt": vbt.__version__, "ms": total_ms, "pnl": pnl}, sys.stdout)


if __name__ == "__main__":
    main()
