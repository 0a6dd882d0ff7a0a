/**
 * The exact simple regression y = alpha + beta·x of double inputs, in rational arithmetic: every
 * double is m·2^e exactly, so Σx, Σxy, ... are exact BigInts on a common power of two, and
 * beta = (nΣxy - ΣxΣy) / (nΣx² - (Σx)²), alpha = (ΣyΣx² - ΣxΣxy) / (nΣx² - (Σx)²) carry no rounding
 * until the one final division (correctly rounded to within 1 ulp). The truth the least-squares
 * solvers (ours, ml-matrix's QR and SVD, the normal equations) are measured against.
 */

/** v = m · 2^e with m a BigInt (exact for every finite double). */
function split(v: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const m = exp === 0 ? frac : frac | (1n << 52n);
  return { m: bits >> 63n ? -m : m, e: exp === 0 ? -1074 : exp - 1075 };
}

/** The integers M_i with v_i = M_i · 2^E for one common E. */
function onCommonScale(vs: ArrayLike<number>): { ms: bigint[]; e: number } {
  const parts = Array.from(vs, split);
  const e = Math.min(...parts.map((p) => p.e));
  return { ms: parts.map((p) => p.m << BigInt(p.e - e)), e };
}

/** num/den · 2^shift as the nearest double (to within 1 ulp: 80 bits of quotient, then one rounding). */
function ratio(num: bigint, den: bigint, shift: number): number {
  if (num === 0n) return 0;
  const neg = num < 0n !== den < 0n;
  const a = num < 0n ? -num : num;
  const b = den < 0n ? -den : den;
  const k = 80 - (a.toString(2).length - b.toString(2).length);
  const q = k >= 0 ? (a << BigInt(k)) / b : a / (b << BigInt(-k));
  const v = Number(q) * 2 ** (shift - k);
  return neg ? -v : v;
}

export function exactOls(x: ArrayLike<number>, y: ArrayLike<number>): { beta: number; alpha: number } {
  const n = BigInt(x.length);
  const X = onCommonScale(x);
  const Y = onCommonScale(y);
  let sx = 0n;
  let sy = 0n;
  let sxx = 0n;
  let sxy = 0n;
  for (let i = 0; i < X.ms.length; i++) {
    sx += X.ms[i]!;
    sy += Y.ms[i]!;
    sxx += X.ms[i]! * X.ms[i]!;
    sxy += X.ms[i]! * Y.ms[i]!;
  }
  const den = n * sxx - sx * sx; // · 2^(2Ex)
  return {
    beta: ratio(n * sxy - sx * sy, den, Y.e - X.e), // (· 2^(Ex+Ey)) / (· 2^(2Ex))
    alpha: ratio(sy * sxx - sx * sxy, den, Y.e), // (· 2^(Ey+2Ex)) / (· 2^(2Ex))
  };
}
