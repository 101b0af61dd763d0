import { describe, expect, it } from 'vitest';
import { judgeRateLimit } from '../../../../functions/core/rate-limit/judge-rate-limit.ts';
import { RateLimitRecorder } from '../../../../functions/core/rate-limit/rate-limit-recorder.ts';
import { ShardRecorder } from '../../../../functions/core/shard-recorder.ts';
import type { ShardResult } from '../../../../functions/core/shard-result.ts';
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
