/**
 * Aligns the bars of two legs on a common time axis: the one rule that the HTTP API (stored
 * bars) and the live runner (ticks) both follow, so that their numbers agree.
 *
 * Rule: the points are the interval starts at which at least one leg has a bar (a trade), in
 * increasing order. Each leg's value there is its bar's close, or, when that leg had no trade in
 * the interval, the last close before it (forward fill: the price has not moved). Points start
 * only once both legs have a price; nothing is filled backwards and no interval without any
 * trade is invented. Bars must be sorted by start (they are, from the store; a RangeError says
 * which leg is not); if a leg has two bars with the same start, the later one wins.
 *
 * @example
 * alignBars(
 *   [{ start: 0, close: 10 }, { start: 2, close: 11 }, { start: 3, close: 12 }],
 *   [{ start: 1, close: 100 }, { start: 3, close: 101 }],
 * ); // => { ts: [1, 2, 3], y: [10, 11, 12], x: [100, 100, 101] }
 */
export function alignBars(
  y: readonly { start: number; close: number }[],
  x: readonly { start: number; close: number }[],
): { ts: number[]; y: number[]; x: number[] } {
  for (const [name, leg] of [
    ['y', y],
    ['x', x],
  ] as const) {
    for (let k = 1; k < leg.length; k++) {
      if (!(leg[k]!.start >= leg[k - 1]!.start))
        throw new RangeError(`alignBars: ${name} bars are not sorted by start (index ${k}: ${leg[k]!.start} after ${leg[k - 1]!.start})`);
    }
  }
  const ts: number[] = [];
  const ys: number[] = [];
  const xs: number[] = [];
  let i = 0;
  let j = 0;
  let lastY: number | null = null;
  let lastX: number | null = null;
  while (i < y.length || j < x.length) {
    const sy = i < y.length ? y[i]!.start : Infinity;
    const sx = j < x.length ? x[j]!.start : Infinity;
    const start = sy < sx ? sy : sx;
    while (i < y.length && y[i]!.start === start) lastY = y[i++]!.close;
    while (j < x.length && x[j]!.start === start) lastX = x[j++]!.close;
    if (lastY !== null && lastX !== null) {
      ts.push(start);
      ys.push(lastY);
      xs.push(lastX);
    }
  }
  return { ts, y: ys, x: xs };
}
