/**
 * Mutation testing of the code that makes verdicts (`npm run test:mutation`, run by .ci/run): every mutant of
 * these files must be killed by vitest.mutation.config.ts's tests, or marked equivalent in the source with a
 * `// Stryker disable next-line <mutator>: <why>` comment. The break threshold fails CI below 90 %.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'functions/core/sla.ts',
    'functions/core/regression.ts',
    // Merging shards, and the run's validity rules (judgeValidity).
    'functions/core/merge-shards.ts',
    'functions/core/alert-evaluator.ts',
    'functions/core/notify/incident.ts',
    'functions/core/assertions.ts',
    'functions/core/rate-limit/*.ts',
  ],
  // The last full run's results are committed: CI retests only mutants whose code or covering tests changed since.
  incremental: true,
  incrementalFile: '.ci/stryker-incremental.json',
  coverageAnalysis: 'perTest',
  // Mutants of module-level constants would each rerun every test (no per-test coverage): reported as ignored.
  ignoreStatic: true,
  concurrency: 2,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'json', 'html'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
