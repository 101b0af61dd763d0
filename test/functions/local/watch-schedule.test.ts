import { describe, expect, it } from 'vitest';
import { describeSchedule, nextTick, runsAtStart } from '../../../functions/local/watch/schedule-ticks.ts';

const at = (iso: string) => new Date(iso);
const anchor = at('2026-11-30T06:00:00.000Z');

describe('when a watched probe runs next', () => {
  it('a rate schedule: every interval from the watch start, the next one strictly after now', () => {
    const every5 = { expression: 'rate(5 minutes)', timezone: 'UTC' };
    expect(runsAtStart(every5)).toBe(true);
    expect(nextTick(every5, anchor, anchor).toISOString()).toBe('2026-11-30T06:05:00.000Z');
    // A run that ended after two ticks passed goes to the next tick to come, not to the missed ones.
    expect(nextTick(every5, anchor, at('2026-11-30T06:12:30Z')).toISOString()).toBe(
      '2026-11-30T06:15:00.000Z',
    );
  });

  it('--every replaces any schedule, sub-minute included', () => {
    const cron = { expression: 'cron(0 2 * * ? *)', timezone: 'UTC' };
    expect(runsAtStart(cron, 1_000)).toBe(true);
    expect(nextTick(cron, anchor, at('2026-11-30T06:00:01.500Z'), 1_000).toISOString()).toBe(
      '2026-11-30T06:00:02.000Z',
    );
    expect(describeSchedule(cron, 1_000)).toBe('every 1s (--every)');
  });

  it('a cron schedule: its next time in its own time zone, not at the start', () => {
    // 02:30 in Paris is 01:30 UTC in winter.
    const nightly = { expression: 'cron(30 2 * * ? *)', timezone: 'Europe/Paris' };
    expect(runsAtStart(nightly)).toBe(false);
    expect(nextTick(nightly, anchor, anchor).toISOString()).toBe('2026-12-01T01:30:00.000Z');
    expect(describeSchedule(nightly)).toBe('cron(30 2 * * ? *) Europe/Paris');
    const quarterly = { expression: 'cron(0/15 * * * ? *)', timezone: 'UTC' };
    expect(nextTick(quarterly, anchor, at('2026-11-30T06:07:00Z')).toISOString()).toBe(
      '2026-11-30T06:15:00.000Z',
    );
  });
});
