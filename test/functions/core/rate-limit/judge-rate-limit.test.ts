import { describe, expect, it } from 'vitest';
import { judgeRateLimit } from '../../../../functions/core/rate-limit/judge-rate-limit.ts';
import { RateLimitRecorder } from '../../../../functions/core/rate-limit/rate-limit-recorder.ts';
import { ShardRecorder } from '../../../../functions/core/shard-recorder.ts';
import type { RateLimitShardResult, ShardResult } from '../../../../functions/core/shard-result.ts';
import type { Exchange } from '../../../../functions/core/transport.ts';

const response = (status: number, startedMs: number): Exchange => ({
  status,
  errorClass: undefined,
  errorMessage: undefined,
  headers: status === 429 ? { 'retry-after': '1' } : {},
  body: undefined,
  bodyTruncated: false,
  bytes: 0,
  startedMs,
  endedMs: startedMs + 5,
  phases: { dnsMs: -1, connectMs: -1, tlsMs: -1, ttfbMs: 5, downloadMs: 0 },
  staleRetried: false,
});

/**
 * 100 sends at 25/s (every 40 ms, 4 s) against a declared 5/s, of which a limiter let through the first
 * `admittedPerSecond[s]` of each second s: every 429 then has at least 5 admitted in the window before it, so
 * none is "within the limit", and an exact sliding-window limiter would have admitted 20 (5 at the start of
 * each second).
 */
function limiterRun(admittedPerSecond: readonly number[]): ShardResult {
  const limiter = new RateLimitRecorder(5, 1_000);
  for (let i = 0; i < 100; i++) {
    const t = i * 40;
    const admitted = i % 25 < admittedPerSecond[Math.floor(i / 25)]!;
    limiter.record(response(admitted ? 200 : 429, t), t + 5);
  }
  return {
    ...new ShardRecorder(0).toResult({
      probeId: 'p',
      shard: 0,
      kind: 'rate',
      startedAt: new Date(0).toISOString(),
      durationMs: 4_000,
      generator: {
        intendedRequests: 100,
        sent: 100,
        lateSends: 0,
        queuedSends: 0,
        unsent: 0,
        eventLoopDelayP99Ms: 1,
      },
    }),
    rateLimit: limiter.toResult(undefined),
  };
}

describe('judgeRateLimit: over-admission', () => {
  it('passes a limiter that admits an exact limiter’s 20 plus the tolerance: 10 % and one window’s 5 (27)', () => {
    const verdict = judgeRateLimit([limiterRun([7, 7, 7, 6])])!;

    expect(verdict).toMatchObject({ admitted: 27, expectedAdmitted: 20, withinLimit429s: 0, passed: true });
    expect(verdict.reasons).toEqual([]);
  });

  it('fails a limiter that admits one more than the tolerance (28), and says by how much', () => {
    const verdict = judgeRateLimit([limiterRun([7, 7, 7, 7])])!;

    expect(verdict).toMatchObject({ admitted: 28, expectedAdmitted: 20, passed: false });
    expect(verdict.reasons).toEqual([
      "admitted 28 in 4 s against 5/s (1.40×): an exact limiter admits 20 of these requests, and more than 27 (10 % and one window's 5 above it) is over-admission",
    ]);
  });

  it('fails the limiter of the issue, 49 of 100 in 4 s against 5/s, as 2.45 times its limit', () => {
    const verdict = judgeRateLimit([limiterRun([13, 12, 12, 12])])!;

    expect(verdict.passed).toBe(false);
    expect(verdict.reasons[0]).toMatch(/^admitted 49 in 4 s against 5\/s \(2\.45×\)/);
  });

  it('still fails a limiter that refuses within its limit, though it admits no more than an exact one', () => {
    // 4 a second: every 429 comes with only 4 admitted in the window before it.
    const verdict = judgeRateLimit([limiterRun([4, 4, 4, 4])])!;

    expect(verdict.withinLimit429s).toBeGreaterThan(0);
    expect(verdict.passed).toBe(false);
    expect(verdict.reasons).toEqual([`${verdict.withinLimit429s} 429s for requests within the limit of 5`]);
  });
});

/** A shard that saw `rateLimit` (written by hand: the judge reads nothing else of the shard). */
const shardSaw = (rateLimit: RateLimitShardResult): ShardResult => ({
  ...limiterRun([5, 5, 5, 5]),
  rateLimit,
});

/**
 * 100 responses over 4 s against 5/s, 75 refused where an exact limiter refuses 80: 25 admitted against an exact
 * 20, within the tolerance of 27; `over` changes what the test is about.
 */
const saw = (over: Partial<RateLimitShardResult> = {}): RateLimitShardResult => ({
  limit: 5,
  windowMs: 1_000,
  responses: 100,
  rejected: 75,
  expectedRejected: 80,
  sendSpanMs: 4_000,
  withinLimit429s: 0,
  adviceProblems: 0,
  http5xx: 0,
  samples: [],
  ...over,
});

describe('judgeRateLimit: what it reports', () => {
  it('reports 429 shares of all responses and passes a limiter with nothing wrong', () => {
    const verdict = judgeRateLimit([shardSaw(saw())])!;

    expect(verdict).toEqual({
      limit: 5,
      windowMs: 1_000,
      observed429Share: 0.75,
      expected429Share: 0.8,
      admitted: 25,
      expectedAdmitted: 20,
      withinLimit429s: 0,
      retryAfterValid: true,
      passed: true,
      reasons: [],
    });
  });

  it('fails a run without a response, with shares of 0 rather than 0/0', () => {
    const none = saw({ responses: 0, rejected: 0, expectedRejected: 0, sendSpanMs: 1_000 });
    const verdict = judgeRateLimit([shardSaw(none)])!;

    expect(verdict).toMatchObject({ observed429Share: 0, expected429Share: 0, passed: false });
    expect(verdict.reasons).toEqual(['no response to judge the limiter by']);
  });

  it('judges nothing when no shard saw a limiter', () => {
    expect(judgeRateLimit([limiterRun([5, 5, 5, 5])].map(({ rateLimit: _, ...s }) => s))).toBeUndefined();
  });

  it('writes the declared limit per minute, per hour, or per any other window', () => {
    // 40 admitted against an exact 20: over the 27 allowed.
    const reason = (windowMs: number) =>
      judgeRateLimit([shardSaw(saw({ windowMs, rejected: 60, sendSpanMs: 4 * windowMs }))])!.reasons[0];

    expect(reason(1_000)).toMatch(/^admitted 40 in 4 s against 5\/s \(2\.00×\)/);
    expect(reason(60_000)).toMatch(/^admitted 40 in 240 s against 5\/min \(2\.00×\)/);
    expect(reason(3_600_000)).toMatch(/^admitted 40 in 14400 s against 5\/h \(2\.00×\)/);
    expect(reason(2_000)).toMatch(/^admitted 40 in 8 s against 5 per 2s \(2\.00×\)/);
  });

  it('leaves the span out of a result recorded before spans were, and takes the longest of several shards', () => {
    const { sendSpanMs: _, ...noSpan } = saw({ rejected: 60 });
    expect(judgeRateLimit([shardSaw(noSpan)])!.reasons[0]).toMatch(/^admitted 40 against 5\/s \(2\.00×\)/);

    // Two shards of 100 responses, 60 refused each: 80 admitted against an exact 40 (allowed 49).
    const verdict = judgeRateLimit([
      shardSaw(saw({ rejected: 60, sendSpanMs: 3_000 })),
      shardSaw(noSpan),
      shardSaw(saw({ rejected: 60, sendSpanMs: 4_000 })),
    ])!;
    expect(verdict).toMatchObject({ admitted: 120, expectedAdmitted: 60 });
    expect(verdict.reasons[0]).toMatch(/^admitted 120 in 4 s against 5\/s \(2\.00×\)/);
  });

  it('does not call it over-admission when an exact limiter would admit nothing (no ratio against zero)', () => {
    // A declared limit of 0: anything admitted is what the tolerance of one window's limit (0) cannot cover.
    const verdict = judgeRateLimit([shardSaw(saw({ limit: 0, rejected: 90, expectedRejected: 100 }))])!;

    expect(verdict).toMatchObject({ admitted: 10, expectedAdmitted: 0, passed: true });
  });

  it('fails on 429s that did not say when to retry, quoting two samples across shards', () => {
    const verdict = judgeRateLimit([
      shardSaw(saw({ rejected: 80, adviceProblems: 1, samples: ['no Retry-After'] })),
      shardSaw(
        saw({
          rejected: 80,
          adviceProblems: 2,
          samples: ['Retry-After "soon"', 'Retry-After asks for 101 s'],
        }),
      ),
    ])!;

    expect(verdict).toMatchObject({ retryAfterValid: false, passed: false });
    expect(verdict.reasons).toEqual([
      '3 of 160 429s did not say when to retry (no Retry-After; Retry-After "soon")',
    ]);
  });

  it('fails on 5xx answers', () => {
    const verdict = judgeRateLimit([shardSaw(saw({ http5xx: 2 }))])!;

    expect(verdict).toMatchObject({ retryAfterValid: true, passed: false });
    expect(verdict.reasons).toEqual(['2 5xx responses']);
  });

  it('reports the recovery of whichever shard tried it: its time, or null and the reason it failed', () => {
    // Each shard admits what an exact limiter would (20 of 100).
    const exact = { rejected: 80 };
    const recovered = judgeRateLimit([
      shardSaw(saw(exact)),
      shardSaw(saw({ ...exact, recovery: { afterMs: 1_003 } })),
    ])!;
    expect(recovered).toMatchObject({ recoveredAfterMs: 1_003, passed: true });

    const failed = judgeRateLimit([
      shardSaw(saw(exact)),
      shardSaw(saw({ ...exact, recovery: { failed: 'still 429 after the advertised 1 s' } })),
    ])!;
    expect(failed).toMatchObject({ recoveredAfterMs: null, passed: false });
    expect(failed.reasons).toEqual(['still 429 after the advertised 1 s']);
  });
});
