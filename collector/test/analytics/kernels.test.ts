/**
 * Every O(1) kernel against its slow, obvious reference (test/analytics/slow.ts), over many
 * window sizes and over series with repeated values, constant stretches and gaps.
 */
import { MovingCoMoments, MovingMoments, PairEngine, analyzeColumns, analyzeSeries, columnsToPoints } from '../../src/analytics';
import { awkwardPair, mean, slowAnalyze, slowCorr } from './slow';
import { gaussian, rng } from '../../src/fake-binance/rng';

const WINDOWS = [2, 3, 5, 17, 64, 200];

function relClose(a: number, b: number, rel: number, abs: number): boolean {
  return Math.abs(a - b) <= Math.max(rel * Math.abs(b), abs);
}

describe('MovingCoMoments vs two-pass per window', () => {
  it.each(WINDOWS)('window %i on an awkward pair', (w) => {
    const { x, y } = awkwardPair(1500, 11 + w);
    const m = new MovingCoMoments(w);
    for (let t = 0; t < x.length; t++) {
      m.push(x[t]!, y[t]!);
      const lo = Math.max(0, t - w + 1);
      const xs = x.slice(lo, t + 1);
      const ys = y.slice(lo, t + 1);
      expect(m.n).toBe(xs.length);
      const mx = mean(xs);
      const my = mean(ys);
      let sxx = 0;
      let sxy = 0;
      let syy = 0;
      for (let i = 0; i < xs.length; i++) {
        sxx += (xs[i]! - mx) ** 2;
        syy += (ys[i]! - my) ** 2;
        sxy += (xs[i]! - mx) * (ys[i]! - my);
      }
      // absolute scale of the centred sums: rounding of deviations of size |x - x̄| (the kernel
      // re-centres when a window's sum falls below 1e-4 of its update terms: error <= ~1e4·ε relative)
      // (plus the reference's own rounding of the mean, ~n·ε·|x̄|, which makes a constant window's sum ~1e-25, not 0)
      const noiseX = xs.length * (xs.length * 2.2e-16 * Math.abs(mx)) ** 2;
      const noiseY = ys.length * (ys.length * 2.2e-16 * Math.abs(my)) ** 2;
      const scaleX = xs.length * Math.max(...xs.map((v) => Math.abs(v - mx))) ** 2 + noiseX * 1e11;
      const scaleY = ys.length * Math.max(...ys.map((v) => Math.abs(v - my))) ** 2 + noiseY * 1e11;
      if (!relClose(m.meanX, mx, 1e-13, 0) || !relClose(m.meanY, my, 1e-13, 0)) throw new Error(`mean at t=${t}: ${m.meanX} vs ${mx}, ${m.meanY} vs ${my}`);
      if (Math.abs(m.sxx - sxx) > 1e-11 * scaleX) throw new Error(`sxx at t=${t}: ${m.sxx} vs ${sxx}`);
      if (Math.abs(m.syy - syy) > 1e-11 * scaleY) throw new Error(`syy at t=${t}: ${m.syy} vs ${syy}`);
      if (Math.abs(m.sxy - sxy) > 1e-11 * Math.sqrt(scaleX * scaleY)) throw new Error(`sxy at t=${t}: ${m.sxy} vs ${sxy}`);
    }
  });
});

describe('MovingMoments vs two-pass per window', () => {
  it.each(WINDOWS)('window %i with repeated and constant stretches', (w) => {
    const r = rng(w);
    const v: number[] = [];
    for (let t = 0; t < 1200; t++) v.push(t % 300 < 60 ? 5 : Math.round(gaussian(r) * 4) / 4 + 1000);
    const m = new MovingMoments(w);
    for (let t = 0; t < v.length; t++) {
      m.push(v[t]!);
      const s = v.slice(Math.max(0, t - w + 1), t + 1);
      const mu = mean(s);
      let m2 = 0;
      for (const a of s) m2 += (a - mu) ** 2;
      const scale = s.length * Math.max(...s.map((a) => Math.abs(a - mu))) ** 2 + s.length * (s.length * 2.2e-16 * Math.abs(mu)) ** 2 * 1e11;
      if (!relClose(m.mean, mu, 1e-13, 0)) throw new Error(`mean at t=${t}: ${m.mean} vs ${mu}`);
      if (Math.abs(m.m2 - m2) > 1e-11 * scale) throw new Error(`m2 at t=${t}: ${m.m2} vs ${m2}`);
    }
  });
});

describe('PairEngine vs the slow per-window pipeline', () => {
  it.each(
    WINDOWS.flatMap(
      (w) =>
        [
          [w, 0],
          [w, 1],
        ] as const,
    ),
  )('window %i, ddof %i', (w, ddof) => {
    const { x, y } = awkwardPair(1300, 100 + w);
    const fast = analyzeSeries({ ts: x.map((_, i) => i), x, y, window: w, ddof });
    const slow = slowAnalyze(x, y, w, ddof);
    let zs = 0;
    let means = 0;
    for (let t = 0; t < x.length; t++) {
      const f = fast[t]!;
      const s = slow[t]!;
      const ctx = `t=${t} w=${w}`;
      expect([ctx, f.beta === null, f.spread === null, f.spreadMean === null, f.zscore === null, f.correlation === null]).toEqual([
        ctx,
        s.beta === null,
        s.spread === null,
        s.spreadMean === null,
        s.zscore === null,
        s.correlation === null,
      ]);
      if (s.beta !== null && !relClose(f.beta!, s.beta, 1e-9, 1e-12)) throw new Error(`beta ${ctx}: ${f.beta} vs ${s.beta}`);
      const ymax = Math.max(...y.slice(Math.max(0, t - w + 1), t + 1));
      if (s.alpha !== null && Math.abs(f.alpha! - s.alpha) > 1e-9 * ymax) throw new Error(`alpha ${ctx}`);
      if (s.spread !== null && Math.abs(f.spread! - s.spread) > 1e-9 * ymax) throw new Error(`spread ${ctx}`);
      if (s.spreadMean !== null) {
        // a mean of w spreads, each within 1e-9·max|y| of its window: scale over the 2w-1 points they span
        means++;
        const ymax2 = Math.max(...y.slice(Math.max(0, t - 2 * w + 2), t + 1));
        if (Math.abs(f.spreadMean! - s.spreadMean) > 1e-9 * ymax2) throw new Error(`spreadMean ${ctx}: ${f.spreadMean} vs ${s.spreadMean}`);
      }
      if (s.correlation !== null && Math.abs(f.correlation! - s.correlation) > 1e-9) throw new Error(`corr ${ctx}: ${f.correlation} vs ${s.correlation}`);
      if (s.zscore !== null) {
        zs++;
        if (Math.abs(f.zscore! - s.zscore) > 1e-7) throw new Error(`z ${ctx}: ${f.zscore} vs ${s.zscore}`);
        if (Math.abs(Math.abs(s.zscore) - 2) > 1e-6) expect([ctx, f.signal]).toEqual([ctx, s.signal]);
      }
    }
    // the comparison is not vacuous; with w = 2 the OLS fits both points exactly, so every
    // spread is 0 up to rounding and z must be null throughout
    if (w === 2) expect(zs).toBe(0);
    else expect(zs).toBeGreaterThan(50);
    // spreadMean stays defined where z is null because the window is constant or rounding noise
    // (the exactly linear stretches of awkwardPair, 97 points, hold such a window when 2w-1 <= 97)
    if (2 * w - 1 <= 97) expect(means).toBeGreaterThan(zs);
    else expect(means).toBeGreaterThanOrEqual(zs);
  });

  it('gives nulls, not NaN, on a frozen (halted) stretch and recovers after it', () => {
    const { x, y } = awkwardPair(400, 5);
    const pts = analyzeSeries({ ts: x.map((_, i) => i), x, y, window: 20 });
    const halt = pts.slice(97 + 20, 194); // phase 1: both legs frozen for >= w points
    expect(halt.every((p) => p.beta === null && p.spread === null && p.spreadMean === null && p.zscore === null && p.correlation === null)).toBe(true);
    expect(pts.some((p, i) => i > 194 && p.zscore !== null)).toBe(true);
    for (const p of pts) for (const v of Object.values(p)) expect(Number.isNaN(v)).toBe(false);
  });

  it('correlation matches the slow reference on a plain random pair', () => {
    const r = rng(3);
    const x = [1];
    const y = [2];
    for (let i = 1; i < 300; i++) {
      x.push(x[i - 1]! + gaussian(r));
      y.push(0.5 * x[i]! + gaussian(r));
    }
    const pts = analyzeSeries({ ts: x.map((_, i) => i), x, y, window: 30 });
    for (let t = 29; t < 300; t++) expect(pts[t]!.correlation).toBeCloseTo(slowCorr(x.slice(t - 29, t + 1), y.slice(t - 29, t + 1))!, 12);
  });
});

describe('PairEngine.peek', () => {
  it('returns what push would and changes nothing', () => {
    const { x, y } = awkwardPair(800, 9);
    const a = new PairEngine({ window: 25, exitZ: 0.5 });
    const b = new PairEngine({ window: 25, exitZ: 0.5 });
    for (let t = 0; t < x.length; t++) {
      // peek at a few provisional prices (a bar in progress), then commit the real one
      a.peek(t, x[t]! + 3, y[t]! - 1);
      const p = a.peek(t, x[t]!, y[t]!);
      a.peek(t, x[t]! * 1.01, y[t]!);
      const pa = a.push(t, x[t]!, y[t]!);
      const pb = b.push(t, x[t]!, y[t]!);
      expect(p).toEqual(pb);
      expect(pa).toEqual(pb);
    }
  });
});

describe('signals with an exit band', () => {
  it('holds a position until |z| is back inside the band', () => {
    // z path chosen by hand; expected signals derived from the rule in signal.ts
    const { nextSignal } = jest.requireActual('../../src/analytics') as typeof import('../../src/analytics');
    const zs = [0, -2.1, -1.5, -0.6, -0.4, 2.5, 1, 0.49, null, -3];
    const out: (string | null)[] = [];
    let s: ReturnType<typeof nextSignal> = null;
    for (const z of zs) out.push((s = nextSignal(s, z, 2, 0.5)));
    expect(out).toEqual(['NEUTRAL', 'LONG', 'LONG', 'LONG', 'NEUTRAL', 'SHORT', 'SHORT', 'NEUTRAL', null, 'LONG']);
  });

  it('engine with exitZ equals the rule applied to its z series', () => {
    const { x, y } = awkwardPair(900, 21);
    const ts = x.map((_, i) => i);
    const plain = analyzeSeries({ ts, x, y, window: 15 });
    const hyst = analyzeSeries({ ts, x, y, window: 15, exitZ: 0.5 });
    let held: string | null = null;
    let diffs = 0;
    for (let t = 0; t < x.length; t++) {
      const z = plain[t]!.zscore;
      expect(hyst[t]!.zscore).toBe(z);
      const want: string | null =
        z === null ? null : z > 2 ? 'SHORT' : z < -2 ? 'LONG' : held === 'LONG' && z <= -0.5 ? 'LONG' : held === 'SHORT' && z >= 0.5 ? 'SHORT' : 'NEUTRAL';
      held = want;
      expect([t, hyst[t]!.signal]).toEqual([t, want]);
      if (want !== plain[t]!.signal) diffs++;
    }
    expect(diffs).toBeGreaterThan(0);
  });
});

describe('input checks', () => {
  it('says what is wrong', () => {
    expect(() => analyzeSeries({ ts: [0, 1], x: [1, 2], y: [1], window: 2 })).toThrow(/same length/);
    expect(() => analyzeSeries({ ts: [0, 1], x: [1, NaN], y: [1, 2], window: 2 })).toThrow(/x\[1\] is not a finite number/);
    expect(() => analyzeSeries({ ts: [0, 1], x: [1, 2], y: [1, 2], window: 1 })).toThrow(/window must be an integer >= 2/);
    expect(() => analyzeSeries({ ts: [0, 1], x: [1, 2], y: [1, 2], window: 2, exitZ: 3 })).toThrow(/exitZ/);
  });
});

describe('analyzeColumns', () => {
  it.each([5, 40])('gives exactly the points of analyzeSeries (NaN only where they have null), window %i', (w) => {
    const { x, y } = awkwardPair(1200, 77 + w);
    const ts = x.map((_, i) => 1_764_000_000_000 + i * 60_000);
    const pts = analyzeSeries({ ts, x, y, window: w, exitZ: 0.5 });
    const cols = analyzeColumns({ ts, x, y, window: w, exitZ: 0.5 });
    expect(columnsToPoints(cols)).toEqual(pts);
    expect(pts.some((p) => p.zscore !== null) && pts.some((p) => p.beta === null && p.ts > ts[w]!)).toBe(true);
    // the engine's `last` after the column path is the last point too
    const e = new PairEngine({ window: w, exitZ: 0.5 });
    const c2 = analyzeColumns({ ts: [ts[0]!], x: [x[0]!], y: [y[0]!], window: w });
    for (let i = 0; i < x.length; i++) e.pushInto(c2, 0, ts[i]!, x[i]!, y[i]!);
    expect(e.last).toEqual(pts[pts.length - 1]);
  });
});
