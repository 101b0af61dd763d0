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

/** A year as Scheduler's schedules are judged: 365.25 days. */
export const YEAR_MS = 365.25 * 86_400_000;

/**
 * Why a valid cron expression is useless as a schedule, or undefined when it fires within a year of `now`:
 * "cron(0 0 30 2 ? *)" (no February 30th) and "cron(0 0 1 1 ? 2001)" never fire; a probe that first runs in
 * 2199 watches nothing until then, and its heartbeat alarm has no interval to miss.
 */
export function cronFiringProblem(expression: string, timezone: string, now: Date): string | undefined {
  const [next] = cronTimes(expression, timezone, now, 1);
  if (next === undefined)
    return `expected a schedule that fires, got ${JSON.stringify(expression)}, which never fires (no date matches all its fields${/\d{4}\)$/.test(expression) ? ' in the years it names' : ''})`;
  if (next.getTime() - now.getTime() > YEAR_MS) {
    return `expected a schedule that fires within a year, got ${JSON.stringify(expression)}, which first fires on ${next.toISOString().slice(0, 10)}`;
  }
  return undefined;
}

/** Every value a minutes or hours field takes: "*", "5", "1-5", "*\/10", "0/15", "10-30/5" (no names or L/W/# there). */
function fieldValues(text: string, min: number, max: number): number[] {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [range = '*', step] = item.split('/');
    const [low = '', high] = range.split('-');
    const from = range === '*' ? min : Number(low);
    // "5" alone is one value; "5/10" runs from 5 to the end of the field.
    const to = range === '*' ? max : high !== undefined ? Number(high) : step !== undefined ? max : from;
    for (let v = from; v <= to; v += Number(step ?? 1)) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * How many times a valid cron expression fires in about the year after `from` (to within a daylight-saving hour
 * and the first day's earlier times): the days it fires on, walked one firing a day, times the times of day its
 * minutes and hours fields allow.
 * Walking every firing would take seconds for "every minute"; the day fields never depend on the time of day.
 */
export function cronFiringsInAYear(expression: string, timezone: string, from: Date): number {
  const fields = /^cron\((.*)\)$/.exec(expression)![1]!.trim().split(/\s+/);
  const minutes = fieldValues(fields[0]!, 0, 59);
  const hours = fieldValues(fields[1]!, 0, 23);
  const daily = `cron(${minutes[0]} ${hours[0]} ${fields.slice(2).join(' ')})`;
  const until = from.getTime() + YEAR_MS;
  // At most one firing a day: 367 covers any year.
  const days = cronTimes(daily, timezone, from, 367).filter((t) => t.getTime() < until).length;
  return days * minutes.length * hours.length;
}
