/**
 * What the live paper position reports and, under PAPER_ENTRY=ou, the signal it trades: pure
 * reads of a window's PositionBook and its buffers (liveAnalytics.ts steps them).
 */
import type { PaperPositionDto, PaperRulesDto } from '@quant-pairs/contract';
import { ouBandValue, roundTripCost, type PositionBook } from '../analytics';

/** The parts of a live window the paper position is read from. */
interface PaperWindow {
  book: PositionBook;
  entryTs: number | null;
  equity: number;
  xs: readonly number[];
  ys: readonly number[];
  /** A pair with a perpetual leg: its position carries funding. */
  funded: boolean;
}

/** The paper position of a window after its last committed point, and the rules it runs under. */
export function paperPosition(ws: PaperWindow, rules: Readonly<PaperRulesDto>): PaperPositionDto {
  const b = ws.book;
  const held = b.entryIndex >= 0;
  const n = ws.xs.length;
  return {
    side: b.side > 0 ? 'LONG' : b.side < 0 ? 'SHORT' : 'FLAT',
    entryTs: ws.entryTs,
    entryY: held ? b.entryY : null,
    entryX: held ? b.entryX : null,
    qy: b.qy,
    qx: b.qx,
    beta: held ? b.entryBeta : null,
    unrealisedPnl: held && n > 0 ? b.unrealisedAt(ws.ys[n - 1]!, ws.xs[n - 1]!) : 0,
    equity: ws.equity,
    closedTrades: b.closed,
    ...(ws.funded ? { funding: b.funding, tradeFunding: held ? b.entryFunding : 0 } : {}),
    rules: { ...rules },
  };
}

/** PAPER_ENTRY=ou: u of the band fitted on the window's last spreads (this bar's included), NaN until they are all defined. */
export function ouSignal(
  spreads: readonly (number | null)[],
  window: number,
  rules: Readonly<PaperRulesDto>,
  x: number,
  y: number,
  beta: number | null,
): number {
  const n = spreads.length;
  if (n < window || beta === null) return NaN;
  const last = spreads.slice(n - window);
  if (last.some((v) => v === null)) return NaN;
  return ouBandValue(last as number[], roundTripCost(rules, y, x, beta));
}
