/**
 * The position rules, fills and cash accounting of `backtest.ts` (see its doc for the rules), one
 * bar at a time: the one implementation the backtest (CLI, /api/backtest) and the live paper
 * positions (src/live) run; the sweep (sweep.ts) applies the same rules trade by trade for speed and
 * is tested equal to it per combination. `step` takes bar t's close prices and its z and beta (NaN where undefined),
 * decides on them, fills the decision made `lag` bars earlier at this bar's closes, and returns
 * the equity marked at those closes; `fund` before a step pays the funding landing on that bar
 * (funding.ts). State is O(lag); nothing is allocated per bar (a trade
 * object per trade only when trades are recorded).
 *
 * @example
 * const book = new PositionBook({ ...BACKTEST_DEFAULTS });
 * book.step(10, 5, NaN, NaN, true); // t=0: no z yet, flat: equity 1000
 * book.step(10, 5, -2.5, 2, true);  // t=1: z < -2, LONG decided (fills at t=2): equity 1000
 * book.step(11, 5, -1, 2, true);    // t=2: buy 100 y @11, sell 200 x @5, fees 2.1: equity 997.9
 * book.side; // => 1 (long spread), book.unrealised; // => -2.1 (the entry fees)
 */
import type { BacktestOptions } from './backtest';

type BacktestSide = 'LONG' | 'SHORT';
export type BacktestExitReason = 'exit' | 'stop' | 'time' | 'open';

export interface BacktestTrade {
  /** Bar of the entry fill. */
  entryIndex: number;
  /** Bar of the exit fill; for an open trade, the last bar (where it is marked). */
  exitIndex: number;
  side: BacktestSide;
  reason: BacktestExitReason;
  beta: number;
  qy: number;
  qx: number;
  /** Both legs' price P&L, net of the trade's fees and plus its funding (when the backtest had funding events). */
  pnl: number;
  fees: number;
  /** Funding received while open (negative: paid; funding.ts); present only when the backtest was given funding events. */
  funding?: number;
  bars: number;
}

// decision codes in the pending ring
const NONE = 0;
const OPEN = 1;
const CLOSE = 2;
// close reasons
const EXIT = 1;
const STOP = 2;
const TIME = 3;
const REASONS: readonly BacktestExitReason[] = ['open', 'exit', 'stop', 'time'];

export class PositionBook {
  private readonly entry: number;
  private readonly exit: number;
  private readonly stop: number;
  private readonly maxHold: number;
  private readonly cooldown: number;
  private readonly notional: number;
  private readonly fee: number;
  private readonly slip: number;
  /** Decisions waiting for their fill bar: a ring of lag + 1 slots, slot t % (lag + 1) for bar t's decision. */
  private readonly ring: number;
  private readonly pAction: Int8Array;
  private readonly pReason: Int8Array;
  private readonly pQy: Float64Array;
  private readonly pQx: Float64Array;
  private readonly pBeta: Float64Array;
  private slot = 0;
  private readonly record: BacktestTrade[] | null;
  /** Trades carry `funding` (the backtest was given funding events). */
  private readonly withFunding: boolean;

  /** Bars stepped so far; the next step is bar t. */
  t = 0;
  /** Decided position: +1 long spread, -1 short, 0 flat (leads the held position by `lag` bars). */
  decided = 0;
  private since = 0;
  private noEntryUntil = -1;

  /** Held legs (0 when flat) and the cash: equity = cash + qy*y + qx*x. */
  qy = 0;
  qx = 0;
  cash: number;
  /** qy*fy + qx*fx at the entry fill of the held trade. */
  entryCost = 0;
  /** The held trade: entry fill bar, its fill prices, beta and fees so far (NaN / -1 when flat). */
  entryIndex = -1;
  entryY = NaN;
  entryX = NaN;
  entryBeta = NaN;
  entryFees = 0;
  /** Funding received by the held trade so far (negative: paid). */
  entryFunding = 0;

  /** Closed trades, wins among them (pnl > 0), their bars held, and every fee paid. */
  closed = 0;
  wins = 0;
  barsHeld = 0;
  fees = 0;
  /** Every funding received (negative: paid), funding.ts's sign. */
  funding = 0;

  /**
   * Records every closed trade into `trades` when given (the backtest), counts only otherwise;
   * `withFunding`: the trades carry their funding.
   */
  constructor(o: BacktestOptions, trades: BacktestTrade[] | null = null, withFunding = false) {
    this.entry = o.entry;
    this.exit = o.exit;
    this.stop = o.stop ?? Infinity;
    this.maxHold = o.maxHold ?? Infinity;
    this.cooldown = o.cooldown;
    this.notional = o.notional;
    this.fee = o.feeBps / 1e4;
    this.slip = o.slippageBps / 1e4;
    this.ring = o.lag + 1;
    this.pAction = new Int8Array(this.ring);
    this.pReason = new Int8Array(this.ring);
    this.pQy = new Float64Array(this.ring);
    this.pQx = new Float64Array(this.ring);
    this.pBeta = new Float64Array(this.ring);
    this.cash = o.notional;
    this.record = trades;
    this.withFunding = withFunding;
  }

  /** Held side: +1 long spread, -1 short, 0 flat. */
  get side(): number {
    return this.qy > 0 ? 1 : this.qy < 0 ? -1 : 0;
  }

  /** P&L of the held trade if marked at (y, x), net of its entry fees (0 when flat); as an open trade's pnl. */
  unrealisedAt(y: number, x: number): number {
    return this.entryIndex < 0 ? 0 : this.qy * y + this.qx * x - this.entryCost - this.entryFees + this.entryFunding;
  }

  /**
   * Funding landing on the next bar, before its step (so before its fill: the position held just
   * before the funding time pays): uy, ux are Σ mark · rate per unit of each leg (funding.ts's
   * columns). The held legs pay qy·uy + qx·ux out of the cash; flat, nothing.
   */
  fund(uy: number, ux: number): void {
    const received = -(this.qy * uy + this.qx * ux);
    this.cash += received;
    this.funding += received;
    this.entryFunding += received;
  }

  /**
   * Bar t = this.t: decides on (z, beta) when `decide` (the batch backtest passes false for the
   * last `lag` bars, whose decisions could not fill), fills the decision of bar t - lag at (y, x)
   * with slippage and fees, and returns the equity marked at (y, x).
   */
  step(y: number, x: number, z: number, beta: number, decide: boolean): number {
    const t = this.t++;
    const w = this.slot;
    let action = NONE;
    if (decide) {
      if (this.decided === 0) {
        if (t > this.noEntryUntil && z === z && beta === beta && (z < -this.entry || z > this.entry)) {
          const pos = z < -this.entry ? 1 : -1;
          this.decided = pos;
          this.since = t;
          action = OPEN;
          const qy = (pos * this.notional) / y;
          this.pQy[w] = qy;
          this.pQx[w] = -beta * qy;
          this.pBeta[w] = beta;
        }
      } else {
        const zs = this.decided * z; // as if long: stop when zs <= -stop, exit when zs >= -exit
        const reason = zs <= -this.stop ? STOP : zs >= -this.exit ? EXIT : t - this.since >= this.maxHold ? TIME : NONE;
        if (reason !== NONE) {
          action = CLOSE;
          this.pReason[w] = reason;
          this.decided = 0;
          if (reason === STOP) this.noEntryUntil = t + this.cooldown;
        }
      }
    }
    this.pAction[w] = action;
    // slot (t - lag) % (lag + 1) = (t + 1) % (lag + 1), the next one, holds bar t - lag's decision
    // (zero before any was made; for lag 0 it is w, just written), and bar t + 1 writes it next
    const r = w + 1 === this.ring ? 0 : w + 1;
    this.slot = r;
    const due = this.pAction[r]!;
    if (due === OPEN) this.open(t, r, y, x);
    else if (due === CLOSE && this.entryIndex >= 0) this.close(t, this.pReason[r]!, y, x);
    return this.cash + this.qy * y + this.qx * x;
  }

  private open(t: number, r: number, y: number, x: number): void {
    const qy = this.pQy[r]!;
    const qx = this.pQx[r]!;
    const s = this.slip;
    const fy = qy > 0 ? y * (1 + s) : y * (1 - s);
    const fx = qx > 0 ? x * (1 + s) : x * (1 - s);
    const f = this.fee * (Math.abs(qy) * fy + Math.abs(qx) * fx);
    this.entryCost = qy * fy + qx * fx;
    this.cash -= this.entryCost + f;
    this.fees += f;
    this.qy = qy;
    this.qx = qx;
    this.entryIndex = t;
    this.entryY = fy;
    this.entryX = fx;
    this.entryBeta = this.pBeta[r]!;
    this.entryFees = f;
    this.entryFunding = 0;
  }

  private close(t: number, reason: number, y: number, x: number): void {
    const { qy, qx } = this;
    const s = this.slip;
    const fy = -qy > 0 ? y * (1 + s) : y * (1 - s);
    const fx = -qx > 0 ? x * (1 + s) : x * (1 - s);
    const f = this.fee * (Math.abs(qy) * fy + Math.abs(qx) * fx);
    const exitValue = qy * fy + qx * fx;
    this.cash += exitValue - f;
    this.fees += f;
    const fees = this.entryFees + f;
    const pnl = exitValue - this.entryCost - fees + this.entryFunding;
    const bars = t - this.entryIndex;
    this.closed++;
    if (pnl > 0) this.wins++;
    this.barsHeld += bars;
    if (this.record !== null) this.record.push(this.trade(t, REASONS[reason]!, pnl, fees));
    this.qy = 0;
    this.qx = 0;
    this.entryCost = 0;
    this.entryIndex = -1;
    this.entryY = NaN;
    this.entryX = NaN;
    this.entryBeta = NaN;
    this.entryFees = 0;
    this.entryFunding = 0;
  }

  private trade(exitIndex: number, reason: BacktestExitReason, pnl: number, fees: number): BacktestTrade {
    const { qy, qx, entryIndex } = this;
    const side = qy > 0 ? 'LONG' : 'SHORT';
    const beta = this.entryBeta;
    const bars = exitIndex - entryIndex;
    // without funding events, the same keys (and JSON) as before funding existed; two literals, not a
    // spread of one into the other (a spread per trade cost 25 % of a 100k-bar backtest)
    if (this.withFunding) return { entryIndex, exitIndex, side, reason, beta, qy, qx, pnl, fees, funding: this.entryFunding, bars };
    return { entryIndex, exitIndex, side, reason, beta, qy, qx, pnl, fees, bars };
  }

  /** The held trade as a trade still open at bar `last`, marked at (y, x) (no exit fee); null when flat. */
  openTrade(last: number, y: number, x: number): BacktestTrade | null {
    return this.entryIndex < 0 ? null : this.trade(last, 'open', this.unrealisedAt(y, x), this.entryFees);
  }
}
