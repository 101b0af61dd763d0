import fc from 'fast-check';
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

/** Flat stages and ramps up or down: 0–2,000/s, up to 120 s each. */
const stageArb = fc
  .record({
    fromRate: fc.integer({ min: 0, max: 2_000 }),
    toRate: fc.integer({ min: 0, max: 2_000 }),
    durationMs: fc.integer({ min: 1, max: 120_000 }),
    flat: fc.boolean(),
  })
  .map(({ fromRate, toRate, durationMs, flat }) => ({
    fromRate,
    toRate: flat ? fromRate : toRate,
    durationMs,
  }));

function timesOf(schedule: ArrivalSchedule): number[] {
  return Array.from({ length: schedule.total }, (_, j) => schedule.timeOf(j));
}

/** All arrival times of some schedules, sorted: a multiset to compare. */
function sortedTimes(schedules: readonly ArrivalSchedule[]): Float64Array {
  const out = new Float64Array(schedules.reduce((sum, s) => sum + s.total, 0));
  let at = 0;
  for (const s of schedules) for (let j = 0; j < s.total; j++) out[at++] = s.timeOf(j);
  return out.sort();
}

/** Index of the first difference, or -1: vitest's deep equality is too slow for a million numbers. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('ArrivalSchedule with a stride', () => {
  it('gives its shards, together, exactly the arrival times of the unsharded schedule', () => {
    fc.assert(
      fc.property(
        fc.array(stageArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 64 }),
        (stages, k) => {
          const whole = new ArrivalSchedule(stages);
          const shards = Array.from(
            { length: k },
            (_, index) => new ArrivalSchedule(stages, { index, of: k }),
          );

          expect(shards.reduce((sum, s) => sum + s.total, 0)).toBe(whole.total);
          expect(firstDifference(sortedTimes(shards), sortedTimes([whole]))).toBe(-1);
          expect(shards.every((s) => s.durationMs === whole.durationMs)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("schedules shard i's j-th arrival at the whole schedule's arrival i + j·k", () => {
    const stages = [{ fromRate: 0, toRate: 50, durationMs: 3_000 }];
    const whole = new ArrivalSchedule(stages);
    const shard = new ArrivalSchedule(stages, { index: 3, of: 8 });

    expect(whole.total).toBe(75);
    expect(shard.total).toBe(9); // arrivals 3, 11, …, 67
    expect(timesOf(shard)).toEqual([3, 11, 19, 27, 35, 43, 51, 59, 67].map((k) => whole.timeOf(k)));
  });

  it('gives a shard beyond the last arrival nothing to send', () => {
    const shard = new ArrivalSchedule([{ fromRate: 2, toRate: 2, durationMs: 1_000 }], { index: 2, of: 3 });

    expect(shard.total).toBe(0);
  });

  it.each([
    { index: 3, of: 3 },
    { index: -1, of: 2 },
    { index: 0, of: 0 },
    { index: 0.5, of: 2 },
  ])('refuses the stride %j', (stride) => {
    expect(() => new ArrivalSchedule([{ fromRate: 1, toRate: 1, durationMs: 1_000 }], stride)).toThrow(
      /stride: expected \{ index, of \} with whole numbers 0 ≤ index < of/,
    );
  });
});
