/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 60000,
  // builds dist/ when missing or stale, for the tests that run `npm run analyze` as a user would
  globalSetup: '<rootDir>/test/globalSetup.ts',
};
