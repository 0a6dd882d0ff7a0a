/**
 * Slow, obvious references for the O(1) kernels (as bottleneck's `slow/move.py`): every window
 * recomputed from scratch with a centred two-pass, straight from the definitions.
 */
import { NOISE_MARGIN } from '../../src/analytics';
import type { AnalyticsPoint, Signal } from '../../src/domain';
import { gaussian, rng } from '../../src/fake-binance/rng';

export function mean(v: readonly number[]): number {
  let s = 0;
  for (const a of v) s += a;
  return s / v.length;
}

/** OLS of y on [1, x] by the centred closed form; null if x is constant. */
function slowOls(x: readonly number[], y: readonly number[]): { beta: number; alpha: number } | null {
  if (Math.max(...x) === Math.min(...x)) return null;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const beta = sxy / sxx;
  return { beta, alpha: my - beta * mx };
}

export function slowStd(v: readonly number[], ddof: number): number {
  const m = mean(v);
  let s = 0;
  for (const a of v) s += (a - m) ** 2;
  return Math.sqrt(s / (v.length - ddof));
}

export function slowCorr(x: readonly number[], y: readonly number[]): number | null {
  if (Math.max(...x) === Math.min(...x) || Math.max(...y) === Math.min(...y)) return null;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** The whole rolling pipeline, each window from scratch (O(n·w)). */
export function slowAnalyze(x: readonly number[], y: readonly number[], w: number, ddof: 0 | 1 = 1, entry = 2): AnalyticsPoint[] {
  const out: AnalyticsPoint[] = [];
  const spreads: (number | null)[] = [];
  // magnitude of each spread's terms, |y| + |α| + |β·x| (engine.ts' rounding floor)
  const scales: number[] = [];
  for (let t = 0; t < x.length; t++) {
    let beta: number | null = null;
    let alpha: number | null = null;
    let spread: number | null = null;
    let correlation: number | null = null;
    let scale = 0;
    if (t >= w - 1) {
      const xs = x.slice(t - w + 1, t + 1);
      const ys = y.slice(t - w + 1, t + 1);
      const fit = slowOls(xs, ys);
      if (fit) {
        const yConst = Math.max(...ys) === Math.min(...ys);
        beta = yConst ? 0 : fit.beta;
        alpha = yConst ? y[t]! : fit.alpha;
        spread = yConst ? 0 : y[t]! - (alpha + beta * x[t]!);
        scale = Math.abs(y[t]!) + Math.abs(alpha) + Math.abs(beta * x[t]!);
        correlation = slowCorr(xs, ys);
      }
    }
    spreads.push(spread);
    scales.push(scale);
    let spreadMean: number | null = null;
    let zscore: number | null = null;
    if (t >= w - 1) {
      const s = spreads.slice(t - w + 1, t + 1);
      if (s.every((v) => v !== null)) {
        const sv = s as number[];
        spreadMean = mean(sv);
        // rounding noise (engine.ts): std(S) within NOISE_MARGIN of the spreads' rounding error
        // ε·M̂, M̂ the largest scale of the run of defined spreads, each halved every w points since
        let run = t;
        while (run > 0 && spreads[run - 1] !== null) run--;
        let maxScale = 0;
        for (let i = run; i <= t; i++) maxScale = Math.max(maxScale, scales[i]! * 0.5 ** ((t - i) / w));
        if (Math.max(...sv) !== Math.min(...sv) && slowStd(sv, 0) > NOISE_MARGIN * Number.EPSILON * maxScale) zscore = (spread! - mean(sv)) / slowStd(sv, ddof);
      }
    }
    const signal: Signal | null = zscore === null ? null : zscore > entry ? 'SHORT' : zscore < -entry ? 'LONG' : 'NEUTRAL';
    out.push({ ts: t, beta, alpha, spread, spreadMean, zscore, signal, correlation });
  }
  return out;
}

/**
 * A price pair with the awkward parts of real data: BTC-sized levels moving by cents, prices
 * rounded to a tick (many repeated values), frozen stretches of both legs (a halt: a gap in the
 * defined spreads), x frozen alone, y frozen alone, and exact linear stretches (constant spread).
 */
export function awkwardPair(n: number, seed: number): { x: number[]; y: number[] } {
  const r = rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  let px = 87000;
  let noise = 0;
  for (let t = 0; t < n; t++) {
    const phase = Math.floor(t / 97) % 6;
    if (phase === 1 && t > 0) {
      // halt: both legs frozen
      x.push(x[t - 1]!);
      y.push(y[t - 1]!);
      continue;
    }
    px += gaussian(r) * 20;
    noise = 0.8 * noise + gaussian(r);
    const xt = Math.round(px * 100) / 100;
    let yt = Math.round((0.035 * xt + 40 + noise * 2) * 100) / 100;
    if (phase === 3 && t > 0) yt = y[t - 1]!; // y frozen alone
    if (phase === 4) yt = 2 * xt + 1; // exactly linear: the spread is constant up to rounding
    if (phase === 5 && t > 0 && t % 7 !== 0) {
      x.push(x[t - 1]!); // x frozen most of the time
      y.push(yt);
      continue;
    }
    x.push(xt);
    y.push(yt);
  }
  return { x, y };
}

/** A cointegrated pair (seeded): x a random walk near 100 (kept >= 20), y = 1.5 x + 10 + AR(1) noise (phi 0.9). */
export function cointegratedPair(n: number, seed: number): { x: number[]; y: number[] } {
  const r = rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  let px = 100;
  let e = 0;
  for (let t = 0; t < n; t++) {
    px = Math.max(20, px + gaussian(r));
    e = 0.9 * e + gaussian(r);
    x.push(px);
    y.push(1.5 * px + 10 + e);
  }
  return { x, y };
}

/**
 * A seeded universe for the pair scanner: `k` price series of `n` points. Symbols come in
 * groups of three around one common random walk (each leg = its own scale·walk + offset +
 * its own AR(1) noise with coefficient 0.8, so pairs within a group are cointegrated), the rest
 * of the symbols (k mod 3) are independent random walks.
 */
export function universe(k: number, n: number, seed: number): { symbols: string[]; series: number[][] } {
  const r = rng(seed);
  const symbols: string[] = [];
  const series: number[][] = [];
  let walk: number[] = [];
  for (let s = 0; s < k; s++) {
    const grouped = s < k - (k % 3);
    if (!grouped || s % 3 === 0) {
      walk = [];
      let w = 100;
      for (let t = 0; t < n; t++) walk.push((w += gaussian(r)));
    }
    const scale = 0.5 + r() * 2;
    const noise = grouped ? 0.5 + r() : 0;
    let e = 0;
    const v: number[] = [];
    for (let t = 0; t < n; t++) {
      e = 0.8 * e + gaussian(r);
      v.push(scale * walk[t]! + 20 * s + noise * e);
    }
    symbols.push(`S${s}USDT`);
    series.push(v);
  }
  return { symbols, series };
}
