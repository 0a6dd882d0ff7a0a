/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV):
 * D. H. Bailey, J. M. Borwein, M. Lopez de Prado, Q. J. Zhu, "The Probability of Backtest
 * Overfitting", Journal of Computational Finance 20(4), 2017, section 2.
 *
 * The T x N matrix of per-bar returns of N trials (here the sweep's combinations) is cut by rows
 * into S blocks of equal length (S even; the first T mod S bars dropped). For every one of the
 * C(S, S/2) choices J of S/2 blocks (the training half; its complement J̄ the testing half):
 *   R_n = Sharpe of trial n on J's bars joined in order, R̄_n the same on J̄ (mean / std ddof 1,
 *   per bar; 0 for a trial whose returns there do not vary, e.g. flat all along);
 *   n* = argmax_n R_n (the first on ties);
 *   ω̄ = rank of R̄_{n*} among R̄_1..R̄_N (1 = lowest; ties take their average rank) / (N + 1);
 *   λ = ln(ω̄ / (1 - ω̄)).
 * PBO = share of splits with λ <= 0 (the in-sample best ranks at or below the out-of-sample
 * median); degradation = the OLS slope of R̄_{n*} on R_{n*} over the splits; probLoss = share
 * of splits with R̄_{n*} < 0.
 *
 * Each split reads only the blocks' sums and sums of squares (O(S/2 · N) a split; the testing
 * half's are the totals minus the training half's), so S = 16 over 1,000 trials is 12,870 splits
 * of ~10^4 additions each.
 *
 * Worked example (S = 2, N = 2, 4 bars, blocks [0, 2) and [2, 4)): trial A returns
 * [1, 3, 0, 2]/100, B [2, 2.5, 1, 3]/100. Block 0: R_A = 0.02/0.01414 = 1.414, R_B =
 * 0.0225/0.003536 = 6.364; block 1: R_A = 0.01/0.01414 = 0.707, R_B = 0.02/0.01414 = 1.414.
 * J = block 0: n* = B, and on block 1 B ranks 2 of 2: ω̄ = 2/3, λ = ln 2. J = block 1: n* = B
 * again, first on block 0: λ = ln 2. PBO = 0, probLoss = 0, degradation = the slope through
 * (6.364, 1.414) and (1.414, 6.364) = -1.
 */

import { PBO_MAX_BLOCKS } from '@quant-pairs/contract';

/** Per-block sums of each trial's returns: index b * trials + n. */
export interface BlockSums {
  blocks: number;
  trials: number;
  /** Bars in each block (T div S). */
  blockLength: number;
  sum: Float64Array;
  sumSq: Float64Array;
}

export interface PboResult {
  pbo: number;
  /** λ of each split, in the order of the splits' bit masks (lowest first). */
  logits: number[];
  degradation: number | null;
  probLoss: number;
}

/** What is wrong with S for T bars, naming `blocks`; or null. */
export function pboBlocksProblem(blocks: number, bars: number): string | null {
  if (!Number.isInteger(blocks) || blocks < 2 || blocks > PBO_MAX_BLOCKS || blocks % 2 !== 0) {
    return `blocks must be an even integer in [2, ${PBO_MAX_BLOCKS}], got ${String(blocks)}`;
  }
  if (Math.floor(bars / blocks) < 2) return `blocks (${blocks}) must leave at least 2 bars a block, got ${bars} bars`;
  return null;
}

/** An empty accumulator for `trials` return series of `bars` bars in S blocks. */
function blockSums(blocks: number, trials: number, bars: number): BlockSums {
  const problem = pboBlocksProblem(blocks, bars);
  if (problem) throw new RangeError(problem);
  return { blocks, trials, blockLength: Math.floor(bars / blocks), sum: new Float64Array(blocks * trials), sumSq: new Float64Array(blocks * trials) };
}

/** Adds trial n's return r at bar t of a series of `bars` bars (bars before T mod S are dropped). */
function addReturn(acc: BlockSums, bars: number, n: number, t: number, r: number): void {
  const skip = bars - acc.blockLength * acc.blocks;
  if (t < skip) return;
  const k = Math.floor((t - skip) / acc.blockLength) * acc.trials + n;
  acc.sum[k]! += r;
  acc.sumSq[k]! += r * r;
}

/** Block sums of explicit return series (one array per trial, equal lengths). */
export function blockSumsOf(returns: readonly ArrayLike<number>[], blocks: number): BlockSums {
  if (returns.length < 2) throw new RangeError(`PBO needs at least 2 trials, got ${returns.length}`);
  const bars = returns[0]!.length;
  const acc = blockSums(blocks, returns.length, bars);
  returns.forEach((series, n) => {
    if (series.length !== bars) throw new RangeError(`every trial must have ${bars} returns, trial ${n} has ${series.length}`);
    for (let t = 0; t < bars; t++) addReturn(acc, bars, n, t, series[t]!);
  });
  return acc;
}

const sharpeOf = (sum: number, sumSq: number, h: number): number => {
  const mean = sum / h;
  const m2 = sumSq - h * mean * mean;
  return m2 > 0 ? mean / Math.sqrt(m2 / (h - 1)) : 0;
};

/** CSCV over block sums (see the header). O(C(S, S/2) · S/2 · N). */
export function pbo(acc: BlockSums): PboResult {
  const { blocks: S, trials: N, blockLength } = acc;
  if (N < 2) throw new RangeError(`PBO needs at least 2 trials, got ${N}`);
  const half = S / 2;
  const h = half * blockLength;
  const totSum = new Float64Array(N);
  const totSq = new Float64Array(N);
  for (let b = 0; b < S; b++)
    for (let n = 0; n < N; n++) {
      totSum[n]! += acc.sum[b * N + n]!;
      totSq[n]! += acc.sumSq[b * N + n]!;
    }
  const inSum = new Float64Array(N);
  const inSq = new Float64Array(N);
  const oos = new Float64Array(N);
  const logits: number[] = [];
  const isBest: number[] = [];
  const oosBest: number[] = [];
  for (let mask = (1 << half) - 1; mask < 1 << S; mask = nextMask(mask)) {
    inSum.fill(0);
    inSq.fill(0);
    for (let b = 0; b < S; b++) {
      if (!(mask & (1 << b))) continue;
      const o = b * N;
      for (let n = 0; n < N; n++) {
        inSum[n]! += acc.sum[o + n]!;
        inSq[n]! += acc.sumSq[o + n]!;
      }
    }
    let best = 0;
    let bestR = -Infinity;
    for (let n = 0; n < N; n++) {
      const r = sharpeOf(inSum[n]!, inSq[n]!, h);
      if (r > bestR) {
        bestR = r;
        best = n;
      }
      oos[n] = sharpeOf(totSum[n]! - inSum[n]!, totSq[n]! - inSq[n]!, h);
    }
    const rb = oos[best]!;
    let less = 0;
    let equal = 0;
    for (let n = 0; n < N; n++) {
      if (oos[n]! < rb) less++;
      else if (oos[n] === rb) equal++;
    }
    const w = (less + (equal + 1) / 2) / (N + 1);
    logits.push(Math.log(w / (1 - w)));
    isBest.push(bestR);
    oosBest.push(rb);
  }
  const splits = logits.length;
  return {
    pbo: logits.filter((l) => l <= 0).length / splits,
    logits,
    degradation: slope(isBest, oosBest),
    probLoss: oosBest.filter((r) => r < 0).length / splits,
  };
}

/** The next larger integer with the same number of set bits (Gosper's hack). */
function nextMask(v: number): number {
  const c = v & -v;
  const r = v + c;
  return (((r ^ v) >>> 2) / c) | r;
}

/** OLS slope of y on x (with intercept); null when x does not vary. */
function slope(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : null;
}
