"""Replays the backtest's fills in vectorbt (PyPI) Portfolio.from_signals, one column per leg.

Reads JSON on stdin: {"x": [...], "y": [...], "feeBps": B, "slippageBps": S,
"trades": [{"entryIndex", "exitIndex", "reason", "qy", "qx"}]} (the TypeScript backtest's output
and its prices), writes JSON on stdout: {"vectorbt": version, "pnl": [per trade, both legs]}.
Entries/exits are placed on the fill bars (vectorbt fills at the bar's close given as price),
sizes are the frozen |qy|, |qx| (SizeType.Amount), fees and slippage as fractions, as in the
backtest; an open trade ("open") has no exit signal and vectorbt marks it at the last close.
Run by collector/test/reference/vectorbt.ts; needs `pip install vectorbt`.
"""

import json
import sys

import numpy as np
import pandas as pd
import vectorbt as vbt


def main() -> None:
    doc = json.load(sys.stdin)
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
    pf = vbt.Portfolio.from_signals(
        close,
        entries=pd.DataFrame(entries, columns=close.columns),
        exits=pd.DataFrame(exits, columns=close.columns),
        short_entries=pd.DataFrame(short_entries, columns=close.columns),
        short_exits=pd.DataFrame(short_exits, columns=close.columns),
        size=pd.DataFrame(size, columns=close.columns),
        size_type="amount",
        fees=doc["feeBps"] / 1e4,
        slippage=doc["slippageBps"] / 1e4,
        init_cash=np.inf,
        freq="1min",
    )
    rec = pf.trades.records_readable
    # one vectorbt trade per leg and backtest trade: sum the legs by entry bar
    by_entry: dict[int, float] = {}
    for _, r in rec.iterrows():
        i = int(close.index.get_loc(r["Entry Timestamp"]))
        by_entry[i] = by_entry.get(i, 0.0) + float(r["PnL"])
    pnl = [by_entry.get(tr["entryIndex"], float("nan")) for tr in doc["trades"]]
    json.dump({"vectorbt": vbt.__version__, "pnl": pnl, "legTrades": len(rec)}, sys.stdout)


if __name__ == "__main__":
    main()
