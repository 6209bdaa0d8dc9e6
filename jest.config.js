// jest 30 in ESM mode (run with NODE_OPTIONS=--experimental-vm-modules): middy 7 is ESM-only (docs/architecture.md#development).
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }],
  },
};

// The projects whose tests use MySQL start one private MariaDB per run (unless MYSQL_URL is set).
const mysql = {
  globalSetup: '<rootDir>/test/support/mysql-global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/mysql-global-teardown.mjs',
};

export default {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...base, displayName: 'cdk', testMatch: ['<rootDir>/test/cdk/**/*.test.ts'] },
    {
      ...base,
      ...mysql,
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflow/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/workflow/quiet-logs.cjs'],
    },
    { ...base, ...mysql, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
