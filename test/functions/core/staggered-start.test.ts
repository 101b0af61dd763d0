import { describe, expect, it } from 'vitest';
import { staggeredStartAt } from '../../../functions/core/staggered-start.ts';

const THREE = ['eu-west-1', 'eu-central-1', 'us-east-1'];
const TICK = Date.UTC(2026, 11, 8, 3, 0);
/** `interval` null: a cron schedule without alert.interval. */
const probe = (stagger: boolean, interval: number | null = 300_000) => ({
  located: { locations: THREE, home: 'eu-west-1', quorum: 2, stagger },
  alert: { intervalMs: interval ?? undefined } as never,
});
const at = (p: ReturnType<typeof probe>, location: string | undefined, nowMs = TICK + 200) =>
  staggeredStartAt({ probe: p, nowMs, leadMs: 1_000, scheduledMs: TICK, location });

describe('the start of a run in one of several locations', () => {
  it('is the plan time plus the lead in every location by default (one comparable moment)', () => {
    expect(THREE.map((l) => at(probe(false), l))).toEqual([TICK + 1_200, TICK + 1_200, TICK + 1_200]);
  });

  it('spreads the locations over the interval with stagger: i × interval / n after the tick', () => {
    expect(THREE.map((l) => at(probe(true), l))).toEqual([TICK + 1_200, TICK + 100_000, TICK + 200_000]);
  });

  it('never starts before the lead allows, however late the plan', () => {
    expect(at(probe(true), 'eu-central-1', TICK + 99_500)).toBe(TICK + 100_500);
  });

  it('does not stagger without a location, an interval, a scheduled time or a location of the probe', () => {
    expect(at(probe(true), undefined)).toBe(TICK + 1_200);
    expect(at(probe(true), 'ap-south-1')).toBe(TICK + 1_200);
    expect(at(probe(true, null), 'us-east-1')).toBe(TICK + 1_200);
    expect(
      staggeredStartAt({
        probe: probe(true),
        nowMs: TICK,
        leadMs: 0,
        scheduledMs: undefined,
        location: 'us-east-1',
      }),
    ).toBe(TICK);
    expect(
      staggeredStartAt({
        probe: { alert: { intervalMs: 300_000 } as never },
        nowMs: TICK,
        leadMs: 0,
        scheduledMs: TICK,
        location: 'us-east-1',
      }),
    ).toBe(TICK);
  });
});
