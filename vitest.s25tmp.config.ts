import { defineConfig } from 'vitest/config';
export default defineConfig({
  test: {
    pool: 'forks',
    execArgv: ['--expose-gc'],
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    testTimeout: 240_000,
    hookTimeout: 400_000,
    include: ['test/functions/handlers/notify.test.ts'],
  },
});
