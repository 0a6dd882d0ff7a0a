/** alignBars: the one alignment rule of the HTTP API and the live runner (rule in src/analytics/align.ts). */
import { alignBars } from '../../src/analytics';

describe('alignBars', () => {
  it('the doc example: union of starts, forward fill, starts once both legs have a price', () => {
    // derived by hand: start 0 has only y (x unknown yet) -> dropped; 1: x trades, y forward-filled
    // from 0; 2: only y trades, x forward-filled from 1; 3: both trade
    expect(
      alignBars(
        [
          { start: 0, close: 10 },
          { start: 2, close: 11 },
          { start: 3, close: 12 },
        ],
        [
          { start: 1, close: 100 },
          { start: 3, close: 101 },
        ],
      ),
    ).toEqual({ ts: [1, 2, 3], y: [10, 11, 12], x: [100, 100, 101] });
  });

  it('invents no interval in a gap where neither leg traded, and handles empty legs', () => {
    expect(
      alignBars(
        [
          { start: 0, close: 1 },
          { start: 5, close: 2 },
        ],
        [{ start: 0, close: 9 }],
      ),
    ).toEqual({ ts: [0, 5], y: [1, 2], x: [9, 9] });
    expect(alignBars([], [{ start: 0, close: 9 }])).toEqual({ ts: [], y: [], x: [] });
  });

  it('a duplicated start: the later bar wins', () => {
    expect(
      alignBars(
        [
          { start: 0, close: 1 },
          { start: 0, close: 2 },
        ],
        [{ start: 0, close: 9 }],
      ),
    ).toEqual({ ts: [0], y: [2], x: [9] });
  });

  it('refuses unsorted bars with a message naming the leg', () => {
    expect(() =>
      alignBars(
        [{ start: 0, close: 1 }],
        [
          { start: 2, close: 1 },
          { start: 1, close: 1 },
        ],
      ),
    ).toThrow(/x bars are not sorted by start \(index 1/);
  });
});
