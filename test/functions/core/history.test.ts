import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, decodeHistogram, percentileMs } from '../../../functions/core/histogram.ts';
import { probeHistory } from '../../../functions/core/history.ts';
import { lognormalLatencies, storedRun } from '../../helpers/stored-runs.ts';

const window = { from: new Date('2026-11-30T00:00:00Z'), to: new Date('2026-11-30T12:00:00Z') };

describe('probeHistory', () => {
  it('merges runs so the percentiles equal one histogram of all their samples, not an average', async () => {
    const fast = lognormalLatencies(2_000, 20_000, 1);
    const slow = lognormalLatencies(500, 200_000, 2);
    const runs = [
      storedRun({ runId: 'a', startedAt: '2026-11-30T06:10:00.000Z', latenciesUs: fast }),
      storedRun({ runId: 'b', startedAt: '2026-11-30T06:40:00.000Z', latenciesUs: slow }),
    ];
    const all = createLatencyHistogram();
    for (const us of [...fast, ...slow]) all.recordValue(us);

    const history = probeHistory('health', runs, 'hour', window);

    const [bucket] = history.buckets;
    expect(history.buckets).toHaveLength(1);
    expect(bucket?.latencyMs).toEqual({
      p50: percentileMs(all, 50),
      p95: percentileMs(all, 95),
      p99: percentileMs(all, 99),
      max: percentileMs(all, 100),
    });
    expect(decodeHistogram(bucket!.histogram).totalCount).toBe(2_500);
    // The mean of the two runs' p95 is what averaging tools report; the merged p95 differs from it.
    const averaged = (runs[0]!.latencyMs.p95 + runs[1]!.latencyMs.p95) / 2;
    expect(Math.abs(bucket!.latencyMs!.p95 - averaged)).toBeGreaterThan(10);
  });

  it('totals the window from its buckets as exactly as from every sample', () => {
    const samples = [
      lognormalLatencies(800, 20_000, 3),
      lognormalLatencies(300, 90_000, 4),
      lognormalLatencies(50, 5_000, 5),
    ];
    const runs = samples.map((latenciesUs, i) =>
      storedRun({ runId: `r${i}`, startedAt: `2026-11-30T0${6 + i}:30:00.000Z`, latenciesUs }),
    );
    const all = createLatencyHistogram();
    for (const us of samples.flat()) all.recordValue(us);

    const { buckets, total } = probeHistory('health', runs, 'hour', window);

    expect(buckets).toHaveLength(3);
    expect(total.latencyMs).toEqual({
      p50: percentileMs(all, 50),
      p95: percentileMs(all, 95),
      p99: percentileMs(all, 99),
      max: percentileMs(all, 100),
    });
  });

  it('buckets by hour, oldest first, and totals the window', () => {
    const runs = [
      storedRun({ runId: 'c', startedAt: '2026-11-30T08:05:00.000Z', latenciesUs: [3_000], failed: 1 }),
      storedRun({ runId: 'a', startedAt: '2026-11-30T06:10:00.000Z', latenciesUs: [1_000] }),
      storedRun({ runId: 'b', startedAt: '2026-11-30T06:59:59.999Z', latenciesUs: [2_000] }),
    ];

    const history = probeHistory('health', runs, 'hour', window);

    expect(history.buckets.map((b) => [b.from, b.to, b.runs.total, b.requests])).toEqual([
      ['2026-11-30T06:00:00.000Z', '2026-11-30T07:00:00.000Z', 2, 2],
      ['2026-11-30T08:00:00.000Z', '2026-11-30T09:00:00.000Z', 1, 2],
    ]);
    expect(history.total).toMatchObject({
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      runs: { total: 3, valid: 3, invalid: 0 },
      requests: 4,
      failed: 1,
      errorRate: 0.25,
      verdicts: { pass: 2, warn: 0, breach: 1, invalid: 0 },
    });
  });

  it('counts invalid runs but keeps their samples out of the percentiles and the error rate', () => {
    const runs = [
      storedRun({ runId: 'a', startedAt: '2026-11-30T06:10:00.000Z', latenciesUs: [1_000, 1_000] }),
      storedRun({
        runId: 'b',
        startedAt: '2026-11-30T06:20:00.000Z',
        latenciesUs: [900_000],
        failed: 5,
        valid: false,
      }),
    ];

    const { total } = probeHistory('health', runs, 'day', window);

    expect(total.runs).toEqual({ total: 2, valid: 1, invalid: 1 });
    expect(total.verdicts).toEqual({ pass: 1, warn: 0, breach: 0, invalid: 1 });
    expect(total.latencyMs?.max).toBe(1);
    expect(total.errorRate).toBe(0);
  });

  it('says nothing was measured when no valid run completed a response', () => {
    const runs = [
      storedRun({ runId: 'a', startedAt: '2026-11-30T06:10:00.000Z', latenciesUs: [], failed: 3 }),
    ];

    const { total } = probeHistory('health', runs, 'day', window);

    expect(total.latencyMs).toBeNull();
    expect(total.errorRate).toBe(1);
  });
});
