import { describe, expect, it } from 'vitest';
import {
  cronProblem,
  rateProblem,
  scheduleExpressionProblem,
} from '../../../../functions/core/suite/schedule-expression.ts';
import { SuiteValidationError, validateSuite } from '../../../../functions/core/suite/validate-suite.ts';

describe('cron expressions, as EventBridge Scheduler reads them', () => {
  it.each([
    ['every 15 minutes', 'cron(0/15 * * * ? *)'],
    ['a star step', 'cron(*/5 * * * ? *)'],
    ['weekdays at 9:00 by name', 'cron(0 9 ? * MON-FRI *)'],
    ['weekdays by number (1 = SUN)', 'cron(0 9 ? * 2-6 *)'],
    ['a list of hours', 'cron(0 10,15 * * ? *)'],
    ['a stepped range', 'cron(10-30/5 * * * ? *)'],
    ['months by name in a list', 'cron(0 0 1 JAN,APR,JUL,OCT ? *)'],
    ['a month range by name', 'cron(0 0 1 JAN-MAR ? *)'],
    ['the last day of the month', 'cron(0 12 L * ? *)'],
    ['the weekday nearest the 15th', 'cron(0 12 15W * ? *)'],
    ['the last weekday of the month', 'cron(0 12 LW * ? *)'],
    ['the last Friday of the month', 'cron(0 12 ? * 6L *)'],
    ['the last Friday, by name', 'cron(0 12 ? * FRIL *)'],
    ['the last day of the week', 'cron(0 12 ? * L *)'],
    ['the second Tuesday', 'cron(0 12 ? * 3#2 *)'],
    ['the first Monday, by name', 'cron(0 12 ? * MON#1 *)'],
    ['a year range', 'cron(0 0 1 1 ? 2026-2030)'],
    ['the edges of every range', 'cron(59 23 31 12 ? 2199)'],
    ['the lower edges', 'cron(0 0 1 1 ? 1970)'],
    ['day-of-week 7 (SAT)', 'cron(0 0 ? * 7 *)'],
    ['? in day-of-month, * in day-of-week', 'cron(0 8 ? * * *)'],
  ])('accepts %s: %s', (_, expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    [
      'five fields',
      'cron(0 9 * * ?)',
      'expected six cron fields (minutes hours day-of-month month day-of-week year), got 5 in "cron(0 9 * * ?)"',
    ],
    [
      'seven fields',
      'cron(0 0 9 * * ? *)',
      'expected six cron fields (minutes hours day-of-month month day-of-week year), got 7 in "cron(0 0 9 * * ? *)"',
    ],
    [
      'no fields',
      'cron()',
      'expected six cron fields (minutes hours day-of-month month day-of-week year), got 0 in "cron()"',
    ],
    [
      'letters for minutes',
      'cron(a b c d e f)',
      'expected values 0–59 in the minutes field (wildcards , - * /), got "a" in "cron(a b c d e f)"',
    ],
    [
      'minute 99',
      'cron(99 * * * ? *)',
      'expected values 0–59 in the minutes field (wildcards , - * /), got "99" in "cron(99 * * * ? *)"',
    ],
    [
      'hour 24',
      'cron(0 24 * * ? *)',
      'expected values 0–23 in the hours field (wildcards , - * /), got "24" in "cron(0 24 * * ? *)"',
    ],
    [
      'day-of-month 0',
      'cron(0 0 0 * ? *)',
      'expected values 1–31 in the day-of-month field (wildcards , - * ? / L W), got "0" in "cron(0 0 0 * ? *)"',
    ],
    [
      'day-of-month 32',
      'cron(0 0 32 * ? *)',
      'expected values 1–31 in the day-of-month field (wildcards , - * ? / L W), got "32" in "cron(0 0 32 * ? *)"',
    ],
    [
      'month 13',
      'cron(0 0 1 13 ? *)',
      'expected values 1–12 or JAN–DEC in the month field (wildcards , - * /), got "13" in "cron(0 0 1 13 ? *)"',
    ],
    [
      'a lowercase month',
      'cron(0 0 1 jan ? *)',
      'expected values 1–12 or JAN–DEC in the month field (wildcards , - * /), got "jan" in "cron(0 0 1 jan ? *)"',
    ],
    [
      'a day name in the month field',
      'cron(0 0 1 MON ? *)',
      'expected values 1–12 or JAN–DEC in the month field (wildcards , - * /), got "MON" in "cron(0 0 1 MON ? *)"',
    ],
    [
      'day-of-week 0',
      'cron(0 0 ? * 0 *)',
      'expected values 1–7 or SUN–SAT in the day-of-week field (wildcards , - * ? L #), got "0" in "cron(0 0 ? * 0 *)"',
    ],
    [
      'day-of-week 8',
      'cron(0 0 ? * 8 *)',
      'expected values 1–7 or SUN–SAT in the day-of-week field (wildcards , - * ? L #), got "8" in "cron(0 0 ? * 8 *)"',
    ],
    [
      'year 1969',
      'cron(0 0 1 1 ? 1969)',
      'expected values 1970–2199 in the year field (wildcards , - * /), got "1969" in "cron(0 0 1 1 ? 1969)"',
    ],
    [
      'year 2200',
      'cron(0 0 1 1 ? 2200)',
      'expected values 1970–2199 in the year field (wildcards , - * /), got "2200" in "cron(0 0 1 1 ? 2200)"',
    ],
    [
      'a range that runs backwards',
      'cron(0 0 ? * FRI-MON *)',
      'expected a range from low to high in the day-of-week field (wildcards , - * ? L #), got "FRI-MON" in "cron(0 0 ? * FRI-MON *)"',
    ],
    [
      'a step of 0',
      'cron(0/0 * * * ? *)',
      'expected an increment between 1 and 60 after "/" in the minutes field (wildcards , - * /), got "0/0" in "cron(0/0 * * * ? *)"',
    ],
    [
      'a step larger than the field',
      'cron(0 0/25 * * ? *)',
      'expected an increment between 1 and 24 after "/" in the hours field (wildcards , - * /), got "0/25" in "cron(0 0/25 * * ? *)"',
    ],
    [
      'two steps',
      'cron(0/5/2 * * * ? *)',
      'expected a single "/" increment in the minutes field (wildcards , - * /), got "0/5/2" in "cron(0/5/2 * * * ? *)"',
    ],
    [
      'an empty list item',
      'cron(0 1,,2 * * ? *)',
      'expected a list without empty items in the hours field (wildcards , - * /), got "1,,2" in "cron(0 1,,2 * * ? *)"',
    ],
    [
      '? outside the day fields',
      'cron(? 0 * * ? *)',
      'expected no "?" (only the two day fields take it) in the minutes field (wildcards , - * /), got "?" in "cron(? 0 * * ? *)"',
    ],
    [
      'L in the hours field',
      'cron(0 L * * ? *)',
      'expected values 0–23 in the hours field (wildcards , - * /), got "L" in "cron(0 L * * ? *)"',
    ],
    [
      'W after a day out of range',
      'cron(0 0 32W * ? *)',
      'expected a day 1–31 before "W" (the nearest weekday), like "15W" in the day-of-month field (wildcards , - * ? / L W), got "32W" in "cron(0 0 32W * ? *)"',
    ],
    [
      'W in the day-of-week field',
      'cron(0 0 ? * 2W *)',
      'expected values 1–7 or SUN–SAT in the day-of-week field (wildcards , - * ? L #), got "2W" in "cron(0 0 ? * 2W *)"',
    ],
    [
      'L after a day out of range',
      'cron(0 0 ? * 9L *)',
      'expected a day 1–7 or SUN–SAT before "L" (the last of the month), like "6L" in the day-of-week field (wildcards , - * ? L #), got "9L" in "cron(0 0 ? * 9L *)"',
    ],
    [
      'a sixth instance of a weekday',
      'cron(0 0 ? * 3#6 *)',
      'expected a day 1–7 or SUN–SAT, "#" and its instance 1–5 in the month, like "3#2" in the day-of-week field (wildcards , - * ? L #), got "3#6" in "cron(0 0 ? * 3#6 *)"',
    ],
    [
      'two # expressions',
      'cron(0 0 ? * 3#1,6#3 *)',
      'expected a single "#" expression (Scheduler reads "3#1,6#3" as two) in the day-of-week field (wildcards , - * ? L #), got "3#1,6#3" in "cron(0 0 ? * 3#1,6#3 *)"',
    ],
    [
      '# in the day-of-month field',
      'cron(0 0 3#2 * ? *)',
      'expected values 1–31 in the day-of-month field (wildcards , - * ? / L W), got "3#2" in "cron(0 0 3#2 * ? *)"',
    ],
    [
      'both day fields set',
      'cron(0 9 * * MON-FRI *)',
      'expected "?" in exactly one of day-of-month and day-of-week (Scheduler cannot combine them), got "*" and "MON-FRI" in "cron(0 9 * * MON-FRI *)"',
    ],
    [
      '* in both day fields',
      'cron(0 9 * * * *)',
      'expected "?" in exactly one of day-of-month and day-of-week (Scheduler cannot combine them), got "*" and "*" in "cron(0 9 * * * *)"',
    ],
    [
      '? in both day fields',
      'cron(0 9 ? * ? *)',
      'expected "?" in exactly one of day-of-month and day-of-week (Scheduler cannot combine them), got "?" in both in "cron(0 9 ? * ? *)"',
    ],
  ])('refuses %s', (_, expression, message) => {
    expect(cronProblem(expression)).toBe(message);
  });
});

describe('rate expressions', () => {
  it.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(7 days)',
  ])('accepts %s', (expression) => {
    expect(rateProblem(expression)).toBeUndefined();
  });

  it.each([
    ['rate(1 minutes)', 'expected "rate(1 minute)" (singular for 1), got "rate(1 minutes)"'],
    ['rate(5 minute)', 'expected "rate(5 minutes)" (plural above 1), got "rate(5 minute)"'],
    ['rate(2 day)', 'expected "rate(2 days)" (plural above 1), got "rate(2 day)"'],
    ['rate(0 minutes)', 'expected a rate of at least 1, got "rate(0 minutes)"'],
    [
      'rate(30 seconds)',
      'expected "rate(N unit)" with a whole N and a unit of minutes, hours or days, like "rate(5 minutes)" or "rate(1 hour)", got "rate(30 seconds)"',
    ],
    [
      'rate(1.5 hours)',
      'expected "rate(N unit)" with a whole N and a unit of minutes, hours or days, like "rate(5 minutes)" or "rate(1 hour)", got "rate(1.5 hours)"',
    ],
    [
      'rate(5  minutes)',
      'expected "rate(N unit)" with a whole N and a unit of minutes, hours or days, like "rate(5 minutes)" or "rate(1 hour)", got "rate(5  minutes)"',
    ],
  ])('refuses %s', (expression, message) => {
    expect(rateProblem(expression)).toBe(message);
  });

  it('refuses what is neither rate() nor cron()', () => {
    expect(scheduleExpressionProblem('every 5 minutes')).toBe(
      'expected a schedule like "rate(5 minutes)", "rate(1 hour)" or "cron(0/15 * * * ? *)" (six cron fields), got "every 5 minutes"',
    );
  });
});

describe('schedules in a suite', () => {
  function problemsOf(probes: unknown[], defaults?: unknown): string[] {
    try {
      validateSuite({
        name: 's',
        environments: { prod: { baseUrl: 'https://api.example.com' } },
        ...(defaults === undefined ? {} : { defaults }),
        probes,
      });
    } catch (error) {
      if (error instanceof SuiteValidationError) return error.problems.map((p) => `${p.path}: ${p.message}`);
      throw error;
    }
    return [];
  }
  const probe = (id: string, schedule: unknown) => ({ id, request: { url: '/' }, schedule });

  it('names the probe and field of each bad schedule, string or object', () => {
    expect(
      problemsOf([
        probe('a', 'rate(5 minutes)'),
        probe('b', 'cron(0 9 * * MON-FRI *)'),
        probe('c', { expression: 'cron(99 * * * ? *)', timezone: 'Europe/Paris' }),
      ]),
    ).toEqual([
      'probes[1].schedule: expected "?" in exactly one of day-of-month and day-of-week (Scheduler cannot combine them), got "*" and "MON-FRI" in "cron(0 9 * * MON-FRI *)"',
      'probes[2].schedule.expression: expected values 0–59 in the minutes field (wildcards , - * /), got "99" in "cron(99 * * * ? *)"',
    ]);
  });

  it('refuses a schedule that never fires, or not within a year, at its path; accepts next year', () => {
    const year = new Date().getUTCFullYear();
    expect(
      problemsOf([
        probe('a', 'cron(0 0 30 2 ? *)'),
        probe('b', { expression: 'cron(0 0 1 1 ? 2001)', timezone: 'Europe/Paris' }),
        probe('c', `cron(0 0 1 1 ? ${year + 2})`),
        probe('d', `cron(0 0 1 1 ? ${year + 1})`),
      ]),
    ).toEqual([
      'probes[0].schedule: expected a schedule that fires, got "cron(0 0 30 2 ? *)", which never fires (no date matches all its fields)',
      'probes[1].schedule.expression: expected a schedule that fires, got "cron(0 0 1 1 ? 2001)", which never fires (no date matches all its fields in the years it names)',
      `probes[2].schedule: expected a schedule that fires within a year, got "cron(0 0 1 1 ? ${year + 2})", which first fires on ${year + 2}-01-01`,
    ]);
  });

  it('checks the default schedule too', () => {
    expect(problemsOf([probe('a', undefined)], { schedule: 'rate(1 hours)' })).toEqual([
      'defaults.schedule: expected "rate(1 hour)" (singular for 1), got "rate(1 hours)"',
    ]);
  });
});
