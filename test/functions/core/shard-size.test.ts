import { describe, expect, it } from 'vitest';
import {
  compactShardResult,
  encodedSize,
  shardResultBudget,
} from '../../../functions/core/compact-shard-result.ts';
import { mergeShards } from '../../../functions/core/merge-shards.ts';
import { simulatedShard } from '../../helpers/simulated-shard.ts';

const identity = {
  runId: 'r',
  environment: 'prod',
  probeId: 'payments',
  kind: 'burst',
  plannedShards: 2,
  intendedRps: undefined,
} as const;

describe('shard result size', () => {
  it('stays under 8 KB for a minute of a typical API (20 ms ± 2x, 1 % tail to 500 ms), timeline included', () => {
    const result = simulatedShard(60, 1.5, 500);
    // 20 slots of 3 s, plus one for the last responses completing after the 60th second.
    expect(result.timelineSlotSeconds).toBe(3);
    expect(result.timeline.length).toBeLessThanOrEqual(21);
    expect(encodedSize(result)).toBeLessThan(8 * 1024);
  });

  it('fits 40 shards of a wide one-minute run into one Map state by coarsening only the timeline', () => {
    // 20 ms ± 4.5x with a 1 % tail to 2 s: 3.5 KB of exact run histogram, 8.6 KB in all before compaction.
    const result = simulatedShard(60, 3, 2_000);
    const budget = shardResultBudget(40);
    expect(encodedSize(result)).toBeGreaterThan(budget);
    const compact = compactShardResult(result, budget);
    expect(encodedSize(compact)).toBeLessThanOrEqual(budget);
    expect(40 * encodedSize(compact)).toBeLessThan(256 * 1024);
    // The run histogram and every counter are untouched; the timeline keeps its counts.
    expect(compact.histogram).toBe(result.histogram);
    expect(compact.requests).toEqual(result.requests);
    expect(compact.timeline.reduce((n, s) => n + s.requests, 0)).toBe(result.requests.total);
    expect(compact.timelineSlotSeconds).toBeGreaterThan(result.timelineSlotSeconds);
  });

  it('merges a compacted shard with a full one into aligned slots with the same totals', () => {
    const full = simulatedShard(60, 1.5, 500, 7);
    const compact = compactShardResult(simulatedShard(60, 1.5, 500, 11), 4_000);
    expect(compact.timelineSlotSeconds).toBeGreaterThan(full.timelineSlotSeconds);
    const run = mergeShards(identity, [full, { ...compact, shard: 1 }]);
    const width = compact.timelineSlotSeconds;
    expect(run.timeline.every((p, i) => p.seconds === width && p.second === i * width)).toBe(true);
    expect(run.timeline.reduce((n, p) => n + p.requests, 0)).toBe(
      full.requests.total + compact.requests.total,
    );
    expect(run.timeline.reduce((n, p) => n + p.errors, 0)).toBe(
      full.requests.failed + compact.requests.failed,
    );
  });
});
