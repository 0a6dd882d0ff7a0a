/**
 * UniverseRefresher's rules (UNIVERSE=top:N refreshed daily): a changed top N is applied with
 * what was added and removed, an unchanged one or a failed lookup changes nothing (the top N in
 * use stays), and a failed apply leaves the old top N in use so the next lookup tries again.
 * The wiring against the fake Binance is in test/e2e/universe.test.ts.
 */
import { log } from '../../src/log';
import { UniverseRefresher, type UniverseChange } from '../../src/live';

beforeAll(() => log.configure({ level: 'error' }));
afterAll(() => log.configure({ level: 'warn' }));

function refresher(answers: Array<string[] | Error>, failApply = false, intervalMs?: number) {
  const applied: UniverseChange[] = [];
  const r = new UniverseRefresher({
    n: 3,
    intervalMs,
    top: ['A', 'B', 'C'],
    lookup: (n) => {
      expect(n).toBe(3);
      const a = answers.shift()!;
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
    apply: (change) => {
      if (failApply) return Promise.reject(new Error('store down'));
      applied.push(change);
      return Promise.resolve();
    },
  });
  return { r, applied };
}

test('a changed top N is applied with its added and removed symbols; the same set again is no change', async () => {
  const { r, applied } = refresher([
    ['B', 'D', 'A'],
    ['A', 'B', 'D'],
    ['B', 'D', 'A'],
  ]);
  expect(await r.refresh()).toEqual({ top: ['B', 'D', 'A'], added: ['D'], removed: ['C'] });
  expect(r.current()).toEqual(['B', 'D', 'A']);
  // a new order of the same symbols keeps the universe (and with it every pair's orientation)
  expect(await r.refresh()).toBeNull();
  expect(await r.refresh()).toBeNull();
  expect(applied).toHaveLength(1);
  expect(r.stats).toEqual({ lookups: 3, changes: 1, failures: 0 });
});

test('a failed lookup or an answer of fewer than 2 symbols keeps the top N in use', async () => {
  const { r, applied } = refresher([new Error('HTTP 500'), ['A']]);
  expect(await r.refresh()).toBeNull();
  expect(await r.refresh()).toBeNull();
  expect(r.current()).toEqual(['A', 'B', 'C']);
  expect(applied).toEqual([]);
  expect(r.stats).toEqual({ lookups: 2, changes: 0, failures: 2 });
});

test('a failed apply rejects and leaves the old top N in use, so the next lookup sees the change again', async () => {
  const { r } = refresher([['A', 'B', 'D']], true);
  await expect(r.refresh()).rejects.toThrow('store down');
  expect(r.current()).toEqual(['A', 'B', 'C']);
});

test('looks up every intervalMs (UNIVERSE_REFRESH), 24 h without it', async () => {
  expect(refresher([]).r.intervalMs).toBe(86_400_000);
  jest.useFakeTimers();
  try {
    const { r, applied } = refresher(
      [
        ['A', 'B', 'D'],
        ['A', 'B', 'D'],
        ['A', 'B', 'D'],
      ],
      false,
      6 * 3_600_000,
    );
    expect(r.intervalMs).toBe(6 * 3_600_000);
    r.start();
    await jest.advanceTimersByTimeAsync(6 * 3_600_000 - 1);
    expect(r.stats.lookups).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(r.stats.lookups).toBe(1);
    expect(applied).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(2 * 6 * 3_600_000);
    expect(r.stats.lookups).toBe(3);
    await r.stop();
  } finally {
    jest.useRealTimers();
  }
});
