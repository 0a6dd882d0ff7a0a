/**
 * Seeded tick streams for the live engine's tests: BTC trades ~3/s and ETH ~2/s at random
 * times (1-600 ms steps), ETH = 0.035·BTC + 40 + AR(1) noise, so the pair is cointegrated and
 * its spread mean-reverts within seconds. The same seed gives the same stream on every run.
 */
import type { Tick } from '../../src/domain';
import { gaussian, rng } from '../../src/fake-binance/rng';

/** Where the streams start: 2026-11-26 12:00:00 UTC. */
export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

export interface TickStreamShape {
  /** The ETH noise's AR(1) coefficient and innovation standard deviation. */
  noiseAr: number;
  noiseSd: number;
  /** ETH does not trade for ms in (from, to) after T0. */
  ethPause?: readonly [number, number];
}

export function tickStream(seconds: number, seed: number, shape: TickStreamShape): Tick[] {
  const r = rng(seed);
  const ticks: Tick[] = [];
  let btc = 87000;
  let noise = 0;
  let id = 1;
  for (let ms = 0; ms < seconds * 1000;) {
    ms += Math.floor(r() * 600) + 1;
    btc += gaussian(r) * 5;
    noise = shape.noiseAr * noise + gaussian(r) * shape.noiseSd;
    const ts = T0 + ms;
    if (r() < 0.6) ticks.push({ symbol: 'BTCUSDT', id: id++, ts, price: Math.round(btc * 100) / 100, qty: 0.01, isBuyerMaker: false });
    const pausedEth = shape.ethPause !== undefined && ms > shape.ethPause[0] && ms < shape.ethPause[1];
    if (!pausedEth && r() < 0.4) {
      ticks.push({ symbol: 'ETHUSDT', id: id++, ts, price: Math.round((0.035 * btc + 40 + noise) * 100) / 100, qty: 0.1, isBuyerMaker: true });
    }
  }
  return ticks;
}
