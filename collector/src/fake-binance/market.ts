/**
 * Series shaped like the market as it is, for tests of every kernel: real Binance symbol names,
 * their price levels (BTC near 1e5 beside coins near 1e-5) and tick sizes (each price rounded to
 * its tick, as Binance sends it), cointegrated pairs across price scales, a near-exact fit and
 * independent walks. Seeded: the same seed gives the same series. Tests and benchmarks use it
 * as the market at its real scales; `wideUniverse` makes a 100- or 400-symbol universe of them.
 */
import { gaussian, rng } from './rng';

/** A symbol's price level and tick size (Binance spot, late 2026, rounded). */
export interface Listing {
  symbol: string;
  level: number;
  tick: number;
}

/** Listings from 1e-5 to 1e5, the span of a real top-100 USDT universe. */
export const LISTINGS: readonly Listing[] = [
  { symbol: 'BTCUSDT', level: 97_000, tick: 0.01 },
  { symbol: 'ETHUSDT', level: 3_400, tick: 0.01 },
  { symbol: 'BNBUSDT', level: 650, tick: 0.01 },
  { symbol: 'SOLUSDT', level: 180, tick: 0.01 },
  { symbol: 'LINKUSDT', level: 18, tick: 0.001 },
  { symbol: 'XRPUSDT', level: 2.2, tick: 0.0001 },
  { symbol: 'ADAUSDT', level: 0.62, tick: 0.0001 },
  { symbol: 'DOGEUSDT', level: 0.35, tick: 0.00001 },
  { symbol: 'TRXUSDT', level: 0.25, tick: 0.0001 },
  { symbol: 'FLOKIUSDT', level: 1.5e-4, tick: 1e-8 },
  { symbol: 'SHIBUSDT', level: 2.2e-5, tick: 1e-8 },
  { symbol: 'BONKUSDT', level: 2.5e-5, tick: 1e-8 },
  { symbol: 'PEPEUSDT', level: 1.1e-5, tick: 1e-8 },
];

/** Rounds to the tick as Binance prints it: the nearest multiple, then to the tick's decimals (no 0.30000000000000004). */
export function toTick(price: number, tick: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(tick) + 1e-9));
  return Number((Math.round(price / tick) * tick).toFixed(decimals));
}

export interface MarketUniverse {
  symbols: string[];
  series: number[][];
}

/**
 * `n` bar closes of every listing: three common factors (random walks of log price with 1 %
 * daily-like steps), each symbol loaded on one of them plus AR(1) idiosyncratic noise; the
 * tightly cointegrated cases of issue 22 on top: PEPE = c·ETH + a stationary AR(1) spread
 * (levels 1e-5 and 3e3), DOGE, ADA and TRX driven by BTC's factor, FLOKI = c·SHIB nearly exactly
 * (correlation ~0.99999), and BONK an independent walk.
 */
export function marketUniverse(n: number, seed: number, listings: readonly Listing[] = LISTINGS): MarketUniverse {
  const r = rng(seed);
  const factors = [0, 1, 2].map(() => {
    const f: number[] = [];
    let v = 0;
    for (let t = 0; t < n; t++) f.push((v += 0.004 * gaussian(r)));
    return f;
  });
  const ar = (phi: number, sd: number): number[] => {
    const out: number[] = [];
    let e = 0;
    for (let t = 0; t < n; t++) out.push((e = phi * e + sd * gaussian(r)));
    return out;
  };
  const raw = new Map<string, number[]>();
  const byFactor = (k: number, load: number, noiseSd: number, level: number): number[] => {
    const e = ar(0.9, noiseSd);
    return factors[k]!.map((f, t) => level * Math.exp(load * f + e[t]!));
  };
  for (const l of listings) {
    switch (l.symbol) {
      case 'PEPEUSDT': {
        const eth = raw.get('ETHUSDT')!;
        const e = ar(0.7, 0.002);
        raw.set(
          l.symbol,
          eth.map((v, t) => l.level * (v / 3_400 + e[t]!)),
        );
        break;
      }
      case 'FLOKIUSDT':
        break; // after SHIB
      case 'BONKUSDT': {
        const w = ar(1, 0.01);
        raw.set(
          l.symbol,
          w.map((v) => l.level * Math.exp(v)),
        );
        break;
      }
      default: {
        const k = ['BTCUSDT', 'DOGEUSDT', 'ADAUSDT', 'TRXUSDT'].includes(l.symbol) ? 0 : ['ETHUSDT', 'SOLUSDT', 'LINKUSDT'].includes(l.symbol) ? 1 : 2;
        raw.set(l.symbol, byFactor(k, 0.8 + r() * 0.6, 0.002 + 0.004 * r(), l.level));
      }
    }
  }
  if (listings.some((l) => l.symbol === 'FLOKIUSDT')) {
    const shib = raw.get('SHIBUSDT')!;
    const e = ar(0.5, 2e-6);
    raw.set(
      'FLOKIUSDT',
      shib.map((v, t) => (1.5e-4 / 2.2e-5) * v * (1 + e[t]!)),
    );
  }
  const symbols = listings.map((l) => l.symbol).filter((s) => raw.has(s));
  return { symbols, series: symbols.map((s) => raw.get(s)!.map((v) => toTick(v, listings.find((l) => l.symbol === s)!.tick))) };
}

/** Real USDT spot base assets beyond LISTINGS, for universes of up to 400 symbols (numbered past that list). */
const MORE_BASES =
  'AVAX DOT POL TON LTC BCH UNI NEAR APT ICP FIL ETC ATOM XLM ARB OP INJ SUI SEI TIA RENDER IMX HBAR VET GRT AAVE ALGO EGLD SAND MANA AXS THETA FLOW XTZ CHZ GALA APE LDO CRV SNX COMP DYDX 1INCH ENJ ZIL KAVA RUNE ROSE CFX STX WLD JUP PYTH JTO ORDI WIF BOME 1000SATS NOT PEOPLE TRB YFI SUSHI CAKE ZRX BAT IOTA NEO QTUM ONT ZEC DASH ENS MASK BLUR GMX WOO ANKR CELO HOT KSM LRC ONE RVN SKL STORJ SXP WAVES ZEN ICX IOST JASMY LUNC BTTC'.split(
    ' ',
  );

/**
 * A universe of `k` symbols (up to any size; LISTINGS first, then real base assets, then numbered
 * ones) at price levels spread log-uniformly over 1e-5.5 .. 1e5 with ticks of 1e-4 of the level
 * (at least 1e-8), each loaded on one of k/4 common factors plus AR(1) noise: about a quarter of
 * the pairs share a factor (cointegrated or nearly), as in a real market's sectors.
 */
export function wideUniverse(k: number, n: number, seed: number): MarketUniverse & { listings: Listing[] } {
  const r = rng(seed);
  const listings: Listing[] = [];
  for (let i = 0; i < k; i++) {
    if (i < LISTINGS.length) {
      listings.push(LISTINGS[i]!);
      continue;
    }
    const base = MORE_BASES[i - LISTINGS.length] ?? `COIN${i}`;
    const level = Math.pow(10, -5.5 + 10.5 * r());
    listings.push({ symbol: `${base}USDT`, level, tick: Math.max(1e-8, Math.pow(10, Math.floor(Math.log10(level)) - 4)) });
  }
  const groups = Math.max(1, Math.floor(k / 4));
  const factors = Array.from({ length: groups }, () => {
    const f: number[] = [];
    let v = 0;
    for (let t = 0; t < n; t++) f.push((v += 0.004 * gaussian(r)));
    return f;
  });
  const series = listings.map((l, i) => {
    const f = factors[i % groups]!;
    const load = 0.8 + 0.4 * r();
    const sd = 0.001 + 0.004 * r();
    let e = 0;
    return f.map((v) => toTick(l.level * Math.exp(load * v + (e = 0.9 * e + sd * gaussian(r))), l.tick));
  });
  return { symbols: listings.map((l) => l.symbol), series, listings };
}
