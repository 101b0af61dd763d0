import { describe, expect, it } from 'vitest';
import { createLatencyHistogram } from '../../../../functions/core/histogram.ts';
import { countAtOrUnder } from '../../../../functions/core/slo/count-at-or-under.ts';
import { sloStatus } from '../../../../functions/core/slo/slo-status.ts';
import { storedRun } from '../../../helpers/stored-runs.ts';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const fast = (n: number) => Array<number>(n).fill(10_000);

let id = 0;
const run = (
  startedAt: string,
  latenciesUs: number[],
  failed = 0,
  valid = true,
  failedLatenciesUs?: number[],
) =>
  storedRun({
    runId: `r${id++}`,
    startedAt,
    latenciesUs,
    failed,
    valid,
    ...(failedLatenciesUs ? { failedLatenciesUs } : {}),
  });

describe('sloStatus: availability', () => {
  // 100,000 good requests a month ago, 2 of 1,000 failed three hours ago, 16 of 1,000 half an hour ago.
  const runs = [
    run(ago(29 * DAY), fast(100_000)),
    run(ago(3 * HOUR), fast(998), 2),
    run(ago(HOUR / 2), fast(984), 16),
    // Could not deliver its load: says nothing about the target.
    run(ago(10 * 60_000), fast(500), 500, false),
    // Outside the 30-day window.
    run(ago(31 * DAY), fast(10), 10),
  ];
  const status = sloStatus('login', { windowDays: 30, availability: 0.999 }, runs, NOW);
  const availability = status.objectives[0]!;

  it('counts good and valid requests of the valid runs in the window, to the request', () => {
    expect(availability.counts).toEqual({ valid: 102_000, good: 101_982, bad: 18 });
    expect(availability.sli).toBe(101_982 / 102_000);
  });

  it('counts invalid runs apart and excludes runs outside the window', () => {
    expect(status.runs).toEqual({ total: 4, valid: 3, invalid: 1 });
    expect(status.unmeasuredBeforeMs).toBe(DAY);
  });

  it('says the budget: (1 − 99.9 %) of the valid requests, spent and left', () => {
    expect(availability.budget.allowed).toBeCloseTo(102, 9);
    expect(availability.budget.spent).toBe(18);
    expect(availability.budget.left).toBeCloseTo(1 - 18 / 102, 12);
  });

  it('burns 16× over the last hour and 9× over six hours; gone in left × 30 days ÷ 16', () => {
    expect(availability.burn.hour).toBeCloseTo(16 / 1000 / 0.001, 9);
    expect(availability.burn.sixHours).toBeCloseTo(18 / 2000 / 0.001, 9);
    expect(availability.burn.threeDays).toBeCloseTo(18 / 2000 / 0.001, 9);
    expect(availability.exhaustedInMs).toBeCloseTo(((1 - 18 / 102) * 30 * DAY) / 16, 0);
  });

  it('says 0 once the budget is spent, and nothing while nothing burns', () => {
    const spent = sloStatus(
      'login',
      { windowDays: 1, availability: 0.99 },
      [run(ago(2 * HOUR), fast(90), 10)],
      NOW,
    );
    expect(spent.objectives[0]!.budget.left).toBeCloseTo(1 - 10 / 1, 9);
    expect(spent.objectives[0]!.exhaustedInMs).toBe(0);
    expect(spent.objectives[0]!.burn.hour).toBeNull();
    const calm = sloStatus(
      'login',
      { windowDays: 1, availability: 0.99 },
      [run(ago(HOUR / 2), fast(100))],
      NOW,
    );
    expect(calm.objectives[0]!.budget.left).toBe(1);
    expect(calm.objectives[0]!.burn.hour).toBe(0);
    expect(calm.objectives[0]!.exhaustedInMs).toBeNull();
  });

  it('has no SLI and no budget without a valid run', () => {
    const none = sloStatus('login', { windowDays: 7, availability: 0.999 }, [], NOW);
    expect(none.objectives[0]).toMatchObject({ sli: null, budget: { left: null }, exhaustedInMs: null });
    expect(none.unmeasuredBeforeMs).toBe(7 * DAY);
  });
});

describe('sloStatus: latency', () => {
  const latencySlo = { windowDays: 30, latency: { thresholdMs: 50, target: 0.99 } };

  it('counts the successful responses at or under the threshold from the merged histograms, exactly', () => {
    // 990 responses at 10 ms, 3 at 5 ms, 7 at 200 ms; 5 requests failed without a response: bad (no good answer).
    const runs = [
      run(ago(2 * DAY), [...fast(495), ...Array<number>(3).fill(200_000)], 5),
      run(ago(HOUR / 4), [...fast(495), ...Array<number>(4).fill(200_000), 5_000, 5_000, 5_000]),
    ];
    const latency = sloStatus('login', latencySlo, runs, NOW).objectives[0]!;

    expect(latency).toMatchObject({ objective: 'latency', thresholdMs: 50, target: 0.99 });
    expect(latency.counts).toEqual({ valid: 1005, good: 993, bad: 12 });
    expect(latency.burn.hour).toBeCloseTo(4 / 502 / 0.01, 9);
  });

  it('counts a fast failed response as bad and the same response succeeding as good, at the threshold', () => {
    // Both sides at exactly 50 ms (a bucket wholly at or under 50,000 µs: 49,952 … 49,983).
    const failedFast = sloStatus('login', latencySlo, [run(ago(HOUR), fast(9), 0, true, [49_983])], NOW);
    const succeeded = sloStatus('login', latencySlo, [run(ago(HOUR), [...fast(9), 49_983])], NOW);

    expect(failedFast.objectives[0]!.counts).toEqual({ valid: 10, good: 9, bad: 1 });
    expect(succeeded.objectives[0]!.counts).toEqual({ valid: 10, good: 10, bad: 0 });
  });

  it('counts a successful response just over the threshold as bad', () => {
    const slow = sloStatus('login', latencySlo, [run(ago(HOUR), [...fast(9), 50_016])], NOW);

    expect(slow.objectives[0]!.counts).toEqual({ valid: 10, good: 9, bad: 1 });
  });

  it('merges the failed parts across runs, and reads runs stored before them as all successful', () => {
    const runs = [
      run(ago(HOUR), fast(10), 0, true, [1_000, 1_000]),
      run(ago(2 * HOUR), fast(10), 0, true, [1_000]),
      // Stored before failedHistogram was kept: its histogram's responses cannot be told apart.
      { ...run(ago(3 * HOUR), fast(10)), requests: { total: 12, ok: 10, failed: 2 } },
    ];
    const latency = sloStatus('login', latencySlo, runs, NOW).objectives[0]!;

    expect(latency.counts).toEqual({ valid: 35, good: 30, bad: 5 });
  });
});

describe('countAtOrUnder', () => {
  // At 50 ms the histogram's buckets are 32 µs wide: 49,952 … 49,983 lies under 50,000, 49,984 … 50,015 straddles it.
  it('counts a bucket wholly at or under the threshold and not the one that straddles it', () => {
    const histogram = createLatencyHistogram();
    histogram.recordValue(49_983);
    histogram.recordValue(49_990);
    histogram.recordValue(50_001);

    expect(countAtOrUnder(histogram, 50_000)).toBe(1);
    expect(countAtOrUnder(histogram, 50_015)).toBe(3);
  });

  it('is exact to the microsecond where buckets are 1 µs wide (under 2,048 µs)', () => {
    const histogram = createLatencyHistogram();
    histogram.recordValue(1_000);
    histogram.recordValue(1_001);

    expect(countAtOrUnder(histogram, 1_000)).toBe(1);
    expect(countAtOrUnder(histogram, 999)).toBe(0);
  });
});
