import { findPython, pythonSkipReason } from '../src/python';

describe('the Python references seam', () => {
  test('QP_PYTHON names the interpreter', () => {
    expect(findPython({ QP_PYTHON: '/opt/py/bin/python' })).toBe('/opt/py/bin/python');
  });

  test('a missing interpreter is a skip reason, and a failure when REQUIRE_PYTHON=1', () => {
    expect(pythonSkipReason(['json'], {}, null)).toMatch(/no Python references/);
    expect(() => pythonSkipReason(['json'], { REQUIRE_PYTHON: '1' }, null)).toThrow(/REQUIRE_PYTHON=1/);
  });

  test('a module the interpreter cannot import is named', () => {
    // python3 is on every machine that builds better-sqlite3 (node-gyp needs it)
    expect(pythonSkipReason(['no_such_module_qp'], {}, 'python3')).toMatch(/cannot import no_such_module_qp/);
    expect(pythonSkipReason(['json'], {}, 'python3')).toBeNull();
  });
});
