import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../../functions/core/histogram.ts';
import { mergeShards, type RunIdentity } from '../../../functions/core/merge-shards.ts';
import { ShardRecorder } from '../../../functions/core/shard-recorder.ts';
import type { ShardResult } from '../../../functions/core/shard-result.ts';

// A property over random loads (seconds of CPU): in npm test, not in the mutation run's tests
// (vitest.mutation.config.ts), where it would run again for each of the file's mutants.

const identity = (plannedShards: number): RunIdentity => ({
  runId: 'r',
  environment: 'test',
  probeId: 'p',
  kind: 'burst',
  plannedShards,
  intendedRps: undefined,
});

/** Feeds samples (µs, status) into `k` recorders round-robin, as k shards of the same load would see them. */
function shards(samples: readonly [number, number][], k: number): ShardResult[] {
  const recorders = Array.from({ length: k }, () => new ShardRecorder(0));
  samples.forEach(([us, status], i) => {
    const t = (i / samples.length) * 10_000;
    recorders[i % k]!.record(t, us, status, status >= 500 ? 'http_5xx' : undefined, 100);
  });
  return recorders.map((r, shard) =>
    r.toResult({
      probeId: 'p',
      shard,
      kind: 'burst',
      startedAt: '2026-11-22T00:00:00.000Z',
      durationMs: 10_000,
      generator: {
        intendedRequests: undefined,
        sent: r.total,
        lateSends: 0,
        queuedSends: 0,
        unsent: 0,
        eventLoopDelayP99Ms: 1,
      },
    }),
  );
}

const sample = fc.tuple(fc.integer({ min: 1, max: 5_000_000 }), fc.constantFrom(200, 201, 404, 503));

describe('mergeShards, whole against split', () => {
  it('gives the same counts and percentiles for one shard and for the same load split into four', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 2_000 }), (samples) => {
        const whole = mergeShards(identity(1), shards(samples, 1));
        const split = mergeShards(identity(4), shards(samples, 4));

        expect(split.requests).toEqual(whole.requests);
        expect(split.statusCodes).toEqual(whole.statusCodes);
        expect(split.errors).toEqual(whole.errors);
        expect(split.latencyMs).toEqual(whole.latencyMs);
        expect(split.timeline).toEqual(whole.timeline);
        expect(decodeHistogram(split.histogram).totalCount).toBe(samples.length);
      }),
      { numRuns: 50 },
    );
  });
});
