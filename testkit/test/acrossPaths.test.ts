/** The comparison across computation paths: passes within the derived tolerances, fails beyond them. */
import { acrossPathsTolerance, expectAcrossPaths } from '../src/acrossPaths';

describe('expectAcrossPaths', () => {
  it('accepts the difference seen between two paths, refuses one just outside the tolerance', () => {
    expect(() => expectAcrossPaths([1.7501641555024674, null], [1.7501641555024667, null], 'z', 'z')).not.toThrow();
    expect(() => expectAcrossPaths([1.75 + 2.1e-7], [1.75], 'z', 'z')).toThrow(/z\[0\]: expected 1.75, got .* > 2e-7/);
    expect(() => expectAcrossPaths([0.05 * (1 + 1.9e-9)], [0.05], 'beta', 'beta')).not.toThrow();
    expect(() => expectAcrossPaths([0.05 * (1 + 2.1e-9)], [0.05], 'beta', 'beta')).toThrow(/beta\[0\]/);
  });
  it('scales levels by the price of y, and needs it', () => {
    expect(acrossPathsTolerance('level', 0.3, 3000)).toBeCloseTo(6e-6, 20);
    expect(() => acrossPathsTolerance('level', 0.3)).toThrow(/price scale/);
  });
  it('wants the same nulls and the same length', () => {
    expect(() => expectAcrossPaths([null, 1], [1, 1], 'z', 'z')).toThrow(/z\[0\]: expected 1, got null/);
    expect(() => expectAcrossPaths([1], [1, 1], 'z', 'z')).toThrow(/1 values, expected 2/);
  });
});
