/**
 * The fake futures' numbers beside its trades (./futures.ts): funding rates, the mark's premium,
 * prices on the symbol's tick, and, for the demo's basis pairs, perpetual prices that follow the
 * spot fake's (spot x (1 + a basis), the basis an AR(1) around 2 bps), so that BTCUSDT.P/BTCUSDT
 * is a pair that mean-reverts as a real basis does. Seeded: the same seed, the same numbers.
 */
import type { GeneratedTrade } from './generator';
import { tickOf } from './generator';
import { normal, rng } from './rng';

/** The spot price of a futures symbol (Binance's name) at a time, epoch ms; null where spot has none. */
export type SpotPrice = (symbol: string, time: number) => number | null;

/** The spot price at `time` from a spot fake's trades (ascending by time): the last at or before it. */
export function spotPriceOf(trades: (symbol: string) => readonly GeneratedTrade[]): SpotPrice {
  return (symbol, time) => {
    const t = trades(symbol);
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t[mid]!.time <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? Number(t[lo - 1]!.price) : null;
  };
}

export class PerpPrices {
  private readonly rand: () => number;
  private readonly basis = new Map<string, number>();

  constructor(
    seed: number,
    private readonly spot?: SpotPrice,
  ) {
    this.rand = rng(seed);
  }

  /** The next settlement's rate: AR(1) around 1e-4, so that some are negative; 1e-8 as Binance prints rates. */
  nextRate(prev: number): number {
    return Math.round((0.0001 + 0.9 * (prev - 0.0001) + 0.00012 * normal(this.rand)) * 1e8) / 1e8;
  }

  /** The mark a little off the last price (a premium of a few bps). */
  mark(symbol: string, last: number, sd = 0.0004): number {
    return this.round(symbol, last * (1 + sd * normal(this.rand)));
  }

  round(symbol: string, price: number): number {
    const tick = tickOf(symbol);
    return Number((Math.round(price / tick) * tick).toFixed(8));
  }

  /** With a spot to follow: the trade's price becomes spot's at its time times (1 + the symbol's basis). */
  follow(symbol: string, trade: GeneratedTrade): void {
    const s = this.spot?.(symbol, trade.time);
    if (s === null || s === undefined) return;
    const b = 0.0002 + 0.97 * ((this.basis.get(symbol) ?? 0.0002) - 0.0002) + 0.00003 * normal(this.rand);
    this.basis.set(symbol, b);
    trade.price = this.round(symbol, s * (1 + b)).toFixed(8);
  }
}
