"""Replays the backtest's fills in vectorbt (PyPI) Portfolio.from_signals, one column per leg.

Reads JSON on stdin: {"cases": [{"x": [...], "y": [...], "feeBps": B, "slippageBps": S,
"trades": [{"entryIndex", "exitIndex", "reason", "qy", "qx"}]}, ...]} (the TypeScript backtest's
output and its prices), writes JSON on stdout: {"vectorbt": version, "cases": [{"pnl": [per trade,
both legs], "legTrades": vectorbt trades, "value": [per bar, both legs' value - their initial cash]}]}.
Entries/exits are placed on the fill bars (vectorbt fills at the bar's close given as price),
sizes are the frozen |qy|, |qx| (SizeType.Amount), fees and slippage as fractions, as in the
backtest; an open trade ("open") has no exit signal and vectorbt marks it at the last close.
Each leg starts with INIT_CASH (never a constraint: a trade's legs are ~notional), so value - cash
at the start is the P&L curve, compared with the backtest's equity - notional.
One process for every case (importing vectorbt takes seconds). Run by
collector/test/analytics/backtest.vectorbt.test.ts.
"""

import json
import sys

import numpy as np
import pandas as pd
import vectorbt as vbt

INIT_CASH = 1e6


def replay(doc: dict) -> dict:
    n = len(doc["x"])
    close = pd.DataFrame({"y": doc["y"], "x": doc["x"]})
    shape = (n, 2)
    entries = np.zeros(shape, dtype=bool)
    exits = np.zeros(shape, dtype=bool)
    short_entries = np.zeros(shape, dtype=bool)
    short_exits = np.zeros(shape, dtype=bool)
    size = np.full(shape, np.nan)
    for tr in doc["trades"]:
        for col, q in enumerate((tr["qy"], tr["qx"])):
            if q == 0:
                continue
            i = tr["entryIndex"]
            size[i, col] = abs(q)
            (entries if q > 0 else short_entries)[i, col] = True
            if tr["reason"] != "open":
                (exits if q > 0 else short_exits)[tr["exitIndex"], col] = True
    frame = lambda a: pd.DataFrame(a, columns=close.columns)  # noqa: E731
    pf = vbt.Portfolio.from_signals(
        close,
        entries=frame(entries),
        exits=frame(exits),
        short_entries=frame(short_entries),
        short_exits=frame(short_exits),
        size=frame(size),
        size_type="amount",
        fees=doc["feeBps"] / 1e4,
        slippage=doc["slippageBps"] / 1e4,
        init_cash=INIT_CASH,
        freq="1min",
    )
    rec = pf.trades.records_readable
    # one vectorbt trade per leg and backtest trade: sum the legs by entry bar
    by_entry: dict[int, float] = {}
    for _, r in rec.iterrows():
        i = int(close.index.get_loc(r["Entry Timestamp"]))
        by_entry[i] = by_entry.get(i, 0.0) + float(r["PnL"])
    pnl = [by_entry.get(tr["entryIndex"], float("nan")) for tr in doc["trades"]]
    value = (pf.value().sum(axis=1) - 2 * INIT_CASH).tolist()
    return {"pnl": pnl, "legTrades": len(rec), "value": value}


def main() -> None:
    doc = json.load(sys.stdin)
    json.dump({"vectorbt": vbt.__version__, "cases": [replay(c) for c in doc["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
