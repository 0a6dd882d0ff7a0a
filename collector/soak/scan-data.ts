/**
 * A stored pair scan for the API fuzz to find. GET /api/scan answers 404 until the scanner has
 * run at a SCAN_TF close over SCAN_WINDOW bars (by default 1,000 bars of 5m, three and a half
 * days), which no fuzzed collector reaches: schemathesis met nothing but 404s there and never the
 * route's logic. This stores one scan at the defaults the OpenAPI document gives as examples
 * (SCAN_DEFAULTS), computed by the scanner's own analytics over seeded closes: a random-walk hedge
 * leg and legs that follow it with mean-reverting noise, so that some pairs are selected.
 */
import { SCAN_DEFAULTS, TIMEFRAME_MS } from '@quant-pairs/contract';
import { scanSeries } from '../src/analytics/scan';
import { gaussian, rng } from '../src/fake-binance/rng';
import type { Store, StoredScan } from '../src/store/store';

/** Stores a scan of `symbols` (the first the hedge leg) at the last SCAN_DEFAULTS.tf close at or before `at`. */
export async function storeScan(store: Store, symbols: readonly string[], at: number, seed = 5): Promise<StoredScan> {
  const { tf, window } = SCAN_DEFAULTS;
  const r = rng(seed);
  const hedge: number[] = [100];
  for (let i = 1; i < window; i++) hedge.push(hedge[i - 1]! + gaussian(r));
  const series = symbols.map((_, k) => {
    if (k === 0) return hedge;
    let noise = 0;
    return hedge.map((x) => {
      noise = 0.5 * noise + gaussian(r); // AR(1): the spread reverts (half-life about 1 bar)
      return (1 + k / 2) * x + 10 * k + noise;
    });
  });
  const res = scanSeries(symbols, series, window);
  const step = TIMEFRAME_MS[tf];
  const scan: StoredScan = {
    tf,
    window,
    ts: Math.floor(at / step) * step,
    symbols: [...symbols],
    tested: res.tested,
    selected: res.selected,
    pairs: res.pairs,
  };
  await store.insertScan(scan);
  return scan;
}
