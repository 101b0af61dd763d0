import { defineConfig } from 'vitest/config';

/**
 * The tests that judge the verdict core, for `npm run test:mutation` (stryker.config.mjs): pure, fast, no
 * timing, so each mutant's run is short and a surviving mutant means a missing test, not a flaky one.
 */
export default defineConfig({
  test: {
    include: [
      'test/functions/core/sla.test.ts',
      'test/functions/core/cert-days-sla.test.ts',
      'test/functions/core/regression.test.ts',
      'test/functions/core/merge-shards.test.ts',
      'test/functions/core/alert-evaluator.test.ts',
      'test/functions/core/assertions.test.ts',
      'test/functions/core/notify/incident.test.ts',
      'test/functions/core/notify/notification.test.ts',
      'test/functions/core/rate-limit/judge-rate-limit.test.ts',
      'test/functions/core/rate-limit/rate-limit-recorder.test.ts',
      'test/functions/core/rate-limit/recover.test.ts',
      'test/functions/core/rate-limit/retry-advice.test.ts',
      'test/functions/local/watch-alerts.test.ts',
    ],
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    // As vitest.config.ts: a loaded machine (CI, or Stryker's own two runners) must not fail a test on time.
    testTimeout: 30_000,
  },
});
