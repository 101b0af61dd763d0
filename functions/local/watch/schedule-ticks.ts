import { cronTimes } from '../../core/suite/cron-times.ts';
import { rateIntervalMs } from '../../core/suite/limits.ts';
import type { Schedule } from '../../core/suite/schedule.ts';

/**
 * When a watched probe runs next, strictly after `after`: a `rate()` schedule (or `--every`) every interval from
 * `anchor` (the watch's start, where its first run is), a `cron()` schedule at its next time in its time zone, as
 * EventBridge Scheduler fires them deployed.
 */
export function nextTick(schedule: Schedule, anchor: Date, after: Date, everyMs?: number): Date {
  const interval = everyMs ?? rateIntervalMs(schedule.expression);
  if (interval === undefined) return cronTimes(schedule.expression, schedule.timezone, after, 1)[0]!;
  const elapsed = after.getTime() - anchor.getTime();
  const periods = elapsed < 0 ? 0 : Math.floor(elapsed / interval) + 1;
  return new Date(anchor.getTime() + periods * interval);
}

/** Whether a probe runs at once when the watch starts: interval schedules do; cron ones wait for their time. */
export function runsAtStart(schedule: Schedule, everyMs?: number): boolean {
  return everyMs !== undefined || rateIntervalMs(schedule.expression) !== undefined;
}

/** "every 5m", "cron(0/15 * * * ? *) Europe/Paris": how the watch names a probe's schedule. */
export function describeSchedule(schedule: Schedule, everyMs?: number): string {
  if (everyMs !== undefined)
    return `every ${everyMs >= 1000 ? `${everyMs / 1000}s` : `${everyMs}ms`} (--every)`;
  return schedule.timezone === 'UTC' ? schedule.expression : `${schedule.expression} ${schedule.timezone}`;
}
