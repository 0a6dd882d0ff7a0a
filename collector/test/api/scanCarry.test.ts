/**
 * The scanner ranked by carry-adjusted expected return (issue 25): the pure scanCarryAdjusted on
 * the analytics README's formula (a worked example by hand), then /api/scan?sort=carryAdjusted and
 * minCarryAdjusted over a stored scan of ETHUSDT.P (near 3,500), BTCUSDT.P (near 97,000) and spot
 * SOLUSDT (near 200) on a real SQLite store: each pair's `expected` equals carry.ts
 * carryAdjustedReturn given the z and deviation of the scan's spread recomputed here in two plain
 * passes, the half-life in ms, and the funding carry worked by hand (ETH 1e-4 and BTC 0.5e-4 every
 * 8 h for 30 days: 0.109575 and 0.0547875 a year; SOL spot: 0).
 */
import { carryAdjustedReturn } from '../../src/analytics/carry';
import { scanCarryAdjusted } from '../../src/analytics/scan/carryAdjusted';
import type { Tick } from '../../src/domain';
import { LiveScanner } from '../../src/live';
import type { FundingEvent } from '../../src/store/store';
import { startApi } from './helpers';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2026, 0, 5, 8);
const N = 120;
const W = 60;
const SYMBOLS = ['BTCUSDT.P', 'ETHUSDT.P', 'SOLUSDT'];

test('scanCarryAdjusted: the worked example of its doc comment', () => {
  // spreads [-1.6, 0.4, -1.6, 0.4, 2.4]: mean 0, sd sqrt(11.2 / 4) = 1.67332, z = 2.4 / 1.67332 = 1.43427
  const r = scanCarryAdjusted({
    a: [10, 12, 10, 12, 14],
    b: [5, 5, 5, 5, 5],
    alpha: 11.6,
    beta: 0,
    halfLifeBars: 3,
    tfMs: MIN,
    carry: { long: 0, short: 0 },
    feeBps: 10,
    slippageBps: 0,
  })!;
  expect(r.side).toBe('SHORT');
  expect(r.z).toBeCloseTo(1.43427, 5);
  expect(r.holdMs).toBe(6 * MIN);
  expect(r.reversion).toBeCloseTo((2.4 * 0.75) / 14, 12); // |z| · sigma = the last spread, 2.4
  expect(r.costs).toBeCloseTo(0.002, 15);
  expect(r.expected).toBeCloseTo((2.4 * 0.75) / 14 - 0.002, 12);
  // no half-life or a spread that does not move: null
  expect(
    scanCarryAdjusted({ a: [10, 12], b: [5, 5], alpha: 11, beta: 0, halfLifeBars: null, tfMs: MIN, carry: { long: 0, short: 0 }, feeBps: 10, slippageBps: 0 }),
  ).toBeNull();
  expect(
    scanCarryAdjusted({ a: [10, 10], b: [5, 5], alpha: 10, beta: 0, halfLifeBars: 2, tfMs: MIN, carry: { long: 0, short: 0 }, feeBps: 10, slippageBps: 0 }),
  ).toBeNull();
});

/** One trade a minute a symbol (second 30) around one walk: BTC, ETH = 0.036 BTC + AR noise, SOL = 0.002 BTC + AR noise. */
function ticks(): { ticks: Tick[] } {
  let s = 9;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const out: Tick[] = [];
  let btc = 97_000;
  let e1 = 0;
  let e2 = 0;
  for (let m = 0; m < N; m++) {
    btc += rnd() * 400;
    e1 = 0.6 * e1 + rnd() * 12;
    e2 = 0.6 * e2 + rnd() * 1.5;
    const prices = [Math.round(btc * 10) / 10, Math.round((0.036 * btc + e1) * 100) / 100, Math.round((0.002 * btc + e2) * 1000) / 1000];
    SYMBOLS.forEach((symbol, k) => out.push({ symbol, id: m + 1, ts: T0 + m * MIN + 30_000, price: prices[k]!, qty: 1, isBuyerMaker: false }));
  }
  return { ticks: out };
}

const every8h = (symbol: string, rate: number, mark: number): FundingEvent[] =>
  Array.from({ length: 90 }, (_, k) => ({ symbol, ts: T0 - (89 - k) * 8 * H, rate, mark }));

/** z and sample deviation of a - alpha - beta · b over the window, two plain passes. */
function spreadZ(a: Float64Array, b: Float64Array, alpha: number, beta: number): { z: number; sigma: number } {
  const sp = Array.from(a, (v, i) => v - alpha - beta * b[i]!);
  const mean = sp.reduce((p, q) => p + q, 0) / sp.length;
  const sigma = Math.sqrt(sp.reduce((p, q) => p + (q - mean) ** 2, 0) / (sp.length - 1));
  return { z: (sp.at(-1)! - mean) / sigma, sigma };
}

test('/api/scan?sort=carryAdjusted and minCarryAdjusted: each pair carried by its legs funding, ranked and filtered', async () => {
  const h = await startApi({ now: () => T0 + N * MIN + 10 * 86_400_000 });
  try {
    await h.store.insertTicks(ticks().ticks);
    await h.store.insertFunding([...every8h('ETHUSDT.P', 1e-4, 3500), ...every8h('BTCUSDT.P', 0.5e-4, 97_000)]);
    const scanner = new LiveScanner({ store: h.store, symbols: SYMBOLS, tf: '1m', window: W });
    const t = T0 + 100 * MIN;
    const scan = (await scanner.scanAt(t))!;
    const grid = await scanner.seriesAt(t);
    const col = (s: string) => grid.series[grid.symbols.indexOf(s)]!;
    const annual: Record<string, number> = { 'BTCUSDT.P': 0.0547875, 'ETHUSDT.P': 0.109575, SOLUSDT: 0 };

    const r = await h.get(`/api/scan?tf=1m&window=${W}&sort=carryAdjusted`);
    expect(r.status).toBe(200);
    expect(r.body.pairs).toHaveLength(3);
    for (const p of r.body.pairs) {
      const row = scan.pairs.find((q) => q.a === p.a && q.b === p.b)!;
      expect({ ...p, expected: undefined }).toEqual({ ...row, expected: undefined });
      const a = col(p.a);
      const b = col(p.b);
      const { z, sigma } = spreadZ(a, b, row.alpha!, row.beta!);
      const py = a[W - 1]!;
      const px = b[W - 1]!;
      const long = -annual[p.a]! + (annual[p.b]! * row.beta! * px) / py; // carry(LONG) = -a_y + a_x · β · px / py
      const want = carryAdjustedReturn({
        z,
        sigma,
        halfLifeMs: row.halfLife! * MIN,
        py,
        px,
        beta: row.beta!,
        carry: { long, short: -long },
        feeBps: 10,
        slippageBps: 0,
      })!;
      for (const k of ['reversion', 'carry', 'costs', 'expected', 'perYear', 'holdMs', 'z'] as const)
        expect([p.a, p.b, k, p.expected[k]]).toEqual([p.a, p.b, k, expect.closeTo(k === 'z' ? z : want[k], 9)]);
      expect(p.expected.side).toBe(want.side);
      if (p.a.endsWith('.P')) expect(p.expected.carry).not.toBe(0);
    }
    const expected = r.body.pairs.map((p: { expected: { expected: number } }) => p.expected.expected);
    expect(expected).toEqual([...expected].sort((p, q) => q - p));

    // the filter keeps the pairs at or above the threshold, in q-value order without sort
    const mid = expected[1];
    const f = await h.get(`/api/scan?tf=1m&window=${W}&minCarryAdjusted=${mid}`);
    expect(f.body.pairs.map((p: { a: string; b: string }) => `${p.a}/${p.b}`).sort()).toEqual(
      r.body.pairs
        .slice(0, 2)
        .map((p: { a: string; b: string }) => `${p.a}/${p.b}`)
        .sort(),
    );
    // without either option the answer is the stored scan, no `expected`
    expect((await h.get(`/api/scan?tf=1m&window=${W}`)).body).toEqual(scan);
    const bad = await h.get(`/api/scan?tf=1m&window=${W}&sort=pvalue`);
    expect([bad.status, bad.body.param]).toEqual([400, 'sort']);
  } finally {
    await h.close();
  }
});
