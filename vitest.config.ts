import { defineConfig } from 'vitest/config';

/**
 * Files that measure milliseconds (accuracy, lateness, deadlines, a run's validity) on this 2-core machine: they
 * run one at a time, after everything else, with the machine to themselves.
 */
const TIMING = [
  'test/functions/core/engines/accuracy.test.ts',
  'test/functions/core/engines/rate-start.test.ts',
  'test/functions/core/engines/rate-send-time.test.ts',
  'test/functions/core/engines/fault-matrix.test.ts',
  'test/functions/core/engines/h2-faults.test.ts',
  // A thread spinning on the core the test pins: how long the measuring thread waited behind it.
  'test/functions/core/engines/cpu-wait.test.ts',
  'test/functions/adapters/undici-transport.test.ts',
  // A limiter's window against the probe's pacing: a starved generator bunches sends into one window.
  'test/functions/core/rate-limit/rate-limit-probe.test.ts',
  // Whole runs whose verdict depends on a valid run (a starved generator would make it invalid).
  'test/functions/local/cli.test.ts',
  'test/functions/local/exit-codes.test.ts',
  'test/functions/local/commands/regression-run.test.ts',
  // A watch on a 1 s schedule: its alerts need valid runs on time.
  'test/functions/local/watch.test.ts',
  'test/functions/handlers/state-machine.test.ts',
  'test/functions/handlers/notify.test.ts',
  // The docs' examples: whole runs that must exit 0, so they need valid runs too.
  'test/docs/doc-examples.test.ts',
];

/** The packed tarball installed into a fresh project (npm, tsc, esbuild: about a minute): `npm run test:package`. */
const PACKAGE = ['test/package/**/*.test.ts'];

export default defineConfig({
  test: {
    // forks, not threads: timing-sensitive load tests and CDK bundling need their own process.
    pool: 'forks',
    // Memory tests force collections to measure what is retained, not what the GC has yet to reclaim.
    execArgv: ['--expose-gc'],
    // The functions' JSON logs (Powertools) would bury the report; tests that read logs raise the level.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Vitest's default in run mode is one worker fewer than the cores: one on this 2-core machine. The logic
    // files wait on processes and sockets as much as they compute: two at a time took the logic project from
    // about 340 s to 264 s here (the timing files still run one at a time, fileParallelism false).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'logic',
          include: ['test/**/*.test.ts'],
          exclude: [...TIMING, ...PACKAGE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timing',
          include: TIMING,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: { name: 'package', include: PACKAGE, testTimeout: 120_000, hookTimeout: 240_000 },
      },
    ],
  },
});
