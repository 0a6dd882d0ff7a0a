/**
 * A traded pair `Y/X`: y is regressed on x, so x (the second symbol) is the hedge leg.
 * `ETHUSDT/BTCUSDT` means spread = ETH - (alpha + beta * BTC). Legs may be on either market:
 * `ETHUSDT.P/BTCUSDT.P` (two perpetuals), `BTCUSDT.P/BTCUSDT` (the basis of one asset).
 */
import { isSymbol } from './constants';

export interface Pair {
  y: string;
  x: string;
  /** Canonical id, `${y}/${x}`. */
  id: string;
}

/**
 * Parses `ETHUSDT/BTCUSDT` (case-insensitive, surrounding blanks ignored).
 * @throws {Error} saying what is wrong when `text` is not two different symbols around one `/`
 * @example
 * parsePair('ethusdt/BTCUSDT'); // => { y: 'ETHUSDT', x: 'BTCUSDT', id: 'ETHUSDT/BTCUSDT' }
 * parsePair('btcusdt.p/BTCUSDT'); // => { y: 'BTCUSDT.P', x: 'BTCUSDT', id: 'BTCUSDT.P/BTCUSDT' }
 */
export function parsePair(text: string): Pair {
  const parts = text.trim().toUpperCase().split('/');
  if (parts.length !== 2) throw new Error(`pair ${JSON.stringify(text)} must look like ETHUSDT/BTCUSDT (y/x)`);
  const [y, x] = parts as [string, string];
  for (const s of [y, x]) {
    if (!isSymbol(s)) throw new Error(`pair ${JSON.stringify(text)}: ${JSON.stringify(s)} is not a Binance symbol`);
  }
  if (y === x) throw new Error(`pair ${JSON.stringify(text)}: the two legs must differ`);
  return { y, x, id: `${y}/${x}` };
}
