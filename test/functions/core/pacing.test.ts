import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from '../../../functions/core/pacing.ts';

describe('ArrivalSchedule', () => {
  it('spaces a constant rate evenly', () => {
    const schedule = new ArrivalSchedule([{ fromRate: 100, toRate: 100, durationMs: 10_000 }]);

    expect(schedule.total).toBe(1_000);
    expect([0, 1, 999].map((k) => schedule.timeOf(k))).toEqual([0, 10, 9_990]);
  });

  it('ramps 0 → 500/s over 60 s then holds 120 s with the exact number of arrivals', () => {
    const schedule = new ArrivalSchedule([
      { fromRate: 0, toRate: 500, durationMs: 60_000 },
      { fromRate: 500, toRate: 500, durationMs: 120_000 },
    ]);

    expect(schedule.total).toBe(15_000 + 60_000);
    // Half the ramp's arrivals (7,500) are due at 60 s × √½: the rate grows linearly.
    expect(schedule.timeOf(7_500)).toBeCloseTo(60_000 * Math.SQRT1_2, 0);
    expect(schedule.timeOf(15_000)).toBeCloseTo(60_000, 6);
    expect(schedule.timeOf(15_500)).toBeCloseTo(61_000, 6);
  });

  it('never schedules arrivals out of order', () => {
    const schedule = new ArrivalSchedule([
      { fromRate: 5, toRate: 300, durationMs: 3_000 },
      { fromRate: 300, toRate: 20, durationMs: 2_000 },
    ]);
    for (let k = 1; k < schedule.total; k++)
      expect(schedule.timeOf(k)).toBeGreaterThanOrEqual(schedule.timeOf(k - 1));
  });
});
