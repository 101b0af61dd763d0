import { describe, expect, it } from 'vitest';
import { cronTimes, shortestCronGapMs } from '../../../../functions/core/suite/cron-times.ts';

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
