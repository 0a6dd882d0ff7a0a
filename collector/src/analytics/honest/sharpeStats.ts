/**
 * Probabilistic and deflated Sharpe ratios, on per-bar (not annualised) returns.
 *
 * PSR (Bailey & Lopez de Prado, "The Sharpe Ratio Efficient Frontier", Journal of Risk 15(2),
 * 2012, eq. 11): the probability that the true Sharpe ratio exceeds a benchmark SR*, given n
 * returns with sample Sharpe SR (mean / std, ddof 1), skewness g3 and (non-excess) kurtosis g4
 * (the papers' moments: m3 / m2^1.5 and m4 / m2^2 with m_k the k-th central moment, divisor n):
 *
 *   PSR(SR*) = Φ( (SR - SR*) · √(n - 1) / √(1 - g3·SR + (g4 - 1)/4 · SR²) )
 *
 * DSR (Bailey & Lopez de Prado, "The Deflated Sharpe Ratio", Journal of Portfolio Management
 * 40(5), 2014, eq. 2): PSR against the Sharpe ratio the best of N independent trials would show
 * by luck, V being the variance (ddof 1) of the N trials' Sharpe ratios and γ Euler-Mascheroni:
 *
 *   SR0 = √V · ( (1 - γ)·Φ⁻¹(1 - 1/N) + γ·Φ⁻¹(1 - 1/(N·e)) ),   DSR = PSR(SR0)
 *
 * Worked example (the DSR paper, section 4): SR = 2.5 a year over 5 years of daily returns
 * (n = 1250, SR = 2.5/√250 = 0.1581 a day), N = 100 trials whose annualised Sharpe ratios have
 * variance 1/2 (V = 0.5/250 a day), g3 = -3, g4 = 10: SR0 = 0.1132 a day, DSR = 0.9004.
 */
import { normalCdf } from '../normalCdf';
import { normalQuantile } from '../normalQuantile';

/** Euler-Mascheroni constant γ. */
const EULER_GAMMA = 0.5772156649015329;

/** The moments PSR reads off a return series. */
export interface ReturnMoments {
  n: number;
  /** mean / std (ddof 1); null when std is 0. */
  sharpe: number | null;
  /** m3 / m2^1.5 (divisor n); null when m2 is 0. */
  skewness: number | null;
  /** m4 / m2^2, non-excess (3 for a normal); null when m2 is 0. */
  kurtosis: number | null;
}

/**
 * n, Sharpe (ddof 1), skewness and kurtosis of returns (two passes: mean, then central sums).
 * @throws {RangeError} with fewer than 2 returns or a non-finite one (naming its index)
 * @example
 * returnMoments([0.01, -0.02, 0.03, 0.0]); // => { n: 4, sharpe: 0.2390457, skewness: 0, kurtosis: 1.64 }
 */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const n = returns.length;
  if (n < 2) throw new RangeError(`returns must hold at least 2 values, got ${n}`);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    if (!Number.isFinite(r)) throw new RangeError(`returns[${i}] must be a finite number, got ${String(r)}`);
    sum += r;
  }
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  if (m2 === 0) return { n, sharpe: null, skewness: null, kurtosis: null };
  const sd = Math.sqrt(m2 / (n - 1));
  const pm2 = m2 / n;
  return { n, sharpe: mean / sd, skewness: m3 / n / pm2 ** 1.5, kurtosis: m4 / n / (pm2 * pm2) };
}

/**
 * PSR(benchmark) of a Sharpe ratio estimated from n returns with the given skewness and
 * kurtosis (all per bar). Null when the variance term 1 - g3·SR + (g4-1)/4·SR² is not positive.
 * @throws {RangeError} for n < 2 or a non-finite argument, naming it
 * @example
 * probabilisticSharpe({ sharpe: 0.1, n: 101, skewness: 0, kurtosis: 3 }); // => Φ(0.1·10/√1.005) = 0.8403
 */
export function probabilisticSharpe(m: { sharpe: number; n: number; skewness: number; kurtosis: number }, benchmark = 0): number | null {
  for (const k of ['sharpe', 'skewness', 'kurtosis'] as const) {
    if (!Number.isFinite(m[k])) throw new RangeError(`${k} must be a finite number, got ${String(m[k])}`);
  }
  if (!Number.isFinite(benchmark)) throw new RangeError(`benchmark must be a finite number, got ${String(benchmark)}`);
  if (!Number.isInteger(m.n) || m.n < 2) throw new RangeError(`n must be an integer >= 2, got ${String(m.n)}`);
  const sr = m.sharpe;
  const v = 1 - m.skewness * sr + ((m.kurtosis - 1) / 4) * sr * sr;
  if (!(v > 0)) return null;
  return normalCdf(((sr - benchmark) * Math.sqrt(m.n - 1)) / Math.sqrt(v));
}

/**
 * SR0, the expected maximum Sharpe ratio of N trials with Sharpe variance V (the DSR's benchmark).
 * @throws {RangeError} for N < 2 (one trial has no selection to deflate) or V < 0
 * @example
 * expectedMaxSharpe(100, 0.5 / 250); // => 0.1132 (the DSR paper's example)
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (!Number.isInteger(trials) || trials < 2) throw new RangeError(`trials must be an integer >= 2, got ${String(trials)}`);
  if (!(variance >= 0) || !Number.isFinite(variance)) throw new RangeError(`variance must be a finite number >= 0, got ${String(variance)}`);
  const z1 = normalQuantile(1 - 1 / trials);
  const z2 = normalQuantile(1 - 1 / (trials * Math.E));
  return Math.sqrt(variance) * ((1 - EULER_GAMMA) * z1 + EULER_GAMMA * z2);
}

/** Sample variance (ddof 1) of the trials' Sharpe ratios. */
function sharpeVariance(sharpes: ArrayLike<number>): number {
  const n = sharpes.length;
  if (n < 2) throw new RangeError(`sharpes must hold at least 2 values, got ${n}`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sharpes[i]!;
  const mean = sum / n;
  let m2 = 0;
  for (let i = 0; i < n; i++) m2 += (sharpes[i]! - mean) ** 2;
  return m2 / (n - 1);
}

/** PSR against 0 and DSR of the selected trial's returns; null where a moment is undefined. */
export interface SharpeVerdict {
  psr: number | null;
  dsr: number | null;
  /** SR0: the benchmark DSR is PSR against. */
  expectedMaxSharpe: number | null;
}

/**
 * PSR (against `benchmark`, default 0) and DSR of the best trial's per-bar returns, given every
 * trial's per-bar Sharpe ratio (the N and V of the DSR; a trial with no Sharpe, flat all along,
 * counts as 0). DSR is null with fewer than 2 trials.
 */
export function sharpeVerdict(bestReturns: ArrayLike<number>, trialSharpes: ArrayLike<number>, benchmark = 0): SharpeVerdict {
  const m = returnMoments(bestReturns);
  const sr0 = trialSharpes.length >= 2 ? expectedMaxSharpe(trialSharpes.length, sharpeVariance(trialSharpes)) : null;
  if (m.sharpe === null || m.skewness === null || m.kurtosis === null) return { psr: null, dsr: null, expectedMaxSharpe: sr0 };
  const moments = { sharpe: m.sharpe, n: m.n, skewness: m.skewness, kurtosis: m.kurtosis };
  return { psr: probabilisticSharpe(moments, benchmark), dsr: sr0 === null ? null : probabilisticSharpe(moments, sr0), expectedMaxSharpe: sr0 };
}
