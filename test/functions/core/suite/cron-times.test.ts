import { describe, expect, it } from 'vitest';
import {
  cronFiringProblem,
  cronFiringsInAYear,
  cronTimes,
  shortestCronGapMs,
} from '../../../../functions/core/suite/cron-times.ts';

// A Monday.
const from = new Date('2026-11-30T00:00:00Z');
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('cronTimes', () => {
  it.each([
    ['cron(0/15 * * * ? *)', ['2026-11-30T00:15:00.000Z', '2026-11-30T00:30:00.000Z']],
    ['cron(0 9 ? * MON-FRI *)', ['2026-11-30T09:00:00.000Z', '2026-12-01T09:00:00.000Z']],
    ['cron(0 9 ? * 7 *)', ['2026-12-05T09:00:00.000Z', '2026-12-12T09:00:00.000Z']],
    ['cron(0 12 ? * L *)', ['2026-12-05T12:00:00.000Z', '2026-12-12T12:00:00.000Z']],
    ['cron(0 12 ? * 6L *)', ['2026-12-25T12:00:00.000Z', '2027-01-29T12:00:00.000Z']],
    ['cron(0 12 ? * 3#2 *)', ['2026-12-08T12:00:00.000Z', '2027-01-12T12:00:00.000Z']],
    ['cron(0 12 L * ? *)', ['2026-11-30T12:00:00.000Z', '2026-12-31T12:00:00.000Z']],
    ['cron(0 12 15W * ? *)', ['2026-12-15T12:00:00.000Z', '2027-01-15T12:00:00.000Z']],
    ['cron(0 0 1 JAN ? 2027/2)', ['2027-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z']],
  ])('reads %s as Scheduler does (1 = SUN, "0/15" from minute 0)', (expression, expected) => {
    expect(iso(cronTimes(expression, 'UTC', from, 2))).toEqual(expected);
  });

  it('fires in the schedule’s time zone', () => {
    expect(iso(cronTimes('cron(0 9 ? * MON-FRI *)', 'Europe/Paris', from, 1))).toEqual([
      '2026-11-30T08:00:00.000Z',
    ]);
  });

  it('refuses an expression Scheduler would refuse', () => {
    expect(() => cronTimes('cron(0 9 * * MON-FRI *)', 'UTC', from, 1)).toThrow(/exactly one of day-of-month/);
  });
});

describe('shortestCronGapMs', () => {
  it('finds the shortest gap, not the average one', () => {
    expect(shortestCronGapMs('cron(0,5 * * * ? *)', 'UTC', from)).toBe(5 * 60_000);
    expect(shortestCronGapMs('cron(0 9 ? * MON-FRI *)', 'UTC', from)).toBe(86_400_000);
  });

  it('is undefined for a schedule that fires fewer than twice more', () => {
    expect(shortestCronGapMs('cron(0 0 1 1 ? 2027)', 'UTC', from)).toBeUndefined();
  });
});

describe('cronFiringProblem', () => {
  it.each([
    ['cron(0 0 30 2 ? *)', 'which never fires (no date matches all its fields)'],
    ['cron(0 0 31 4 ? *)', 'which never fires (no date matches all its fields)'],
    ['cron(0 0 1 1 ? 2001)', 'which never fires (no date matches all its fields in the years it names)'],
  ])('refuses %s, which never fires', (expression, reason) => {
    expect(cronFiringProblem(expression, 'UTC', from)).toBe(
      `expected a schedule that fires, got "${expression}", ${reason}`,
    );
  });

  it('refuses a schedule whose first run is more than a year away, and accepts one just within', () => {
    // From 2026-11-30: 2027-11-30 is 365 days away (within 365.25), 2027-12-01 is not.
    expect(cronFiringProblem('cron(0 0 30 11 ? 2027)', 'UTC', from)).toBeUndefined();
    expect(cronFiringProblem('cron(0 0 1 12 ? 2027)', 'UTC', from)).toBe(
      'expected a schedule that fires within a year, got "cron(0 0 1 12 ? 2027)", which first fires on 2027-12-01',
    );
  });

  it('accepts a leap day while one is within a year, and refuses it when none is', () => {
    expect(cronFiringProblem('cron(0 0 29 2 ? *)', 'UTC', new Date('2027-03-01T00:00:00Z'))).toBeUndefined();
    expect(cronFiringProblem('cron(0 0 29 2 ? *)', 'UTC', from)).toMatch(/first fires on 2028-02-29/);
  });
});

describe('cronFiringsInAYear', () => {
  it('counts the days it fires on times the times of day', () => {
    const jan1 = new Date('2027-01-01T00:00:00Z');
    // 2027 has 261 weekdays; its first day's 09:00 is after `from`, and 2028 opens on a Saturday.
    expect(cronFiringsInAYear('cron(0 9,17 ? * MON-FRI *)', 'UTC', jan1)).toBe(522);
    expect(cronFiringsInAYear('cron(*/15 9-10 ? * MON-FRI *)', 'UTC', jan1)).toBe(261 * 8);
    // A year is 365.25 days: from midnight, it reaches 06:00 on 2028-01-01, whose three firings count.
    expect(cronFiringsInAYear('cron(5/20 0 1 * ? *)', 'UTC', jan1)).toBe(13 * 3);
    expect(cronFiringsInAYear('cron(0 12 1 1 ? 2027)', 'UTC', jan1)).toBe(1);
  });
});
