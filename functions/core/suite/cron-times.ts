import { Cron } from 'croner';
import { cronProblem } from './schedule-expression.ts';

// EventBridge Scheduler's six fields → croner's seven (a seconds field first, the year last), with Quartz's
// weekday numbers (1 = SUN) as Scheduler uses them.
const FIELD_MAX = [59, 23, 31, 12, 7, 2199];

/** Rewrites what croner reads differently from Scheduler: "0/15" (croner wants a range before a step), "L" alone. */
function toCroner(expression: string): string {
  const fields = /^cron\((.*)\)$/.exec(expression)![1]!.trim().split(/\s+/);
  const rewritten = fields.map((field, index) => {
    if (index === 4 && field === 'L') return '7'; // the last day of the week: Saturday
    return field
      .split(',')
      .map((item) =>
        item.replace(/^(\d+)\/(\d+)$/, (_, start, step) => `${start}-${FIELD_MAX[index]}/${step}`),
      )
      .join(',');
  });
  return `0 ${rewritten.join(' ')}`;
}

/** The next `count` times a valid Scheduler cron expression fires after `from`, in its time zone. */
export function cronTimes(expression: string, timezone: string, from: Date, count: number): Date[] {
  const problem = cronProblem(expression);
  if (problem !== undefined) throw new RangeError(problem);
  const cron = new Cron(toCroner(expression), {
    mode: '7-part',
    alternativeWeekdays: true,
    timezone,
    paused: true,
  });
  return cron.nextRuns(count, from);
}

/**
 * The shortest time between two runs of a cron schedule among its next `runs` runs, or undefined when it fires
 * fewer than twice more. A run longer than this would overlap the next one, whatever alert.interval says:
 * "cron(0,5 * * * ? *)" runs five minutes apart although it fires twelve times less often than every 5 minutes.
 */
export function shortestCronGapMs(
  expression: string,
  timezone: string,
  from: Date,
  runs = 1_000,
): number | undefined {
  const times = cronTimes(expression, timezone, from, runs);
  let shortest: number | undefined;
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]!.getTime() - times[i - 1]!.getTime();
    if (shortest === undefined || gap < shortest) shortest = gap;
  }
  return shortest;
}
