/**
 * /api/scan's carry ranking (issue 25): each pair of a stored scan with its carry-adjusted expected
 * return (analytics/scan/carryAdjusted.ts) on the grid that scan ran on (store/scanGrid.ts), the
 * perpetual legs' funding carry from their settlements in the 30 days before the scan (carry.ts;
 * a spot leg carries 0), costs at the backtest's defaults (10 bps a leg a fill, no slippage).
 */
import { BACKTEST_DEFAULTS, TIMEFRAME_MS, isPerp, type ScanRow } from '@quant-pairs/contract';
import { legCarry, spreadCarry } from '../analytics/carry';
import { scanCarryAdjusted } from '../analytics/scan/carryAdjusted';
import { allFunding } from '../store/fundingPages';
import { scanGrid } from '../store/scanGrid';
import type { Store, StoredScan } from '../store/store';

const DAY = 86_400_000;

/** Each perpetual's annualised funding rate over the 30 days before `at` (null with fewer than 2 settlements). */
async function annualRates(store: Store, symbols: Iterable<string>, at: number): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  for (const s of symbols) {
    if (!isPerp(s) || out.has(s)) continue;
    const events = (await allFunding(store, s, at - 30 * DAY, at + 1)).map((e) => [e.ts, e.rate, e.mark] as const);
    out.set(s, legCarry(events, at).annualised);
  }
  return out;
}

/**
 * `rows` (pairs of `scan`) each with `expected`: the carry-adjusted expected return of trading
 * its spread at the scan's last bar, or null where it is undefined.
 */
export async function withExpected(store: Store, scan: StoredScan, rows: readonly ScanRow[]): Promise<ScanRow[]> {
  const grid = (await scanGrid(store, scan.symbols, scan.tf, scan.window, scan.ts, scan.ts))(scan.ts);
  const series = new Map(grid.symbols.map((s, i) => [s, grid.series[i]!] as const));
  const rates = await annualRates(
    store,
    rows.flatMap((r) => [r.a, r.b]),
    scan.ts,
  );
  return rows.map((r) => {
    const a = series.get(r.a);
    const b = series.get(r.b);
    if (!a || !b || r.beta === null) return { ...r, expected: null };
    const carry = spreadCarry({ y: rates.get(r.a) ?? null, x: rates.get(r.b) ?? null }, r.beta, a[a.length - 1]!, b[b.length - 1]!);
    const e = scanCarryAdjusted({
      a,
      b,
      alpha: r.alpha,
      beta: r.beta,
      halfLifeBars: r.halfLife,
      tfMs: TIMEFRAME_MS[scan.tf],
      carry,
      feeBps: BACKTEST_DEFAULTS.feeBps,
      slippageBps: BACKTEST_DEFAULTS.slippageBps,
    });
    return { ...r, expected: e };
  });
}
