/** The soak's "memory stays flat" rule (soak/hostile.ts flat()), on made-up series. */
import { flat } from '../../soak/hostile';

test('a warm-up rise that levels off, with the heap in use steady, is flat', () => {
  // RSS second half 122 -> 124 (< 25 MB); heap last third mean 22.5 vs first third 22.5.
  expect(flat([100, 110, 120, 122, 123, 124], [20, 25, 22, 21, 23, 22])).toBe(true);
});

test('a heap that keeps growing is a leak, whatever RSS does', () => {
  // heap first third mean 25, last third mean 65: +40 MB.
  expect(flat([100, 101, 102, 103, 104, 105], [20, 30, 40, 50, 60, 70])).toBe(false);
});

test('RSS that climbs through the second half is not flat', () => {
  // RSS from the middle sample (130) to the end (170): +40 MB.
  expect(flat([100, 115, 130, 145, 160, 170], [20, 20, 20, 20, 20, 20])).toBe(false);
});

test('heap unknown (-1: no /metrics) leaves the decision to RSS', () => {
  expect(flat([100, 101, 102], [-1, -1, -1])).toBe(true);
});
