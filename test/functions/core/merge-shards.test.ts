import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../../functions/core/histogram.ts';
import { mergeShards, type RunIdentity } from '../../../functions/core/merge-shards.ts';
import { ShardRecorder } from '../../../functions/core/shard-recorder.ts';
import type { ShardResult } from '../../../functions/core/shard-result.ts';

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

describe('mergeShards', () => {
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

  it('reads percentiles from the summed histogram instead of averaging shard percentiles', () => {
    // One fast shard, one slow: the average of their p50s (505 ms) is a value no request had.
    const fast = shards(
      Array.from({ length: 100 }, () => [10_000, 200] as [number, number]),
      1,
    );
    const slow = shards(
      Array.from({ length: 100 }, () => [1_000_000, 200] as [number, number]),
      1,
    );

    const run = mergeShards(identity(2), [...fast, ...slow]);

    expect(run.latencyMs.p50).toBeCloseTo(10, 1);
    expect(run.latencyMs.p99).toBeCloseTo(1000, -1);
  });

  it('flags a run with a missing shard as invalid with partial coverage', () => {
    const five = shards(
      Array.from({ length: 60 }, () => [5_000, 200] as [number, number]),
      5,
    );

    const run = mergeShards(identity(6), five);

    expect(run.coverage).toEqual({ planned: 6, reported: 5 });
    expect(run.validity.valid).toBe(false);
    expect(run.validity.reasons).toEqual(['only 5 of 6 shards reported']);
  });

  it('invalidates a run whose shard measured a rotated (stale) secret: refused credentials are not a breach then', () => {
    const [one, two] = shards(
      Array.from({ length: 20 }, () => [5_000, 401] as [number, number]),
      2,
    );
    const stale =
      'the target refused the credentials (401/403) and ${token} changed since this worker cached it';

    const run = mergeShards(identity(2), [one!, { ...two!, staleSecrets: stale }]);

    expect(run.validity.valid).toBe(false);
    expect(run.validity.reasons).toEqual([stale]);
  });

  it("keeps the worst shard's generator pauses (GC, CPU wait) and says nothing of what no shard recorded", () => {
    const [one, two, three] = shards(
      Array.from({ length: 30 }, () => [5_000, 200] as [number, number]),
      3,
    );
    const health = (s: ShardResult, gc: number, gcMax: number, cpuWait: number): ShardResult => ({
      ...s,
      generator: { ...s.generator, gcPauseMs: gc, gcPauseMaxMs: gcMax, cpuWaitMs: cpuWait },
    });

    const run = mergeShards(identity(3), [
      health(one!, 4, 1.5, 12),
      health(two!, 9, 2.5, 130),
      health(three!, 6, 3, 40),
    ]);

    expect(run.validity.gcPauseMs).toEqual({ total: 9, max: 3 });
    expect(run.validity.cpuWaitMs).toBe(130);
    // A pause is not a validity rule: the run stays valid.
    expect(run.validity.valid).toBe(true);
    const bare = mergeShards(identity(3), [one!, two!, three!]);
    expect(bare.validity).not.toHaveProperty('cpuWaitMs');
    expect(bare.validity).not.toHaveProperty('gcPauseMs');
  });
});

describe('validity: late sends', () => {
  const shardWith = (sent: number, lateSends: number): ShardResult => ({
    ...new ShardRecorder(0).toResult({
      probeId: 'p',
      shard: 0,
      kind: 'rate',
      startedAt: new Date(0).toISOString(),
      durationMs: 1_000,
      generator: {
        intendedRequests: sent,
        sent,
        lateSends,
        queuedSends: 0,
        unsent: 0,
        eventLoopDelayP99Ms: 1,
      },
    }),
  });
  const rateRun = {
    runId: 'r',
    environment: 'e',
    probeId: 'p',
    kind: 'rate',
    plannedShards: 1,
    intendedRps: 40,
  } as const;

  it('does not invalidate a small run for one hiccup (which would hide a real breach)', () => {
    expect(mergeShards(rateRun, [shardWith(40, 1)]).validity.valid).toBe(true);
    expect(mergeShards(rateRun, [shardWith(40, 3)]).validity.valid).toBe(true);
  });

  it('invalidates a run whose generator fell behind: more than three late sends and more than 1 %', () => {
    const small = mergeShards(rateRun, [shardWith(40, 4)]).validity;
    expect(small.valid).toBe(false);
    expect(small.reasons[0]).toMatch(/^4 of 40 sends left more than 10 ms late/);
    expect(mergeShards(rateRun, [shardWith(1_000, 11)]).validity.valid).toBe(false);
    expect(mergeShards(rateRun, [shardWith(1_000, 10)]).validity.valid).toBe(true);
  });
});

describe("validity: the generator's queue at the pool's cap", () => {
  /**
   * A rate shard at 100/s: `sent` sends, each answered by the target in `answerMs` (none when `hung`), of which
   * `queued` (and the `unsent`) waited in the queue with every one of `cap` connections busy.
   */
  function queuedShard(o: {
    sent: number;
    queued: number;
    unsent?: number;
    answerMs: number;
    cap: number;
    hung?: boolean;
  }): ShardResult {
    const recorder = new ShardRecorder(0);
    for (let i = 0; i < o.sent; i++) {
      const answered = o.hung !== true;
      recorder.recordPhases({
        dnsMs: -1,
        connectMs: -1,
        tlsMs: -1,
        ttfbMs: answered ? o.answerMs : -1,
        downloadMs: answered ? 0.01 : -1,
      });
      recorder.record(
        i * 10,
        answered ? o.answerMs * 1000 : -1,
        answered ? 200 : 0,
        answered ? undefined : 'timeout_headers',
        2,
      );
    }
    return recorder.toResult({
      probeId: 'p',
      shard: 0,
      kind: 'rate',
      startedAt: new Date(0).toISOString(),
      durationMs: o.sent * 10,
      generator: {
        intendedRequests: o.sent + (o.unsent ?? 0),
        sent: o.sent,
        lateSends: 0,
        queuedSends: o.queued,
        longestQueueWaitMs: 812,
        poolSize: o.cap,
        poolCap: o.cap,
        unsent: o.unsent ?? 0,
        eventLoopDelayP99Ms: 1,
      },
    });
  }
  const rateRun: RunIdentity = {
    runId: 'r',
    environment: 'e',
    probeId: 'p',
    kind: 'rate',
    plannedShards: 1,
    intendedRps: 100,
    peakRps: 100,
  };

  it('invalidates a run whose target answered steadily but needed more connections than the cap, naming the cap', () => {
    // 100/s × 115 ms keeps about 12 busy; the cap is 10.
    const validity = mergeShards(rateRun, [
      queuedShard({ sent: 600, queued: 460, unsent: 3, answerMs: 115, cap: 10 }),
    ]).validity;

    expect(validity.valid).toBe(false);
    expect(validity.reasons).toEqual([
      "463 of 603 arrivals (76.8 %) waited in perfprobe's queue (longest 812 ms) with all 10 connections of caps.maxConnections busy: at 100 req/s the target's median answer of 115 ms keeps about 12 busy; raise caps.maxConnections to at least 15",
    ]);
    expect(validity).toMatchObject({
      queuedSends: 460,
      unsent: 3,
      longestQueueWaitMs: 812,
      pool: { size: 10, cap: 10 },
    });
  });

  it('judges the pool at 80 % of the cap: 79 ms answers at 100/s (about 7.9 of 10) are not its limit, 81 ms are', () => {
    const below = mergeShards(rateRun, [
      queuedShard({ sent: 600, queued: 100, answerMs: 79, cap: 10 }),
    ]).validity;
    const above = mergeShards(rateRun, [
      queuedShard({ sent: 600, queued: 100, answerMs: 81, cap: 10 }),
    ]).validity;

    expect(below.valid).toBe(true);
    expect(above.valid).toBe(false);
    expect(above.reasons[0]).toMatch(/raise caps\.maxConnections to at least 11$/);
  });

  it('ignores a queue of at most 1 % of the arrivals, or of at most three', () => {
    const at = (sent: number, queued: number) =>
      mergeShards(rateRun, [queuedShard({ sent, queued, answerMs: 115, cap: 10 })]).validity.valid;

    expect(at(600, 6)).toBe(true);
    expect(at(600, 7)).toBe(false);
    expect(at(100, 3)).toBe(true);
    expect(at(100, 4)).toBe(false);
  });

  it("keeps a run valid whose queue came from a stall: the target's typical answer needs a fraction of the cap", () => {
    // Answers in 2 ms but for a stall: 100/s × 2 ms keeps 0.2 busy; the 20 held by the stall were its doing.
    const validity = mergeShards(rateRun, [
      queuedShard({ sent: 300, queued: 80, answerMs: 2, cap: 20 }),
    ]).validity;

    expect(validity.valid).toBe(true);
    expect(validity.queuedSends).toBe(80);
  });

  it('keeps a run valid whose target hung: no answer to blame the pool for, the timeouts breach', () => {
    const validity = mergeShards(rateRun, [
      queuedShard({ sent: 100, queued: 60, unsent: 40, answerMs: 0, cap: 5, hung: true }),
    ]).validity;

    expect(validity.valid).toBe(true);
    expect(validity.unsent).toBe(40);
  });
});
