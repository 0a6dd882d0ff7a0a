/**
 * Slow, obvious references for the pair scanner's statistics, straight from the definitions in
 * issue 15: Hurst (std of increments per lag, two-pass, then the closed-form least-squares slope),
 * mean crossings (centre, drop exact zeros, count sign changes) and Benjamini-Hochberg (sort,
 * scale each p by m/rank, running minimum from the top).
 */
import { mean } from './slow';

export function slowHurst(s: readonly number[]): number | null {
  const last = Math.min(100, Math.floor(s.length / 2));
  if (last < 3) return null;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let tau = 2; tau <= last; tau++) {
    const d = s.slice(tau).map((v, t) => v - s[t]!);
    const m = mean(d);
    const sd = Math.sqrt(mean(d.map((v) => (v - m) ** 2)));
    if (sd === 0) return null;
    xs.push(Math.log(tau));
    ys.push(Math.log(sd));
  }
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

export function slowCrossings(s: readonly number[]): number {
  const m = mean(s);
  const signs = s.map((v) => Math.sign(v - m)).filter((v) => v !== 0);
  return signs.filter((v, i) => i > 0 && v !== signs[i - 1]).length;
}

export function slowBH(p: readonly number[]): number[] {
  const m = p.length;
  const sorted = p.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const q = new Array<number>(m);
  sorted.forEach(({ i }, k) => {
    let best = 1;
    for (let l = k; l < m; l++) best = Math.min(best, (sorted[l]!.v * m) / (l + 1));
    q[i] = best;
  });
  return q;
}
