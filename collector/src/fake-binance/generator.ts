/**
 * A realistic, reproducible cointegrated price stream for the fake Binance.
 *
 * The first symbol is the hedge leg x: a geometric random walk, ln x_{k+1} = ln x_k + σ·ε.
 * Every other symbol is y = b·x + u with u an Ornstein-Uhlenbeck (AR(1)) deviation,
 * u_{k+1} = φ·u_k + s·ε, φ = 0.98, so y − b·x is stationary with half-life ln 2 / −ln φ ≈ 34
 * steps: a pair whose spread mean-reverts, as the analytics expect. b = base(y) / base(x), so
 * prices start near the symbols' real levels (BTC 87000, ETH 2930, SOL 140).
 *
 * Prices are rounded to the symbol's tick (the cent, or Binance's tick where a coin trades far
 * below a dollar: PEPEUSDT 1e-8, 1000PEPEUSDT 1e-7), quantities to 1e-5, and written as Binance
 * does, with 8 decimals (`"87012.34000000"`).
 */
import { normal, rng } from './rng';

export interface GeneratedTrade {
  id: number;
  price: string;
  qty: string;
  /** Trade time, epoch ms. */
  time: number;
  isBuyerMaker: boolean;
  /** aggTrade only: first and last underlying trade id. */
  firstId?: number;
  lastId?: number;
}

const BASE: Record<string, number> = {
  BTCUSDT: 87_000,
  ETHUSDT: 2_930,
  SOLUSDT: 140,
  BNBUSDT: 850,
  XRPUSDT: 2.2,
  // PEPE near 1e-5 on spot; USD-M lists it as 1000PEPEUSDT, the price of 1000 PEPE (near 1e-2)
  PEPEUSDT: 0.0000105,
  '1000PEPEUSDT': 0.0105,
};
/** Tick sizes other than the cent (Binance's PRICE_FILTER, late 2026). */
const TICK: Record<string, number> = { PEPEUSDT: 1e-8, '1000PEPEUSDT': 1e-7 };

/** The tick a generated price of `symbol` is rounded to. */
export const tickOf = (symbol: string): number => TICK[symbol] ?? 0.01;

export class CointegratedGenerator {
  private readonly rand: () => number;
  private x: number;
  private readonly legs: Array<{ symbol: string; b: number; u: number; s: number }>;
  private readonly nextId = new Map<string, number>();
  private readonly nextTradeId = new Map<string, number>();

  constructor(
    readonly symbols: readonly string[],
    opts: { seed?: number; startIds?: Record<string, number>; sigma?: number } = {},
  ) {
    this.rand = rng(opts.seed ?? 42);
    const xs = symbols[0]!;
    this.x = BASE[xs] ?? 100;
    this.legs = symbols.slice(1).map((s) => {
      const base = BASE[s] ?? 50;
      return { symbol: s, b: base / this.x, u: 0, s: base * 0.0004 };
    });
    this.sigma = opts.sigma ?? 0.0002;
    symbols.forEach((s, i) => {
      const start = opts.startIds?.[s] ?? 1_000_000 * (i + 1);
      this.nextId.set(s, start);
      this.nextTradeId.set(s, start * 3);
    });
  }

  private readonly sigma: number;

  /** The price level of `symbol` now, before rounding (no step taken). */
  level(symbol: string): number {
    if (symbol === this.symbols[0]) return this.x;
    const leg = this.legs.find((l) => l.symbol === symbol);
    return leg ? Math.max(tickOf(symbol), leg.b * this.x + leg.u) : NaN;
  }

  /** Advances the prices one step and returns one trade per symbol at time `time`. */
  step(time: number, kind: 'trade' | 'aggTrade'): Array<{ symbol: string; trade: GeneratedTrade }> {
    this.x *= Math.exp(this.sigma * normal(this.rand));
    const prices = new Map<string, number>([[this.symbols[0]!, this.x]]);
    for (const leg of this.legs) {
      leg.u = 0.98 * leg.u + leg.s * normal(this.rand);
      prices.set(leg.symbol, Math.max(tickOf(leg.symbol), leg.b * this.x + leg.u));
    }
    return this.symbols.map((symbol) => {
      const id = this.nextId.get(symbol)!;
      this.nextId.set(symbol, id + 1);
      const tick = tickOf(symbol);
      const price = tick === 0.01 ? (Math.round(prices.get(symbol)! * 100) / 100).toFixed(8) : (Math.round(prices.get(symbol)! / tick) * tick).toFixed(8);
      const notional = 50 + 2000 * -Math.log(1 - this.rand());
      const qty = Math.max(0.00001, Math.round((notional / Number(price)) * 1e5) / 1e5).toFixed(8);
      const trade: GeneratedTrade = { id, price, qty, time, isBuyerMaker: this.rand() < 0.5 };
      if (kind === 'aggTrade') {
        const f = this.nextTradeId.get(symbol)!;
        const n = 1 + Math.floor(this.rand() * 3);
        this.nextTradeId.set(symbol, f + n);
        trade.firstId = f;
        trade.lastId = f + n - 1;
      }
      return { symbol, trade };
    });
  }
}
