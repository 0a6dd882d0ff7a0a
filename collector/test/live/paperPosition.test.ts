/**
 * The live paper position (LiveAnalytics' PositionBook per pair / timeframe / window) against the
 * backtest (src/analytics/backtest) over the same committed points: fed tick by tick, after each
 * committed bar its equity equals backtest's equity at that bar bit for bit (one definition of
 * the rules: the same PositionBook, the same z and beta as analyzeColumns on the aligned bars),
 * and its position is the backtest's trade open at that bar.
 */
import { alignBars, analyzeColumns, backtest, type BacktestTrade } from '../../src/analytics';
import { bucketStart, parsePair, type Tick } from '../../src/domain';
import { LiveAnalytics } from '../../src/live';
import { tickStream } from './tickStream';

const PAIR = parsePair('ETHUSDT/BTCUSDT');

function closes(ticks: readonly Tick[], symbol: string): { start: number; close: number }[] {
  const m = new Map<number, number>();
  for (const t of ticks) if (t.symbol === symbol) m.set(bucketStart(t.ts, '1s'), t.price);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([start, close]) => ({ start, close }));
}

describe('live paper position = the backtest over the committed points', () => {
  it('equity after every committed bar, and the open trade, bit for bit', () => {
    const ticks = tickStream(1500, 3, { noiseAr: 0.7, noiseSd: 0.5 });
    const live = new LiveAnalytics({ pairs: [PAIR], windows: [15], timeframes: ['1s'], now: () => 0 });
    const seen: { ts: number; equity: number; side: string; entryTs: number | null; qy: number; unrealised: number; closed: number }[] = [];
    live.onUpdate((u) => {
      if (u.provisional || u.window !== 15) return;
      const p = live.latest(PAIR.id, '1s', 15)!.position;
      seen.push({ ts: u.point.ts, equity: p.equity, side: p.side, entryTs: p.entryTs, qy: p.qy, unrealised: p.unrealisedPnl, closed: p.closedTrades });
    });
    for (let i = 0; i < ticks.length; i += 7) live.onTicks(ticks.slice(i, i + 7));

    // the batch: the committed bars (the last interval is still open), aligned, z and beta, backtest
    const a = alignBars(closes(ticks, 'ETHUSDT'), closes(ticks, 'BTCUSDT'));
    const n = seen.length;
    expect(a.ts.slice(0, n)).toEqual(seen.map((s) => s.ts));
    const x = a.x.slice(0, n);
    const y = a.y.slice(0, n);
    const c = analyzeColumns({ ts: a.ts.slice(0, n), x, y, window: 15, ddof: 1 });
    // (live decides on the last bar too, its fill waiting for the next bar; the batch leaves that decision out: no equity moves)
    const bt = backtest({ x, y, z: c.zscore, beta: c.beta });
    expect(seen.map((s) => s.equity)).toEqual(bt.equity);
    const closed = (t: number) => bt.trades.filter((tr: BacktestTrade) => tr.reason !== 'open' && tr.exitIndex <= t).length;
    seen.forEach((s, t) => {
      const open = bt.trades.find((tr) => tr.entryIndex <= t && (tr.reason === 'open' || tr.exitIndex > t));
      expect([t, s.side, s.entryTs, s.qy, s.closed]).toEqual([
        t,
        open ? open.side : 'FLAT',
        open ? a.ts[open.entryIndex] : null,
        open ? open.qy : 0,
        closed(t),
      ]);
      if (open) {
        // marked at bar t: both legs from their entry fills (no slippage), less the entry fees (10 bps)
        const e = open.entryIndex;
        const want = open.qy * (y[t]! - y[e]!) + open.qx * (x[t]! - x[e]!) - 0.001 * (Math.abs(open.qy) * y[e]! + Math.abs(open.qx) * x[e]!);
        expect(Math.abs(s.unrealised - want)).toBeLessThanOrEqual(1e-9 * 1000);
      } else expect(s.unrealised).toBe(0);
    });
    // at the end: the backtest's open trade, its P&L marked at the last closes
    const last = bt.trades.at(-1)!;
    if (last.reason === 'open') expect(seen[n - 1]!.unrealised).toBe(last.pnl);
    expect(bt.trades.length).toBeGreaterThan(20);
    expect(seen.filter((s) => s.side !== 'FLAT').length).toBeGreaterThan(50);
  });
});
