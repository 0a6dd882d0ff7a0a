/** IdTracker against a slow reference: a plain Set of every id seen, gaps = missing ids below the max. */
import { IdTracker } from '../../src/ingest/gaps';
import { rng } from '../../src/fake-binance/rng';

test('worked example from the doc comment', () => {
  const t = new IdTracker(10);
  expect(t.accept(11)).toBe(true);
  expect(t.accept(14)).toBe(true);
  expect(t.gaps).toEqual([[12, 13]]);
  expect(t.accept(11)).toBe(false);
  expect(t.accept(12)).toBe(true);
  expect(t.gaps).toEqual([[13, 13]]);
  expect(t.missing()).toBe(1);
});

test('random arrivals agree with a Set-based reference', () => {
  const r = rng(7);
  const mismatches: string[] = [];
  for (let round = 0; round < 30; round++) {
    const t = new IdTracker(100);
    const seen = new Set<number>();
    for (let i = 0; i <= 100; i++) seen.add(i);
    let max = 100;
    for (let k = 0; k < 200; k++) {
      const id = 90 + Math.floor(r() * 200);
      if (t.accept(id) !== !seen.has(id)) mismatches.push(`round ${round} step ${k}: accept(${id})`);
      seen.add(id);
      max = Math.max(max, id);
      let missing = 0;
      for (let i = 100; i <= max; i++) if (!seen.has(i)) missing++;
      if (t.missing() !== missing || t.high !== max)
        mismatches.push(`round ${round} step ${k}: missing ${t.missing()} != ${missing} or high ${t.high} != ${max}`);
    }
  }
  expect(mismatches).toEqual([]);
});

test('abandonBelow drops the ids the server no longer has', () => {
  const t = new IdTracker(0);
  t.accept(10);
  expect(t.abandonBelow(5)).toBe(4);
  expect(t.gaps).toEqual([[5, 9]]);
  expect(t.abandonBelow(100)).toBe(5);
  expect(t.gaps).toEqual([]);
});
