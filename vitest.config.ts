import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    pool: 'forks',
    setupFiles: ['tests/unit/helpers/fastCheckSeed.ts'],
  },
});
