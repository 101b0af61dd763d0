import { describe, expect, it } from 'vitest';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
} from '../../../functions/core/histogram.ts';
import { mergeShards, type RunIdentity } from '../../../functions/core/merge-shards.ts';
import { ShardRecorder } from '../../../functions/core/shard-recorder.ts';
import type { GeneratorHealth, ShardResult } from '../../../functions/core/shard-result.ts';

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

describe('mergeShards', () => {
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

  it("keeps the failed responses' part of the histogram, merged across shards; none when nothing failed", () => {
    // A 5xx at 2 ms in one shard and at 3 ms in the other, successes at 10 ms; a third shard's refused request
    // failed without a response, so it has no latency to keep.
    const answered = shards(
      [
        [2_000, 503],
        [3_000, 503],
        [10_000, 200],
        [10_000, 200],
      ],
      2,
    );
    const refused = new ShardRecorder(0);
    refused.record(0, -1, 0, 'connection_refused', 0);
    const refusedShard = refused.toResult({
      probeId: 'p',
      shard: 2,
      kind: 'burst',
      startedAt: '2026-11-22T00:00:00.000Z',
      durationMs: 1,
      generator: answered[0]!.generator,
    });

    const run = mergeShards(identity(3), [...answered, refusedShard]);
    const failed = decodeHistogram(run.failedHistogram!);

    expect(run.requests.failed).toBe(3);
    expect(failed.totalCount).toBe(2);
    expect(failed.minNonZeroValue).toBeGreaterThanOrEqual(2_000);
    expect(failed.maxValue).toBeLessThan(3_010);
    expect(refusedShard.failedHistogram).toBeUndefined();
    expect(mergeShards(identity(1), shards([[10_000, 200]], 1)).failedHistogram).toBeUndefined();
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
    const health = (
      s: ShardResult,
      gc: number,
      gcMax: number,
      cpuWait: number,
      steal: number,
    ): ShardResult => ({
      ...s,
      generator: { ...s.generator, gcPauseMs: gc, gcPauseMaxMs: gcMax, cpuWaitMs: cpuWait, stealMs: steal },
    });

    const run = mergeShards(identity(3), [
      health(one!, 4, 1.5, 12, 70),
      health(two!, 9, 2.5, 130, 10),
      health(three!, 6, 3, 40, 0),
    ]);

    expect(run.validity.gcPauseMs).toEqual({ total: 9, max: 3 });
    expect(run.validity.cpuWaitMs).toBe(130);
    expect(run.validity.stealMs).toBe(70);
    // A pause is not a validity rule, nor is steal (a signal): the run stays valid whatever the steal.
    expect(run.validity.valid).toBe(true);
    const bare = mergeShards(identity(3), [one!, two!, three!]);
    expect(bare.validity).not.toHaveProperty('cpuWaitMs');
    expect(bare.validity).not.toHaveProperty('stealMs');
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

const T0 = Date.parse('2026-11-22T00:00:00.000Z');

/**
 * Shard `shard`, started `lateMs` after the run: `perSlot[i]` requests of `latencyMs` in its slot i (`slotMs`
 * wide), the first of each slot failing with 503 when `failing`.
 */
function shardAt(
  shard: number,
  lateMs: number,
  perSlot: readonly number[],
  latencyMs: number,
  options: { failing?: boolean; slotMs?: number; generator?: Partial<GeneratorHealth> } = {},
): ShardResult {
  const slotMs = options.slotMs ?? 1_000;
  const recorder = new ShardRecorder(0, slotMs);
  perSlot.forEach((n, slot) => {
    for (let i = 0; i < n; i++) {
      const fails = options.failing === true && i === 0;
      recorder.record(
        slot * slotMs + i,
        latencyMs * 1000,
        fails ? 503 : 200,
        fails ? 'http_5xx' : undefined,
        10,
      );
    }
  });
  return recorder.toResult({
    probeId: 'p',
    shard,
    kind: 'burst',
    startedAt: new Date(T0 + lateMs).toISOString(),
    durationMs: perSlot.length * slotMs,
    generator: {
      intendedRequests: undefined,
      sent: recorder.total,
      lateSends: 0,
      queuedSends: 0,
      unsent: 0,
      eventLoopDelayP99Ms: 1,
      ...options.generator,
    },
  });
}

describe('the merged timeline, in wall time', () => {
  it('shifts a shard that started 2 s late by two slots: absolute counts, errors and percentiles per second', () => {
    const onTime = shardAt(0, 0, [4, 4, 4], 10, { failing: true });
    const late = shardAt(1, 2_000, [2, 2], 30);

    const run = mergeShards(identity(2), [late, onTime]);

    expect(run.startedAt).toBe('2026-11-22T00:00:00.000Z');
    expect(run.durationMs).toBe(4_000);
    expect(
      run.timeline.map(({ second, seconds, requests, errors }) => [second, seconds, requests, errors]),
    ).toEqual([
      [0, 1, 4, 1],
      [1, 1, 4, 1],
      [2, 1, 6, 1],
      [3, 1, 2, 0],
    ]);
    // The timeline's histograms keep 1 significant digit: 10 ms and 30 ms read within 6 %.
    const percentiles = run.timeline.map((p) => [p.p50, p.p99]);
    for (const [p50, p99] of [percentiles[0]!, percentiles[1]!]) {
      expect(p50).toBeCloseTo(10, -0.5);
      expect(p99).toBeCloseTo(10, -0.5);
    }
    expect(percentiles[2]![0]).toBeCloseTo(10, -0.5);
    expect(percentiles[2]![1]).toBeCloseTo(30, -1);
    expect(percentiles[3]![0]).toBeCloseTo(30, -1);
  });

  it('merges shards whose slots are 2 s wide by wall time, the late one into the slot its start falls in', () => {
    const onTime = shardAt(0, 0, [3, 3, 3], 10, { slotMs: 2_000 });
    const late = shardAt(1, 2_000, [5, 5], 10, { slotMs: 2_000 });

    const run = mergeShards(identity(2), [onTime, late]);

    expect(run.timeline.map(({ second, seconds, requests }) => [second, seconds, requests])).toEqual([
      [0, 2, 3],
      [2, 2, 8],
      [4, 2, 8],
    ]);
  });
});

describe('validity: the generator event loop', () => {
  const loop = (shard: number, ms: number) =>
    shardAt(shard, 0, [10], 5, { generator: { eventLoopDelayP99Ms: ms } });

  it("invalidates a run whose one starved shard sits beside a healthy one, whatever their order: the worst shard's delay", () => {
    for (const shards of [
      [loop(0, 1), loop(1, 150)],
      [loop(0, 150), loop(1, 1)],
    ]) {
      const { validity } = mergeShards(identity(2), shards);

      expect(validity.valid).toBe(false);
      expect(validity.eventLoopDelayP99Ms).toBe(150);
      expect(validity.reasons).toEqual([
        'generator event loop delayed 150 ms (p99): latencies would be inflated',
      ]);
    }
  });

  it('trusts a delay of exactly 100 ms, not one above it', () => {
    expect(mergeShards(identity(2), [loop(0, 1), loop(1, 100)]).validity).toMatchObject({
      valid: true,
      eventLoopDelayP99Ms: 100,
      reasons: [],
    });
    expect(mergeShards(identity(2), [loop(0, 1), loop(1, 100.5)]).validity.valid).toBe(false);
  });
});

describe('the run record', () => {
  it('is partial, and invalid, when fewer shards reported than planned; whole when all did', () => {
    const two = [shardAt(0, 0, [5], 5), shardAt(1, 0, [5], 5)];

    expect(mergeShards(identity(3), two)).toMatchObject({
      partial: true,
      coverage: { planned: 3, reported: 2 },
      validity: { valid: false, reasons: ['only 2 of 3 shards reported'] },
    });
    expect(mergeShards(identity(2), two)).toMatchObject({
      partial: false,
      coverage: { planned: 2, reported: 2 },
      validity: { valid: true, reasons: [] },
    });
  });

  it('says no shard reported, with nothing measured, when none did', () => {
    const run = mergeShards(identity(2), []);

    expect(run).toMatchObject({
      partial: true,
      durationMs: 0,
      throughputRps: 0,
      errorRate: 0,
      requests: { total: 0, ok: 0, failed: 0 },
      timeline: [],
      sampleErrors: [],
      connectAttempts: 0,
      staleRetries: 0,
    });
    expect(run.validity).toMatchObject({
      valid: false,
      achievedRps: 0,
      eventLoopDelayP99Ms: 0,
      reasons: ['only 0 of 2 shards reported', 'no shard reported'],
    });
    expect(run.phasesMs).toBeUndefined();
    expect(run).not.toHaveProperty('steps');
    expect(run).not.toHaveProperty('rateLimit');
    expect(run.validity.sendLatenessMs).toBeUndefined();
  });

  it("adds the shards' counts, and rates them over the span from the first start to the last end", () => {
    const one = shardAt(0, 0, [100, 100], 5, {
      failing: true,
      generator: { sent: 210, lateSends: 2, queuedSends: 3, unsent: 4, connectAttempts: 7, staleRetries: 1 },
    });
    const two = shardAt(1, 500, [50, 50], 5, {
      generator: { sent: 100, lateSends: 1, queuedSends: 1, unsent: 0 },
    });

    const run = mergeShards({ ...identity(2), intendedRps: 150 }, [one, two]);

    expect(run).toMatchObject({
      version: 1,
      runId: 'r',
      environment: 'test',
      probeId: 'p',
      kind: 'burst',
      durationMs: 2_500,
      requests: { total: 300, ok: 298, failed: 2 },
      throughputRps: 120,
      errorRate: 2 / 300,
      statusCodes: { '200': 298, '503': 2 },
      errors: { http_5xx: 2 },
      bytesReceived: 3_000,
      connectAttempts: 7,
      staleRetries: 1,
    });
    expect(run.validity).toMatchObject({
      valid: true,
      intendedRps: 150,
      achievedRps: 124,
      lateSends: 3,
      queuedSends: 4,
      unsent: 4,
    });
  });

  it('rounds the achieved and measured rates to hundredths', () => {
    const run = mergeShards(identity(1), [shardAt(0, 0, [1, 0, 0], 5)]);

    // 1 request in 3 s.
    expect(run.throughputRps).toBe(0.33);
    expect(run.validity.achievedRps).toBe(0.33);
  });

  it("keeps the first shard's reason to stop, and invalidates the run only when it was interrupted", () => {
    const stopped = (shard: number, why: string | undefined): ShardResult => ({
      ...shardAt(shard, 0, [5], 5),
      stoppedEarly: why,
    });

    const interrupted = mergeShards(identity(2), [stopped(0, undefined), stopped(1, 'interrupted (SIGINT)')]);
    const aborted = mergeShards(identity(2), [
      stopped(0, 'abort rule: error rate 60 %'),
      stopped(1, 'other'),
    ]);

    expect(interrupted.stoppedEarly).toBe('interrupted (SIGINT)');
    expect(interrupted.validity.reasons).toEqual(['interrupted (SIGINT)']);
    expect(aborted.stoppedEarly).toBe('abort rule: error rate 60 %');
    expect(aborted.validity).toMatchObject({ valid: true, reasons: [] });
  });

  it('keeps at most five distinct sample errors, in shard order', () => {
    const sampled = (shard: number, errors: string[]): ShardResult => ({
      ...shardAt(shard, 0, [5], 5),
      sampleErrors: errors,
    });

    const run = mergeShards(identity(2), [
      sampled(0, ['a', 'b', 'c']),
      sampled(1, ['c', 'd', 'e', 'f', 'g']),
    ]);

    expect(run.sampleErrors).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it("merges the generators' send lateness, and the phases a request went through, from their histograms", () => {
    const lateness = (...us: number[]) => {
      const histogram = createLatencyHistogram();
      for (const v of us) histogram.recordValue(v);
      return encodeHistogram(histogram);
    };
    const phased = (shard: number, connectMs: number, sendLateness: string | undefined): ShardResult => {
      const recorder = new ShardRecorder(0);
      for (let i = 0; i < 10; i++) {
        recorder.record(i, 5_000, 200, undefined, 10);
        recorder.recordPhases({ dnsMs: -1, connectMs, tlsMs: -1, ttfbMs: 4, downloadMs: 1 });
      }
      const result = recorder.toResult({
        probeId: 'p',
        shard,
        kind: 'burst',
        startedAt: new Date(T0).toISOString(),
        durationMs: 1_000,
        generator: {
          intendedRequests: undefined,
          sent: 10,
          lateSends: 0,
          queuedSends: 0,
          unsent: 0,
          eventLoopDelayP99Ms: 1,
          ...(sendLateness === undefined ? {} : { sendLateness }),
        },
      });
      return result;
    };

    const run = mergeShards(identity(3), [
      phased(0, 2, lateness(1_000, 2_000)),
      phased(1, 8, undefined),
      phased(2, 8, lateness(3_000, 40_000)),
    ]);

    expect(run.validity.sendLatenessMs).toEqual({ p50: 2, p99: 40.031, max: 40.031 });
    expect(Object.keys(run.phasesMs ?? {})).toEqual(['connect', 'ttfb', 'download']);
    expect(run.phasesMs?.connect).toEqual({ count: 30, p50: 8, p95: 8, p99: 8 });
    expect(run.phasesMs?.ttfb).toMatchObject({ count: 30, p50: 4 });
    // A phase recorded only as an empty histogram is not a phase that happened.
    const empty = { ...phased(0, 2, undefined), phases: { dns: encodeHistogram(createLatencyHistogram()) } };
    expect(mergeShards(identity(1), [empty]).phasesMs).toBeUndefined();
  });

  it("carries the flow's merged steps and the limiter's verdict when a shard has them, and neither otherwise", () => {
    const histogram = encodeHistogram(createLatencyHistogram());
    const flow: ShardResult = {
      ...shardAt(0, 0, [5], 5),
      steps: [{ name: 'login', histogram, requests: { total: 5, ok: 5, failed: 0 }, errors: {} }],
      rateLimit: {
        limit: 20,
        windowMs: 1_000,
        responses: 5,
        rejected: 0,
        expectedRejected: 0,
        withinLimit429s: 0,
        adviceProblems: 0,
        http5xx: 0,
        samples: [],
      },
    };

    const run = mergeShards(identity(1), [flow]);

    expect(run.steps?.map((s) => s.name)).toEqual(['login']);
    expect(run.rateLimit).toMatchObject({ limit: 20, passed: true });
    const plain = mergeShards(identity(1), [shardAt(0, 0, [5], 5)]);
    expect(plain).not.toHaveProperty('steps');
    expect(plain).not.toHaveProperty('rateLimit');
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

  it('does not blame the pool at exactly 80 % of its cap: 8 ms answers at 1,000/s keep 8 of 10 busy', () => {
    const at = (answerMs: number) => {
      // No download phase, so the answer is the time to first byte alone (8 ms reads back as exactly 8).
      const recorder = new ShardRecorder(0);
      for (let i = 0; i < 600; i++) {
        recorder.recordPhases({ dnsMs: -1, connectMs: -1, tlsMs: -1, ttfbMs: answerMs, downloadMs: -1 });
        recorder.record(i * 10, answerMs * 1000, 200, undefined, 2);
      }
      const { probeId, shard, kind, startedAt, durationMs, generator } = queuedShard({
        sent: 600,
        queued: 100,
        answerMs,
        cap: 10,
      });
      const result = recorder.toResult({ probeId, shard, kind, startedAt, durationMs, generator });
      return mergeShards({ ...rateRun, peakRps: 1_000 }, [result]).validity.valid;
    };

    expect(at(8)).toBe(true);
    expect(at(9)).toBe(false);
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
  it('sums the pool over the shards that report one, ignoring a shard without a pool size or cap', () => {
    const full = queuedShard({ sent: 600, queued: 460, answerMs: 115, cap: 10 });
    const noCap: ShardResult = { ...full, generator: { ...full.generator, poolCap: undefined } };
    const noSize: ShardResult = { ...full, generator: { ...full.generator, poolSize: undefined } };
    const validity = mergeShards({ ...rateRun, plannedShards: 3 }, [full, noCap, noSize]).validity;

    expect(validity.pool).toEqual({ size: 10, cap: 10 });
  });

  it('does not judge the queue of a run with no pool or no peak rate, however long the queue', () => {
    const full = queuedShard({ sent: 600, queued: 460, answerMs: 115, cap: 10 });
    const noPool: ShardResult = {
      ...full,
      generator: { ...full.generator, poolSize: undefined, poolCap: undefined },
    };
    const { peakRps: _peak, ...noPeak } = rateRun;

    expect(mergeShards(rateRun, [full]).validity.valid).toBe(false);
    expect(mergeShards(rateRun, [noPool]).validity.valid).toBe(true);
    expect(mergeShards(noPeak, [full]).validity.valid).toBe(true);
  });

  it('counts the download in the time a connection is held: 40 ms to first byte plus 41 ms of body is 81 ms', () => {
    const withBody = (downloadMs: number) => {
      const recorder = new ShardRecorder(0);
      for (let i = 0; i < 600; i++) {
        recorder.recordPhases({ dnsMs: -1, connectMs: -1, tlsMs: -1, ttfbMs: 40, downloadMs });
        recorder.record(i * 10, (40 + Math.max(0, downloadMs)) * 1000, 200, undefined, 2);
      }
      const base = queuedShard({ sent: 600, queued: 100, answerMs: 40, cap: 10 });
      const { probeId, shard, kind, startedAt, durationMs, generator } = base;
      return recorder.toResult({ probeId, shard, kind, startedAt, durationMs, generator });
    };

    const slowBody = mergeShards(rateRun, [withBody(41)]).validity;
    expect(slowBody.valid).toBe(false);
    expect(slowBody.reasons[0]).toMatch(/median answer of 81 ms keeps about 9 busy/);
    // Without a download phase only the 40 ms to first byte count: 4 of 10 busy is not the pool's limit.
    expect(mergeShards(rateRun, [withBody(-1)]).validity.valid).toBe(true);
  });

  it('names an answer under 10 ms to the hundredth, one of 10 ms or more in whole ms', () => {
    const reason = (answerMs: number) =>
      mergeShards(rateRun, [queuedShard({ sent: 600, queued: 100, answerMs, cap: 1 })]).validity.reasons[0];

    expect(reason(9.5)).toMatch(/median answer of 9\.5\d* ms/);
    expect(reason(12.5)).toMatch(/median answer of 1[23] ms/);
  });
});

describe('the TLS facts and HTTP version of the run', () => {
  const cert = (subject: string, daysLeft: number) => ({
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    alpn: 'h2',
    certificate: { subject, issuer: 'CA', validTo: `2027-01-${10 + daysLeft}T00:00:00.000Z`, daysLeft },
  });
  const shard = (o: Partial<ShardResult>): ShardResult => ({
    ...shards([[10_000, 200]], 1)[0]!,
    ...o,
  });

  it('keeps the certificate with the fewest days left, whichever shard saw it, and says when shards differ', () => {
    const soon = shard({ tls: cert('a', 3), httpVersion: '2' });
    const later = shard({ tls: cert('b', 9), httpVersion: '1.1' });

    for (const order of [
      [soon, later],
      [later, soon],
    ]) {
      const run = mergeShards(identity(2), order);
      expect(run.tls).toStrictEqual({ ...cert('a', 3), shardsDiffer: true });
      expect(run.httpVersion).toBe('2');
    }
  });

  it('does not flag one certificate seen by every shard, nor a shard that saw no TLS', () => {
    const run = mergeShards(identity(3), [
      shard({ tls: cert('a', 5) }),
      shard({}),
      shard({ tls: cert('a', 5) }),
    ]);

    expect(run.tls).toStrictEqual(cert('a', 5));
    expect('httpVersion' in run).toBe(false);
  });

  it('keeps the first certificate of several equally close to expiry', () => {
    const run = mergeShards(identity(2), [shard({ tls: cert('a', 5) }), shard({ tls: cert('b', 5) })]);

    expect(run.tls?.certificate.subject).toBe('a');
    expect(run.tls?.shardsDiffer).toBe(true);
  });

  it('keeps the HTTP version of a plain-text run, and has neither field when no shard said', () => {
    const plain = mergeShards(identity(2), [shard({}), shard({ httpVersion: '1.1' })]);
    const unknown = mergeShards(identity(1), [shard({})]);

    expect(plain.httpVersion).toBe('1.1');
    expect('tls' in plain).toBe(false);
    expect('httpVersion' in unknown).toBe(false);
    expect('tls' in unknown).toBe(false);
  });

  it('keeps the run’s 5 slowest trace ids over all shards and the shards’ failed ones; none when no shard kept any', () => {
    const id = (n: number) => n.toString(16).padStart(32, '0');
    const slow = (...ms: number[]) => ms.map((m) => ({ traceId: id(m), ms: m }));
    const run = mergeShards(identity(2), [
      shard({ traces: { slowest: slow(9, 7, 5, 3, 1), failed: [{ traceId: id(100), errorClass: 'tls' }] } }),
      shard({ traces: { slowest: slow(8, 6), failed: [] } }),
    ]);
    const none = mergeShards(identity(2), [shard({}), shard({})]);

    expect(run.traces).toEqual({
      slowest: slow(9, 8, 7, 6, 5),
      failed: [{ traceId: id(100), errorClass: 'tls' }],
    });
    expect(none.traces).toBeUndefined();
  });

  it("keeps HTTP/2's most streams on one connection across shards, and none when no shard spoke h2", () => {
    const h2 = mergeShards(identity(3), [
      shard({ httpVersion: '2', maxStreamsPerConnection: 12 }),
      shard({ httpVersion: '2', maxStreamsPerConnection: 30 }),
      shard({}),
    ]);
    const h1 = mergeShards(identity(1), [shard({ httpVersion: '1.1' })]);

    expect(h2.maxStreamsPerConnection).toBe(30);
    expect('maxStreamsPerConnection' in h1).toBe(false);
  });

  it('lists only the error classes that happened', () => {
    const run = mergeShards(
      identity(1),
      shards(
        [
          [10_000, 200],
          [10_000, 503],
        ],
        1,
      ),
    );

    expect(Object.keys(run.errors)).toEqual(['http_5xx']);
  });
});
