import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // forks, not threads: timing-sensitive load tests and (later) CDK bundling need their own process.
    pool: 'forks',
    // Memory tests force collections to measure what is retained, not what the GC has yet to reclaim.
    execArgv: ['--expose-gc'],
    // Accuracy tests measure milliseconds on a 2-core machine: one file at a time keeps them honest.
    fileParallelism: false,
    // The functions' JSON logs (Powertools) would bury the report; tests that read logs raise the level.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
