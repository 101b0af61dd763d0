import { describe, expect, it } from 'vitest';
import { collectRun, plannedRun } from '../../../../functions/core/cloud/collect-run.ts';
import { runRecord } from '../../../../functions/core/cloud/run-record.ts';
import { shardRecord } from '../../../../functions/core/cloud/shard-record.ts';
import { HIGHEST_TRACKABLE_US } from '../../../../functions/core/histogram.ts';
import { planRun } from '../../../../functions/core/plan.ts';
import { ShardRecorder, timelineSlotMs } from '../../../../functions/core/shard-recorder.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { simulatedShard } from '../../../helpers/simulated-shard.ts';

const probe = probeFor('https://api.example.com', {
  load: { kind: 'burst', connections: 4, requests: 8 },
  shards: 4,
});
const planned = plannedRun(planRun(probe, { runId: 'r', startAt: 0, shards: 4 }));
const at = (i: number) => Date.UTC(2026, 10, 30, 6, 0, i);

describe('collecting a run from its shard items', () => {
  it('names the first failure in the coverage reason when no shard reported', () => {
    const records = [0, 1, 2, 3].map((i) =>
      shardRecord(
        'test',
        'r',
        i,
        { failure: { error: 'SecretResolutionError', message: `cause ${i}` } },
        at(i),
      ),
    );
    const run = collectRun(probe, planned, records);
    expect(run.validity.reasons).toEqual([
      'only 0 of 4 shards reported: worker error SecretResolutionError: cause 0 (first of 4 failed shards)',
      'no shard reported',
    ]);
    expect(run.sampleErrors).toEqual(
      [0, 1, 2, 3].map((i) => `shard ${i}: worker error SecretResolutionError: cause ${i}`),
    );
  });

  it('counts a shard without an item as lost, and merges the others', () => {
    const result = { ...simulatedShard(1, 1, 10), shard: 1 };
    const run = collectRun(probe, planned, [shardRecord('test', 'r', 1, { result }, at(0))]);
    expect(run.coverage).toEqual({ planned: 4, reported: 1 });
    expect(run.requests.total).toBe(result.requests.total);
    expect(run.validity.reasons[0]).toBe(
      'only 1 of 4 shards reported: worker lost before writing a result (timeout, crash, throttling or a failed write) (first of 3 failed shards)',
    );
  });

  it('stores even the widest possible run in one DynamoDB item (400 KB): nothing needs coarsening for the table', () => {
    // Every 3-digit bucket from 1 µs to the histogram's ceiling (an hour) occupied, with uneven counts, and
    // responses in every timeline slot.
    const recorder = new ShardRecorder(0, timelineSlotMs(900_000));
    let t = 0;
    let i = 0;
    for (let us = 1; us < HIGHEST_TRACKABLE_US; us = Math.ceil(us * 1.001) + 1) {
      recorder.record(t, us, 200, undefined, 1);
      recorder.histogram.recordValueWithCount(us, (i++ * 7_919) % 1_000);
      t = (t + 997) % 900_000;
    }
    const result = recorder.toResult({
      probeId: 'p',
      shard: 0,
      kind: 'burst',
      startedAt: new Date(at(0)).toISOString(),
      durationMs: 900_000,
      generator: {
        intendedRequests: undefined,
        sent: 1,
        lateSends: 0,
        queuedSends: 0,
        unsent: 0,
        eventLoopDelayP99Ms: 0,
      },
    });
    const one = plannedRun(planRun(probe, { runId: 'r', startAt: 0, shards: 1 }));
    const item = runRecord(
      collectRun(probe, one, [shardRecord('test', 'r', 0, { result }, at(0))]),
      'bank',
      90,
    );
    const shardItem = shardRecord('test', 'r', 0, { result }, at(0));
    console.info(
      `widest run item ${Buffer.byteLength(JSON.stringify(item))} B, widest shard item ${Buffer.byteLength(JSON.stringify(shardItem))} B`,
    );
    expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThan(400 * 1024);
    expect(Buffer.byteLength(JSON.stringify(shardItem))).toBeLessThan(400 * 1024);
  });
});
