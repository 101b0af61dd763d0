import { z } from 'zod';
import { patterned, positive, positiveDuration } from './fields.ts';
import { DEFAULT_ALERT } from './limits.ts';

/** Runs of M out of the last N that breached a critical SLA, before on-call is paged. */
const breachedRunsSchema = z
  .strictObject({
    atLeast: positive('runs', 100, true),
    of: positive('runs', 100, true),
  })
  .refine((v) => v.atLeast <= v.of, { message: 'expected atLeast to be at most of', path: ['atLeast'] });

export const alertSchema = z.strictObject({
  breachedRuns: breachedRunsSchema.optional().default(DEFAULT_ALERT.breachedRuns),
  /** Consecutive schedule intervals without a run before the heartbeat alarm pages. */
  missedRuns: positive('runs', 100, true).optional().default(DEFAULT_ALERT.missedRuns),
  /** Consecutive intervals of invalid runs (nothing measured) before "cannot measure" pages; default missedRuns. */
  invalidRuns: positive('runs', 100, true).optional(),
  /**
   * Runs after a recovery within which a new breach continues the same incident (same dedupKey, said to be
   * flapping) instead of opening a new one.
   */
  recoverAfter: positive('runs', 100, true).optional().default(DEFAULT_ALERT.recoverAfter),
  /**
   * While an incident stays open, remind on-call this often (same dedupKey, how long it has been open, the
   * latest figures); absent: no reminders. At least 5 minutes: the notifier re-checks every 5 minutes.
   */
  remind: positiveDuration(undefined, 'a duration like "1h" or "30m"')
    .refine(
      (ms) => ms >= 300_000,
      'expected at least 5m: the notifier re-checks open incidents every 5 minutes',
    )
    .optional(),
  /**
   * Locations that must breach at once before the incident opens (a page); fewer is a notice. At most the
   * probe's locations. Default: both of two, 2 of three or more, 1 of one.
   */
  minLocations: positive('locations', 100, true).optional(),
  /** The time between runs: derived from rate() schedules, required for cron(). */
  interval: positiveDuration().optional(),
  /** Alarms on CloudWatch's own percentile of the raw latency distribution, per interval: { p99: "800ms" }. */
  latency: z
    .record(patterned(/^p(\d{1,2}(\.\d+)?)$/, 'a percentile key like "p99" or "p99.9"'), positiveDuration())
    .optional(),
  /**
   * A flow's per-step alarms, like `latency` for one step: { settled: { p95: "1500ms" } }. Each step named here
   * publishes its latency with a `Step` dimension (one more custom metric, $0.30 a month) and gets its alarm.
   */
  steps: z
    .record(
      z.string(),
      z.record(
        patterned(/^p(\d{1,2}(\.\d+)?)$/, 'a percentile key like "p99" or "p99.9"'),
        positiveDuration(),
      ),
    )
    .optional(),
});

export type AlertSpec = z.output<typeof alertSchema>;
