/**
 * Jest project for the TypeScript backend and the Grafana emulator (node environment).
 * Run alone with `npx jest -c jest.backend.config.js`; the root jest config runs it as a project.
 * The conformance and end-to-end suites run the built executable: `npm run build:backend` first
 * (their globalSetup builds it when dist/ is missing or older than the sources).
 */
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'backend',
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/test/backend'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  globalSetup: '<rootDir>/test/backend/globalSetup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/backend/timeout.ts'],
};
