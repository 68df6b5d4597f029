// Tests are TypeScript, transpiled by ts-jest without type checking (npm test runs `tsc --noEmit` first).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/schema', '<rootDir>/subgraphs', '<rootDir>/gateway', '<rootDir>/simulators'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  testTimeout: 30000,
  setupFiles: ['<rootDir>/test/support/jest-env.ts'],
  // Real servers (Orthanc, Chromium) are started per test file; two workers fit the 2-core machines.
  maxWorkers: 2,
};
