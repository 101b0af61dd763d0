import type { RateLimitShardResult, ShardResult } from '../shard-result.ts';

/** The verdict on a target's limiter (RunResult.rateLimit), judged as a critical check. */
export interface RateLimitVerdict {
  readonly limit: number;
  readonly windowMs: number;
  /** 429s of all responses. */
  readonly observed429Share: number;
  /** What a limiter of exactly `limit` per sliding window would have rejected of the same sends. */
  readonly expected429Share: number;
  /** 429s for requests within the limit: each one is a wrong answer. */
  readonly withinLimit429s: number;
  /** Every 429 said when to retry (Retry-After or RateLimit reset), with a sane value. */
  readonly retryAfterValid: boolean;
  /** From the last 429 to the success of a request sent after its advertised wait; null when it did not succeed; absent without a 429. */
  readonly recoveredAfterMs?: number | null;
  readonly passed: boolean;
  /** Why it failed, in words; empty when it passed. */
  readonly reasons: readonly string[];
}

/**
 * A limiter that limits too little lets through what was promised to be refused: it must reject at least this
 * share of what an exact limiter would (windows of fixed and sliding limiters line up differently).
 */
const MIN_SHARE_OF_EXPECTED = 0.5;

const pct = (f: number) => `${(100 * f).toFixed(1)}%`;

/** Judges the limiter from the shards' observations (a rate-limited probe runs as one shard). Pure. */
export function judgeRateLimit(shards: readonly ShardResult[]): RateLimitVerdict | undefined {
  const seen = shards.flatMap((s) => (s.rateLimit ? [s.rateLimit] : []));
  const first = seen[0];
  if (first === undefined) return undefined;
  const sum = (key: keyof Omit<RateLimitShardResult, 'samples' | 'recovery'>) =>
    seen.reduce((n, s) => n + s[key], 0);
  const responses = sum('responses');
  const rejected = sum('rejected');
  const expected = sum('expectedRejected');
  const within = sum('withinLimit429s');
  const adviceProblems = sum('adviceProblems');
  const http5xx = sum('http5xx');
  const recovery = seen.find((s) => s.recovery !== undefined)?.recovery;
  const observed429Share = responses > 0 ? rejected / responses : 0;
  const expected429Share = responses > 0 ? expected / responses : 0;
  const reasons: string[] = [];
  if (responses === 0) reasons.push('no response to judge the limiter by');
  if (within > 0) reasons.push(`${within} 429s for requests within the limit of ${first.limit}`);
  if (adviceProblems > 0) {
    const samples = seen.flatMap((s) => s.samples).slice(0, 2);
    reasons.push(`${adviceProblems} of ${rejected} 429s did not say when to retry (${samples.join('; ')})`);
  }
  if (http5xx > 0) reasons.push(`${http5xx} 5xx responses`);
  if (expected > 0 && observed429Share < expected429Share * MIN_SHARE_OF_EXPECTED) {
    reasons.push(
      `the limiter refused ${pct(observed429Share)} of requests where ${pct(expected429Share)} were above the limit`,
    );
  }
  if (recovery !== undefined && 'failed' in recovery) reasons.push(recovery.failed);
  return {
    limit: first.limit,
    windowMs: first.windowMs,
    observed429Share,
    expected429Share,
    withinLimit429s: within,
    retryAfterValid: adviceProblems === 0,
    ...(recovery === undefined ? {} : { recoveredAfterMs: 'afterMs' in recovery ? recovery.afterMs : null }),
    passed: reasons.length === 0,
    reasons,
  };
}
