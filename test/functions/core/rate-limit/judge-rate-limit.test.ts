import { describe, expect, it } from 'vitest';
import { judgeRateLimit } from '../../../../functions/core/rate-limit/judge-rate-limit.ts';
import type { RateLimitShardResult, ShardResult } from '../../../../functions/core/shard-result.ts';

/** A shard that saw the limiter as `seen` says (a correct limiter at 150 % of its limit by default). */
const shard = (seen: Partial<RateLimitShardResult> | undefined): ShardResult =>
  ({
    rateLimit:
      seen === undefined
        ? undefined
        : {
            limit: 20,
            windowMs: 1_000,
            responses: 60,
            rejected: 20,
            expectedRejected: 20,
            withinLimit429s: 0,
            adviceProblems: 0,
            http5xx: 0,
            samples: [],
            ...seen,
          },
  }) as ShardResult;

describe('judgeRateLimit', () => {
  it('has nothing to judge without a shard that watched a limiter', () => {
    expect(judgeRateLimit([])).toBeUndefined();
    expect(judgeRateLimit([shard(undefined)])).toBeUndefined();
  });

  it('passes a limiter that refused what an exact one would, said when to retry, and let the next request through', () => {
    expect(judgeRateLimit([shard({ recovery: { afterMs: 1_020 } })])).toEqual({
      limit: 20,
      windowMs: 1_000,
      observed429Share: 20 / 60,
      expected429Share: 20 / 60,
      withinLimit429s: 0,
      retryAfterValid: true,
      recoveredAfterMs: 1_020,
      passed: true,
      reasons: [],
    });
  });

  it("adds the shards' observations before judging them", () => {
    const verdict = judgeRateLimit([
      shard(undefined),
      shard({ responses: 30, rejected: 10, expectedRejected: 10 }),
      shard({ responses: 70, rejected: 30, expectedRejected: 20, limit: 99 }),
    ]);

    expect(verdict).toMatchObject({ limit: 20, observed429Share: 0.4, expected429Share: 0.3, passed: true });
    expect(verdict).not.toHaveProperty('recoveredAfterMs');
  });

  it('fails a limiter that refused requests within the limit, or answered 5xx', () => {
    const verdict = judgeRateLimit([
      shard({ withinLimit429s: 1 }),
      shard({ withinLimit429s: 1, http5xx: 3 }),
    ]);

    expect(verdict).toMatchObject({
      withinLimit429s: 2,
      passed: false,
      reasons: ['2 429s for requests within the limit of 20', '3 5xx responses'],
    });
  });

  it('fails 429s that did not say when to retry, quoting two of their problems', () => {
    const verdict = judgeRateLimit([
      shard({
        adviceProblems: 2,
        samples: ['no Retry-After or RateLimit reset header', 'Retry-After "soon"'],
      }),
      shard({ adviceProblems: 1, samples: ['third'] }),
    ]);

    expect(verdict).toMatchObject({
      retryAfterValid: false,
      passed: false,
      reasons: [
        '3 of 40 429s did not say when to retry (no Retry-After or RateLimit reset header; Retry-After "soon")',
      ],
    });
  });

  it('passes a limiter that refused half of what an exact one would, and fails one that refused less', () => {
    const half = judgeRateLimit([shard({ responses: 100, rejected: 10, expectedRejected: 20 })]);
    const less = judgeRateLimit([shard({ responses: 100, rejected: 9, expectedRejected: 20 })]);

    expect(half).toMatchObject({ passed: true, reasons: [] });
    expect(less).toMatchObject({
      passed: false,
      reasons: ['the limiter refused 9.0% of requests where 20.0% were above the limit'],
    });
  });

  it('does not ask for refusals when an exact limiter would have refused none', () => {
    expect(judgeRateLimit([shard({ rejected: 0, expectedRejected: 0 })])).toMatchObject({ passed: true });
  });

  it('fails without a response to judge by, or when the request after the advertised wait failed', () => {
    expect(judgeRateLimit([shard({ responses: 0, rejected: 0, expectedRejected: 0 })])).toMatchObject({
      observed429Share: 0,
      expected429Share: 0,
      passed: false,
      reasons: ['no response to judge the limiter by'],
    });
    const failed = 'a request sent after the advertised 1000 ms wait still got 429';
    expect(judgeRateLimit([shard({}), shard({ recovery: { failed } })])).toMatchObject({
      recoveredAfterMs: null,
      passed: false,
      reasons: [failed],
    });
  });
});
